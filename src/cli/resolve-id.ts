import type { ApiClient } from './api-client.js';
import { failure } from './cli-error.js';

/** Policy and token ids are UUIDs (the API makes them with randomUUID). */
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface Named {
  id?: unknown;
}

/**
 * The id of a policy or token given its id or its name. Names are unique per org and region,
 * so the `name` filter of the list answers at most one item.
 */
export async function resolveId(
  api: ApiClient,
  what: { kind: 'access policy' | 'token'; path: string; region: string },
  idOrName: string,
): Promise<string> {
  if (uuidPattern.test(idOrName)) return idOrName;

  // An expired token still has its name; only the token list reads includeExpired.
  const expired = what.kind === 'token' ? { includeExpired: 'true' } : {};
  const query = { region: what.region, name: idOrName, ...expired };
  const answer = (await api.get(what.path, query)) as { items?: Named[] };
  const id = answer.items?.[0]?.id;
  if (typeof id !== 'string')
    throw failure(`no ${what.kind} named "${idOrName}" in region ${what.region}`);

  return id;
}

/** A stack realm names the stack by id; a slug is looked up with GET /api/instances/<slug>. */
export async function resolveStackId(api: ApiClient, idOrSlug: string): Promise<string> {
  if (/^\d+$/.test(idOrSlug)) return idOrSlug;

  const stack = (await api.get(`/api/instances/${encodeURIComponent(idOrSlug)}`)) as Named;
  return String(stack.id);
}
