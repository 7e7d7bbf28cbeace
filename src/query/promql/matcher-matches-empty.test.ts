import { describe, expect, it } from 'vitest';

import { matcherMatchesEmpty } from './matcher-matches-empty.js';

describe('matcherMatchesEmpty', () => {
  it.each([
    ['=', '', true],
    ['=', 'a', false],
    ['!=', 'a', true],
    ['=~', '.*', true],
    ['=~', '.+', false],
    ['!~', '.+', true],
  ] as const)('reads %s "%s" as %s', (op, value, expected) => {
    expect(matcherMatchesEmpty({ name: 'job', op, value })).toBe(expected);
  });

  it('regression: answers "unknown" at once for a regex JavaScript would backtrack on', () => {
    const value = `${'(|)'.repeat(26)}x`;
    const started = Date.now();

    expect(matcherMatchesEmpty({ name: 'job', op: '=~', value })).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(50);
  });
});
