import { describe, expect, it } from 'vitest';

import type { RangeAggregation } from './logql-ast.js';
import { orUnionProblem } from './or-union-problem.js';
import { parseLogSelector } from './parse-log-selector.js';
import { parseLogql } from './parse-logql.js';

function aggregation(query: string): RangeAggregation {
  const ast = parseLogql(query, 'query');
  if (ast.kind !== 'rangeAggregation') throw new Error(`not a range aggregation: ${query}`);
  return ast;
}

const mixed = ['{namespace="a"}', '{team="web"}'].map(parseLogSelector);
const sameLabels = ['{namespace="a", team="x"}', '{namespace="b", team="y"}'].map(parseLogSelector);

describe('orUnionProblem', () => {
  it.each([
    { name: 'no pipeline', query: 'rate({app="x"}[1m])', want: undefined },
    {
      name: 'line filters and formatting',
      query: 'rate({app="x"} |= "a" | line_format "b" [1m])',
      want: undefined,
    },
    {
      name: 'json parameters naming other labels',
      query: 'rate({app="x"} | json level [1m])',
      want: undefined,
    },
    {
      name: 'label_format of another label',
      query: 'rate({app="x"} | label_format b=c [1m])',
      want: undefined,
    },
    {
      name: 'keep naming every policy label',
      query: 'rate({app="x"} | keep namespace, team [1m])',
      want: undefined,
    },
    {
      name: 'by naming every policy label',
      query: 'max_over_time({app="x"} | unwrap v [1m]) by (namespace, team)',
      want: undefined,
    },
    {
      name: 'without naming another label',
      query: 'max_over_time({app="x"} | unwrap v [1m]) without (pod)',
      want: undefined,
    },
    {
      name: 'label_format writing a policy label',
      query: 'rate({app="x"} | label_format namespace="b" [1m])',
      want: /changes the policy label namespace/,
    },
    {
      name: 'label_format renaming a policy label away',
      query: 'rate({app="x"} | label_format ns=namespace [1m])',
      want: /changes the policy label namespace/,
    },
    {
      name: 'drop with a matcher on a policy label',
      query: 'rate({app="x"} | drop team="web" [1m])',
      want: /changes the policy label team/,
    },
    {
      name: 'keep without a policy label',
      query: 'rate({app="x"} | keep namespace [1m])',
      want: /changes the policy label team/,
    },
    {
      name: 'unwrap of a policy label',
      query: 'sum_over_time({app="x"} | unwrap team [1m])',
      want: /changes the policy label team/,
    },
    {
      name: 'by without a policy label',
      query: 'max_over_time({app="x"} | unwrap v [1m]) by (namespace)',
      want: /drops the policy label team/,
    },
    {
      name: 'without a policy label',
      query: 'max_over_time({app="x"} | unwrap v [1m]) without (team)',
      want: /drops the policy label team/,
    },
    {
      name: 'json without parameters',
      query: 'rate({app="x"} | json [1m])',
      want: /may extract the policy label namespace, team/,
    },
    {
      name: 'logfmt extracting a policy label',
      query: 'rate({app="x"} | logfmt team [1m])',
      want: /may extract the policy label team/,
    },
    { name: 'unpack', query: 'rate({app="x"} | unpack [1m])', want: /may extract/ },
    {
      name: 'a regexp naming a policy label',
      query: 'rate({app="x"} | regexp "(?P<team>.+)" [1m])',
      want: /may extract the policy label team/,
    },
    {
      name: 'a pattern naming a policy label',
      query: 'rate({app="x"} | pattern "<namespace> <_>" [1m])',
      want: /may extract the policy label namespace/,
    },
  ])('$name', ({ query, want }) => {
    const problem = orUnionProblem(aggregation(query), mixed);
    if (want === undefined) expect(problem).toBeUndefined();
    else expect(problem).toMatch(want);
  });

  it('trusts parsers when every selector requires every policy label', () => {
    expect(orUnionProblem(aggregation('rate({app="x"} | json [1m])'), sameLabels)).toBeUndefined();
  });
});
