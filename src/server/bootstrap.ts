import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SecretBox } from '../auth/secret-box.js';
import { SecretHasher } from '../auth/secret-hasher.js';
import { encodeToken } from '../auth/token-codec.js';
import type { Config } from '../config/config.js';
import type { Org } from '../model/org.js';
import type { Store } from '../store/store.js';

/** Scopes of the first admin policy: all of management and all data scopes Gatehouse serves. */
export const adminScopes = [
  'accesspolicies:read',
  'accesspolicies:write',
  'accesspolicies:delete',
  'stacks:read',
  'stacks:write',
  'stacks:delete',
  'stack-plugins:read',
  'stack-plugins:write',
  'stack-plugins:delete',
  'orgs:read',
  'metrics:read',
  'metrics:write',
  'logs:read',
  'logs:write',
  'logs:delete',
  'traces:read',
  'traces:write',
  'profiles:read',
  'profiles:write',
  'alerts:read',
  'alerts:write',
  'rules:read',
  'rules:write',
];

/**
 * A server key kept beside the database as base64 in `<dataDir>/<fileName>`: created once on the
 * first start (mode 0600, never overwritten), read on every later start.
 */
export function loadServerKey(config: Config, fileName: string, newKey: () => Buffer): Buffer {
  const path = join(config.dataDir, fileName);
  if (existsSync(path)) return Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');

  const key = newKey();
  writeFileSync(path, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  return key;
}

/** The HMAC key for token secrets. */
export function loadHashKey(config: Config): Buffer {
  return loadServerKey(config, 'token-hash.key', SecretHasher.newKey);
}

/** The AES-256-GCM key of the secret box (stack Grafana tokens). */
export function loadSecretBoxKey(config: Config): Buffer {
  return loadServerKey(config, 'secret-box.key', SecretBox.newKey);
}

export interface BootstrapResult {
  org: Org;
  /** Set only on the very first start, when the admin token was just created. */
  adminToken?: string;
}

/**
 * First start on an empty store (docs/configuration.md): the org, an admin policy with an org realm and its
 * token, written once to <dataDir>/admin-token (mode 0600). Later starts only load the org.
 */
export async function bootstrap(
  config: Config,
  store: Store,
  hasher: SecretHasher,
): Promise<BootstrapResult> {
  const existing = (await store.listOrgs())[0];
  if (existing) return { org: existing };

  const org = await store.createOrg(config.org.slug, config.org.name);
  const region = config.regions[0]?.slug ?? 'local';
  const policy = await store.createPolicy({
    id: randomUUID(),
    orgId: org.id,
    region,
    name: 'gatehouse-admin',
    displayName: 'Gatehouse admin (created at first start)',
    scopes: adminScopes,
    realms: [{ type: 'org', identifier: String(org.id), labelPolicies: [] }],
    conditions: null,
    status: 'active',
  });

  const secret = SecretHasher.newSecret();
  await store.createToken({
    id: randomUUID(),
    orgId: org.id,
    accessPolicyId: policy.id,
    region,
    name: 'bootstrap',
    displayName: 'bootstrap',
    secretHash: hasher.hash(secret),
    expiresAt: null,
  });

  const adminToken = encodeToken({
    orgId: String(org.id),
    name: `${policy.name}-bootstrap`,
    secret,
    region,
  });
  writeFileSync(join(config.dataDir, 'admin-token'), adminToken + '\n', { mode: 0o600 });
  return { org, adminToken };
}
