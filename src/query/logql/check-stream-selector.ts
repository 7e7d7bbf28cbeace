import type { LabelMatcher } from '../../model/label-matcher.js';
import { matcherMatchesEmpty } from '../promql/matcher-matches-empty.js';
import { parseError, type ParseWhat } from '../promql/promql-errors.js';

/**
 * Loki refuses a stream selector whose matchers all accept the empty value (`{app=~".*"}`,
 * `{env!="dev"}`): it needs one matcher that names streams by a value. Gatehouse rejects such a
 * user selector too, because once policy matchers are ANDed in Loki would no longer notice. A
 * regex JavaScript cannot compile counts as non-empty and is left for Loki to judge.
 */
export function assertNonEmptyStreamMatcher(
  matchers: readonly LabelMatcher[],
  what: ParseWhat,
): void {
  if (!hasNonEmptyMatcher(matchers)) {
    throw parseError(
      what,
      'a stream selector needs at least one matcher that does not accept the empty value',
    );
  }
}

export function hasNonEmptyMatcher(matchers: readonly LabelMatcher[]): boolean {
  return matchers.some((matcher) => matcherMatchesEmpty(matcher) !== true);
}
