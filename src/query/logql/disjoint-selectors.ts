import type { LabelMatcher, MatchOp, Selector } from '../../model/label-matcher.js';
import { andMatchers, sameMatcher } from './restrict-selector.js';

/** More pieces than any caller uses (they stop at 16): beyond it the split is abandoned. */
const maxPieces = 64;

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
export function disjointSelectors(scope: readonly Selector[], limit = maxPieces): Selector[] {
  const out: Selector[] = [];
  for (const [j, selector] of scope.entries()) {
    out.push(...piecesOf(selector, scope.slice(0, j), limit - out.length));
  }

  return out;
}

/**
 * The pieces of `selector` outside every earlier selector. The count can grow exponentially
 * with the policy's size, so the work stops as soon as more than `room` pieces are left: the
 * caller then sees more pieces than its limit and falls back or refuses.
 */
function piecesOf(
  selector: Selector,
  earlier: readonly Selector[],
  room: number,
): LabelMatcher[][] {
  let pieces: LabelMatcher[][] = [[...selector]];
  for (const other of earlier) {
    pieces = pieces
      .flatMap((piece) => outside(other).map((alt) => andMatchers(piece, alt)))
      .filter(isSatisfiable);
    if (pieces.length > room) return pieces.slice(0, room + 1);
  }

  return pieces;
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
