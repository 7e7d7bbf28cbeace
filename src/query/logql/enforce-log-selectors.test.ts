import { describe, expect, it } from 'vitest';

import { isGatehouseError } from '../../errors/gatehouse-error.js';
import type { Selector } from '../../model/label-matcher.js';
import { enforceLogSelectors } from './enforce-log-selectors.js';
import { parseLogSelector } from './parse-log-selector.js';

function scope(...selectors: string[]): Selector[] {
  return selectors.map(parseLogSelector);
}

function errorCode(matches: string[], selectors: Selector[]): string {
  try {
    enforceLogSelectors(matches, selectors);
  } catch (error) {
    return isGatehouseError(error) ? error.code : 'OTHER';
  }
  return 'NONE';
}

const two = scope('{namespace="a"}', '{team="web"}');

describe('enforceLogSelectors', () => {
  it('ANDs every user selector with every policy selector', () => {
    expect(enforceLogSelectors(['{app="api"}', '{app="web", team="web"}'], two)).toEqual([
      '{app="api", namespace="a"}',
      '{app="api", team="web"}',
      '{app="web", team="web", namespace="a"}',
      '{app="web", team="web"}',
    ]);
  });

  it('gives one selector per policy selector without user selectors', () => {
    expect(enforceLogSelectors([], two)).toEqual(['{namespace="a"}', '{team="web"}']);
  });

  it('merges policy selectors that differ in one label value', () => {
    expect(enforceLogSelectors([], scope('{namespace="a"}', '{namespace="b"}'))).toEqual([
      '{namespace=~"a|b"}',
    ]);
  });

  it('passes user selectors on unchanged for an unrestricted scope', () => {
    expect(enforceLogSelectors(['{app = `api`}'], [[]])).toEqual(['{app="api"}']);
    expect(enforceLogSelectors([], [[]])).toEqual([]);
  });

  it('refuses an empty scope instead of answering with no selector at all', () => {
    expect(() => enforceLogSelectors(['{app="api"}'], [])).toThrow(/at least one policy selector/);
  });

  it('rejects a user selector with a pipeline or with only empty-accepting matchers', () => {
    expect(errorCode(['{app="api"} |= "x"'], two)).toBe('QUERY_PARSE_ERROR');
    expect(errorCode(['{app=~".*"}'], two)).toBe('QUERY_PARSE_ERROR');
  });

  it('rejects a policy selector that Loki would refuse on its own', () => {
    expect(errorCode([], scope('{env!="dev"}', '{team="web"}'))).toBe('QUERY_UNSUPPORTED');
    expect(enforceLogSelectors(['{app="api"}'], scope('{env!="dev"}'))).toEqual([
      '{app="api", env!="dev"}',
    ]);
  });
});
