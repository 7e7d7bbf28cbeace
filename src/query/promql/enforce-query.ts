import { withBoundedDepth } from '../lezer/bounded-depth.js';
import type { Selector } from '../../model/label-matcher.js';
import { assertNonEmptyMatcher } from './check-selectors.js';
import { enforceExpr } from './enforce-expr.js';
import { normalizeScope } from './normalize-scope.js';
import { parsePromql } from './parse-promql.js';
import type { PromqlExpr } from './promql-ast.js';
import { printPromql } from './print-promql.js';
import { assertTreeWeight } from './tree-weight.js';
import { verifyEnforced } from './verify-enforced.js';
import { selectorsOf } from './walk-selectors.js';

export type EnforcedQuery =
  | { kind: 'single'; query: string }
  /** Only when the query's result is a bare range selector: one query per policy selector. */
  | { kind: 'fanout'; queries: string[] };

/**
 * Rewrites a PromQL query so its answer is Prometheus's answer over only the series matching at
 * least one selector of `scope` (docs/enforcement.md). `scope` is non-empty; an unrestricted caller does
 * not call this. Throws QUERY_PARSE_ERROR for input that does not parse and QUERY_UNSUPPORTED for
 * input that cannot be enforced.
 */
export function enforceQuery(query: string, scope: readonly Selector[]): EnforcedQuery {
  return withBoundedDepth(() => enforceParsed(query, scope));
}

function enforceParsed(query: string, scope: readonly Selector[]): EnforcedQuery {
  const ast = parsePromql(query, 'query');
  const selectors = selectorsOf(ast);
  // No selector reads no series (`1+1`, `time()`). It still goes on as printed from the tree,
  // never as written: text the parser reads differently from Prometheus must not pass.
  if (selectors.length === 0) return { kind: 'single', query: printPromql(ast) };

  for (const selector of selectors) {
    assertNonEmptyMatcher(selector.matchers, 'query');
  }

  const normalized = normalizeScope(scope);
  if (normalized === 'all') {
    return { kind: 'single', query: printPromql(ast) };
  }
  if (normalized.length > 1 && isBareRangeSelector(ast)) {
    // PromQL has no union of range vectors: the gateway merges one answer per selector.
    return { kind: 'fanout', queries: normalized.map((policy) => rewrite(ast, [policy])) };
  }
  return { kind: 'single', query: rewrite(ast, normalized) };
}

function rewrite(ast: PromqlExpr, scope: readonly Selector[]): string {
  const enforced = enforceExpr(ast, scope);
  assertTreeWeight(enforced);

  const printed = printPromql(enforced);
  verifyEnforced(printed, scope);
  return printed;
}

function isBareRangeSelector(expr: PromqlExpr): boolean {
  return expr.kind === 'paren' ? isBareRangeSelector(expr.expr) : expr.kind === 'matrixSelector';
}
