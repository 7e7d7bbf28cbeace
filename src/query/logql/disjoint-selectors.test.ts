import { describe, expect, it } from 'vitest';

import type { LabelMatcher, Selector } from '../../model/label-matcher.js';
import { disjointSelectors } from './disjoint-selectors.js';
import { parseLogSelector } from './parse-log-selector.js';

/** Every stream over three labels, each with two values or missing. */
const streams: Record<string, string>[] = [];
for (const namespace of ['a', 'b', undefined]) {
  for (const team of ['web', 'db', undefined]) {
    for (const env of ['prod', 'dev', undefined]) {
      const stream: Record<string, string> = {};
      if (namespace) stream['namespace'] = namespace;
      if (team) stream['team'] = team;
      if (env) stream['env'] = env;
      streams.push(stream);
    }
  }
}

/** Loki's matching: a missing label has the empty value; regexes are fully anchored. */
function matches(stream: Record<string, string>, matcher: LabelMatcher): boolean {
  const value = stream[matcher.name] ?? '';
  const regex = (): boolean => new RegExp(`^(?:${matcher.value})$`).test(value);
  switch (matcher.op) {
    case '=':
      return value === matcher.value;
    case '!=':
      return value !== matcher.value;
    case '=~':
      return regex();
    case '!~':
      return !regex();
  }
}

function selects(stream: Record<string, string>, selector: Selector): boolean {
  return selector.every((matcher) => matches(stream, matcher));
}

describe('disjointSelectors', () => {
  it.each([
    { name: 'two single-matcher selectors', scope: ['{namespace="a"}', '{team="web"}'] },
    {
      name: 'a two-matcher selector first',
      scope: ['{namespace="a", env="prod"}', '{team="web"}'],
    },
    {
      name: 'three overlapping selectors with regexes and negations',
      scope: ['{namespace=~"a|b", env!="dev"}', '{team="web"}', '{env="dev", team!~"db"}'],
    },
    {
      name: 'a selector contained in another',
      scope: ['{namespace="a"}', '{namespace="a", team="db"}'],
    },
  ])('covers each stream of the union exactly once: $name', ({ scope }) => {
    const selectors = scope.map(parseLogSelector);
    const parts = disjointSelectors(selectors);
    for (const stream of streams) {
      const inUnion = selectors.some((selector) => selects(stream, selector));
      const covering = parts.filter((part) => selects(stream, part)).length;
      expect({ stream, covering }).toEqual({ stream, covering: inUnion ? 1 : 0 });
    }
  });

  it('keeps every matcher of the selector a part comes from', () => {
    const parts = disjointSelectors(
      ['{namespace="a", env="prod"}', '{team="web"}'].map(parseLogSelector),
    );
    expect(parts).toEqual([
      [
        { name: 'namespace', op: '=', value: 'a' },
        { name: 'env', op: '=', value: 'prod' },
      ],
      [
        { name: 'team', op: '=', value: 'web' },
        { name: 'namespace', op: '!=', value: 'a' },
      ],
      [
        { name: 'team', op: '=', value: 'web' },
        { name: 'namespace', op: '=', value: 'a' },
        { name: 'env', op: '!=', value: 'prod' },
      ],
    ]);
  });

  it('leaves out a part that contradicts itself', () => {
    const parts = disjointSelectors(
      ['{namespace="a"}', '{namespace="a", team="db"}'].map(parseLogSelector),
    );
    expect(parts).toEqual([[{ name: 'namespace', op: '=', value: 'a' }]]);
  });
});

describe('disjointSelectors on large policies', () => {
  it('regression: stops early instead of splitting 11 selectors of 3 matchers into 88,573 pieces', () => {
    const scope = Array.from({ length: 11 }, (_, n) => [
      { name: 'cluster', op: '=' as const, value: `c${n}` },
      { name: 'namespace', op: '=' as const, value: `ns${n}` },
      { name: 'app', op: '=' as const, value: `app${n}` },
    ]);
    const started = Date.now();
    const pieces = disjointSelectors(scope, 16);

    expect(pieces.length).toBeGreaterThan(16);
    expect(Date.now() - started).toBeLessThan(500);
  });
});
