import type { Selector } from '../../model/label-matcher.js';
import { parsePromql } from './parse-promql.js';
import { unsupported } from './promql-errors.js';
import { selectorsOf } from './walk-selectors.js';

/**
 * Fail-closed check on the rewriter's output: the printed query is parsed again and every
 * selector in it must carry all matchers of at least one policy selector. A rewrite bug then
 * shows up as a rejected query, never as a query that reads outside the policy.
 */
export function verifyEnforced(printed: string, scope: readonly Selector[]): void {
  const selectors = selectorsOf(parsePromql(printed, 'query'));
  for (const selector of selectors) {
    const covered = scope.some((policy) =>
      policy.every((needed) =>
        selector.matchers.some(
          (m) => m.name === needed.name && m.op === needed.op && m.value === needed.value,
        ),
      ),
    );
    if (!covered) {
      throw unsupported('internal check failed: a rewritten selector is outside the policy');
    }
  }
}
