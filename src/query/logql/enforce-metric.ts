import type { Selector } from '../../model/label-matcher.js';
import { enforceAbsentOverTime } from './enforce-absent-over-time.js';
import type { MetricExpr, RangeAggregation } from './logql-ast.js';
import { restrictAggregation } from './restrict-selector.js';
import { unionRangeAggregation } from './union-range-aggregation.js';

/**
 * Rewrites a metric query so every range aggregation computes over exactly the streams of the
 * scope (normalised, non-empty). Range aggregations are the only readers of streams, and each is
 * replaced by one self-contained expression, so everything above it (vector aggregations, binary
 * operations, label_replace) computes what it would compute over the filtered data.
 */
export function enforceMetric(expr: MetricExpr, scope: readonly Selector[]): MetricExpr {
  switch (expr.kind) {
    case 'rangeAggregation':
      return enforceRangeAggregation(expr, scope);
    case 'vectorAggregation':
    case 'labelReplace':
    case 'paren':
      return { ...expr, expr: enforceMetric(expr.expr, scope) };
    case 'binary':
      return {
        ...expr,
        left: enforceMetric(expr.left, scope),
        right: enforceMetric(expr.right, scope),
      };
    case 'literal':
    case 'vector':
      return expr;
    default: {
      const never: never = expr;
      throw new Error(`unknown LogQL node ${JSON.stringify(never)}`);
    }
  }
}

function enforceRangeAggregation(agg: RangeAggregation, scope: readonly Selector[]): MetricExpr {
  if (agg.op === 'absent_over_time') {
    return enforceAbsentOverTime(agg, scope);
  }
  const [only, ...others] = scope;
  if (only && others.length === 0) {
    return restrictAggregation(agg, only);
  }
  return unionRangeAggregation(agg, scope);
}
