import { describe, expect, it } from 'vitest';

import { isGatehouseError } from '../../errors/gatehouse-error.js';
import { formatLogSelector, parseLogSelector } from './parse-log-selector.js';

function errorCode(text: string): string {
  try {
    parseLogSelector(text);
  } catch (error) {
    return isGatehouseError(error) ? error.code : 'OTHER';
  }
  return 'NONE';
}

describe('parseLogSelector', () => {
  it('reads the matchers of a stream selector in order', () => {
    expect(parseLogSelector('{namespace="a", env!~`dev|test`}')).toEqual([
      { name: 'namespace', op: '=', value: 'a' },
      { name: 'env', op: '!~', value: 'dev|test' },
    ]);
  });

  it('accepts a selector whose matchers all accept the empty value', () => {
    expect(parseLogSelector('{env!="dev"}')).toEqual([{ name: 'env', op: '!=', value: 'dev' }]);
  });

  it.each([
    { name: 'a pipeline', text: '{app="a"} |= "x"' },
    { name: 'a metric query', text: 'count_over_time({app="a"}[5m])' },
    { name: 'no matcher', text: '{}' },
    { name: 'a PromQL metric name', text: 'up{app="a"}' },
    { name: 'broken syntax', text: '{app="a"' },
  ])('rejects $name', ({ text }) => {
    expect(errorCode(text)).toBe('QUERY_PARSE_ERROR');
  });

  it('formats a selector with LogQL escaping', () => {
    expect(formatLogSelector([{ name: 'app', op: '=~', value: 'a"b\\.c\n' }])).toBe(
      '{app=~"a\\"b\\\\.c\\n"}',
    );
  });
});
