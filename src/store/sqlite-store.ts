import Database from 'better-sqlite3';
import { chmodSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AccessPolicy } from '../model/access-policy.js';
import type { Org } from '../model/org.js';
import { services, type Service } from '../model/service.js';
import type { Stack } from '../model/stack.js';
import type { Token } from '../model/token.js';
import { ChangeFeed } from './change-feed.js';
import { guardUnique } from './guard-unique.js';
import { migrateSqlite } from './migrate-sqlite.js';
import { recordSqliteUsage } from './record-sqlite-usage.js';
import * as rows from './sqlite-rows.js';
import { SqliteWriteWatch } from './sqlite-write-watch.js';
import { definedOnly, numericOrNull, policyMatches, tokenMatches } from './store-filters.js';
import {
  maxNumericId,
  type NewPolicy,
  type NewStack,
  type NewToken,
  type PolicyFilter,
  type PolicyPatch,
  type StackPatch,
  type Store,
  type StoreChange,
  type TokenFilter,
  type TokenPatch,
  type TokenUsage,
} from './store.js';

type Db = Database.Database;

/**
 * The embedded store: one SQLite file in WAL mode (docs/configuration.md). better-sqlite3 is synchronous;
 * the async interface exists so that the PostgreSQL store can share it.
 */
export class SqliteStore implements Store {
  readonly #db: Db;
  readonly #changes = new ChangeFeed();
  readonly #watch: SqliteWriteWatch;

  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });

    this.#db = new Database(path);
    // The WAL and shared-memory files inherit the database file's mode.
    if (path !== ':memory:') chmodSync(path, 0o600);
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma('foreign_keys = ON');
    this.#db.pragma('busy_timeout = 5000');

    this.#watch = new SqliteWriteWatch(this.#db, () =>
      this.#changes.emit({ kind: 'external', id: '*' }),
    );
  }

  async migrate(): Promise<void> {
    migrateSqlite(this.#db);
  }

  async close(): Promise<void> {
    this.#watch.stop();
    this.#db.close();
  }

  onChange(listener: (change: StoreChange) => void): void {
    this.#changes.subscribe(listener);
  }

  async getSetting(key: string): Promise<string | undefined> {
    const value = this.#db.prepare('SELECT value FROM settings WHERE key = ?').pluck().get(key);
    return value as string | undefined;
  }

  async putSetting(key: string, value: string): Promise<void> {
    this.#db
      .prepare(
        'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
      )
      .run(key, value);
  }

  // Orgs

  async createOrg(slug: string, name: string): Promise<Org> {
    const id = this.#nextId();
    this.#db
      .prepare('INSERT INTO orgs (id, slug, name, created_at) VALUES (?, ?, ?, ?)')
      .run(id, slug, name, new Date().toISOString());

    this.#changes.emit({ kind: 'org', id: String(id) });
    return (await this.getOrg(id)) as Org;
  }

  async getOrg(idOrSlug: string | number): Promise<Org | undefined> {
    const row = this.#db
      .prepare('SELECT * FROM orgs WHERE id = ? OR slug = ?')
      .get(numericOrNull(idOrSlug), String(idOrSlug)) as rows.OrgRow | undefined;

    return row && rows.orgFromRow(row);
  }

  async listOrgs(): Promise<Org[]> {
    const all = this.#db.prepare('SELECT * FROM orgs ORDER BY id').all() as rows.OrgRow[];
    return all.map(rows.orgFromRow);
  }

  // Stacks

  async createStack(stack: NewStack): Promise<Stack> {
    const id = this.#db.transaction(() => this.#insertStack(stack))();

    this.#changes.emit({ kind: 'stack', id: String(id) });
    return (await this.getStack(id)) as Stack;
  }

  #insertStack(stack: NewStack): number {
    const id = this.#nextId();
    const instanceIds = Object.fromEntries(services.map((service) => [service, this.#nextId()]));
    const tenants = Object.fromEntries(
      services.map((service) => [service, String(instanceIds[service])]),
    );

    guardUnique(
      () =>
        this.#db
          .prepare(
            `INSERT INTO stacks (id, org_id, slug, name, region, description, url, labels,
             delete_protection, status, tenants, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?)`,
          )
          .run(
            id,
            stack.orgId,
            stack.slug,
            stack.name,
            stack.region,
            stack.description,
            stack.url,
            JSON.stringify(stack.labels),
            stack.deleteProtection ? 1 : 0,
            JSON.stringify(tenants),
            new Date().toISOString(),
          ),
      'stack',
      stack.slug,
    );

    const insert = this.#db.prepare(
      'INSERT INTO stack_instances (instance_id, stack_id, service) VALUES (?, ?, ?)',
    );
    for (const service of services) insert.run(instanceIds[service], id, service);

    return id;
  }

  async getStack(idOrSlug: string | number): Promise<Stack | undefined> {
    const row = this.#db
      .prepare('SELECT * FROM stacks WHERE id = ? OR slug = ?')
      .get(numericOrNull(idOrSlug), String(idOrSlug)) as rows.StackRow | undefined;

    return row && this.#stackFromRow(row);
  }

  async findStackByInstance(
    instanceId: number,
  ): Promise<{ stack: Stack; service: Service } | undefined> {
    const hit = this.#db
      .prepare('SELECT stack_id, service FROM stack_instances WHERE instance_id = ?')
      .get(instanceId) as { stack_id: number; service: Service } | undefined;
    if (!hit) return undefined;

    const stack = await this.getStack(hit.stack_id);
    return stack && { stack, service: hit.service };
  }

  async listStacks(orgId: number): Promise<Stack[]> {
    const all = this.#db
      .prepare('SELECT * FROM stacks WHERE org_id = ? ORDER BY id')
      .all(orgId) as rows.StackRow[];
    return all.map((row) => this.#stackFromRow(row));
  }

  async updateStack(id: number, patch: StackPatch): Promise<Stack | undefined> {
    const current = await this.getStack(id);
    if (!current) return undefined;

    const next = { ...current, ...definedOnly(patch) };
    guardUnique(
      () =>
        this.#db
          .prepare(
            `UPDATE stacks SET slug = ?, name = ?, description = ?, url = ?, labels = ?,
               delete_protection = ?, grafana_token_sealed = ?, updated_at = ? WHERE id = ?`,
          )
          .run(
            next.slug,
            next.name,
            next.description,
            next.url,
            JSON.stringify(next.labels),
            next.deleteProtection ? 1 : 0,
            next.grafanaTokenSealed,
            new Date().toISOString(),
            id,
          ),
      'stack',
      next.slug,
    );

    this.#changes.emit({ kind: 'stack', id: String(id) });
    return this.getStack(id);
  }

  async deleteStack(id: number): Promise<boolean> {
    const result = this.#db.prepare('DELETE FROM stacks WHERE id = ?').run(id);

    this.#changes.emit({ kind: 'stack', id: String(id) });
    return result.changes > 0;
  }

  #stackFromRow(row: rows.StackRow): Stack {
    const instances = this.#db
      .prepare('SELECT instance_id, service FROM stack_instances WHERE stack_id = ?')
      .all(row.id) as { instance_id: number; service: Service }[];
    const ids = Object.fromEntries(instances.map((it) => [it.service, it.instance_id]));

    return rows.stackFromRow(row, ids as Record<Service, number>);
  }

  // Access policies

  async createPolicy(policy: NewPolicy): Promise<AccessPolicy> {
    guardUnique(
      () =>
        this.#db
          .prepare(
            `INSERT INTO access_policies (id, org_id, region, name, display_name, scopes, realms,
               conditions, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            policy.id,
            policy.orgId,
            policy.region,
            policy.name,
            policy.displayName,
            JSON.stringify(policy.scopes),
            JSON.stringify(policy.realms),
            policy.conditions && JSON.stringify(policy.conditions),
            policy.status,
            new Date().toISOString(),
          ),
      'access policy',
      policy.name,
    );

    this.#changes.emit({ kind: 'policy', id: policy.id });
    return (await this.getPolicy(policy.id)) as AccessPolicy;
  }

  async getPolicy(id: string): Promise<AccessPolicy | undefined> {
    const row = this.#db.prepare('SELECT * FROM access_policies WHERE id = ?').get(id) as
      rows.PolicyRow | undefined;
    return row && rows.policyFromRow(row);
  }

  async listPolicies(filter: PolicyFilter): Promise<AccessPolicy[]> {
    const all = this.#db
      .prepare(
        'SELECT * FROM access_policies WHERE org_id = ? AND region = ? ORDER BY created_at, id',
      )
      .all(filter.orgId, filter.region) as rows.PolicyRow[];

    return all.map(rows.policyFromRow).filter((policy) => policyMatches(policy, filter));
  }

  async updatePolicy(id: string, patch: PolicyPatch): Promise<AccessPolicy | undefined> {
    const current = await this.getPolicy(id);
    if (!current) return undefined;

    const next = { ...current, ...definedOnly(patch) };
    this.#db
      .prepare(
        `UPDATE access_policies SET display_name = ?, scopes = ?, realms = ?, conditions = ?,
           status = ?, updated_at = ? WHERE id = ?`,
      )
      .run(
        next.displayName,
        JSON.stringify(next.scopes),
        JSON.stringify(next.realms),
        next.conditions && JSON.stringify(next.conditions),
        next.status,
        new Date().toISOString(),
        id,
      );

    this.#changes.emit({ kind: 'policy', id });
    return this.getPolicy(id);
  }

  async deletePolicy(id: string): Promise<boolean> {
    // Tokens go with their policy (ON DELETE CASCADE): a deleted policy authorizes nothing.
    const result = this.#db.prepare('DELETE FROM access_policies WHERE id = ?').run(id);

    this.#changes.emit({ kind: 'policy', id });
    return result.changes > 0;
  }

  // Tokens

  async createToken(token: NewToken): Promise<Token> {
    guardUnique(
      () =>
        this.#db
          .prepare(
            `INSERT INTO tokens (id, org_id, access_policy_id, region, name, display_name,
               secret_hash, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            token.id,
            token.orgId,
            token.accessPolicyId,
            token.region,
            token.name,
            token.displayName,
            token.secretHash,
            rows.toTime(token.expiresAt),
            new Date().toISOString(),
          ),
      'token',
      token.name,
    );

    this.#changes.emit({ kind: 'token', id: token.id });
    return (await this.getToken(token.id)) as Token;
  }

  async getToken(id: string): Promise<Token | undefined> {
    const row = this.#db.prepare('SELECT * FROM tokens WHERE id = ?').get(id) as
      rows.TokenRow | undefined;
    return row && rows.tokenFromRow(row);
  }

  async findTokenBySecretHash(secretHash: string): Promise<Token | undefined> {
    const row = this.#db.prepare('SELECT * FROM tokens WHERE secret_hash = ?').get(secretHash) as
      rows.TokenRow | undefined;

    return row && rows.tokenFromRow(row);
  }

  async listTokens(filter: TokenFilter): Promise<Token[]> {
    const all = this.#db
      .prepare('SELECT * FROM tokens WHERE org_id = ? AND region = ? ORDER BY created_at, id')
      .all(filter.orgId, filter.region) as rows.TokenRow[];

    return all.map(rows.tokenFromRow).filter((token) => tokenMatches(token, filter));
  }

  async updateToken(id: string, patch: TokenPatch): Promise<Token | undefined> {
    const current = await this.getToken(id);
    if (!current) return undefined;

    // definedOnly keeps an explicit `expiresAt: null`: it means "never expires".
    const next = { ...current, ...definedOnly(patch) };
    this.#db
      .prepare('UPDATE tokens SET display_name = ?, expires_at = ?, updated_at = ? WHERE id = ?')
      .run(next.displayName, rows.toTime(next.expiresAt), new Date().toISOString(), id);

    this.#changes.emit({ kind: 'token', id });
    return this.getToken(id);
  }

  async deleteToken(id: string): Promise<boolean> {
    const result = this.#db.prepare('DELETE FROM tokens WHERE id = ?').run(id);

    this.#changes.emit({ kind: 'token', id });
    return result.changes > 0;
  }

  async recordUsage(usage: TokenUsage[]): Promise<void> {
    recordSqliteUsage(this.#db, usage);
  }

  /** One sequence for every numeric id, so an instance id never equals another one. */
  #nextId(): number {
    const row = this.#db
      .prepare(
        `INSERT INTO sequences (name, next) VALUES ('ids', 2) ON CONFLICT(name)
         DO UPDATE SET next = next + 1 RETURNING next - 1 AS id`,
      )
      .get() as { id: number };
    if (row.id > maxNumericId) throw new Error('numeric id space (below 2^24) is exhausted');

    return row.id;
  }
}
