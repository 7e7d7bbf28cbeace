export type PolicyStatus = 'active' | 'inactive';
export type RealmType = 'org' | 'stack';

export interface LabelPolicy {
  selector: string;
}

export interface Realm {
  type: RealmType;
  identifier: string;
  labelPolicies: LabelPolicy[];
}

export interface PolicyConditions {
  allowedSubnets: string[];
}

export interface AccessPolicy {
  id: string;
  orgId: number;
  region: string;
  name: string;
  displayName: string;
  scopes: string[];
  realms: Realm[];
  conditions: PolicyConditions | null;
  status: PolicyStatus;
  createdAt: Date;
  updatedAt: Date | null;
}
