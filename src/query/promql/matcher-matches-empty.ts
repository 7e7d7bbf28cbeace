import type { LabelMatcher } from '../../model/label-matcher.js';

/**
 * Whether a matcher accepts the empty string, i.e. also a series without the label. Prometheus
 * rejects selectors whose matchers all do (parser.go "at least one non-empty matcher").
 * Regexes are RE2; JavaScript reads the common subset the same way. `undefined` means the regex
 * uses syntax JavaScript cannot compile, so the answer is unknown and callers pick the safe side.
 */
export function matcherMatchesEmpty(matcher: LabelMatcher): boolean | undefined {
  switch (matcher.op) {
    case '=':
      return matcher.value === '';
    case '!=':
      return matcher.value !== '';
    case '=~':
      return regexMatchesEmpty(matcher.value);
    case '!~': {
      const matches = regexMatchesEmpty(matcher.value);
      return matches === undefined ? undefined : !matches;
    }
    default: {
      const never: never = matcher.op;
      throw new Error(`unknown match operator ${String(never)}`);
    }
  }
}

/**
 * JavaScript's engine backtracks where RE2 does not: `(|)(|)...(|)x` takes 2^n steps even on the
 * empty string. Longer patterns, or ones with many alternatives, are not tried ("unknown").
 */
const maxTriedLength = 64;
const maxTriedAlternatives = 12;

function regexMatchesEmpty(pattern: string): boolean | undefined {
  if (pattern.length > maxTriedLength) return undefined;
  if (pattern.split('|').length > maxTriedAlternatives + 1) return undefined;

  try {
    // Prometheus anchors every label regex: ^(?:pattern)$.
    return new RegExp(`^(?:${pattern})$`, 's').test('');
  } catch {
    return undefined;
  }
}
