import type { Selector } from '../../model/label-matcher.js';
import { unsupported } from '../promql/promql-errors.js';
import { parseLogql } from './parse-logql.js';
import { printLogql } from './print-logql.js';
import { sameMatcher } from './restrict-selector.js';
import { streamSelectorsOf } from './walk-stream-selectors.js';

/**
 * Fail-closed check on the rewriter's output: the printed query is parsed again, must print back
 * to the same text (lezer-logql read it as the tree Gatehouse built), and every stream selector
 * in it must carry all matchers of at least one policy selector. A rewrite bug then shows up as
 * a rejected query, never as a query that reads outside the policy.
 */
export function verifyLogEnforced(printed: string, scope: readonly Selector[]): void {
  const reparsed = parseLogql(printed, 'query');
  if (printLogql(reparsed) !== printed) {
    throw unsupported('internal check failed: the rewritten query does not read back the same');
  }

  for (const selector of streamSelectorsOf(reparsed)) {
    const covered = scope.some((policy) =>
      policy.every((needed) => selector.matchers.some((own) => sameMatcher(own, needed))),
    );
    if (!covered) {
      throw unsupported('internal check failed: a rewritten stream selector is outside the policy');
    }
  }
}
