import { describe, expect, it } from 'vitest';

import { isGatehouseError } from '../../errors/gatehouse-error.js';
import type { LabelMatcher, Selector } from '../../model/label-matcher.js';
import { normalizeScope } from '../promql/normalize-scope.js';
import { enforceLogQuery } from './enforce-log-query.js';
import { parseLogSelector } from './parse-log-selector.js';
import { parseLogql } from './parse-logql.js';
import { printLogql } from './print-logql.js';
import { sameMatcher } from './restrict-selector.js';
import { streamSelectorsOf } from './walk-stream-selectors.js';

/** A small seeded generator (mulberry32), so a failure names a query that can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const next = random(20240611);
function pick<T>(items: readonly T[]): T {
  const item = items[Math.floor(next() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

// prettier-ignore
const selectors = [
  '{app="api"}', '{app=~"api|web", env!="dev"}', '{namespace="a", app="x"}', '{app="a\\"b"}',
  '{team!~"db", app=`web`}',
];
// prettier-ignore
const pipelines = [
  '', ' |= "x"', ' | json', ' | logfmt level', ' | json | level="error" or status >= 500',
  ' | label_format namespace="x"', ' | drop team', ' | keep app', ' != "y" | regexp "(?P<team>.)"',
  ' | line_format "{{.a}}"', ' | decolorize', ' |~ `\\d+` or "z" | pattern "<_> <lvl>"',
];
const logOps = ['count_over_time', 'rate', 'bytes_rate', 'bytes_over_time', 'absent_over_time'];
// prettier-ignore
const unwrapOps = [
  'sum_over_time', 'avg_over_time', 'max_over_time', 'min_over_time', 'first_over_time',
  'last_over_time', 'stddev_over_time', 'stdvar_over_time', 'rate_counter', 'rate',
  'quantile_over_time(0.5,',
];
const unwraps = [' | unwrap latency', ' | unwrap duration(latency) | __error__=""'];
const groupings = ['', ' by (path)', ' by (namespace, team)', ' without (pod)'];

function logQuery(): string {
  return pick(selectors) + pick(pipelines);
}

function rangeAggregation(): string {
  const offset = pick(['', ' offset 1h']);
  if (next() < 0.5) {
    return `${pick(logOps)}(${logQuery()} [${pick(['5m', '1h'])}]${offset})`;
  }
  const op = pick(unwrapOps);
  const open = op.endsWith(',') ? `${op} ` : `${op}(`;
  const grouping = op.startsWith('rate') || op === 'sum_over_time' ? '' : pick(groupings);
  // lezer-logql reads an offset after a pipeline and unwrap only with the range first.
  return `${open}${pick(selectors)}[5m]${offset}${pick(pipelines)}${pick(unwraps)})${grouping}`;
}

function metricQuery(depth: number): string {
  if (depth === 0) return rangeAggregation();
  const inner = (): string => metricQuery(depth - 1);
  const wrappers = [
    (): string => `sum by (level) (${inner()})`,
    (): string => `topk(2, ${inner()})`,
    (): string => `${inner()} + ${inner()}`,
    (): string => `${inner()} > bool 1`,
    (): string => `label_replace(${inner()}, "a", "$1", "b", "(.*)")`,
    (): string => `${inner()} or vector(0)`,
    (): string => `(${inner()})`,
  ];
  return pick(wrappers)();
}

// prettier-ignore
const scopes: Record<string, string[]> = {
  'one selector': ['{namespace="a"}'],
  'two selectors that merge': ['{namespace="a"}', '{namespace="b"}'],
  'two selectors on different labels': ['{namespace="a"}', '{team="web"}'],
  'three selectors': ['{namespace="a", env="prod"}', '{team="web"}', '{app="x"}'],
  'regex and negative selectors': ['{namespace=~"a.*"}', '{team!="db", app="y"}'],
};

const corpus = [
  ...Array.from({ length: 60 }, logQuery),
  ...Array.from({ length: 200 }, () => metricQuery(Math.floor(next() * 3))),
];

function covers(selector: readonly LabelMatcher[], needed: Selector): boolean {
  return needed.every((matcher) => selector.some((own) => sameMatcher(own, matcher)));
}

describe('enforceLogQuery over a generated corpus', () => {
  it('reads every generated query, and prints it back to a fixpoint', () => {
    for (const query of corpus) {
      const printed = printLogql(parseLogql(query, 'query'));
      expect({ query, again: printLogql(parseLogql(printed, 'query')) }).toEqual({
        query,
        again: printed,
      });
    }
  });

  it.each(Object.entries(scopes))('keeps every rewrite inside the policy: %s', (_, texts) => {
    const scope = texts.map(parseLogSelector);
    const normalized = normalizeScope(scope);
    if (normalized === 'all') throw new Error('the test scopes are restricted');

    for (const query of corpus) {
      const ast = parseLogql(query, 'query');
      const userSelectors = streamSelectorsOf(ast);
      let outputs: string[];
      try {
        const enforced = enforceLogQuery(query, scope);
        outputs = enforced.kind === 'single' ? [enforced.query] : enforced.queries;
      } catch (error) {
        // Only a union can be impossible; one selector is always a plain AND.
        expect({ query, code: isGatehouseError(error) && error.code }).toEqual({
          query,
          code: normalized.length > 1 ? 'QUERY_UNSUPPORTED' : 'none',
        });
        continue;
      }

      const fansOut = ast.kind === 'log' && normalized.length > 1;
      expect(outputs.length).toBe(fansOut ? normalized.length : 1);
      for (const output of outputs) {
        const reparsed = parseLogql(output, 'query');
        expect(printLogql(reparsed)).toBe(output);
        for (const selector of streamSelectorsOf(reparsed)) {
          const inPolicy = normalized.some((policy) => covers(selector.matchers, policy));
          const keepsUser = userSelectors.some((user) => covers(selector.matchers, user.matchers));
          expect({ output, inPolicy, keepsUser }).toEqual({
            output,
            inPolicy: true,
            keepsUser: true,
          });
        }
      }
    }
  });
});
