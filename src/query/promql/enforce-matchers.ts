import type { LabelMatcher, Selector } from '../../model/label-matcher.js';
import { assertNonEmptyMatcher } from './check-selectors.js';
import { matcherMatchesEmpty } from './matcher-matches-empty.js';
import { normalizeScope } from './normalize-scope.js';
import { formatSelector, parseSelectorAs } from './parse-selector.js';

/** Every series has a name, so this matcher selects everything and is never empty-matching. */
const anyName: LabelMatcher = { name: '__name__', op: '=~', value: '.+' };

/**
 * The `match[]` values for /series, /labels, /label/<name>/values and /federate: each user
 * selector ANDed with each policy selector (the cross product); without user selectors, one per
 * policy selector. Prometheus rejects a selector whose matchers all match the empty string, so
 * such a constructed selector gets `__name__=~".+"`, which changes nothing it selects.
 */
export function enforceMatchers(matches: readonly string[], scope: readonly Selector[]): string[] {
  const users = matches.map((match) => parseSelectorAs(match, 'match[]'));
  for (const user of users) {
    assertNonEmptyMatcher(user, 'match[]');
  }

  const normalized = normalizeScope(scope);
  const policies = normalized === 'all' ? [[]] : normalized;
  const bases = users.length > 0 ? users : [[]];
  const selectors = bases.flatMap((user) => policies.map((policy) => and(user, policy)));
  return [...new Set(selectors.map((selector) => formatSelector(withNonEmptyMatcher(selector))))];
}

function and(user: readonly LabelMatcher[], policy: Selector): LabelMatcher[] {
  const extra = policy.filter(
    (p) => !user.some((u) => u.name === p.name && u.op === p.op && u.value === p.value),
  );
  return [...user, ...extra];
}

function withNonEmptyMatcher(selector: LabelMatcher[]): LabelMatcher[] {
  // Unknown (a regex JavaScript cannot compile) counts as empty-matching: the extra matcher is
  // always harmless, a rejected request is not.
  const empty = selector.every((matcher) => matcherMatchesEmpty(matcher) !== false);
  return empty ? [...selector, anyName] : selector;
}
