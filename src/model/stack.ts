import type { Service } from './service.js';

export interface Stack {
  id: number;
  orgId: number;
  slug: string;
  name: string;
  region: string;
  description: string;
  url: string;
  labels: Record<string, string>;
  deleteProtection: boolean;
  status: 'active' | 'deleted';
  /** Numeric instance id per service (the basic-auth user). */
  instanceIds: Record<Service, number>;
  /** Upstream tenant per service; defaults to the instance id. */
  tenants: Record<Service, string>;
  /** Service-account token of the stack's Grafana (plugins API), sealed; never sent out. */
  grafanaTokenSealed: string | null;
  createdAt: Date;
  updatedAt: Date | null;
}
