import { invalid } from './input-fields.js';

export interface OffsetPage<T> {
  items: T[];
  page: number;
  pageSize: number;
  pages: number;
  total: number;
}

/**
 * Page-numbered lists (`/instances`, `/v1/stacks`, `/stack-regions`): pages count from 1, as in
 * Grafana Cloud's examples.
 */
export function offsetPage<T>(
  query: URLSearchParams,
  all: readonly T[],
  defaultSize: number,
): OffsetPage<T> {
  const page = readPositive(query, 'page', 1, Number.MAX_SAFE_INTEGER);
  const pageSize = readPositive(query, 'pageSize', defaultSize, 1000);
  const start = (page - 1) * pageSize;

  return {
    items: all.slice(start, start + pageSize),
    page,
    pageSize,
    pages: Math.ceil(all.length / pageSize),
    total: all.length,
  };
}

/** The envelope of `/instances`-style lists: the page plus its ordering. */
export function orderedEnvelope<T>(
  page: OffsetPage<T>,
  order: { orderBy: string; direction: 'asc' | 'desc' },
  wire: (item: T) => unknown,
): Record<string, unknown> {
  return { ...page, items: page.items.map(wire), ...order };
}

function readPositive(query: URLSearchParams, name: string, fallback: number, max: number): number {
  const raw = query.get(name);
  if (raw === null || raw === '') return fallback;

  const value = Number(raw);
  if (Number.isInteger(value) && value >= 1 && value <= max) return value;

  throw invalid(name, `expected an integer from 1 to ${max}, received ${JSON.stringify(raw)}`);
}
