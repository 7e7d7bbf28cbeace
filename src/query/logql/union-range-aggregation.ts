import type { Selector } from '../../model/label-matcher.js';
import { unsupported } from '../promql/promql-errors.js';
import type { MetricExpr, RangeAggregation, RangeOp, VectorOp } from './logql-ast.js';
import { chain, paren } from './logql-builders.js';
import { disjointSelectors } from './disjoint-selectors.js';
import { orUnionProblem } from './or-union-problem.js';
import { restrictAggregation } from './restrict-selector.js';

/** The temporary label that keeps the parts of a tagged union apart (see taggedUnion). */
export const partLabel = '__gatehouse_part__';

/** A query grows with the number of parts; beyond this the policy needs fewer selectors. */
const MAX_PARTS = 16;

/**
 * Range aggregations whose value over a union of stream sets follows from the values over the
 * parts: sums over disjoint parts add up, maxima and minima over overlapping parts combine.
 * rate is a count or sum divided by the range, so it adds up too; rate_counter does not.
 */
const combinable: Partial<Record<RangeOp, { op: VectorOp; disjoint: boolean }>> = {
  count_over_time: { op: 'sum', disjoint: true },
  bytes_over_time: { op: 'sum', disjoint: true },
  rate: { op: 'sum', disjoint: true },
  bytes_rate: { op: 'sum', disjoint: true },
  sum_over_time: { op: 'sum', disjoint: true },
  max_over_time: { op: 'max', disjoint: false },
  min_over_time: { op: 'min', disjoint: false },
};

/**
 * The range aggregation over the union of the scope's selectors. Where `or` is exact
 * (orUnionProblem) it is `(f({...S1}) or f({...S2}))`, each copy with the user's offset, range
 * and parameter. Otherwise a combinable function is computed per part and combined; anything
 * else is rejected with the reason.
 */
export function unionRangeAggregation(
  agg: RangeAggregation,
  scope: readonly Selector[],
): MetricExpr {
  const problem = orUnionProblem(agg, scope);
  if (problem === undefined) {
    const copies = scope.map((policy) => restrictAggregation(agg, policy));
    return paren(chain('or', copies));
  }

  const combine = combinable[agg.op];
  if (!combine) {
    throw unsupported(
      `${agg.op} cannot be computed over several label policy selectors because ${problem}`,
    );
  }
  const parts = combine.disjoint ? disjointSelectors(scope) : [...scope];
  if (parts.length > MAX_PARTS) {
    throw unsupported(`${agg.op} would need ${parts.length} parts under this label policy`);
  }
  return taggedUnion(agg, parts, combine.op);
}

/**
 * `sum without (__gatehouse_part__) (label_replace(f(P1), "__gatehouse_part__", "1", ...) or
 * ...)`: each part is tagged so `or` keeps every series of every part, and the aggregation
 * without the tag combines series that only the tag told apart. Every other label stays.
 */
function taggedUnion(agg: RangeAggregation, parts: readonly Selector[], op: VectorOp): MetricExpr {
  const tagged = parts.map((part, i) => tag(restrictAggregation(agg, part), String(i + 1)));
  return {
    kind: 'vectorAggregation',
    op,
    grouping: { without: true, labels: [partLabel] },
    expr: chain('or', tagged),
  };
}

function tag(expr: MetricExpr, value: string): MetricExpr {
  return {
    kind: 'labelReplace',
    expr,
    dst: partLabel,
    replacement: value,
    src: partLabel,
    regex: '',
  };
}
