import type { RequestContext } from '../http/route.js';
import { invalid } from './input-fields.js';

interface Keyed {
  id: string;
  createdAt: Date;
}

export interface Page<T> {
  items: T[];
  pageSize: number;
  nextCursor: string | null;
}

const maxPageSize = 500;

/**
 * Keyset paging over items sorted by (createdAt, id): the opaque cursor is the last key seen,
 * so items created between pages are neither skipped nor repeated.
 */
export function cursorPage<T extends Keyed>(context: RequestContext, sorted: T[]): Page<T> {
  const pageSize = readPageSize(context.url.searchParams.get('pageSize'));
  const after = readCursor(context.url.searchParams.get('pageCursor'));
  const rest = after ? sorted.filter((item) => keyOf(item) > after) : sorted;
  const items = rest.slice(0, pageSize);
  const last = items[items.length - 1];

  return {
    items,
    pageSize,
    nextCursor: rest.length > pageSize && last ? encodeCursor(keyOf(last)) : null,
  };
}

/**
 * The envelope of the access-policy and token lists (AccessPolicyListResponse). `nextPage` is
 * relative to the API root like Grafana Cloud's, and repeats the region and page size so that
 * following it gives the next page of the same list.
 */
export function listEnvelope<T>(
  page: Page<T>,
  path: string,
  wire: (item: T) => unknown,
  query?: URLSearchParams,
): unknown {
  return {
    items: page.items.map(wire),
    metadata: {
      pagination: {
        pageSize: page.pageSize,
        pageCursor: page.nextCursor,
        nextPage: page.nextCursor ? nextPageOf(path, page, query) : null,
      },
    },
  };
}

function nextPageOf<T>(path: string, page: Page<T>, query: URLSearchParams | undefined): string {
  const next = new URLSearchParams(query);
  next.set('pageSize', String(page.pageSize));
  next.set('pageCursor', page.nextCursor ?? '');

  return `${path}?${next.toString()}`;
}

function keyOf(item: Keyed): string {
  return `${item.createdAt.toISOString()}|${item.id}`;
}

function readPageSize(raw: string | null): number {
  if (raw === null || raw === '') return maxPageSize;

  const size = Number(raw);
  if (!Number.isInteger(size) || size < 1 || size > maxPageSize) {
    throw invalid(
      'pageSize',
      `expected an integer from 1 to ${maxPageSize}, received ${JSON.stringify(raw)}`,
    );
  }

  return size;
}

function readCursor(raw: string | null): string | null {
  if (raw === null || raw === '') return null;

  const decoded = Buffer.from(raw, 'base64url').toString('utf8');
  if (!/^\d{4}-.+Z\|.+$/.test(decoded))
    throw invalid('pageCursor', 'not a cursor returned by this API');

  return decoded;
}

function encodeCursor(key: string): string {
  return Buffer.from(key, 'utf8').toString('base64url');
}
