import type { LabelMatcher, Selector } from '../../model/label-matcher.js';
import { parsePromql } from './parse-promql.js';
import { parseError, type ParseWhat } from './promql-errors.js';
import { printMatchers } from './print-promql.js';

/**
 * Parses a series selector: `{a="b", c=~"d"}`, `metric{...}` or `metric` (the name becomes a
 * `__name__="metric"` matcher). No modifiers, ranges or other expressions.
 */
export function parseSelector(text: string): LabelMatcher[] {
  return parseSelectorAs(text, 'selector');
}

export function parseSelectorAs(text: string, what: ParseWhat): LabelMatcher[] {
  const expr = parsePromql(text, what);
  if (expr.kind !== 'vectorSelector') {
    throw parseError(what, `expected a series selector such as {label="value"}, got ${expr.kind}`);
  }
  if (expr.modifiers.offset !== undefined || expr.modifiers.at !== undefined) {
    throw parseError(what, 'a series selector takes no offset or @ modifier');
  }
  return expr.matchers;
}

/** Canonical `{a="b", c=~"d"}` with PromQL string escaping; names quoted only when needed. */
export function formatSelector(selector: Selector): string {
  return printMatchers(selector, false);
}
