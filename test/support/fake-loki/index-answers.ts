import { labelsString, NS, type FakeStream, type Labels } from './fake-stream.js';
import { BadRequest, json, type LokiAnswer } from './loki-answer.js';
import { required } from './loki-request.js';
import { matchesAll, parseSelectorOnly } from './stream-selector.js';
import { entriesIn, type TimeRange } from './time-range.js';

/** `series`: Loki ORs the `match[]` selectors (also read under the name `match`). */
export function seriesAnswer(params: URLSearchParams, streams: FakeStream[]): LokiAnswer {
  const selectors = [...params.getAll('match[]'), ...params.getAll('match')].map(parseSelectorOnly);
  if (selectors.length === 0)
    throw new BadRequest('at least one match[] argument must be provided');

  const data = streams
    .filter((s) => selectors.some((matchers) => matchesAll(s.labels, matchers)))
    .map((s) => s.labels);
  return json(200, { status: 'success', data });
}

/** `index/stats` of the given streams in range (one chunk per stream). */
export function indexStats(streams: FakeStream[], range: TimeRange) {
  const entries = entriesIn(streams, range);
  const bytes = entries.reduce((sum, e) => sum + Buffer.byteLength(e.line), 0);
  return { streams: streams.length, chunks: streams.length, entries: entries.length, bytes };
}

/**
 * Loki's index volume: bytes in range grouped by the labels the query names, or by targetLabels
 * (streams lacking one are left out); `aggregateBy=labels` counts per label name, every label of
 * the streams unless targetLabels names them. Largest first, then by name; `limit` kept.
 */
export function volumeAnswer(
  isRange: boolean,
  params: URLSearchParams,
  streams: FakeStream[],
  range: TimeRange,
): LokiAnswer {
  const groups = volumeGroups(params, streams, range);

  const limit = Number(params.get('limit') ?? '100');
  const top = [...groups.entries()]
    .sort(([ka, a], [kb, b]) => b.bytes - a.bytes || (ka < kb ? -1 : 1))
    .slice(0, limit)
    .map(([, group]) => group);
  const seconds = Number(range.end / NS);
  const result = top.map((g) =>
    isRange
      ? { metric: g.metric, values: [[seconds, String(g.bytes)]] }
      : { metric: g.metric, value: [seconds, String(g.bytes)] },
  );
  const resultType = isRange ? 'matrix' : 'vector';
  return json(200, { status: 'success', data: { resultType, result } });
}

/** Label string → the group's labels and its bytes in range. */
function volumeGroups(params: URLSearchParams, streams: FakeStream[], range: TimeRange) {
  const targets = params.get('targetLabels')?.split(',').filter(Boolean) ?? [];
  const named =
    targets.length > 0 ? targets : parseSelectorOnly(required(params, 'query')).map((m) => m.name);
  const byLabels = params.get('aggregateBy') === 'labels';
  const groups = new Map<string, { metric: Labels; bytes: number }>();
  const add = (metric: Labels, bytes: number) => {
    const key = labelsString(metric);
    groups.set(key, { metric, bytes: (groups.get(key)?.bytes ?? 0) + bytes });
  };

  for (const stream of streams) {
    if (targets.some((name) => stream.labels[name] === undefined)) continue;
    const bytes = indexStats([stream], range).bytes;
    const names = byLabels && targets.length === 0 ? Object.keys(stream.labels) : named;
    const present = names.filter((name) => stream.labels[name] !== undefined);
    if (byLabels) present.forEach((name) => add({ [name]: '' }, bytes));
    else
      add(Object.fromEntries(present.map((name) => [name, stream.labels[name] as string])), bytes);
  }
  return groups;
}
