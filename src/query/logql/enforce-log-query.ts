import { withBoundedDepth } from '../lezer/bounded-depth.js';
import type { Selector } from '../../model/label-matcher.js';
import { normalizeScope } from '../promql/normalize-scope.js';
import { assertNonEmptyStreamMatcher } from './check-stream-selector.js';
import { enforceMetric } from './enforce-metric.js';
import type { LogqlExpr } from './logql-ast.js';
import { parseLogql } from './parse-logql.js';
import { printLogql } from './print-logql.js';
import { restrictSelector } from './restrict-selector.js';
import { verifyLogEnforced } from './verify-log-enforced.js';
import { streamSelectorsOf } from './walk-stream-selectors.js';

export type EnforcedLogQuery =
  | { kind: 'single'; query: string }
  /**
   * A log query (one that returns streams) under several policy selectors: LogQL has no union of
   * log queries, so the gateway runs one query per selector and merges them (mergeLogStreams).
   */
  | { kind: 'fanout'; queries: string[] };

/**
 * Rewrites a LogQL query so its answer is Loki's answer over only the streams matching at least
 * one selector of `scope` (docs/enforcement.md). `scope` is non-empty; an unrestricted caller does not call
 * this. Throws QUERY_PARSE_ERROR for input that does not parse and QUERY_UNSUPPORTED for input
 * that cannot be enforced.
 */
export function enforceLogQuery(query: string, scope: readonly Selector[]): EnforcedLogQuery {
  return withBoundedDepth(() => enforceParsed(query, scope));
}

function enforceParsed(query: string, scope: readonly Selector[]): EnforcedLogQuery {
  const ast = parseLogql(query, 'query');
  const selectors = streamSelectorsOf(ast);
  // No stream selector reads no stream (`vector(1)`, `1 + 1`). It goes on as printed from the
  // tree, never as written: text Loki would read differently must not pass unchecked.
  if (selectors.length === 0) return { kind: 'single', query: printLogql(ast) };

  for (const selector of selectors) {
    assertNonEmptyStreamMatcher(selector.matchers, 'query');
  }

  const normalized = normalizeScope(scope);
  if (normalized === 'all') {
    return { kind: 'single', query: printLogql(ast) };
  }
  if (normalized.length === 0) {
    throw new Error('enforceLogQuery needs at least one policy selector');
  }
  if (ast.kind === 'log' && normalized.length > 1) {
    return { kind: 'fanout', queries: normalized.map((policy) => rewrite(ast, [policy])) };
  }
  return { kind: 'single', query: rewrite(ast, normalized) };
}

function rewrite(ast: LogqlExpr, scope: readonly Selector[]): string {
  const printed = printLogql(enforceExpr(ast, scope));
  verifyLogEnforced(printed, scope);
  return printed;
}

function enforceExpr(ast: LogqlExpr, scope: readonly Selector[]): LogqlExpr {
  if (ast.kind !== 'log') {
    return enforceMetric(ast, scope);
  }
  const [only, ...others] = scope;
  if (!only || others.length > 0) {
    throw new Error('a log query is enforced one policy selector at a time');
  }
  return { ...ast, selector: restrictSelector(ast.selector, only) };
}
