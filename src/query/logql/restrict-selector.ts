import type { LabelMatcher, Selector } from '../../model/label-matcher.js';
import type { RangeAggregation, StreamSelector } from './logql-ast.js';

/** AND: the user's matchers, then the policy's (an identical matcher is not repeated). */
export function andMatchers(user: readonly LabelMatcher[], policy: Selector): LabelMatcher[] {
  const extra = policy.filter((needed) => !user.some((own) => sameMatcher(own, needed)));
  return [...user, ...extra];
}

export function restrictSelector(selector: StreamSelector, policy: Selector): StreamSelector {
  return { matchers: andMatchers(selector.matchers, policy) };
}

/** The same range aggregation reading only the streams of one policy selector. */
export function restrictAggregation(agg: RangeAggregation, policy: Selector): RangeAggregation {
  return {
    ...agg,
    range: { ...agg.range, selector: restrictSelector(agg.range.selector, policy) },
  };
}

export function sameMatcher(a: LabelMatcher, b: LabelMatcher): boolean {
  return a.name === b.name && a.op === b.op && a.value === b.value;
}
