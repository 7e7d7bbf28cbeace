import { unsupported } from './promql-errors.js';

/**
 * The most nodes an enforced query may print to. Enforcement under several selectors copies
 * subtrees, and nested range functions copy copies: a 500-byte query can otherwise become
 * megabytes (and seconds of the event loop) before Prometheus even sees it.
 */
export const maxEnforcedNodes = 20_000;

/**
 * Throws QUERY_UNSUPPORTED when `tree` would print more than `limit` nodes. The enforced tree
 * shares subtrees between copies, so the count is memoised per node: linear in the tree's
 * distinct nodes, however large the printed text would be.
 */
export function assertTreeWeight(tree: unknown, limit = maxEnforcedNodes): void {
  const weight = weigh(tree, new WeakMap());
  if (weight > limit) {
    throw unsupported(
      `under this label policy the query would grow to about ${weight} nodes (limit ${limit}); ` +
        'simplify it or split it',
    );
  }
}

function weigh(value: unknown, memo: WeakMap<object, number>): number {
  if (typeof value !== 'object' || value === null) return 0;

  const known = memo.get(value);
  if (known !== undefined) return known;

  let total = 1;
  for (const child of Object.values(value)) total += weigh(child, memo);

  memo.set(value, total);
  return total;
}
