import { describe, expect, it } from 'vitest';

import { normalizeScope } from './normalize-scope.js';
import { formatSelector, parseSelector } from './parse-selector.js';

function normalized(...selectors: string[]): string[] | 'all' {
  const result = normalizeScope(selectors.map(parseSelector));
  return result === 'all' ? result : result.map(formatSelector);
}

describe('normalizeScope', () => {
  it.each([
    {
      name: 'drops duplicate selectors, whatever the matcher order',
      input: ['{a="1", b="2"}', '{b="2", a="1"}'],
      want: ['{a="1", b="2"}'],
    },
    {
      name: 'merges equalities on one label into an escaped regex',
      input: ['{env="prod", ns="a.b"}', '{env="prod", ns="c$"}'],
      want: ['{env="prod", ns=~"a\\\\.b|c\\\\$"}'],
    },
    {
      name: 'wraps merged regexes so their alternations stay inside',
      input: ['{ns=~"a|b"}', '{ns="c"}'],
      want: ['{ns=~"(?:a|b)|c"}'],
    },
    {
      name: 'does not merge when the rest differs',
      input: ['{ns="a", env="prod"}', '{ns="b"}'],
      want: ['{ns="a", env="prod"}', '{ns="b"}'],
    },
    {
      name: 'does not merge negative matchers',
      input: ['{ns!="a"}', '{ns!="b"}'],
      want: ['{ns!="a"}', '{ns!="b"}'],
    },
    {
      name: 'does not merge a label matched twice in one selector',
      input: ['{ns=~"a.*", ns!="ab"}', '{ns="c"}'],
      want: ['{ns=~"a.*", ns!="ab"}', '{ns="c"}'],
    },
    { name: 'treats an empty selector as everything', input: ['{}', '{ns="a"}'], want: 'all' },
  ])('$name', ({ input, want }) => {
    expect(normalized(...input)).toEqual(want);
  });
});
