import type Database from 'better-sqlite3';
import { sqliteMigrations } from './sqlite-migrations.js';

/**
 * Applies the schema versions not yet recorded in schema_migrations, each in its own
 * transaction together with its record, so a failed version leaves nothing half done.
 */
export function migrateSqlite(db: Database.Database): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY)');
  const done = db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[];

  sqliteMigrations.forEach((sql, index) => {
    if (done.includes(index + 1)) return;

    db.transaction(() => {
      db.exec(sql);
      db.prepare('INSERT INTO schema_migrations (version) VALUES (?)').run(index + 1);
    })();
  });
}
