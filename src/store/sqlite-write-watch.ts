import type Database from 'better-sqlite3';

/** How often other processes' commits are looked for (docs/configuration.md: changes reach all within 1 s). */
const externalCheckMs = 250;

/**
 * Another process on the same file (a second Gatehouse, or a worker) may revoke a token:
 * SQLite's data_version moves on each commit by another connection, and then `onExternalCommit`
 * is called, within externalCheckMs, so that every cache drops everything.
 */
export class SqliteWriteWatch {
  readonly #db: Database.Database;
  readonly #timer: NodeJS.Timeout;
  #dataVersion: number;

  constructor(db: Database.Database, onExternalCommit: () => void) {
    this.#db = db;
    this.#dataVersion = this.#readDataVersion();
    this.#timer = setInterval(() => this.#check(onExternalCommit), externalCheckMs).unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  #check(onExternalCommit: () => void): void {
    if (!this.#db.open) return;

    const version = this.#readDataVersion();
    if (version === this.#dataVersion) return;

    this.#dataVersion = version;
    onExternalCommit();
  }

  #readDataVersion(): number {
    return this.#db.pragma('data_version', { simple: true }) as number;
  }
}
