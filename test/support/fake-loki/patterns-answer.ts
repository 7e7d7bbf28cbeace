import { NS, type FakeStream } from './fake-stream.js';
import { json } from './loki-answer.js';
import { required } from './loki-request.js';
import { matchesAll, parseSelectorOnly } from './stream-selector.js';
import { entriesIn, type TimeRange } from './time-range.js';

/** Lines with their digit runs replaced by `<_>`, counted per `step` (default 10 s) bucket. */
export function patternsAnswer(params: URLSearchParams, streams: FakeStream[], range: TimeRange) {
  const matchers = parseSelectorOnly(required(params, 'query'));
  const step = BigInt(Number(params.get('step') ?? '10')) * NS;
  const counts = new Map<string, Map<number, number>>();

  for (const entry of entriesIn(
    streams.filter((s) => matchesAll(s.labels, matchers)),
    range,
  )) {
    const pattern = entry.line.replace(/\d+/g, '<_>');
    const bucket = Number(((entry.ts / step) * step) / NS);
    const samples = counts.get(pattern) ?? new Map<number, number>();
    counts.set(pattern, samples.set(bucket, (samples.get(bucket) ?? 0) + 1));
  }

  const data = [...counts]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([pattern, samples]) => ({ pattern, samples: [...samples].sort((a, b) => a[0] - b[0]) }));
  return json(200, { status: 'success', data });
}
