import { describe, expect, it } from 'vitest';

import { isGatehouseError } from '../../errors/gatehouse-error.js';
import { formatSelector, parseSelector } from './parse-selector.js';

describe('parseSelector and formatSelector', () => {
  it('parses a name and matchers into matchers', () => {
    expect(parseSelector('up{a="b", c=~"d", e!="f", g!~"h"}')).toEqual([
      { name: '__name__', op: '=', value: 'up' },
      { name: 'a', op: '=', value: 'b' },
      { name: 'c', op: '=~', value: 'd' },
      { name: 'e', op: '!=', value: 'f' },
      { name: 'g', op: '!~', value: 'h' },
    ]);
  });

  it('accepts a selector whose matchers all match the empty string (a policy may be one)', () => {
    expect(parseSelector('{env!="dev"}')).toEqual([{ name: 'env', op: '!=', value: 'dev' }]);
  });

  it('formats with escaping that parses back to the same value', () => {
    const selector = [{ name: 'path', op: '=' as const, value: 'C:\\x "q"\n$1' }];
    const text = formatSelector(selector);
    expect(text).toBe('{path="C:\\\\x \\"q\\"\\n$1"}');
    expect(parseSelector(text)).toEqual(selector);
  });

  it('quotes only label names that are not classic', () => {
    expect(formatSelector([{ name: 'my.label', op: '=', value: 'x' }])).toBe('{"my.label"="x"}');
  });

  it.each(['sum(up)', 'up[5m]', 'up offset 1m', '{a="b"', '{a=b}'])(
    'rejects %s as a selector parse error',
    (text) => {
      try {
        parseSelector(text);
        expect.unreachable();
      } catch (error) {
        expect(isGatehouseError(error) && error.params.what).toBe('selector');
      }
    },
  );
});
