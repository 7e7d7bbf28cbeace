import type { Selector } from '../../model/label-matcher.js';
import { sameLabels } from '../promql/absent-labels.js';
import { unsupported } from '../promql/promql-errors.js';
import type { MetricExpr, RangeAggregation } from './logql-ast.js';
import { chain, sumAll, withLabels } from './logql-builders.js';
import { lokiAbsentLabels } from './loki-absent-labels.js';
import { restrictAggregation } from './restrict-selector.js';

/**
 * absent_over_time over the policy's streams: 1 when none of them has an entry in the range. The
 * union of per-selector answers would be wrong (absent from one selector is not absent from
 * all); the intersection is right: `sum(absent_over_time(S1)) and sum(absent_over_time(S2))`,
 * where sum() drops the labels so the sides match. The result then gets the labels Loki derives
 * from the user's own selector, so policy matchers neither leak into nor remove them.
 */
export function enforceAbsentOverTime(
  agg: RangeAggregation,
  scope: readonly Selector[],
): MetricExpr {
  const wanted = lokiAbsentLabels(agg.range.selector.matchers);
  const copies = scope.map((policy) => restrictAggregation(agg, policy));
  const [only, ...others] = copies;
  const keepsLabels = (copy: RangeAggregation): boolean =>
    sameLabels(lokiAbsentLabels(copy.range.selector.matchers), wanted);
  if (only && others.length === 0 && keepsLabels(only)) {
    return only;
  }
  if (agg.grouping) {
    // Loki documents no grouping for absent_over_time; its labels cannot be rebuilt around one.
    throw unsupported('absent_over_time with by/without cannot be enforced under this policy');
  }

  return withLabels(chain('and', copies.map(sumAll)), wanted);
}
