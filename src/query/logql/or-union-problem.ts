import type { Selector } from '../../model/label-matcher.js';
import type { RangeAggregation } from './logql-ast.js';
import {
  changedPolicyLabels,
  extractablePolicyLabels,
  optionalPolicyLabels,
  policyLabelNames,
  policyLabelsLostByGrouping,
} from './policy-label-changes.js';

/**
 * Why `f(S1) or f(S2)` may differ from f over the union, or undefined when it cannot. `or` keeps
 * every left-side series and adds right-side series whose label set it lacks. That is the union
 * exactly when each output series carries the policy labels with their stream values: all
 * streams behind one series then match the same selectors, and each copy has all or none of
 * them. A pipeline that changes a policy label, a grouping that drops one, or a parser that may
 * add one a stream lacks breaks that.
 */
export function orUnionProblem(
  agg: RangeAggregation,
  scope: readonly Selector[],
): string | undefined {
  const names = policyLabelNames(scope);
  const changed = changedPolicyLabels(agg.range, names);
  if (changed.length > 0) {
    return `its pipeline changes the policy label ${changed.join(', ')}`;
  }
  const lost = policyLabelsLostByGrouping(agg.grouping, names);
  if (lost.length > 0) {
    return `its by/without clause drops the policy label ${lost.join(', ')}`;
  }
  const extracted = extractablePolicyLabels(agg.range, optionalPolicyLabels(scope));
  if (extracted.length > 0) {
    return `its parser may extract the policy label ${extracted.join(', ')}`;
  }
  return undefined;
}
