import type { LabelMatcher } from '../../model/label-matcher.js';
import { matcherMatchesEmpty } from './matcher-matches-empty.js';
import { parseError, type ParseWhat } from './promql-errors.js';

/**
 * Prometheus rejects a user selector whose matchers all match the empty string (parser.go
 * "vector selector must contain at least one non-empty matcher"). Gatehouse rejects it too:
 * once policy matchers are ANDed in, Prometheus would no longer notice. A regex JavaScript
 * cannot read counts as non-empty, leaving the decision to Prometheus.
 */
export function assertNonEmptyMatcher(matchers: readonly LabelMatcher[], what: ParseWhat): void {
  if (matchers.every((matcher) => matcherMatchesEmpty(matcher) === true)) {
    throw parseError(what, 'vector selector must contain at least one non-empty matcher');
  }
}
