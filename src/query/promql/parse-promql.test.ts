import { describe, expect, it } from 'vitest';

import { isGatehouseError } from '../../errors/gatehouse-error.js';
import { parsePromql } from './parse-promql.js';
import { printPromql } from './print-promql.js';

function errorCode(query: string): string {
  try {
    parsePromql(query, 'query');
  } catch (error) {
    return isGatehouseError(error) ? error.code : 'OTHER';
  }
  return 'NONE';
}

describe('parsePromql', () => {
  it.each([
    { name: 'a lezer error node', query: 'sum(x' },
    { name: 'an unterminated string', query: 'x{a="b}' },
    { name: 'an unknown escape in a string', query: 'x{a="\\q"}' },
    { name: "a \\' escape in a double-quoted string", query: `x{a="\\'"}` },
    { name: 'an empty query', query: '   ' },
    {
      name: 'holt_winters, which lezer-promql 0.315 does not know',
      query: 'holt_winters(x[5m], 0.5, 0.5)',
    },
    { name: 'offset before a range', query: 'x offset 5m [5m]' },
    { name: 'a range on an expression', query: 'sum(x)[5m]' },
    { name: 'offset on an aggregation', query: 'sum(x) offset 5m' },
    { name: 'offset on a parenthesised selector', query: '(x) offset 5m' },
    { name: 'offset set twice', query: 'x offset 5m offset 1m' },
    { name: '@ set twice', query: 'x @ 1 @ 2' },
    { name: 'a metric name set twice', query: 'x{__name__="y"}' },
    { name: 'topk without its parameter', query: 'topk(x)' },
  ])('rejects $name as a parse error', ({ query }) => {
    expect(errorCode(query)).toBe('QUERY_PARSE_ERROR');
  });

  it.each([
    { name: 'duration arithmetic', query: 'x[5m + 1m]' },
    { name: 'step() in a range', query: 'x[step()]' },
    { name: 'the anchored modifier', query: 'rate(x[5m] anchored)' },
    { name: 'fill() on a binary operator', query: 'a + fill(0) b' },
  ])('rejects $name, which it cannot enforce, as unsupported', ({ query }) => {
    expect(errorCode(query)).toBe('QUERY_UNSUPPORTED');
  });

  it('binds offset to the nearest operand as Prometheus does, not to the whole expression', () => {
    const ast = parsePromql('a + b offset 5m', 'query');
    expect(ast).toMatchObject({
      kind: 'binary',
      left: { kind: 'vectorSelector', modifiers: {} },
      right: { kind: 'vectorSelector', modifiers: { offset: '5m' } },
    });
  });

  it('puts a unary minus outside the range it precedes', () => {
    expect(parsePromql('-x[5m]', 'query')).toMatchObject({
      kind: 'unary',
      expr: { kind: 'matrixSelector', range: '5m' },
    });
  });

  it('keeps offset and @ on the range selector, whatever their order', () => {
    const expected = {
      kind: 'matrixSelector',
      modifiers: { offset: '-1m', at: { kind: 'start' } },
    };
    expect(parsePromql('x[5m] offset -1m @ start()', 'query')).toMatchObject(expected);
    expect(parsePromql('x[5m] @ start() offset -1m', 'query')).toMatchObject(expected);
  });

  it('turns a metric identifier into a __name__ matcher', () => {
    expect(parsePromql('up{job="a"}', 'query')).toMatchObject({
      matchers: [
        { name: '__name__', op: '=', value: 'up' },
        { name: 'job', op: '=', value: 'a' },
      ],
    });
  });

  it('decodes Go string escapes, single quotes and raw strings', () => {
    const ast = parsePromql("x{a='\\x41\\u00e9\\101\\'', b=`\\n`, c=\"\\t\"}", 'query');
    expect(ast).toMatchObject({
      matchers: [
        { name: '__name__', value: 'x' },
        { name: 'a', value: "Aé\u0041'" },
        { name: 'b', value: '\\n' },
        { name: 'c', value: '\t' },
      ],
    });
  });

  it('reads quoted label names, which Prometheus 2.42 rejects, and prints them bare when classic', () => {
    const ast = parsePromql('{"env"="prod", "my.label"=~"x", "metric.name"}', 'query');
    expect(printPromql(ast)).toBe('{env="prod", "my.label"=~"x", __name__="metric.name"}');
  });
});

describe('printPromql', () => {
  it.each([
    'rate(x{a="b"}[5m] @ start() offset -1m)',
    'a + b offset 5m',
    '-x offset 5m',
    'a ^ -b @ 100',
    '-a ^ b',
    'a - -1',
    'sum by (a, b) (x)',
    'sum without () (x)',
    'topk(3, x)',
    'count_values("v", x)',
    'a / ignoring(b) group_right c',
    'a > bool on(b) group_left(c) d',
    'a and on() b or c unless d',
    'x[5m:]',
    'max_over_time(rate(x[1m])[10m:1m] offset 5m)',
    'x{a="\\\\ \\" \\n \\x01"}',
    '{__name__=~"a|b", "my.label"="x"}',
    '{__name__="sum", a="b"}',
    '"a string"',
    'Inf',
    '0x1F',
  ])('round-trips %s', (query) => {
    const ast = parsePromql(query, 'query');
    const printed = printPromql(ast);
    expect(parsePromql(printed, 'query')).toEqual(ast);
    expect(printPromql(parsePromql(printed, 'query'))).toBe(printed);
  });

  it('prints a metric named like a keyword or function as a __name__ matcher', () => {
    expect(printPromql(parsePromql('{__name__="offset"}', 'query'))).toBe('{__name__="offset"}');
    expect(printPromql(parsePromql('{__name__="rate"}', 'query'))).toBe('{__name__="rate"}');
    expect(printPromql(parsePromql('{__name__="up"}', 'query'))).toBe('up');
  });

  it('normalises aggregation placement and keyword case', () => {
    expect(printPromql(parsePromql('SUM(x) BY (a)', 'query'))).toBe('sum by (a) (x)');
  });
});
