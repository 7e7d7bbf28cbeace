import { describe, expect, it } from 'vitest';
import { TailDeduplicator } from './tail-deduplicator.js';
import { parseTailMessage, type TailMessage } from './tail-message.js';

const api = { app: 'api', namespace: 'team-a' };

function entries(message: TailMessage | null): string[] {
  return (message?.streams ?? []).flatMap((s) =>
    s.values.map((v) => `${s.stream.app} ${v[0]} ${v[1]}`),
  );
}

describe('TailDeduplicator', () => {
  it('sends an entry seen on another upstream only once', () => {
    const dedup = new TailDeduplicator();
    const first = dedup.keep({ streams: [{ stream: api, values: [['1', 'a']] }] });
    const again = dedup.keep({
      streams: [{ stream: { namespace: 'team-a', app: 'api' }, values: [['1', 'a']] }],
    });

    expect(entries(first)).toEqual(['api 1 a']);
    expect(again).toBeNull();
  });

  it('keeps entries that differ only by line, by timestamp or by stream labels', () => {
    const dedup = new TailDeduplicator();
    dedup.keep({ streams: [{ stream: api, values: [['1', 'a']] }] });
    const kept = dedup.keep({
      streams: [
        {
          stream: api,
          values: [
            ['1', 'a'],
            ['1', 'b'],
            ['2', 'a'],
          ],
        },
        { stream: { ...api, pod: 'p' }, values: [['1', 'a']] },
      ],
    });

    expect(entries(kept)).toEqual(['api 1 b', 'api 2 a', 'api 1 a']);
    expect(kept?.streams).toHaveLength(2);
  });

  it('reports a dropped entry once and leaves out empty lists', () => {
    const dedup = new TailDeduplicator();
    const drop = { timestamp: '5', labels: api };
    const first = dedup.keep({ dropped_entries: [drop] });
    const again = dedup.keep({
      streams: [{ stream: api, values: [['6', 'x']] }],
      dropped_entries: [drop],
    });

    expect(first).toEqual({ dropped_entries: [drop] });
    expect(again).toEqual({ streams: [{ stream: api, values: [['6', 'x']] }] });
  });

  it('forgets the oldest entries beyond its capacity', () => {
    const dedup = new TailDeduplicator(2);
    for (const ts of ['1', '2', '3'])
      dedup.keep({ streams: [{ stream: api, values: [[ts, 'l']] }] });

    expect(entries(dedup.keep({ streams: [{ stream: api, values: [['1', 'l']] }] }))).toEqual([
      'api 1 l',
    ]);
    expect(dedup.keep({ streams: [{ stream: api, values: [['3', 'l']] }] })).toBeNull();
  });
});

describe('parseTailMessage', () => {
  const rows: [string, string, string | null][] = [
    ['a streams message', '{"streams":[{"stream":{"a":"b"},"values":[["1","x"]]}]}', null],
    ['structured metadata', '{"streams":[{"stream":{},"values":[["1","x",{"k":"v"}]]}]}', null],
    ['an empty message', '{}', null],
    ['not JSON', 'nope', 'not JSON'],
    ['a JSON array', '[]', 'not a JSON object'],
    ['a numeric timestamp', '{"streams":[{"stream":{},"values":[[1,"x"]]}]}', 'malformed streams'],
    ['non-string labels', '{"streams":[{"stream":{"a":1},"values":[]}]}', 'malformed streams'],
    ['a dropped entry without timestamp', '{"dropped_entries":[{"labels":{}}]}', 'dropped_entries'],
  ];

  it.each(rows)('reads %s', (_name, text, error) => {
    if (error === null) expect(parseTailMessage(text)).toEqual(JSON.parse(text));
    else expect(() => parseTailMessage(text)).toThrow(error);
  });
});
