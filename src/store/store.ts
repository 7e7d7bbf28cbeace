import type { AccessPolicy, PolicyStatus, RealmType } from '../model/access-policy.js';
import type { Org } from '../model/org.js';
import type { Service } from '../model/service.js';
import type { Stack } from '../model/stack.js';
import type { Token } from '../model/token.js';

export type NewStack = Omit<
  Stack,
  'id' | 'instanceIds' | 'tenants' | 'createdAt' | 'updatedAt' | 'status' | 'grafanaTokenSealed'
>;
export type NewPolicy = Omit<AccessPolicy, 'createdAt' | 'updatedAt'>;
export type NewToken = Omit<Token, 'firstUsedAt' | 'lastUsedAt' | 'createdAt' | 'updatedAt'>;

export type PolicyPatch = Partial<
  Pick<AccessPolicy, 'displayName' | 'scopes' | 'realms' | 'conditions' | 'status'>
>;
export type TokenPatch = Partial<Pick<Token, 'displayName' | 'expiresAt'>>;
export type StackPatch = Partial<
  Pick<
    Stack,
    'slug' | 'name' | 'description' | 'url' | 'labels' | 'deleteProtection' | 'grafanaTokenSealed'
  >
>;

export interface PolicyFilter {
  orgId: number;
  region: string;
  name?: string;
  realmType?: RealmType;
  realmIdentifier?: string;
  status?: PolicyStatus;
}

export interface TokenFilter {
  orgId: number;
  region: string;
  accessPolicyIds?: string[];
  name?: string;
  includeExpired?: boolean;
  expiresBefore?: Date;
  expiresAfter?: Date;
  now?: Date;
}

/** Token usage gathered in memory and written in one batch (docs/configuration.md). */
export interface TokenUsage {
  tokenId: string;
  firstUsedAt: Date;
  lastUsedAt: Date;
}

export interface StoreChange {
  /** `external`: another process changed the store; what changed is unknown. */
  kind: 'policy' | 'token' | 'stack' | 'org' | 'external';
  id: string;
}

/** What every store (SQLite now, PostgreSQL later) offers; ids below 2^24 (docs/api.md). */
export interface Store {
  migrate(): Promise<void>;
  close(): Promise<void>;
  onChange(listener: (change: StoreChange) => void): void;

  getSetting(key: string): Promise<string | undefined>;
  putSetting(key: string, value: string): Promise<void>;

  createOrg(slug: string, name: string): Promise<Org>;
  getOrg(idOrSlug: string | number): Promise<Org | undefined>;
  listOrgs(): Promise<Org[]>;

  createStack(stack: NewStack): Promise<Stack>;
  getStack(idOrSlug: string | number): Promise<Stack | undefined>;
  findStackByInstance(instanceId: number): Promise<{ stack: Stack; service: Service } | undefined>;
  listStacks(orgId: number): Promise<Stack[]>;
  updateStack(id: number, patch: StackPatch): Promise<Stack | undefined>;
  deleteStack(id: number): Promise<boolean>;

  createPolicy(policy: NewPolicy): Promise<AccessPolicy>;
  getPolicy(id: string): Promise<AccessPolicy | undefined>;
  listPolicies(filter: PolicyFilter): Promise<AccessPolicy[]>;
  updatePolicy(id: string, patch: PolicyPatch): Promise<AccessPolicy | undefined>;
  deletePolicy(id: string): Promise<boolean>;

  createToken(token: NewToken): Promise<Token>;
  getToken(id: string): Promise<Token | undefined>;
  findTokenBySecretHash(secretHash: string): Promise<Token | undefined>;
  listTokens(filter: TokenFilter): Promise<Token[]>;
  updateToken(id: string, patch: TokenPatch): Promise<Token | undefined>;
  deleteToken(id: string): Promise<boolean>;
  recordUsage(usage: TokenUsage[]): Promise<void>;
}

/** Thrown by stores when a unique name is already taken; the API maps it to 409. */
export class NameTakenError extends Error {
  constructor(
    readonly kind: string,
    readonly takenName: string,
  ) {
    super(`${kind} ${takenName} already exists`);
    this.name = 'NameTakenError';
  }
}

export const maxNumericId = 16_777_215;
