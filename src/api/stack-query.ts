import type { Stack } from '../model/stack.js';
import { invalid } from './input-fields.js';

type Order = { orderBy: 'id' | 'name' | 'createdAt'; direction: 'asc' | 'desc' };

/**
 * The filters and ordering of `GET /instances` and `/orgs/<slug>/instances` that mean something
 * for a self-hosted stack (ids, names, slugs, region, status, labels). Lists are comma-separated
 * or repeated parameters.
 */
export function filterStacks(stacks: readonly Stack[], query: URLSearchParams): Stack[] {
  const conditions = [
    oneOf(query, 'id', 'idIn', (stack) => String(stack.id)),
    oneOf(query, 'name', 'nameIn', (stack) => stack.name),
    oneOf(query, 'slug', 'slugIn', (stack) => stack.slug),
    oneOf(query, 'region', 'regionIn', (stack) => stack.region),
    oneOf(query, 'url', 'urlIn', (stack) => stack.url),
    oneOf(query, 'status', 'statusIn', (stack) => stack.status),
    labelCondition(query),
  ];

  return stacks.filter((stack) => conditions.every((matches) => matches(stack)));
}

export function sortStacks(stacks: Stack[], query: URLSearchParams): Order {
  const order = readOrder(query);
  const sign = order.direction === 'asc' ? 1 : -1;
  const key = (stack: Stack): string | number =>
    order.orderBy === 'createdAt' ? stack.createdAt.getTime() : stack[order.orderBy];

  stacks.sort((a, b) => (key(a) < key(b) ? -sign : key(a) > key(b) ? sign : a.id - b.id));
  return order;
}

function oneOf(
  query: URLSearchParams,
  single: string,
  list: string,
  value: (stack: Stack) => string,
): (stack: Stack) => boolean {
  const wanted = [...query.getAll(single), ...query.getAll(list).flatMap((v) => v.split(','))];
  const set = new Set(wanted.filter((item) => item !== ''));

  return set.size === 0 ? () => true : (stack) => set.has(value(stack));
}

/** `labels=key:value` (repeatable): every pair must be on the stack. */
function labelCondition(query: URLSearchParams): (stack: Stack) => boolean {
  const pairs = query.getAll('labels').flatMap((v) => v.split(',').filter((p) => p !== ''));
  const wanted = pairs.map((pair) => {
    const at = pair.indexOf(':');
    if (at < 1) throw invalid('labels', `expected key:value, received "${pair}"`);
    return [pair.slice(0, at), pair.slice(at + 1)] as const;
  });

  return (stack) => wanted.every(([key, value]) => stack.labels[key] === value);
}

function readOrder(query: URLSearchParams): Order {
  const orderBy = query.get('orderBy') || 'id';
  const direction = query.get('direction') || 'asc';
  if (orderBy !== 'id' && orderBy !== 'name' && orderBy !== 'createdAt')
    throw invalid('orderBy', `expected id, name or createdAt, received "${orderBy}"`);
  if (direction !== 'asc' && direction !== 'desc')
    throw invalid('direction', `expected asc or desc, received "${direction}"`);

  return { orderBy, direction };
}
