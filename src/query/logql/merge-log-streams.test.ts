import { describe, expect, it } from 'vitest';

import { mergeLogStreams, type LokiStream } from './merge-log-streams.js';

const api: LokiStream = {
  stream: { app: 'api', namespace: 'a' },
  values: [
    ['30', 'c'],
    ['10', 'a'],
  ],
};
const apiAgain: LokiStream = {
  stream: { namespace: 'a', app: 'api' },
  values: [
    ['30', 'c'],
    ['20', 'b'],
  ],
};
const web: LokiStream = { stream: { app: 'web' }, values: [['25', 'w']] };

describe('mergeLogStreams', () => {
  it('keeps an entry two selectors matched once, newest first for backward', () => {
    expect(mergeLogStreams([[api], [apiAgain, web]], 'backward', 100)).toEqual([
      {
        stream: api.stream,
        values: [
          ['30', 'c'],
          ['20', 'b'],
          ['10', 'a'],
        ],
      },
      { stream: web.stream, values: [['25', 'w']] },
    ]);
  });

  it('orders oldest first for forward', () => {
    expect(mergeLogStreams([[api], [web]], 'forward', 100)).toEqual([
      {
        stream: api.stream,
        values: [
          ['10', 'a'],
          ['30', 'c'],
        ],
      },
      { stream: web.stream, values: [['25', 'w']] },
    ]);
  });

  it('cuts to limit entries over all streams, as Loki counts them', () => {
    expect(mergeLogStreams([[api], [apiAgain, web]], 'backward', 2)).toEqual([
      { stream: api.stream, values: [['30', 'c']] },
      { stream: web.stream, values: [['25', 'w']] },
    ]);
    expect(mergeLogStreams([[api]], 'forward', 0)).toEqual([]);
  });

  it('keeps entries with the same timestamp and different lines', () => {
    const twin: LokiStream = { stream: api.stream, values: [['30', 'other']] };
    const merged = mergeLogStreams([[api], [twin]], 'backward', 100);
    expect(merged[0]?.values).toEqual([
      ['30', 'c'],
      ['30', 'other'],
      ['10', 'a'],
    ]);
  });

  it('compares nanosecond timestamps beyond 2^53 exactly', () => {
    const late: LokiStream = { stream: { app: 'x' }, values: [['1700000000000000001', 'late']] };
    const early: LokiStream = { stream: { app: 'x' }, values: [['1700000000000000000', 'early']] };
    expect(mergeLogStreams([[late], [early]], 'forward', 1)).toEqual([
      { stream: { app: 'x' }, values: [['1700000000000000000', 'early']] },
    ]);
  });

  it('keeps the metadata of categorized entries', () => {
    const meta: LokiStream = {
      stream: { app: 'x' },
      values: [['5', 'line', { structuredMetadata: { trace: '1' } }]],
    };
    expect(mergeLogStreams([[meta], [meta]], 'backward', 10)).toEqual([meta]);
  });
});
