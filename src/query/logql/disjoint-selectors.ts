import type { LabelMatcher, MatchOp, Selector } from '../../model/label-matcher.js';
import { andMatchers, sameMatcher } from './restrict-selector.js';

const negated: Readonly<Record<MatchOp, MatchOp>> = {
  '=': '!=',
  '!=': '=',
  '=~': '!~',
  '!~': '=~',
};

/**
 * Selectors that match pairwise disjoint sets of streams and together exactly the streams of
 * `scope`: selector j is kept only outside selectors 0..j-1. Outside `{m1, m2}` is written as
 * the disjoint alternatives `{m1!}` and `{m1, m2!}` (m! the negated matcher: `!=` for `=`, `!~`
 * for `=~`, each matching exactly the streams the other does not, a missing label included).
 * Pieces that contain a matcher and its negation are empty and left out.
 */
export function disjointSelectors(scope: readonly Selector[]): Selector[] {
  return scope.flatMap((selector, j) =>
    scope
      .slice(0, j)
      .reduce<LabelMatcher[][]>(
        (pieces, earlier) =>
          pieces.flatMap((piece) => outside(earlier).map((alt) => andMatchers(piece, alt))),
        [[...selector]],
      )
      .filter(isSatisfiable),
  );
}

function outside(selector: Selector): LabelMatcher[][] {
  return selector.map((matcher, t) => [...selector.slice(0, t), negate(matcher)]);
}

function negate(matcher: LabelMatcher): LabelMatcher {
  return { ...matcher, op: negated[matcher.op] };
}

function isSatisfiable(piece: readonly LabelMatcher[]): boolean {
  return !piece.some((matcher) => piece.some((other) => sameMatcher(other, negate(matcher))));
}
