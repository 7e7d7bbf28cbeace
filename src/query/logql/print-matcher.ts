import type { LabelMatcher } from '../../model/label-matcher.js';
import type { StreamSelector } from './logql-ast.js';
import { formatLogqlLabelName } from './logql-label-name.js';
import { quoteLogqlString } from './logql-string.js';

/** `name op "value"`, as in stream selectors and string label filters. */
export function printMatcher(matcher: LabelMatcher): string {
  return `${formatLogqlLabelName(matcher.name)}${matcher.op}${quoteLogqlString(matcher.value)}`;
}

/** `{a="b", c=~"d"}`. */
export function printSelector(selector: StreamSelector | readonly LabelMatcher[]): string {
  const matchers = 'matchers' in selector ? selector.matchers : selector;
  return `{${matchers.map(printMatcher).join(', ')}}`;
}
