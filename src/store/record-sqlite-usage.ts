import type Database from 'better-sqlite3';
import type { TokenUsage } from './store.js';

/**
 * Writes a batch of token usage in one transaction: the first use is kept once set, and the
 * last use only moves forward (times are ISO 8601 text, which sorts in time order).
 */
export function recordSqliteUsage(db: Database.Database, usage: TokenUsage[]): void {
  const update = db.prepare(
    `UPDATE tokens SET first_used_at = COALESCE(first_used_at, ?),
       last_used_at = MAX(COALESCE(last_used_at, ''), ?) WHERE id = ?`,
  );

  db.transaction(() => {
    for (const use of usage) {
      update.run(use.firstUsedAt.toISOString(), use.lastUsedAt.toISOString(), use.tokenId);
    }
  })();
}
