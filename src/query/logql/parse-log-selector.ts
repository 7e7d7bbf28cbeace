import type { LabelMatcher, Selector } from '../../model/label-matcher.js';
import { parseError, type ParseWhat } from '../promql/promql-errors.js';
import { parseLogql } from './parse-logql.js';
import { printSelector } from './print-matcher.js';

/**
 * Parses a log stream selector such as `{namespace="team-a", env!="dev"}`: no pipeline, no
 * range, no metric query. Used to validate label policy selectors for logs; a selector whose
 * matchers all accept the empty value is allowed here, since it is ANDed into queries that
 * bring their own matcher.
 */
export function parseLogSelector(text: string): LabelMatcher[] {
  return parseLogSelectorAs(text, 'selector');
}

export function parseLogSelectorAs(text: string, what: ParseWhat): LabelMatcher[] {
  const expr = parseLogql(text, what);
  if (expr.kind !== 'log') {
    throw parseError(
      what,
      'expected a stream selector such as {label="value"}, got a metric query',
    );
  }
  if (expr.pipeline.length > 0) {
    throw parseError(what, 'a stream selector takes no pipeline stages');
  }
  return expr.selector.matchers;
}

/** Canonical `{a="b", c=~"d"}` with LogQL string escaping. */
export function formatLogSelector(selector: Selector): string {
  return printSelector(selector);
}
