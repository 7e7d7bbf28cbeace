import {
  mergeLogStreams,
  type LogDirection,
  type LokiStream,
} from '../../query/logql/merge-log-streams.js';

/**
 * How the answers of one read, run once per policy selector, become one answer (docs/enforcement.md: the
 * union of what each selector may see). Every merger takes the parsed JSON bodies of successful
 * answers and the request parameters.
 */
export type LogsMerger = (bodies: unknown[], params: URLSearchParams) => unknown;

type Json = Record<string, any>;

/** query / query_range with a `streams` result: entries merged, duplicates dropped, limit kept. */
export const mergeStreamsAnswer: LogsMerger = (bodies, params) => {
  // Loki reads the direction without regard to case (logproto.Direction_value[ToUpper]).
  const forward = params.get('direction')?.toLowerCase() === 'forward';
  const direction: LogDirection = forward ? 'forward' : 'backward';
  const limit = Number(params.get('limit') ?? '100') || 100;
  const first = bodies[0] as Json;
  const streams = bodies.map((body) => ((body as Json).data?.result ?? []) as LokiStream[]);

  return {
    ...first,
    data: {
      ...first.data,
      resultType: 'streams',
      result: inLokiOrder(mergeLogStreams(streams, direction, limit)),
    },
  };
};

/**
 * Loki answers a streams result sorted by each stream's label string, `{a="x", b="y"}` compared
 * bytewise (logqlmodel.Streams.Less); one merged answer keeps that order.
 */
function inLokiOrder(streams: LokiStream[]): LokiStream[] {
  const keyed = streams.map((stream) => ({ key: Buffer.from(labelString(stream.stream)), stream }));
  return keyed.sort((a, b) => Buffer.compare(a.key, b.key)).map(({ stream }) => stream);
}

function labelString(labels: Record<string, string>): string {
  const names = Object.keys(labels).sort();
  return `{${names.map((name) => `${name}=${JSON.stringify(labels[name])}`).join(', ')}}`;
}

/** labels and label values: the union, sorted as Loki sorts them. */
export const mergeValuesAnswer: LogsMerger = (bodies) => ({
  status: 'success',
  data: [...new Set(bodies.flatMap((body) => ((body as Json).data ?? []) as string[]))].sort(),
});

/**
 * index/stats: sums. The parts are disjoint sets of streams (the endpoint is `additive`), so no
 * stream is counted twice; Loki's own figures are estimates (Loki HTTP API, "Query log
 * statistics").
 */
export const mergeStatsAnswer: LogsMerger = (bodies) => {
  const total = { streams: 0, chunks: 0, bytes: 0, entries: 0 };
  for (const body of bodies as Json[]) {
    for (const key of Object.keys(total) as (keyof typeof total)[])
      total[key] += Number(body[key] ?? 0);
  }

  return total;
};

/**
 * index/volume and volume_range: one series per label set. The parts are disjoint sets of streams
 * (the endpoint is `additive`), so a group's value is the sum of its parts, point by point; the
 * largest `limit` groups are kept, as Loki keeps them.
 */
export const mergeVolumeAnswer: LogsMerger = (bodies, params) => {
  const first = bodies[0] as Json;
  const merged = new Map<string, Json>();

  for (const body of bodies as Json[]) {
    for (const series of (body.data?.result ?? []) as Json[]) {
      const key = JSON.stringify(Object.entries(series.metric ?? {}).sort());
      merged.set(key, addSeries(merged.get(key), series));
    }
  }

  const limit = Number(params.get('limit') ?? '100') || 100;
  const result = [...merged.values()].sort((a, b) => total(b) - total(a)).slice(0, limit);
  return { ...first, data: { ...first.data, result } };
};

/** detected_labels: the union by label, with the larger cardinality. */
export const mergeDetectedLabels: LogsMerger = (bodies) => ({
  detectedLabels: unionBy(bodies, 'detectedLabels', 'label'),
});

/** detected_fields: the union by field name, with the larger cardinality. */
export const mergeDetectedFields: LogsMerger = (bodies) => ({
  ...(bodies[0] as Json),
  fields: unionBy(bodies, 'fields', 'label'),
});

/** detected_field/<name>/values: the union of values. */
export const mergeFieldValues: LogsMerger = (bodies) => ({
  values: [...new Set(bodies.flatMap((body) => ((body as Json).values ?? []) as string[]))],
});

/** patterns: the union by pattern; counts of the disjoint parts add up per timestamp. */
export const mergePatterns: LogsMerger = (bodies) => {
  const patterns = new Map<string, Map<number, number>>();
  for (const body of bodies as Json[]) {
    for (const item of (body.data ?? []) as Json[]) {
      const samples = patterns.get(item.pattern) ?? new Map<number, number>();
      for (const [time, count] of item.samples ?? [])
        samples.set(time, (samples.get(time) ?? 0) + Number(count));
      patterns.set(item.pattern, samples);
    }
  }

  const data = [...patterns].map(([pattern, samples]) => ({
    pattern,
    samples: [...samples].sort((a, b) => a[0] - b[0]),
  }));
  return { status: 'success', data };
};

function unionBy(bodies: unknown[], list: string, key: string): Json[] {
  const out = new Map<string, Json>();
  for (const body of bodies as Json[]) {
    for (const item of (body[list] ?? []) as Json[]) {
      const known = out.get(item[key]);
      if (!known || Number(item.cardinality ?? 0) > Number(known.cardinality ?? 0))
        out.set(item[key], item);
    }
  }

  return [...out.values()];
}

/** Instant (`value`) or range (`values`) series: values added per timestamp. */
function addSeries(known: Json | undefined, next: Json): Json {
  if (!known) return next;
  if (next.value) return { ...known, value: [next.value[0], sum(known.value?.[1], next.value[1])] };

  const points = new Map<number, string>(
    (known.values ?? []).map((p: [number, string]) => [p[0], p[1]]),
  );
  for (const [time, value] of next.values ?? []) points.set(time, sum(points.get(time), value));

  return { ...known, values: [...points].sort((a, b) => a[0] - b[0]) };
}

function sum(a: string | undefined, b: string): string {
  return String(Number(a ?? 0) + Number(b));
}

function total(series: Json): number {
  if (series.value) return Number(series.value[1]);
  return ((series.values ?? []) as [number, string][]).reduce((t, p) => t + Number(p[1]), 0);
}
