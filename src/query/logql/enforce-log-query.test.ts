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

/** The rewritten query, the fanned-out queries, or the error code. */
function outcome(query: string, selectors: Selector[]): Outcome {
  try {
    const enforced = enforceLogQuery(query, selectors);
    return enforced.kind === 'single' ? enforced.query : enforced.queries;
  } catch (error) {
    if (isGatehouseError(error)) return { rejects: error.code };
    throw error;
  }
}

const one = scope('{namespace="a"}');
const two = scope('{namespace="a"}', '{team="web"}');

describe('enforceLogQuery on log queries', () => {
  it.each([
    {
      name: 'ANDs the policy into a bare selector',
      query: '{app="api"}',
      one: '{app="api", namespace="a"}',
      two: ['{app="api", namespace="a"}', '{app="api", team="web"}'],
    },
    {
      name: 'keeps regex and negative user matchers',
      query: '{app=~"api|web", env!="dev"}',
      one: '{app=~"api|web", env!="dev", namespace="a"}',
      two: [
        '{app=~"api|web", env!="dev", namespace="a"}',
        '{app=~"api|web", env!="dev", team="web"}',
      ],
    },
    {
      name: 'keeps a |= line filter',
      query: '{app="api"} |= "error"',
      one: '{app="api", namespace="a"} |= "error"',
      two: ['{app="api", namespace="a"} |= "error"', '{app="api", team="web"} |= "error"'],
    },
    {
      name: 'keeps a != line filter',
      query: '{app="api"} != "timeout"',
      one: '{app="api", namespace="a"} != "timeout"',
      two: ['{app="api", namespace="a"} != "timeout"', '{app="api", team="web"} != "timeout"'],
    },
    {
      name: 'prints a backtick |~ regex as an escaped string',
      query: '{app="api"} |~ `\\d{3} ms`',
      one: '{app="api", namespace="a"} |~ "\\\\d{3} ms"',
      two: [
        '{app="api", namespace="a"} |~ "\\\\d{3} ms"',
        '{app="api", team="web"} |~ "\\\\d{3} ms"',
      ],
    },
    {
      name: 'keeps a !~ line filter with flags',
      query: '{app="api"} !~ "(?i)debug"',
      one: '{app="api", namespace="a"} !~ "(?i)debug"',
      two: ['{app="api", namespace="a"} !~ "(?i)debug"', '{app="api", team="web"} !~ "(?i)debug"'],
    },
    {
      name: 'keeps |> and !> pattern line filters',
      query: '{app="api"} |> "<_> level=error <_>" !> "<_> retry <_>"',
      one: '{app="api", namespace="a"} |> "<_> level=error <_>" !> "<_> retry <_>"',
      two: [
        '{app="api", namespace="a"} |> "<_> level=error <_>" !> "<_> retry <_>"',
        '{app="api", team="web"} |> "<_> level=error <_>" !> "<_> retry <_>"',
      ],
    },
    {
      name: 'keeps or inside a line filter',
      query: '{app="api"} |= "error" or "fatal"',
      one: '{app="api", namespace="a"} |= "error" or "fatal"',
      two: [
        '{app="api", namespace="a"} |= "error" or "fatal"',
        '{app="api", team="web"} |= "error" or "fatal"',
      ],
    },
    {
      name: 'keeps an ip() line filter',
      query: '{app="api"} |= ip("10.0.0.0/8")',
      one: '{app="api", namespace="a"} |= ip("10.0.0.0/8")',
      two: [
        '{app="api", namespace="a"} |= ip("10.0.0.0/8")',
        '{app="api", team="web"} |= ip("10.0.0.0/8")',
      ],
    },
    {
      name: 'never touches label filters after | json',
      query: '{app="api"} | json | status >= 500 | namespace="b"',
      one: '{app="api", namespace="a"} | json | status >= 500 | namespace="b"',
      two: [
        '{app="api", namespace="a"} | json | status >= 500 | namespace="b"',
        '{app="api", team="web"} | json | status >= 500 | namespace="b"',
      ],
    },
    {
      name: 'keeps json parameters',
      query: '{app="api"} | json status="response.status", method',
      one: '{app="api", namespace="a"} | json status="response.status", method',
      two: [
        '{app="api", namespace="a"} | json status="response.status", method',
        '{app="api", team="web"} | json status="response.status", method',
      ],
    },
    {
      name: 'keeps logfmt flags and parameters',
      query: '{app="api"} | logfmt --strict --keep-empty level',
      one: '{app="api", namespace="a"} | logfmt --strict --keep-empty level',
      two: [
        '{app="api", namespace="a"} | logfmt --strict --keep-empty level',
        '{app="api", team="web"} | logfmt --strict --keep-empty level',
      ],
    },
    {
      name: 'keeps a regexp parser',
      query: '{app="api"} | regexp `(?P<method>\\w+) (?P<path>\\S+)`',
      one: '{app="api", namespace="a"} | regexp "(?P<method>\\\\w+) (?P<path>\\\\S+)"',
      two: [
        '{app="api", namespace="a"} | regexp "(?P<method>\\\\w+) (?P<path>\\\\S+)"',
        '{app="api", team="web"} | regexp "(?P<method>\\\\w+) (?P<path>\\\\S+)"',
      ],
    },
    {
      name: 'keeps a pattern parser with escaped quotes',
      query: '{app="api"} | pattern "<ip> - <_> \\"<method> <path>\\""',
      one: '{app="api", namespace="a"} | pattern "<ip> - <_> \\"<method> <path>\\""',
      two: [
        '{app="api", namespace="a"} | pattern "<ip> - <_> \\"<method> <path>\\""',
        '{app="api", team="web"} | pattern "<ip> - <_> \\"<method> <path>\\""',
      ],
    },
    {
      name: 'keeps unpack',
      query: '{app="api"} | unpack',
      one: '{app="api", namespace="a"} | unpack',
      two: ['{app="api", namespace="a"} | unpack', '{app="api", team="web"} | unpack'],
    },
    {
      name: 'keeps and, or, comma and parentheses of label filters as written',
      query:
        '{app="api"} | json | level="error" or (status >= 500 and path=~"/api.*"), method!="GET"',
      one:
        '{app="api", namespace="a"} | json | level="error" or (status >= 500 ' +
        'and path=~"/api.*"), method!="GET"',
      two: [
        '{app="api", namespace="a"} | json | level="error" or (status >= 500 ' +
          'and path=~"/api.*"), method!="GET"',
        '{app="api", team="web"} | json | level="error" or (status >= 500 ' +
          'and path=~"/api.*"), method!="GET"',
      ],
    },
    {
      name: 'keeps duration and bytes filters',
      query: '{app="api"} | logfmt | duration > 1.5s and size <= 20KB',
      one: '{app="api", namespace="a"} | logfmt | duration > 1.5s and size <= 20KB',
      two: [
        '{app="api", namespace="a"} | logfmt | duration > 1.5s and size <= 20KB',
        '{app="api", team="web"} | logfmt | duration > 1.5s and size <= 20KB',
      ],
    },
    {
      name: 'keeps an ip() label filter',
      query: '{app="api"} | logfmt | addr = ip("192.168.0.0/16")',
      one: '{app="api", namespace="a"} | logfmt | addr=ip("192.168.0.0/16")',
      two: [
        '{app="api", namespace="a"} | logfmt | addr=ip("192.168.0.0/16")',
        '{app="api", team="web"} | logfmt | addr=ip("192.168.0.0/16")',
      ],
    },
    {
      name: 'keeps label_format renames and templates',
      query: '{app="api"} | logfmt | label_format lvl=level, summary="{{.method}} {{.path}}"',
      one:
        '{app="api", namespace="a"} | logfmt | label_format lvl=level, summary="{{.method}} ' +
        '{{.path}}"',
      two: [
        '{app="api", namespace="a"} | logfmt | label_format lvl=level, summary="{{.method}} ' +
          '{{.path}}"',
        '{app="api", team="web"} | logfmt | label_format lvl=level, summary="{{.method}} ' +
          '{{.path}}"',
      ],
    },
    {
      name: 'keeps line_format escapes',
      query: '{app="api"} | logfmt | line_format "{{.level}}\\t{{.msg}}\\n"',
      one: '{app="api", namespace="a"} | logfmt | line_format "{{.level}}\\t{{.msg}}\\n"',
      two: [
        '{app="api", namespace="a"} | logfmt | line_format "{{.level}}\\t{{.msg}}\\n"',
        '{app="api", team="web"} | logfmt | line_format "{{.level}}\\t{{.msg}}\\n"',
      ],
    },
    {
      name: 'keeps drop and keep',
      query: '{app="api"} | logfmt | drop pod, level="debug" | keep level, path',
      one: '{app="api", namespace="a"} | logfmt | drop pod, level="debug" | keep level, path',
      two: [
        '{app="api", namespace="a"} | logfmt | drop pod, level="debug" | keep level, path',
        '{app="api", team="web"} | logfmt | drop pod, level="debug" | keep level, path',
      ],
    },
    {
      name: 'keeps decolorize',
      query: '{app="api"} | decolorize',
      one: '{app="api", namespace="a"} | decolorize',
      two: ['{app="api", namespace="a"} | decolorize', '{app="api", team="web"} | decolorize'],
    },
    {
      name: 're-escapes quotes, backslashes and unicode escapes',
      query: '{app="a\\"b\\\\c", path="caf\\u00e9"}',
      one: '{app="a\\"b\\\\c", path="café", namespace="a"}',
      two: [
        '{app="a\\"b\\\\c", path="café", namespace="a"}',
        '{app="a\\"b\\\\c", path="café", team="web"}',
      ],
    },
    {
      name: 'does not repeat a policy matcher the user already has',
      query: '{app="api", namespace="a"}',
      one: '{app="api", namespace="a"}',
      two: ['{app="api", namespace="a"}', '{app="api", namespace="a", team="web"}'],
    },
    {
      name: 'ANDs next to a regex on the policed label',
      query: '{app="api", namespace=~"a|b"}',
      one: '{app="api", namespace=~"a|b", namespace="a"}',
      two: [
        '{app="api", namespace=~"a|b", namespace="a"}',
        '{app="api", namespace=~"a|b", team="web"}',
      ],
    },
    {
      name: 'ANDs next to a negative matcher on the policed label',
      query: '{app="api", namespace!="b"}',
      one: '{app="api", namespace!="b", namespace="a"}',
      two: [
        '{app="api", namespace!="b", namespace="a"}',
        '{app="api", namespace!="b", team="web"}',
      ],
    },
    {
      name: 'drops comments',
      query: '{app="api"} |= "x" # a comment',
      one: '{app="api", namespace="a"} |= "x"',
      two: ['{app="api", namespace="a"} |= "x"', '{app="api", team="web"} |= "x"'],
    },
    {
      name: 'drops parentheses around a log query',
      query: '({app="api"} |= "x")',
      one: '{app="api", namespace="a"} |= "x"',
      two: ['{app="api", namespace="a"} |= "x"', '{app="api", team="web"} |= "x"'],
    },
  ])('$name', ({ query, one: withOne, two: withTwo }) => {
    expect(outcome(query, one)).toEqual(withOne);
    expect(outcome(query, two)).toEqual(withTwo);
  });

  it('merges selectors that differ only in the value of one label into an escaped regex', () => {
    const selectors = scope('{namespace="a.b", env="prod"}', '{env="prod", namespace="c"}');
    expect(outcome('{app="api"} |= "x"', selectors)).toBe(
      '{app="api", env="prod", namespace=~"a\\\\.b|c"} |= "x"',
    );
  });

  it('drops duplicate policy selectors before deciding to fan out', () => {
    expect(outcome('{app="api"}', scope('{namespace="a"}', '{namespace="a"}'))).toBe(
      '{app="api", namespace="a"}',
    );
  });

  it('leaves every stream visible when one policy selector is empty', () => {
    expect(outcome('{app="api"}   |= "x"', [[], ...one])).toBe('{app="api"} |= "x"');
  });

  it('refuses an empty scope, which authorization never produces', () => {
    expect(() => enforceLogQuery('{app="api"}', [])).toThrow(/at least one policy selector/);
  });

  it.each([
    { name: 'an unterminated string', query: '{app="api}' },
    { name: 'a missing closing brace', query: '{app="api"' },
    { name: 'an empty stream selector', query: '{}' },
    { name: 'a pipe without a stage', query: '{app="api"} |' },
    { name: 'an empty query', query: '  ' },
    { name: 'a range aggregation without a range', query: 'rate({app="api"})' },
    { name: 'an offset outside the range aggregation', query: 'rate({app="api"}[5m]) offset 1h' },
    { name: 'a log query as a binary operand', query: '{app="api"} or {app="web"}' },
    { name: 'a selector whose matchers all accept the empty value', query: '{app=~".*"}' },
    { name: 'a single-quoted string', query: "{app='api'}" },
    { name: 'an unknown escape in a string', query: '{app="\\q"}' },
    { name: 'a stage lezer-logql 0.3.0 does not know', query: '{app="api"} | distinct level' },
    { name: 'label filters separated by a space only', query: '{app="api"} | a="b" c="d"' },
    {
      name: 'a pipeline, unwrap and offset after the range, which lezer-logql cannot read',
      query: 'sum_over_time({app="api"} | json | unwrap x [5m] offset 1h)',
    },
  ])('rejects $name as a parse error', ({ query }) => {
    expect(outcome(query, one)).toEqual({ rejects: 'QUERY_PARSE_ERROR' });
  });

  it.each([
    { name: 'LogQL reads as a keyword', selector: { name: 'json', op: '=', value: 'x' } },
    { name: 'LogQL cannot write', selector: { name: 'k8s.namespace', op: '=', value: 'x' } },
  ] as const)('rejects a policy label name $name', ({ selector }) => {
    expect(outcome('{app="api"}', [[selector]])).toEqual({ rejects: 'QUERY_UNSUPPORTED' });
  });
});

describe('enforceLogQuery on text a parser could read two ways', () => {
  it('regression: refuses a # comment with a carriage return (lezer and Loki may disagree)', () => {
    const scope = [[{ name: 'namespace', op: '=' as const, value: 'team-a' }]];

    expect(() =>
      enforceLogQuery('vector(1) #\r or count_over_time({app="x"}[5m])\n', scope),
    ).toThrow(/ambiguous/);
  });
});

describe('enforceLogQuery on vector matching', () => {
  it('regression: keeps group_left without labels apart from a union that follows it', () => {
    const scope = [
      [{ name: 'namespace', op: '=' as const, value: 'team-a' }],
      [
        { name: 'env', op: '=' as const, value: 'dev' },
        { name: 'team', op: '=' as const, value: 'b' },
      ],
    ];
    const query =
      'count_over_time({app="x"}[1h]) * on(namespace) group_left count_over_time({app="y"}[1h])';
    const enforced = enforceLogQuery(query, scope);

    expect(enforced.kind).toBe('single');
    expect(enforced.kind === 'single' && enforced.query).toContain('group_left() (');
  });
});
