import type { AccessPolicy, PolicyStatus } from '../model/access-policy.js';
import type { Org } from '../model/org.js';
import type { Service } from '../model/service.js';
import type { Stack } from '../model/stack.js';
import type { Token } from '../model/token.js';

/** Row shapes of the SQLite tables and their mapping to the domain model. */
export interface OrgRow {
  id: number;
  slug: string;
  name: string;
  created_at: string;
  updated_at: string | null;
}

export interface StackRow {
  id: number;
  org_id: number;
  slug: string;
  name: string;
  region: string;
  description: string;
  url: string;
  labels: string;
  delete_protection: number;
  status: string;
  tenants: string;
  grafana_token_sealed: string | null;
  created_at: string;
  updated_at: string | null;
}

export interface PolicyRow {
  id: string;
  org_id: number;
  region: string;
  name: string;
  display_name: string;
  scopes: string;
  realms: string;
  conditions: string | null;
  status: string;
  created_at: string;
  updated_at: string | null;
}

export interface TokenRow {
  id: string;
  org_id: number;
  access_policy_id: string;
  region: string;
  name: string;
  display_name: string;
  secret_hash: string;
  expires_at: string | null;
  first_used_at: string | null;
  last_used_at: string | null;
  created_at: string;
  updated_at: string | null;
}

export function toTime(date: Date | null): string | null {
  return date === null ? null : date.toISOString();
}

function fromTime(text: string | null): Date | null {
  return text === null ? null : new Date(text);
}

export function orgFromRow(row: OrgRow): Org {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    createdAt: new Date(row.created_at),
    updatedAt: fromTime(row.updated_at),
  };
}

export function stackFromRow(row: StackRow, instanceIds: Record<Service, number>): Stack {
  return {
    id: row.id,
    orgId: row.org_id,
    slug: row.slug,
    name: row.name,
    region: row.region,
    description: row.description,
    url: row.url,
    labels: JSON.parse(row.labels) as Record<string, string>,
    deleteProtection: row.delete_protection === 1,
    status: row.status === 'deleted' ? 'deleted' : 'active',
    instanceIds,
    tenants: JSON.parse(row.tenants) as Record<Service, string>,
    grafanaTokenSealed: row.grafana_token_sealed,
    createdAt: new Date(row.created_at),
    updatedAt: fromTime(row.updated_at),
  };
}

export function policyFromRow(row: PolicyRow): AccessPolicy {
  return {
    id: row.id,
    orgId: row.org_id,
    region: row.region,
    name: row.name,
    displayName: row.display_name,
    scopes: JSON.parse(row.scopes) as string[],
    realms: JSON.parse(row.realms) as AccessPolicy['realms'],
    conditions:
      row.conditions === null ? null : (JSON.parse(row.conditions) as AccessPolicy['conditions']),
    status: row.status as PolicyStatus,
    createdAt: new Date(row.created_at),
    updatedAt: fromTime(row.updated_at),
  };
}

export function tokenFromRow(row: TokenRow): Token {
  return {
    id: row.id,
    orgId: row.org_id,
    accessPolicyId: row.access_policy_id,
    region: row.region,
    name: row.name,
    displayName: row.display_name,
    secretHash: row.secret_hash,
    expiresAt: fromTime(row.expires_at),
    firstUsedAt: fromTime(row.first_used_at),
    lastUsedAt: fromTime(row.last_used_at),
    createdAt: new Date(row.created_at),
    updatedAt: fromTime(row.updated_at),
  };
}
