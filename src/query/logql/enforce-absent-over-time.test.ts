import { describe, expect, it } from 'vitest';

import type { Selector } from '../../model/label-matcher.js';
import { enforceLogQuery } from './enforce-log-query.js';
import { parseLogSelector } from './parse-log-selector.js';

function scope(...selectors: string[]): Selector[] {
  return selectors.map(parseLogSelector);
}

function single(query: string, selectors: Selector[]): string {
  const enforced = enforceLogQuery(query, selectors);
  if (enforced.kind !== 'single') {
    throw new Error(`expected a single query, got ${JSON.stringify(enforced)}`);
  }
  return enforced.query;
}

const one = scope('{namespace="a"}');
const two = scope('{namespace="a"}', '{team="web"}');

describe('absent_over_time under a label policy', () => {
  it.each([
    {
      name: "labels the result from the user's matchers only",
      query: 'absent_over_time({app="api"}[5m])',
      one:
        '(label_replace(sum(absent_over_time({app="api", namespace="a"}[5m])), "app", "api", ' +
        '"app", ""))',
      two:
        '(label_replace(sum(absent_over_time({app="api", namespace="a"}[5m])) ' +
        'and sum(absent_over_time({app="api", team="web"}[5m])), "app", "api", "app", ""))',
    },
    {
      name: 'stays plain under one selector that adds no output label',
      query: 'absent_over_time({app="api", namespace="a"}[5m])',
      one: 'absent_over_time({app="api", namespace="a"}[5m])',
      two:
        '(label_replace(label_replace(sum(absent_over_time({app="api", namespace="a"}[5m])) ' +
        'and sum(absent_over_time({app="api", namespace="a", team="web"}[5m])), "app", "api", ' +
        '"app", ""), "namespace", "a", "namespace", ""))',
    },
    {
      name: 'sets no labels for a regex selector, with a line filter',
      query: 'absent_over_time({app=~"api.+"} |= "error" [5m])',
      one: '(sum(absent_over_time({app=~"api.+", namespace="a"} |= "error" [5m])))',
      two:
        '(sum(absent_over_time({app=~"api.+", namespace="a"} |= "error" [5m])) ' +
        'and sum(absent_over_time({app=~"api.+", team="web"} |= "error" [5m])))',
    },
    {
      name: 'doubles $ in a label value',
      query: 'absent_over_time({app="a$1"}[5m])',
      one:
        '(label_replace(sum(absent_over_time({app="a$1", namespace="a"}[5m])), "app", "a$$1", ' +
        '"app", ""))',
      two:
        '(label_replace(sum(absent_over_time({app="a$1", namespace="a"}[5m])) ' +
        'and sum(absent_over_time({app="a$1", team="web"}[5m])), "app", "a$$1", "app", ""))',
    },
  ])('$name', ({ query, one: withOne, two: withTwo }) => {
    expect(single(query, one)).toBe(withOne);
    expect(single(query, two)).toBe(withTwo);
  });

  it('rejects by/without on absent_over_time when its labels must be rebuilt', () => {
    expect(() => single('absent_over_time({app="api"}[5m]) by (app)', two)).toThrow(
      /absent_over_time with by\/without/,
    );
  });
});
