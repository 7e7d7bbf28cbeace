/**
 * Versioned schema of the SQLite store. Append new versions; never edit an applied one.
 * Times are ISO 8601 strings in UTC with milliseconds, so they sort as text.
 */
export const sqliteMigrations: readonly string[] = [
  `
  CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE sequences (name TEXT PRIMARY KEY, next INTEGER NOT NULL);
  CREATE TABLE orgs (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT
  );
  CREATE TABLE stacks (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    region TEXT NOT NULL,
    description TEXT NOT NULL,
    url TEXT NOT NULL,
    labels TEXT NOT NULL,
    delete_protection INTEGER NOT NULL,
    status TEXT NOT NULL,
    tenants TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT
  );
  CREATE TABLE stack_instances (
    instance_id INTEGER PRIMARY KEY,
    stack_id INTEGER NOT NULL REFERENCES stacks(id) ON DELETE CASCADE,
    service TEXT NOT NULL,
    UNIQUE (stack_id, service)
  );
  CREATE TABLE access_policies (
    id TEXT PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    region TEXT NOT NULL,
    name TEXT NOT NULL,
    display_name TEXT NOT NULL,
    scopes TEXT NOT NULL,
    realms TEXT NOT NULL,
    conditions TEXT,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT,
    UNIQUE (org_id, region, name)
  );
  CREATE TABLE tokens (
    id TEXT PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    access_policy_id TEXT NOT NULL REFERENCES access_policies(id) ON DELETE CASCADE,
    region TEXT NOT NULL,
    name TEXT NOT NULL,
    display_name TEXT NOT NULL,
    secret_hash TEXT NOT NULL UNIQUE,
    expires_at TEXT,
    first_used_at TEXT,
    last_used_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT,
    UNIQUE (org_id, region, name)
  );
  CREATE INDEX tokens_by_policy ON tokens (access_policy_id);
  `,
  // 2: the stack's own Grafana (plugins API): a service-account token sealed with the data key.
  `ALTER TABLE stacks ADD COLUMN grafana_token_sealed TEXT;`,
];
