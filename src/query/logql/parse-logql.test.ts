import type { SyntaxNode } from '@lezer/common';
import { describe, expect, it } from 'vitest';

import { isGatehouseError } from '../../errors/gatehouse-error.js';
import { LogqlAstBuilder } from './build-logql-ast.js';
import { LogqlSyntax } from './logql-syntax.js';
import { parseLogql } from './parse-logql.js';
import { printLogql } from './print-logql.js';

function reprint(query: string): string {
  return printLogql(parseLogql(query, 'query'));
}

const canonical = [
  {
    name: 'spaces and a trailing comment',
    query: '{ app = "api" }|="x"   # why',
    printed: '{app="api"} |= "x"',
  },
  {
    name: 'backtick strings as double-quoted strings',
    query: '{app=`a"b`} |~ `\\d+`',
    printed: '{app="a\\"b"} |~ "\\\\d+"',
  },
  {
    name: 'a carriage return in a raw string, which Go drops',
    query: '{app="api"} |= `a\rb`',
    printed: '{app="api"} |= "ab"',
  },
  {
    name: 'control characters as escapes',
    query: '{app="api"} | line_format "\\x01\\u00e9"',
    printed: '{app="api"} | line_format "\\x01é"',
  },
  {
    name: 'keywords in any case',
    query: 'SUM BY (x) (count_over_time({app="api"}[5m]))',
    printed: 'sum by (x) (count_over_time({app="api"}[5m]))',
  },
  {
    name: 'grouping after a vector aggregation, moved before it',
    query: 'topk(2, rate({app="api"}[1m])) by (path)',
    printed: 'topk by (path) (2, rate({app="api"}[1m]))',
  },
  {
    name: 'the range after the selector, moved after the pipeline',
    query: 'count_over_time({app="api"}[5m] |= "x")',
    printed: 'count_over_time({app="api"} |= "x" [5m])',
  },
  {
    name: 'parentheses around a log range',
    query: 'count_over_time(({app="api"} | json)[5m] offset -1h)',
    printed: 'count_over_time({app="api"} | json [5m] offset -1h)',
  },
  {
    name: 'a signed number in a label filter',
    query: '{app="api"} | logfmt | delta < - 2.5',
    printed: '{app="api"} | logfmt | delta < -2.5',
  },
  {
    name: 'or/and/comma of label filters in the user order, without added parentheses',
    query: '{app="api"} | logfmt | a="1" or b="2" and c="3" , d="4"',
    printed: '{app="api"} | logfmt | a="1" or b="2" and c="3", d="4"',
  },
  {
    name: 'unwrap with a conversion and error filters',
    query: 'sum_over_time({app="api"} | unwrap bytes(size) | __error__="" | size > 0 [1m])',
    printed: 'sum_over_time({app="api"} | unwrap bytes(size) | __error__="" | size > 0 [1m])',
  },
  {
    name: 'binary modifiers',
    query: 'vector(1) > bool on() group_right(a, b) -1',
    printed: 'vector(1) > bool on() group_right(a, b) -1',
  },
  {
    name: 'an empty by clause',
    query: 'sum by () (rate({app="api"}[1m]))',
    printed: 'sum by () (rate({app="api"}[1m]))',
  },
];

describe('parseLogql and printLogql', () => {
  it.each(canonical)('prints $name', ({ query, printed }) => {
    expect(reprint(query)).toBe(printed);
  });

  it.each(canonical)('reads its own output of $name back into the same text', ({ query }) => {
    expect(reprint(reprint(query))).toBe(reprint(query));
  });

  it('keeps the user operator of each label filter and the filter order', () => {
    const ast = parseLogql('{app="api"} | a="1" or b="2" , c="3"', 'query');
    expect(ast).toMatchObject({
      kind: 'log',
      pipeline: [
        {
          kind: 'labelFilter',
          filter: {
            kind: 'binary',
            op: 'or',
            left: { kind: 'matcher', matcher: { name: 'a' } },
            right: { kind: 'binary', op: ',' },
          },
        },
      ],
    });
  });

  it('reads the alternatives of a line filter in order, ip() last', () => {
    const ast = parseLogql('{app="api"} != "a" or "b" or ip("10.0.0.1")', 'query');
    expect(ast).toMatchObject({
      pipeline: [
        {
          kind: 'lineFilter',
          op: '!=',
          values: [
            { kind: 'string', value: 'a' },
            { kind: 'string', value: 'b' },
            { kind: 'ip', value: '10.0.0.1' },
          ],
        },
      ],
    });
  });

  it('fails closed on a node kind it does not know', () => {
    const mystery = {
      type: { name: 'Mystery' },
      from: 0,
      to: 0,
      firstChild: null,
      nextSibling: null,
    } as unknown as SyntaxNode;
    const build = (): unknown => new LogqlAstBuilder(new LogqlSyntax('', 'query')).expr(mystery);
    expect(build).toThrow(/unsupported LogQL syntax Mystery/);
    try {
      build();
    } catch (error) {
      expect(isGatehouseError(error) && error.code).toBe('QUERY_UNSUPPORTED');
    }
  });
});
