import type { CommandContext } from './command-context.js';

/** The list envelope of access policies and tokens (AccessPolicyListResponse). */
export interface CursorList<T> {
  items: T[];
  metadata?: { pagination?: { pageCursor?: string | null } };
}

/** Tables show one page; stderr says how to ask for the next, so stdout stays the table. */
export function morePagesNote(context: CommandContext, list: CursorList<unknown>): void {
  const cursor = list.metadata?.pagination?.pageCursor;
  if (cursor) context.io.err(`more results: add --page-cursor ${cursor}\n`);
}
