import type { LabelMatcher, Selector } from '../../model/label-matcher.js';
import { normalizeScope } from '../promql/normalize-scope.js';
import { unsupported } from '../promql/promql-errors.js';
import { assertNonEmptyStreamMatcher, hasNonEmptyMatcher } from './check-stream-selector.js';
import { formatLogSelector, parseLogSelectorAs } from './parse-log-selector.js';
import { andMatchers } from './restrict-selector.js';
import { verifyLogEnforced } from './verify-log-enforced.js';

/**
 * The stream selectors for /series `match[]` (and the `query` of label lists): each user selector
 * ANDed with each policy selector (the cross product); without user selectors, one per policy
 * selector. Returns an empty list only for an unrestricted scope (one with an empty selector)
 * without user selectors: the request then goes on without `match[]`. `scope` is non-empty.
 */
export function enforceLogSelectors(
  matches: readonly string[],
  scope: readonly Selector[],
): string[] {
  const users = matches.map((match) => parseLogSelectorAs(match, 'match[]'));
  for (const user of users) {
    assertNonEmptyStreamMatcher(user, 'match[]');
  }

  const normalized = normalizeScope(scope);
  if (normalized !== 'all' && normalized.length === 0) {
    // An empty list back would mean "no match[]", which reads everything: fail closed.
    throw new Error('enforceLogSelectors needs at least one policy selector');
  }
  const policies = normalized === 'all' ? [[]] : normalized;
  const bases = users.length > 0 ? users : [[]];
  const selectors = bases
    .flatMap((user) => policies.map((policy) => andMatchers(user, policy)))
    .filter((selector) => selector.length > 0);

  const printed = [...new Set(selectors.map(usableAlone).map(formatLogSelector))];
  if (normalized !== 'all') {
    printed.forEach((selector) => verifyLogEnforced(selector, normalized));
  }
  return printed;
}

/**
 * A policy selector used as the whole stream selector must satisfy Loki on its own; Loki has no
 * always-present label that could be added the way PromQL adds `__name__=~".+"`.
 */
function usableAlone(selector: LabelMatcher[]): LabelMatcher[] {
  if (!hasNonEmptyMatcher(selector)) {
    throw unsupported(
      `the policy selector ${formatLogSelector(selector)} cannot be used as a stream selector ` +
        'on its own; send match[] with a selector of your own',
    );
  }
  return selector;
}
