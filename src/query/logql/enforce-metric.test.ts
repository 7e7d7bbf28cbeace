import { describe, expect, it } from 'vitest';

import type { ErrorCode } from '../../errors/error-codes.js';
import { isGatehouseError } from '../../errors/gatehouse-error.js';
import type { Selector } from '../../model/label-matcher.js';
import { enforceLogQuery } from './enforce-log-query.js';
import { parseLogSelector } from './parse-log-selector.js';

type Outcome = string | string[] | { rejects: ErrorCode };

function scope(...selectors: string[]): Selector[] {
  return selectors.map(parseLogSelector);
}

function outcome(query: string, selectors: Selector[]): Outcome {
  try {
    const enforced = enforceLogQuery(query, selectors);
    return enforced.kind === 'single' ? enforced.query : enforced.queries;
  } catch (error) {
    if (isGatehouseError(error)) return { rejects: error.code };
    throw error;
  }
}

function rejects(code: ErrorCode): Outcome {
  return { rejects: code };
}

const one = scope('{namespace="a"}');
const two = scope('{namespace="a"}', '{team="web"}');

describe('enforceLogQuery on metric queries', () => {
  it.each<{ name: string; query: string; one: Outcome; two: Outcome }>([
    {
      name: 'count_over_time: unions copies with or',
      query: 'count_over_time({app="api"}[5m])',
      one: 'count_over_time({app="api", namespace="a"}[5m])',
      two:
        '(count_over_time({app="api", namespace="a"}[5m]) ' +
        'or count_over_time({app="api", team="web"}[5m]))',
    },
    {
      name: 'rate: keeps the line filter and offset in every copy',
      query: 'rate({app="api"} |= "error" [1m] offset 1h)',
      one: 'rate({app="api", namespace="a"} |= "error" [1m] offset 1h)',
      two:
        '(rate({app="api", namespace="a"} |= "error" [1m] offset 1h) ' +
        'or rate({app="api", team="web"} |= "error" [1m] offset 1h))',
    },
    {
      name: 'bytes_over_time',
      query: 'bytes_over_time({app="api"}[1h])',
      one: 'bytes_over_time({app="api", namespace="a"}[1h])',
      two:
        '(bytes_over_time({app="api", namespace="a"}[1h]) ' +
        'or bytes_over_time({app="api", team="web"}[1h]))',
    },
    {
      name: 'bytes_rate',
      query: 'bytes_rate({app="api"}[5m])',
      one: 'bytes_rate({app="api", namespace="a"}[5m])',
      two:
        '(bytes_rate({app="api", namespace="a"}[5m]) ' +
        'or bytes_rate({app="api", team="web"}[5m]))',
    },
    {
      name: 'sum by over json: adds up disjoint parts, since json may extract a policy label',
      query: 'sum by (level) (count_over_time({app="api"} | json [5m]))',
      one: 'sum by (level) (count_over_time({app="api", namespace="a"} | json [5m]))',
      two:
        'sum by (level) (sum without (__gatehouse_part__) ' +
        '(label_replace(count_over_time({app="api", namespace="a"} | json [5m]), ' +
        '"__gatehouse_part__", "1", "__gatehouse_part__", "") ' +
        'or label_replace(count_over_time({app="api", team="web", namespace!="a"} | json [5m]), ' +
        '"__gatehouse_part__", "2", "__gatehouse_part__", "")))',
    },
    {
      name: 'sum without',
      query: 'sum without (pod) (rate({app="api"}[5m]))',
      one: 'sum without (pod) (rate({app="api", namespace="a"}[5m]))',
      two:
        'sum without (pod) ((rate({app="api", namespace="a"}[5m]) ' +
        'or rate({app="api", team="web"}[5m])))',
    },
    {
      name: 'topk around sum by',
      query: 'topk(3, sum by (path) (rate({app="api"}[5m])))',
      one: 'topk(3, sum by (path) (rate({app="api", namespace="a"}[5m])))',
      two:
        'topk(3, sum by (path) ((rate({app="api", namespace="a"}[5m]) ' +
        'or rate({app="api", team="web"}[5m]))))',
    },
    {
      name: 'bottomk with grouping',
      query: 'bottomk by (path) (2, count_over_time({app="api"}[5m]))',
      one: 'bottomk by (path) (2, count_over_time({app="api", namespace="a"}[5m]))',
      two:
        'bottomk by (path) (2, (count_over_time({app="api", namespace="a"}[5m]) ' +
        'or count_over_time({app="api", team="web"}[5m])))',
    },
    {
      name: 'sort_desc',
      query: 'sort_desc(sum by (app) (bytes_rate({app="api"}[5m])))',
      one: 'sort_desc(sum by (app) (bytes_rate({app="api", namespace="a"}[5m])))',
      two:
        'sort_desc(sum by (app) ((bytes_rate({app="api", namespace="a"}[5m]) ' +
        'or bytes_rate({app="api", team="web"}[5m]))))',
    },
    {
      name: 'sum_over_time unwrap with a pipeline and an offset',
      query: 'sum_over_time({app="api"}[5m] offset 10m | json | unwrap bytes(size) | __error__="")',
      one:
        'sum_over_time({app="api", namespace="a"}[5m] offset 10m | json | unwrap bytes(size) | ' +
        '__error__="")',
      two:
        'sum without (__gatehouse_part__) (label_replace(sum_over_time({app="api", ' +
        'namespace="a"}[5m] offset 10m | json | unwrap bytes(size) | __error__=""), ' +
        '"__gatehouse_part__", "1", "__gatehouse_part__", "") ' +
        'or label_replace(sum_over_time({app="api", team="web", namespace!="a"}[5m] offset 10m | ' +
        'json | unwrap bytes(size) | __error__=""), "__gatehouse_part__", "2", ' +
        '"__gatehouse_part__", ""))',
    },
    {
      name: 'quantile_over_time by labels that include the policy labels',
      query:
        'quantile_over_time(0.99, {app="api"} | logfmt duration | unwrap duration(duration) ' +
        '[5m]) by (namespace, team, path)',
      one:
        'quantile_over_time(0.99, {app="api", namespace="a"} | logfmt duration | unwrap ' +
        'duration(duration) [5m]) by (namespace, team, path)',
      two:
        '(quantile_over_time(0.99, {app="api", namespace="a"} | logfmt duration | unwrap ' +
        'duration(duration) [5m]) by (namespace, team, path) ' +
        'or quantile_over_time(0.99, {app="api", team="web"} | logfmt duration | unwrap ' +
        'duration(duration) [5m]) by (namespace, team, path))',
    },
    {
      name: 'max_over_time by: takes the max over the parts',
      query: 'max_over_time({app="api"} | json | unwrap latency [5m]) by (path)',
      one: 'max_over_time({app="api", namespace="a"} | json | unwrap latency [5m]) by (path)',
      two:
        'max without (__gatehouse_part__) (label_replace(max_over_time({app="api", ' +
        'namespace="a"} | json | unwrap latency [5m]) by (path), "__gatehouse_part__", "1", ' +
        '"__gatehouse_part__", "") or label_replace(max_over_time({app="api", team="web"} | json ' +
        '| unwrap latency [5m]) by (path), "__gatehouse_part__", "2", "__gatehouse_part__", ""))',
    },
    {
      name: 'min_over_time without and regexp',
      query:
        'min_over_time({app="api"} | regexp `took (?P<ms>\\d+)ms` | unwrap ms [5m]) without (pod)',
      one:
        'min_over_time({app="api", namespace="a"} | regexp "took (?P<ms>\\\\d+)ms" | unwrap ms ' +
        '[5m]) without (pod)',
      two:
        '(min_over_time({app="api", namespace="a"} | regexp "took (?P<ms>\\\\d+)ms" | unwrap ms ' +
        '[5m]) without (pod) or min_over_time({app="api", team="web"} | regexp "took ' +
        '(?P<ms>\\\\d+)ms" | unwrap ms [5m]) without (pod))',
    },
    {
      name: 'first_over_time',
      query: 'first_over_time({app="api"} | unwrap seq [5m])',
      one: 'first_over_time({app="api", namespace="a"} | unwrap seq [5m])',
      two:
        '(first_over_time({app="api", namespace="a"} | unwrap seq [5m]) ' +
        'or first_over_time({app="api", team="web"} | unwrap seq [5m]))',
    },
    {
      name: 'last_over_time',
      query: 'last_over_time({app="api"} | unwrap seq [5m])',
      one: 'last_over_time({app="api", namespace="a"} | unwrap seq [5m])',
      two:
        '(last_over_time({app="api", namespace="a"} | unwrap seq [5m]) ' +
        'or last_over_time({app="api", team="web"} | unwrap seq [5m]))',
    },
    {
      name: 'rate_counter',
      query: 'rate_counter({app="api"} | logfmt requests | unwrap requests [5m])',
      one: 'rate_counter({app="api", namespace="a"} | logfmt requests | unwrap requests [5m])',
      two:
        '(rate_counter({app="api", namespace="a"} | logfmt requests | unwrap requests [5m]) ' +
        'or rate_counter({app="api", team="web"} | logfmt requests | unwrap requests [5m]))',
    },
    {
      name: 'stddev_over_time',
      query: 'stddev_over_time({app="api"} | unwrap latency [5m])',
      one: 'stddev_over_time({app="api", namespace="a"} | unwrap latency [5m])',
      two:
        '(stddev_over_time({app="api", namespace="a"} | unwrap latency [5m]) ' +
        'or stddev_over_time({app="api", team="web"} | unwrap latency [5m]))',
    },
    {
      name: 'stdvar_over_time by the policy labels',
      query: 'stdvar_over_time({app="api"} | unwrap latency [5m]) by (namespace, team)',
      one:
        'stdvar_over_time({app="api", namespace="a"} | unwrap latency [5m]) ' +
        'by (namespace, team)',
      two:
        '(stdvar_over_time({app="api", namespace="a"} | unwrap latency [5m]) by (namespace, ' +
        'team) or stdvar_over_time({app="api", team="web"} | unwrap latency [5m]) by (namespace, ' +
        'team))',
    },
    {
      name: 'binary operation with on and group_left',
      query:
        'sum by (path) (rate({app="api"} |= "error" [5m])) ' +
        '/ on(path) group_left() sum by (path) (rate({app="api"}[5m]))',
      one:
        'sum by (path) (rate({app="api", namespace="a"} |= "error" [5m])) ' +
        '/ on(path) group_left() sum by (path) (rate({app="api", namespace="a"}[5m]))',
      two:
        'sum by (path) ((rate({app="api", namespace="a"} |= "error" [5m]) ' +
        'or rate({app="api", team="web"} |= "error" [5m]))) ' +
        '/ on(path) group_left() sum by (path) ((rate({app="api", namespace="a"}[5m]) ' +
        'or rate({app="api", team="web"}[5m])))',
    },
    {
      name: 'comparison with bool',
      query: 'sum(rate({app="api"}[5m])) > bool 10',
      one: 'sum(rate({app="api", namespace="a"}[5m])) > bool 10',
      two:
        'sum((rate({app="api", namespace="a"}[5m]) or rate({app="api", team="web"}[5m]))) ' +
        '> bool 10',
    },
    {
      name: 'or vector(0)',
      query: 'sum(count_over_time({app="api"}[5m])) or vector(0)',
      one: 'sum(count_over_time({app="api", namespace="a"}[5m])) or vector(0)',
      two:
        'sum((count_over_time({app="api", namespace="a"}[5m]) ' +
        'or count_over_time({app="api", team="web"}[5m]))) or vector(0)',
    },
    {
      name: 'unless ignoring with json parameters that extract no policy label',
      query:
        'count_over_time({app="api"} | json level="lvl" [5m]) ' +
        'unless ignoring(level) count_over_time({app="api"} |= "x" [5m])',
      one:
        'count_over_time({app="api", namespace="a"} | json level="lvl" [5m]) ' +
        'unless ignoring(level) count_over_time({app="api", namespace="a"} |= "x" [5m])',
      two:
        '(count_over_time({app="api", namespace="a"} | json level="lvl" [5m]) ' +
        'or count_over_time({app="api", team="web"} | json level="lvl" [5m])) ' +
        'unless ignoring(level) (count_over_time({app="api", namespace="a"} |= "x" [5m]) ' +
        'or count_over_time({app="api", team="web"} |= "x" [5m]))',
    },
    {
      name: 'label_replace',
      query: 'label_replace(rate({app="api"}[5m]), "service", "$1", "app", "(.*)")',
      one: 'label_replace(rate({app="api", namespace="a"}[5m]), "service", "$1", "app", "(.*)")',
      two:
        'label_replace((rate({app="api", namespace="a"}[5m]) ' +
        'or rate({app="api", team="web"}[5m])), "service", "$1", "app", "(.*)")',
    },
    {
      name: 'a negative literal operand',
      query: '-1 * count_over_time({app="api"}[5m])',
      one: '-1 * count_over_time({app="api", namespace="a"}[5m])',
      two:
        '-1 * (count_over_time({app="api", namespace="a"}[5m]) ' +
        'or count_over_time({app="api", team="web"}[5m]))',
    },
    {
      name: "keeps the user's parentheses",
      query: '(sum(count_over_time({app="api"}[5m])))',
      one: '(sum(count_over_time({app="api", namespace="a"}[5m])))',
      two:
        '(sum((count_over_time({app="api", namespace="a"}[5m]) ' +
        'or count_over_time({app="api", team="web"}[5m]))))',
    },
    {
      name: 'label_format on a policy label: sums disjoint parts',
      query: 'count_over_time({app="api"} | label_format namespace="x" [5m])',
      one: 'count_over_time({app="api", namespace="a"} | label_format namespace="x" [5m])',
      two:
        'sum without (__gatehouse_part__) (label_replace(count_over_time({app="api", ' +
        'namespace="a"} | label_format namespace="x" [5m]), "__gatehouse_part__", "1", ' +
        '"__gatehouse_part__", "") or label_replace(count_over_time({app="api", team="web", ' +
        'namespace!="a"} | label_format namespace="x" [5m]), "__gatehouse_part__", "2", ' +
        '"__gatehouse_part__", ""))',
    },
    {
      name: 'avg_over_time after a parser that may extract a policy label',
      query: 'avg_over_time({app="api"} | logfmt | unwrap latency [5m])',
      one: 'avg_over_time({app="api", namespace="a"} | logfmt | unwrap latency [5m])',
      two: rejects('QUERY_UNSUPPORTED'),
    },
    {
      name: 'quantile_over_time by labels that drop a policy label',
      query:
        'quantile_over_time(0.99, {app="api"} | logfmt duration | unwrap duration(duration) ' +
        '[5m]) by (path)',
      one:
        'quantile_over_time(0.99, {app="api", namespace="a"} | logfmt duration | unwrap ' +
        'duration(duration) [5m]) by (path)',
      two: rejects('QUERY_UNSUPPORTED'),
    },
    {
      name: 'avg_over_time after drop of a policy label',
      query: 'avg_over_time({app="api"} | drop namespace | unwrap latency [5m])',
      one: 'avg_over_time({app="api", namespace="a"} | drop namespace | unwrap latency [5m])',
      two: rejects('QUERY_UNSUPPORTED'),
    },
    {
      name: 'a query without stream selectors goes on as written',
      query: '1 + 1',
      one: '1 + 1',
      two: '1 + 1',
    },
    {
      name: 'vector() goes on as written',
      query: 'vector(1)',
      one: 'vector(1)',
      two: 'vector(1)',
    },
  ])('$name', ({ query, one: withOne, two: withTwo }) => {
    expect(outcome(query, one)).toEqual(withOne);
    expect(outcome(query, two)).toEqual(withTwo);
  });

  it('splits a selector with two matchers into disjoint parts for a sum', () => {
    const selectors = scope('{namespace="a", env="prod"}', '{team="web"}');
    expect(outcome('count_over_time({app="api"} | json [5m])', selectors)).toBe(
      'sum without (__gatehouse_part__) (' +
        'label_replace(count_over_time({app="api", namespace="a", env="prod"} | json [5m]), ' +
        '"__gatehouse_part__", "1", "__gatehouse_part__", "") or ' +
        'label_replace(count_over_time({app="api", team="web", namespace!="a"} | json [5m]), ' +
        '"__gatehouse_part__", "2", "__gatehouse_part__", "") or ' +
        'label_replace(count_over_time(' +
        '{app="api", team="web", namespace="a", env!="prod"} | json [5m]), ' +
        '"__gatehouse_part__", "3", "__gatehouse_part__", ""))',
    );
  });

  it('unions with or after json when every selector requires every policy label', () => {
    const selectors = scope('{namespace="a", team="x"}', '{namespace="b", team="y"}');
    expect(outcome('count_over_time({app="api"} | json [5m])', selectors)).toBe(
      '(count_over_time({app="api", namespace="a", team="x"} | json [5m]) ' +
        'or count_over_time({app="api", namespace="b", team="y"} | json [5m]))',
    );
  });

  it('merges selectors that differ only in one label before deciding on a union', () => {
    const selectors = scope('{namespace="a"}', '{namespace="b"}');
    expect(outcome('avg_over_time({app="api"} | json | unwrap x [5m])', selectors)).toBe(
      'avg_over_time({app="api", namespace=~"a|b"} | json | unwrap x [5m])',
    );
  });
});
