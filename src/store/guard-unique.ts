import { NameTakenError } from './store.js';

/** Runs an insert or update, turning SQLite's unique-constraint failure into NameTakenError. */
export function guardUnique(write: () => unknown, kind: string, name: string): void {
  try {
    write();
  } catch (error) {
    if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE')
      throw new NameTakenError(kind, name);
    throw error;
  }
}
