import { describe, expect, it } from 'vitest';

import { isGatehouseError } from '../../errors/gatehouse-error.js';
import { enforceMatchers } from './enforce-matchers.js';
import { parseSelector } from './parse-selector.js';

const union = [parseSelector('{namespace="a"}'), parseSelector('{env!="dev"}')];

describe('enforceMatchers', () => {
  it('ANDs every user match[] with every policy selector', () => {
    expect(enforceMatchers(['up', '{job="x"}'], union)).toEqual([
      '{__name__="up", namespace="a"}',
      '{__name__="up", env!="dev"}',
      '{job="x", namespace="a"}',
      '{job="x", env!="dev"}',
    ]);
  });

  it('uses one match[] per policy selector when the user gave none', () => {
    expect(enforceMatchers([], union)).toEqual(['{namespace="a"}', '{env!="dev", __name__=~".+"}']);
  });

  it('adds __name__=~".+" only where every matcher accepts the empty string', () => {
    const scope = [parseSelector('{env!="dev", team=~".*"}')];
    expect(enforceMatchers([], scope)).toEqual(['{env!="dev", team=~".*", __name__=~".+"}']);
    expect(enforceMatchers(['{job="y"}'], scope)).toEqual(['{job="y", env!="dev", team=~".*"}']);
  });

  it('merges mergeable policy selectors before the cross product', () => {
    const scope = [parseSelector('{ns="a"}'), parseSelector('{ns="b"}')];
    expect(enforceMatchers(['up'], scope)).toEqual(['{__name__="up", ns=~"a|b"}']);
  });

  it.each([
    { name: 'an expression', match: 'sum(up)' },
    { name: 'a range selector', match: 'up[5m]' },
    { name: 'a selector with offset', match: 'up offset 5m' },
    { name: 'broken syntax', match: '{job="x"' },
    { name: 'a selector matching only the empty string', match: '{job=""}' },
  ])('rejects $name as a match[] parse error', ({ match }) => {
    try {
      enforceMatchers([match], union);
      expect.unreachable();
    } catch (error) {
      expect(isGatehouseError(error) && error.code).toBe('QUERY_PARSE_ERROR');
      expect(isGatehouseError(error) && error.params.what).toBe('match[]');
    }
  });
});
