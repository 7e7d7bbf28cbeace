export interface Token {
  id: string;
  orgId: number;
  accessPolicyId: string;
  region: string;
  name: string;
  displayName: string;
  /** Keyed hash of the secret; the secret itself is never stored. */
  secretHash: string;
  expiresAt: Date | null;
  firstUsedAt: Date | null;
  lastUsedAt: Date | null;
  createdAt: Date;
  updatedAt: Date | null;
}
