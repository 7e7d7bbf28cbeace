import {
  compareTimes,
  labelsString,
  NS,
  type FakeEntry,
  type FakeStream,
  type Labels,
} from './fake-stream.js';
import { parseLogQuery, type LogQuery } from './log-query.js';
import { BadRequest, json, type LokiAnswer } from './loki-answer.js';
import { required } from './loki-request.js';
import { matchesAll } from './stream-selector.js';
import { parseTime, type TimeRange } from './time-range.js';

/**
 * `query` and `query_range`: a log query is evaluated (range only, as in Loki); a metric query
 * gets one sample of value 2, which is also what Grafana's health check expects from
 * `vector(1)+vector(1)`.
 */
export function queryAnswer(
  isRange: boolean,
  params: URLSearchParams,
  streams: FakeStream[],
  range: TimeRange,
): LokiAnswer {
  const parsed = parseLogQuery(required(params, 'query'));
  // The time is read (and refused when bad) before the query's kind matters.
  const time = isRange
    ? range.end
    : params.has('time')
      ? parseTime(params.get('time') ?? '')
      : range.end;

  if (!parsed) return metricAnswer(isRange, time, range);
  if (!isRange) throw new BadRequest(instantLogQuery);

  const limit = Number(params.get('limit') ?? '100');
  if (!Number.isInteger(limit) || limit <= 0)
    throw new BadRequest('limit must be a positive value');
  const direction = (params.get('direction') ?? 'backward').toLowerCase();
  if (direction !== 'forward' && direction !== 'backward')
    throw new BadRequest(`invalid direction ${JSON.stringify(direction)}`);

  const result = logResult(streams, parsed, range, direction, limit);
  return json(200, envelope('streams', result));
}

const instantLogQuery =
  'log queries are not supported as an instant query type, ' +
  'please change your query to a range query type';

function metricAnswer(isRange: boolean, time: bigint, range: TimeRange): LokiAnswer {
  const seconds = Number(time / NS);
  const result = isRange
    ? [{ metric: {}, values: [[Number(range.start / NS), '2']] }]
    : [{ metric: {}, value: [seconds, '2'] }];
  return json(200, envelope(isRange ? 'matrix' : 'vector', result));
}

function envelope(resultType: string, result: unknown[]) {
  const entries = resultType === 'streams' ? (result as { values: unknown[] }[]) : [];
  const returned = entries.reduce((sum, s) => sum + s.values.length, 0);
  return {
    status: 'success',
    data: { resultType, result, stats: { summary: { totalEntriesReturned: returned } } },
  };
}

interface Hit {
  labels: Labels;
  entry: FakeEntry;
}

/**
 * Loki's log query: matching entries in [start, end), the first `limit` in `direction` order
 * over all streams, grouped by stream (structured metadata joins the stream labels, as Loki does
 * without the categorize-labels flag), streams sorted by their label string (logqlmodel.Streams).
 */
function logResult(
  streams: FakeStream[],
  parsed: LogQuery,
  range: TimeRange,
  direction: string,
  limit: number,
) {
  const hits: Hit[] = streams
    .filter((s) => matchesAll(s.labels, parsed.matchers))
    .flatMap((s) => s.entries.map((entry) => ({ labels: s.labels, entry })))
    .filter(({ entry }) => entry.ts >= range.start && entry.ts < range.end)
    .filter(({ entry }) => parsed.filters.every((keep) => keep(entry.line)));

  const sign = direction === 'forward' ? 1 : -1;
  hits.sort((a, b) => sign * compareTimes(a.entry.ts, b.entry.ts));

  return groupedByStream(hits.slice(0, limit));
}

function groupedByStream(hits: Hit[]) {
  const grouped = new Map<string, { stream: Labels; values: [string, string][] }>();
  for (const { labels, entry } of hits) {
    const output = withMetadata(labels, entry.metadata);
    const key = labelsString(output);
    const group = grouped.get(key) ?? { stream: output, values: [] };
    group.values.push([String(entry.ts), entry.line]);
    grouped.set(key, group);
  }
  return [...grouped.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, s]) => s);
}

function withMetadata(labels: Labels, metadata: Labels | undefined): Labels {
  const out: Labels = { ...labels };
  for (const [name, value] of Object.entries(metadata ?? {}))
    out[name in labels ? `${name}_extracted` : name] = value;
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}
