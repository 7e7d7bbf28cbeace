import { describe, expect, it } from 'vitest';

import { isGatehouseError } from '../../errors/gatehouse-error.js';
import type { Selector } from '../../model/label-matcher.js';
import { enforceQuery } from './enforce-query.js';
import { parseSelector } from './parse-selector.js';

function scope(...selectors: string[]): Selector[] {
  return selectors.map(parseSelector);
}

function single(query: string, selectors: Selector[]): string {
  const enforced = enforceQuery(query, selectors);
  if (enforced.kind !== 'single') {
    throw new Error(`expected a single query, got ${JSON.stringify(enforced)}`);
  }
  return enforced.query;
}

const teamA = scope('{namespace="team-a"}');
const union = scope('{namespace="team-a", env="prod"}', '{job="web"}');
const byName = scope('{__name__="up"}', '{job="web"}');

describe('enforceQuery', () => {
  it.each([
    {
      name: 'ANDs one selector into every selector',
      query: 'a / on(x) b{namespace="x"}',
      selectors: teamA,
      want: 'a{namespace="team-a"} / on(x) b{namespace="x", namespace="team-a"}',
    },
    {
      name: 'merges selectors differing in one label into an escaped regex',
      query: 'up',
      selectors: scope('{job="a.b(c)"}', '{job=~"d|e"}'),
      want: 'up{job=~"a\\\\.b\\\\(c\\\\)|(?:d|e)"}',
    },
    {
      name: 'unions an instant selector with a fixed name',
      query: 'sum(up)',
      selectors: union,
      want: 'sum((up{namespace="team-a", env="prod"} or up{job="web"}))',
    },
    {
      name: 'carries __name__ through the union when a selector constrains it',
      query: '{job=~".+"}',
      selectors: byName,
      want:
        'label_replace(' +
        'label_replace({job=~".+", __name__="up"}, "__gatehouse_name__", "$1", "__name__", "(.+)")' +
        ' or ' +
        'label_replace({job=~".+", job="web"}, "__gatehouse_name__", "$1", "__name__", "(.+)")' +
        ', "__gatehouse_name__", "", "", "")',
    },
    {
      name: 'moves the union up to the range function, copying other arguments',
      query: 'quantile_over_time(0.5, x[5m] offset 1m)',
      selectors: union,
      want:
        '(quantile_over_time(0.5, x{namespace="team-a", env="prod"}[5m] offset 1m)' +
        ' or quantile_over_time(0.5, x{job="web"}[5m] offset 1m))',
    },
    {
      name: 'enforces inside a subquery and keeps its modifiers',
      query: 'max_over_time(x[5m:1m] @ end())',
      selectors: union,
      want: 'max_over_time((x{namespace="team-a", env="prod"} or x{job="web"})[5m:1m] @ end())',
    },
    {
      name: 'applies timestamp() per selector',
      query: 'timestamp(x)',
      selectors: union,
      want: '(timestamp(x{namespace="team-a", env="prod"}) or timestamp(x{job="web"}))',
    },
    {
      name: 'keeps absent() plain when the policy adds no output label',
      query: 'absent(x{job="a"})',
      selectors: scope('{namespace=~"team-.*"}'),
      want: 'absent(x{job="a", namespace=~"team-.*"})',
    },
    {
      name: 'sets absent() labels from the user matchers only',
      query: 'absent(x{job="a$1"})',
      selectors: teamA,
      want: '(label_replace(sum(absent(x{job="a$1", namespace="team-a"})), "job", "a$$1", "", ""))',
    },
    {
      name: 'intersects absent_over_time() over a union',
      query: 'absent_over_time(x[5m])',
      selectors: union,
      want:
        '(sum(absent_over_time(x{namespace="team-a", env="prod"}[5m]))' +
        ' and sum(absent_over_time(x{job="web"}[5m])))',
    },
    {
      name: 'passes a query without selectors on as printed from its tree',
      query: '1+1',
      selectors: union,
      want: '1 + 1',
    },
    {
      name: 'regression: a comment inside parentheses is dropped, not trusted',
      query: '(vector(1) # note\n)',
      selectors: teamA,
      want: '(vector(1))',
    },
    {
      name: 'accepts an ordinary trailing comment',
      query: 'up # the targets\n',
      selectors: teamA,
      want: 'up{namespace="team-a"}',
    },
    {
      name: 'regression: group_left without labels keeps its empty list before a union',
      query: 'a * on(namespace) group_left b',
      selectors: union,
      want:
        '(a{namespace="team-a", env="prod"} or a{job="web"}) * on(namespace) group_left() ' +
        '(b{namespace="team-a", env="prod"} or b{job="web"})',
    },
    {
      name: 'leaves everything visible for an empty selector',
      query: 'up',
      selectors: [[], ...teamA],
      want: 'up',
    },
  ])('$name', ({ query, selectors, want }) => {
    expect(single(query, selectors)).toBe(want);
  });

  it('fans a bare range selector out into one query per selector', () => {
    expect(enforceQuery('(x[5m] offset 1m)', union)).toEqual({
      kind: 'fanout',
      queries: [
        '(x{namespace="team-a", env="prod"}[5m] offset 1m)',
        '(x{job="web"}[5m] offset 1m)',
      ],
    });
  });

  it('does not fan out a bare range selector under one selector', () => {
    expect(enforceQuery('x[5m]', teamA)).toEqual({
      kind: 'single',
      query: 'x{namespace="team-a"}[5m]',
    });
  });

  it.each([
    {
      name: 'a function that reads series no selector names',
      query: 'info(up)',
      code: 'QUERY_UNSUPPORTED',
    },
    {
      name: 'a range selector outside a range function under a union',
      query: 'sum(x[5m])',
      code: 'QUERY_UNSUPPORTED',
    },
    {
      name: 'a selector matching the empty string only',
      query: '{env!="dev"}',
      code: 'QUERY_PARSE_ERROR',
    },
    { name: 'a query lezer cannot parse', query: 'rate(x[5m]', code: 'QUERY_PARSE_ERROR' },
  ])('rejects $name', ({ query, code }) => {
    const run = (): unknown => enforceQuery(query, union);
    expect(run).toThrow();
    try {
      run();
    } catch (error) {
      expect(isGatehouseError(error) && error.code).toBe(code);
    }
  });
});

describe('enforceQuery on queries that would explode', () => {
  it('refuses nested range functions whose copies would grow past the limit, quickly', () => {
    let query = 'vector(0.5)';
    for (let depth = 0; depth < 16; depth++) {
      query = `quantile_over_time(scalar(${query}), y[5m])`;
    }
    const started = Date.now();

    expect(() => enforceQuery(query, union)).toThrow(/would grow to about \d+ nodes/);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('still enforces a moderately nested query', () => {
    let query = 'vector(0.5)';
    for (let depth = 0; depth < 4; depth++) {
      query = `quantile_over_time(scalar(${query}), y[5m])`;
    }

    expect(single(query, union)).toContain('y{job="web"}[5m]');
  });
});

describe('enforceQuery on very long queries', () => {
  it('answers a query of 5000 chained selectors with a 400-class error, not a crash', () => {
    const query = `count(${Array.from({ length: 5000 }, () => 'up').join(' + ')})`;

    expect(() => enforceQuery(query, teamA)).toThrow(
      expect.objectContaining({ status: 400 }) as unknown as Error,
    );
  });
});

describe('enforceQuery on text a parser could read two ways', () => {
  it('regression: refuses a # comment with a carriage return (lezer and Prometheus disagree)', () => {
    expect(() => enforceQuery('(vector(1) #\r or secret_b\n)', teamA)).toThrow(/ambiguous/);
  });
});

describe('enforceQuery on huge queries', () => {
  it('refuses a query over 64 KiB at once instead of parsing it', () => {
    const query = `up{job="${'x'.repeat(70_000)}"}`;
    const started = Date.now();

    expect(() => enforceQuery(query, teamA)).toThrow(/at most 65536 are parsed/);
    expect(Date.now() - started).toBeLessThan(100);
  });
});
