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
  createdAt: Date;
  updatedAt: Date | null;
}
