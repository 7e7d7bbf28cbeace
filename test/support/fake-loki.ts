import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync, inflateRawSync } from 'node:zlib';
import { uncompress } from 'snappyjs';

/**
 * A FAKE Loki for tests: a real node:http server on 127.0.0.1 (port 0) that records every request
 * and answers in the formats of Loki's HTTP API reference (docs/sources/reference/loki-http-api).
 * It is not Loki. What it evaluates truly is the part the gateway's enforcement depends on:
 * pushed streams are stored per tenant (X-Scope-OrgID, "fake" without it), and stream selectors
 * (`=`, `!=`, `=~`, `!~`, a missing label reading as "") pick the streams of every read, so an
 * answer computed over a restricted set of streams (`evaluate(..., only)`) is the ideal answer
 * a policy must produce. Of a log pipeline only plain line filters (`|=`, `!=`, `|~`, `!~`) are
 * applied; other stages are ignored, on both sides of a comparison alike. Metric queries get a
 * fixed answer (one sample of value 2, which is also what Grafana's health check expects from
 * `vector(1)+vector(1)`). Reads without `start` look at all time.
 */
export type Labels = Record<string, string>;

export interface FakeMatcher {
  name: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

export interface FakeEntry {
  ts: bigint;
  line: string;
  metadata?: Labels;
}

export interface FakeStream {
  labels: Labels;
  entries: FakeEntry[];
}

export interface LokiRequest {
  method: string;
  path: string;
  url: URL;
  /** Form body (urlencoded POST) first, then the URL query: what Go's r.Form holds. */
  params: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Every value of each header as sent, e.g. repeated X-Prom-Label-Policy lines. */
  headersDistinct: NodeJS.Dict<string[]>;
  body: Buffer;
}

export interface LokiAnswer {
  status: number;
  type: string;
  body: string;
}

export interface Evaluation {
  method?: string;
  path: string;
  params: URLSearchParams;
  tenant?: string;
  /** Only streams matching at least one of these selectors exist for this evaluation. */
  only?: FakeMatcher[][];
}

interface DeleteRequest {
  request_id: string;
  start_time: number;
  end_time: number;
  query: string;
  status: string;
  created_at: number;
}

const v1 = '/loki/api/v1';
const NS = 1_000_000_000n;

export class FakeLoki {
  readonly requests: LokiRequest[] = [];
  readonly deletes: DeleteRequest[] = [];
  readonly rules = new Map<string, string[]>();
  /** tenant → label key → stream */
  readonly #tenants = new Map<string, Map<string, FakeStream>>();
  #server?: Server;

  async start(): Promise<string> {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const recorded = record(req.method ?? '', req.url ?? '/', req, Buffer.concat(chunks));
        this.requests.push(recorded);
        const answer = this.#answer(recorded);
        res.writeHead(answer.status, answer.body === '' ? {} : { 'content-type': answer.type });
        res.end(answer.body);
      });
    });

    await new Promise<void>((resolve) => this.#server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise<void>((resolve) =>
      this.#server ? this.#server.close(() => resolve()) : resolve(),
    );
  }

  last(): LokiRequest {
    const last = this.requests[this.requests.length - 1];
    if (!last) throw new Error('the fake Loki received nothing');
    return last;
  }

  /** Requests received after `mark` (an earlier `requests.length`). */
  since(mark: number): LokiRequest[] {
    return this.requests.slice(mark);
  }

  /** Stores streams directly, as a push by `tenant` would. */
  add(tenant: string, streams: FakeStream[]): void {
    for (const stream of streams) this.#store(tenant, stream);
  }

  streams(tenant: string): FakeStream[] {
    return [...(this.#tenants.get(tenant)?.values() ?? [])];
  }

  clear(): void {
    this.requests.length = 0;
    this.deletes.length = 0;
    this.rules.clear();
    this.#tenants.clear();
  }

  /** What the fake answers to a read: the server uses it, tests use it for the ideal answer. */
  evaluate(evaluation: Evaluation): LokiAnswer {
    const tenant = evaluation.tenant ?? 'fake';
    const only = evaluation.only;
    const streams = this.streams(tenant).filter(
      (stream) => !only || only.some((selector) => matchesAll(stream.labels, selector)),
    );

    try {
      return read(evaluation.path, evaluation.params, streams);
    } catch (error) {
      if (error instanceof BadRequest) return text(400, error.message);
      throw error;
    }
  }

  #answer(request: LokiRequest): LokiAnswer {
    const tenant = headerValue(request.headers['x-scope-orgid']) ?? 'fake';
    const { path, method } = request;

    try {
      if (path === `${v1}/push`) return this.#push(request, tenant);
      if (path === '/otlp/v1/logs') return { status: 204, type: '', body: '' };
      if (path === `${v1}/delete`) return this.#delete(request);
      if (path.startsWith(`${v1}/rules`)) return this.#rules(request);
      if (method !== 'GET' && method !== 'POST') return text(405, 'method not allowed');
      return this.evaluate({ path, params: request.params, tenant });
    } catch (error) {
      if (error instanceof BadRequest) return text(400, error.message);
      return text(500, error instanceof Error ? error.message : String(error));
    }
  }

  #push(request: LokiRequest, tenant: string): LokiAnswer {
    if (request.method !== 'POST') return text(405, 'method not allowed');
    for (const stream of decodePush(request)) this.#store(tenant, stream);
    return { status: 204, type: '', body: '' };
  }

  #store(tenant: string, stream: FakeStream): void {
    const streams = this.#tenants.get(tenant) ?? new Map<string, FakeStream>();
    this.#tenants.set(tenant, streams);

    const key = labelsString(stream.labels);
    const known = streams.get(key) ?? { labels: { ...stream.labels }, entries: [] };
    for (const entry of stream.entries) {
      // Loki's ingester drops an entry identical (timestamp and line) to one it holds.
      if (!known.entries.some((e) => e.ts === entry.ts && e.line === entry.line))
        known.entries.push(entry);
    }
    known.entries.sort((a, b) => compare(a.ts, b.ts));
    streams.set(key, known);
  }

  /** Loki's compactor reads delete parameters from the URL query only (r.URL.Query()). */
  #delete(request: LokiRequest): LokiAnswer {
    const params = request.url.searchParams;
    if (request.method === 'GET') return json(200, this.deletes);
    if (request.method === 'DELETE') {
      const index = this.deletes.findIndex((d) => d.request_id === params.get('request_id'));
      if (index < 0) return text(404, 'could not find delete request with given id');
      this.deletes.splice(index, 1);
      return { status: 204, type: '', body: '' };
    }

    const query = params.get('query');
    if (!query) return text(400, 'query not set');
    parseLogQuery(query);
    if (!params.get('start')) return text(400, 'start time not set');
    this.deletes.push({
      request_id: `req-${this.deletes.length + 1}`,
      start_time: Number(params.get('start')),
      end_time: Number(params.get('end') ?? 0),
      query,
      status: 'received',
      created_at: Date.now(),
    });
    return { status: 204, type: '', body: '' };
  }

  /** The ruler API: YAML rule groups per namespace (enough to see what reached the backend). */
  #rules(request: LokiRequest): LokiAnswer {
    const [namespace] = request.path
      .slice(`${v1}/rules`.length)
      .split('/')
      .filter(Boolean)
      .map(decodeURIComponent);

    if (request.method === 'GET') {
      const yaml = [...this.rules]
        .filter(([name]) => namespace === undefined || name === namespace)
        .map(([name, groups]) => `${name}:\n${groups.map(indent).join('')}`)
        .join('');
      return { status: 200, type: 'application/yaml', body: yaml };
    }
    if (!namespace) return text(400, 'a namespace is required');
    if (request.method === 'POST') {
      this.rules.set(namespace, [...(this.rules.get(namespace) ?? []), request.body.toString()]);
    } else if (request.method === 'DELETE') {
      this.rules.delete(namespace);
    }
    return json(202, { status: 'success', data: null, errorType: '', error: '' });
  }
}

class BadRequest extends Error {}

function record(method: string, rawUrl: string, req: IncomingRequest, body: Buffer): LokiRequest {
  const url = new URL(rawUrl, 'http://fake-loki.invalid');
  const type = (headerValue(req.headers['content-type']) ?? '').split(';')[0]?.trim();
  const params = new URLSearchParams(
    method !== 'GET' && type === 'application/x-www-form-urlencoded' ? body.toString() : '',
  );
  for (const [name, value] of url.searchParams) params.append(name, value);

  return {
    method,
    path: url.pathname,
    url,
    params,
    headers: req.headers,
    headersDistinct: req.headersDistinct,
    body,
  };
}

type IncomingRequest = { headers: IncomingHttpHeaders; headersDistinct: NodeJS.Dict<string[]> };

/* ----------------------------------------------------------------------------------------------
 * Reads
 * -------------------------------------------------------------------------------------------- */

function read(path: string, params: URLSearchParams, streams: FakeStream[]): LokiAnswer {
  const range = timeRange(params);
  const inRange = (s: FakeStream) => s.entries.some((e) => e.ts >= range.start && e.ts < range.end);
  const selected = (query: string | null) =>
    streams.filter((s) => inRange(s) && (!query || matchesAll(s.labels, parseSelectorOnly(query))));

  const labelValues = /^\/loki\/api\/v1\/label\/([^/]+)\/values$/.exec(path);
  if (labelValues) {
    const name = decodeURIComponent(labelValues[1] ?? '');
    const values = selected(params.get('query')).flatMap((s) =>
      s.labels[name] === undefined ? [] : [s.labels[name] as string],
    );
    return json(200, { status: 'success', data: sortedUnique(values) });
  }
  const fieldValues = /^\/loki\/api\/v1\/detected_field\/([^/]+)\/values$/.exec(path);
  if (fieldValues)
    return detectedFieldValues(decodeURIComponent(fieldValues[1] ?? ''), params, streams, range);

  switch (path) {
    case `${v1}/query`:
    case `${v1}/query_range`:
      return query(path.endsWith('range'), params, streams, range);
    case `${v1}/labels`:
    case `${v1}/label`: {
      const names = selected(params.get('query')).flatMap((s) => Object.keys(s.labels));
      return json(200, { status: 'success', data: sortedUnique(names) });
    }
    case `${v1}/series`:
      return series(params, streams.filter(inRange));
    case `${v1}/index/stats`:
      return json(200, stats(selected(params.get('query')), range));
    case `${v1}/index/volume`:
    case `${v1}/index/volume_range`:
      return volume(path.endsWith('range'), params, selected(required(params, 'query')), range);
    case `${v1}/detected_labels`:
      return json(200, { detectedLabels: detectedLabels(selected(params.get('query'))) });
    case `${v1}/detected_fields`:
      return detectedFields(params, streams, range);
    case `${v1}/patterns`:
      return patterns(params, streams, range);
    case `${v1}/format_query`:
      return json(200, { status: 'success', data: required(params, 'query').replace(/\s+/g, ' ') });
    default:
      return text(404, '404 page not found');
  }
}

interface TimeRange {
  start: bigint;
  end: bigint;
}

function timeRange(params: URLSearchParams): TimeRange {
  const end = params.has('end')
    ? parseTime(params.get('end') ?? '')
    : BigInt(Date.now()) * 1_000_000n;
  const start = params.has('start') ? parseTime(params.get('start') ?? '') : 0n;
  return { start, end };
}

/** Loki's loghttp timestamps: float seconds, up to 10 digits of seconds, nanoseconds, RFC 3339. */
function parseTime(value: string): bigint {
  if (/^\d+\.\d*$/.test(value)) return BigInt(Math.round(Number(value) * 1e6)) * 1000n;
  if (/^\d+$/.test(value)) return value.length <= 10 ? BigInt(value) * NS : BigInt(value);
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new BadRequest(`invalid timestamp ${JSON.stringify(value)}`);
  return BigInt(ms) * 1_000_000n;
}

function query(
  isRange: boolean,
  params: URLSearchParams,
  streams: FakeStream[],
  range: TimeRange,
): LokiAnswer {
  const text = required(params, 'query');
  const parsed = parseLogQuery(text);
  const time = isRange
    ? range.end
    : params.has('time')
      ? parseTime(params.get('time') ?? '')
      : range.end;

  if (!parsed) {
    const seconds = Number(time / NS);
    const result = isRange
      ? [{ metric: {}, values: [[Number(range.start / NS), '2']] }]
      : [{ metric: {}, value: [seconds, '2'] }];
    return json(200, answer(isRange ? 'matrix' : 'vector', result));
  }
  if (!isRange) {
    throw new BadRequest(
      'log queries are not supported as an instant query type, please change your query to a range query type',
    );
  }

  const limit = Number(params.get('limit') ?? '100');
  if (!Number.isInteger(limit) || limit <= 0)
    throw new BadRequest('limit must be a positive value');
  const direction = (params.get('direction') ?? 'backward').toLowerCase();
  if (direction !== 'forward' && direction !== 'backward')
    throw new BadRequest(`invalid direction ${JSON.stringify(direction)}`);

  const result = logResult(streams, parsed, range, direction, limit);
  return json(200, answer('streams', result));
}

function answer(resultType: string, result: unknown[]) {
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
  hits.sort((a, b) => sign * compare(a.entry.ts, b.entry.ts));

  const grouped = new Map<string, { stream: Labels; values: [string, string][] }>();
  for (const { labels, entry } of hits.slice(0, limit)) {
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

/** Loki ORs the `match[]` selectors (also read under the name `match`). */
function series(params: URLSearchParams, streams: FakeStream[]): LokiAnswer {
  const selectors = [...params.getAll('match[]'), ...params.getAll('match')].map(parseSelectorOnly);
  if (selectors.length === 0)
    throw new BadRequest('at least one match[] argument must be provided');

  const data = streams
    .filter((s) => selectors.some((matchers) => matchesAll(s.labels, matchers)))
    .map((s) => s.labels);
  return json(200, { status: 'success', data });
}

function entriesIn(streams: FakeStream[], range: TimeRange): FakeEntry[] {
  return streams.flatMap((s) => s.entries.filter((e) => e.ts >= range.start && e.ts < range.end));
}

function stats(streams: FakeStream[], range: TimeRange) {
  const entries = entriesIn(streams, range);
  const bytes = entries.reduce((sum, e) => sum + Buffer.byteLength(e.line), 0);
  return { streams: streams.length, chunks: streams.length, entries: entries.length, bytes };
}

/**
 * Loki's index volume: bytes in range grouped by the labels the query names, or by targetLabels
 * (streams lacking one are left out); `aggregateBy=labels` counts per label name, every label of
 * the streams unless targetLabels names them. Largest first, then by name; `limit` kept.
 */
function volume(
  isRange: boolean,
  params: URLSearchParams,
  streams: FakeStream[],
  range: TimeRange,
): LokiAnswer {
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
    const bytes = stats([stream], range).bytes;
    const names = byLabels && targets.length === 0 ? Object.keys(stream.labels) : named;
    const present = names.filter((name) => stream.labels[name] !== undefined);
    if (byLabels) present.forEach((name) => add({ [name]: '' }, bytes));
    else
      add(Object.fromEntries(present.map((name) => [name, stream.labels[name] as string])), bytes);
  }

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

function detectedLabels(streams: FakeStream[]) {
  const values = new Map<string, Set<string>>();
  for (const stream of streams) {
    for (const [name, value] of Object.entries(stream.labels))
      values.set(name, (values.get(name) ?? new Set()).add(value));
  }
  return [...values]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([label, set]) => ({ label, cardinality: set.size }));
}

/** Fields of the lines the query's selector and line filters pick: JSON keys or logfmt keys. */
function fieldsOf(params: URLSearchParams, streams: FakeStream[], range: TimeRange) {
  const parsed = parseLogQuery(required(params, 'query'));
  if (!parsed) throw new BadRequest('detected fields need a log query');

  const fields = new Map<string, { values: Set<string>; parser: string }>();
  for (const stream of streams.filter((s) => matchesAll(s.labels, parsed.matchers))) {
    for (const entry of entriesIn([stream], range)) {
      if (!parsed.filters.every((keep) => keep(entry.line))) continue;
      const [parser, found] = parseLine(entry.line);
      for (const [name, value] of Object.entries(found)) {
        const field = fields.get(name) ?? { values: new Set<string>(), parser };
        fields.set(name, { ...field, values: field.values.add(value) });
      }
    }
  }
  return fields;
}

function detectedFields(params: URLSearchParams, streams: FakeStream[], range: TimeRange) {
  const fields = [...fieldsOf(params, streams, range)]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([label, field]) => ({
      label,
      type: [...field.values].every((v) => /^-?\d+$/.test(v)) ? 'int' : 'string',
      cardinality: field.values.size,
      parsers: [field.parser],
    }));
  return json(200, { fields, fieldLimit: 1000 });
}

function detectedFieldValues(
  name: string,
  params: URLSearchParams,
  streams: FakeStream[],
  range: TimeRange,
) {
  const field = fieldsOf(params, streams, range).get(name);
  return json(200, { values: sortedUnique([...(field?.values ?? [])]) });
}

function parseLine(line: string): [string, Labels] {
  try {
    const value: unknown = JSON.parse(line);
    if (typeof value === 'object' && value !== null && !Array.isArray(value))
      return ['json', Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)]))];
  } catch {
    // not JSON: try logfmt below
  }
  const pairs = [...line.matchAll(/(\w+)=("(?:[^"\\]|\\.)*"|\S*)/g)];
  return [
    'logfmt',
    Object.fromEntries(pairs.map((m) => [m[1] ?? '', (m[2] ?? '').replace(/^"|"$/g, '')])),
  ];
}

/** Lines with their digit runs replaced by `<_>`, counted per `step` (default 10 s) bucket. */
function patterns(params: URLSearchParams, streams: FakeStream[], range: TimeRange) {
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

/* ----------------------------------------------------------------------------------------------
 * LogQL: tokens, stream selectors and line filters
 * -------------------------------------------------------------------------------------------- */

export interface Token {
  kind: 'str' | 'op' | 'word';
  /** The decoded value for strings, the text otherwise. */
  value: string;
  from: number;
  to: number;
}

const operators = ['|=', '|~', '|>', '!=', '!~', '!>', '=~', '==', '>=', '<=', '||'];

/** LogQL's lexical tokens: strings decoded, whitespace dropped. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < text.length) {
    const char = text[at] as string;
    if (/\s/.test(char)) {
      at++;
    } else if (char === '#') {
      // A comment runs to the end of the line.
      const end = text.indexOf('\n', at);
      at = end < 0 ? text.length : end;
    } else if (char === '"' || char === '`') {
      const end = closingQuote(text, at);
      tokens.push({ kind: 'str', value: unquote(text.slice(at, end + 1)), from: at, to: end + 1 });
      at = end + 1;
    } else if (/[\w.:]/.test(char)) {
      const word = /^[\w.:]+/.exec(text.slice(at))?.[0] ?? char;
      tokens.push({ kind: 'word', value: word, from: at, to: at + word.length });
      at += word.length;
    } else {
      const op = operators.find((o) => text.startsWith(o, at)) ?? char;
      tokens.push({ kind: 'op', value: op, from: at, to: at + op.length });
      at += op.length;
    }
  }
  return tokens;
}

function closingQuote(text: string, start: number): number {
  const quote = text[start];
  for (let at = start + 1; at < text.length; at++) {
    if (quote === '"' && text[at] === '\\') at++;
    else if (text[at] === quote) return at;
  }
  throw new BadRequest(`parse error : unterminated string at ${start}`);
}

/** Go's strconv.Unquote for the escapes LogQL strings use; back-quoted strings are raw. */
export function unquote(quoted: string): string {
  const body = quoted.slice(1, -1);
  if (quoted.startsWith('`')) return body;

  return body.replace(
    /\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{3}|.)/g,
    (_all, esc: string) => {
      const simple: Record<string, string> = {
        a: '\x07',
        b: '\b',
        f: '\f',
        n: '\n',
        r: '\r',
        t: '\t',
        v: '\v',
        '\\': '\\',
        '"': '"',
        "'": "'",
      };
      if (esc.length === 1) {
        if (simple[esc] === undefined)
          throw new BadRequest(`parse error : invalid escape \\${esc}`);
        return simple[esc];
      }
      const base = /^[0-7]/.test(esc) ? 8 : 16;
      return String.fromCodePoint(parseInt(base === 8 ? esc : esc.slice(1), base));
    },
  );
}

/** Every stream selector of a query, `{...}` outside strings, with where it stands. */
export function streamSelectorsIn(
  text: string,
): { matchers: FakeMatcher[]; from: number; to: number }[] {
  const tokens = tokenize(text);
  const found: { matchers: FakeMatcher[]; from: number; to: number }[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i]?.value !== '{' || tokens[i]?.kind !== 'op') continue;
    const { matchers, next } = selectorAt(tokens, i);
    found.push({ matchers, from: tokens[i]?.from ?? 0, to: tokens[next - 1]?.to ?? 0 });
    i = next - 1;
  }
  return found;
}

function selectorAt(tokens: Token[], open: number): { matchers: FakeMatcher[]; next: number } {
  const matchers: FakeMatcher[] = [];
  let i = open + 1;
  while (tokens[i]?.value !== '}') {
    const [name, op, value] = [tokens[i], tokens[i + 1], tokens[i + 2]];
    if (
      name?.kind !== 'word' ||
      !['=', '!=', '=~', '!~'].includes(op?.value ?? '') ||
      value?.kind !== 'str'
    )
      throw new BadRequest(`parse error : bad matcher at ${name?.from ?? 'end'}`);
    matchers.push({ name: name.value, op: op?.value as FakeMatcher['op'], value: value.value });
    i += 3;
    if (tokens[i]?.value === ',') i++;
    else if (tokens[i]?.value !== '}') throw new BadRequest('parse error : expected , or }');
  }
  return { matchers, next: i + 1 };
}

/** A selector with nothing after it (labels, label values, series, patterns, ...). */
function parseSelectorOnly(text: string): FakeMatcher[] {
  const tokens = tokenize(text);
  if (tokens[0]?.value !== '{') throw new BadRequest(`parse error : expected a stream selector`);
  const { matchers, next } = selectorAt(tokens, 0);
  if (next !== tokens.length) throw new BadRequest('parse error : unexpected input after }');
  return checkedSelector(matchers);
}

/** Loki refuses a selector whose every matcher matches the empty value. */
function checkedSelector(matchers: FakeMatcher[]): FakeMatcher[] {
  if (matchers.length > 0 && matchers.every((m) => matches('', m)))
    throw new BadRequest(
      'parse error : queries require at least one regexp or equality matcher that does not ' +
        'have an empty-compatible value',
    );
  return matchers;
}

interface LogQuery {
  matchers: FakeMatcher[];
  filters: ((line: string) => boolean)[];
}

/** A log query (selector first) as matchers and line filters; undefined for a metric query. */
function parseLogQuery(text: string): LogQuery | undefined {
  const tokens = tokenize(text);
  if (tokens.length === 0) throw new BadRequest('parse error : empty query');
  if (tokens[0]?.value !== '{') return checkMetricQuery(text, tokens);

  const { matchers, next } = selectorAt(tokens, 0);
  return { matchers: checkedSelector(matchers), filters: lineFilters(tokens, next) };
}

/** Not evaluated, but read enough to refuse what Loki could not parse either. */
function checkMetricQuery(text: string, tokens: Token[]): undefined {
  let depth = 0;
  for (const token of tokens) {
    if (token.kind === 'op' && (token.value === '(' || token.value === '[')) depth++;
    if (token.kind === 'op' && (token.value === ')' || token.value === ']')) depth--;
    if (depth < 0) throw new BadRequest(`parse error : unexpected ${token.value} at ${token.from}`);
  }
  if (depth !== 0) throw new BadRequest('parse error : unexpected end of query');
  streamSelectorsIn(text).forEach(({ matchers }) => checkedSelector(matchers));
  return undefined;
}

/** Plain line filters at the start of a pipeline stage; every other stage is skipped. */
function lineFilters(tokens: Token[], from: number): ((line: string) => boolean)[] {
  const filters: ((line: string) => boolean)[] = [];
  let i = from;
  while (i < tokens.length) {
    const op = tokens[i]?.value ?? '';
    const first = tokens[i + 1];
    if (!['|=', '!=', '|~', '!~'].includes(op) || first?.kind !== 'str') {
      i = nextStage(tokens, i + 1);
      continue;
    }

    const strings = [first.value];
    i += 2;
    while (tokens[i]?.value === 'or' && tokens[i + 1]?.kind === 'str') {
      strings.push(tokens[i + 1]?.value ?? '');
      i += 2;
    }
    filters.push(lineFilter(op, strings));
  }
  return filters;
}

function nextStage(tokens: Token[], from: number): number {
  let depth = 0;
  for (let i = from; i < tokens.length; i++) {
    const value = tokens[i]?.kind === 'op' ? tokens[i]?.value : undefined;
    if (value === '(') depth++;
    if (value === ')') depth--;
    if (depth === 0 && (value === '|' || value === '|=' || value === '|~' || value === '|>'))
      return i;
  }
  return tokens.length;
}

function lineFilter(op: string, strings: string[]): (line: string) => boolean {
  const regexes = op.endsWith('~') ? strings.map((s) => goRegex(s)) : [];
  const hit = (line: string) =>
    op.endsWith('~') ? regexes.some((r) => r.test(line)) : strings.some((s) => line.includes(s));
  return op.startsWith('!') ? (line) => !hit(line) : hit;
}

/** RE2 with a leading `(?i)`; JavaScript's RegExp reads the rest the same for these tests. */
function goRegex(source: string, anchored = false): RegExp {
  const insensitive = source.startsWith('(?i)');
  const body = insensitive ? source.slice(4) : source;
  return new RegExp(anchored ? `^(?:${body})$` : body, `s${insensitive ? 'i' : ''}`);
}

export function matches(value: string, matcher: FakeMatcher): boolean {
  switch (matcher.op) {
    case '=':
      return value === matcher.value;
    case '!=':
      return value !== matcher.value;
    case '=~':
      return goRegex(matcher.value, true).test(value);
    case '!~':
      return !goRegex(matcher.value, true).test(value);
    default: {
      const never: never = matcher.op;
      throw new Error(`unknown matcher ${String(never)}`);
    }
  }
}

/** A missing label reads as the empty value (Prometheus and Loki matcher semantics). */
export function matchesAll(labels: Labels, matchers: readonly FakeMatcher[]): boolean {
  return matchers.every((m) => matches(labels[m.name] ?? '', m));
}

/** Parses `{a="b", c=~"d"}` with the fake's own parser, for tests that filter streams. */
export function fakeSelector(text: string): FakeMatcher[] {
  return parseSelectorOnly(text);
}

/* ----------------------------------------------------------------------------------------------
 * Push bodies: JSON or snappy protobuf (logproto.PushRequest), gzip/deflate on the wire
 * -------------------------------------------------------------------------------------------- */

function decodePush(request: LokiRequest): FakeStream[] {
  const encoding = (headerValue(request.headers['content-encoding']) ?? '').toLowerCase();
  const raw = inflated(request.body, encoding);
  const type = (headerValue(request.headers['content-type']) ?? '').split(';')[0]?.trim();

  try {
    return type === 'application/json'
      ? decodeJsonPush(raw)
      : decodeProtoPush(Buffer.from(uncompress(raw)));
  } catch (error) {
    if (error instanceof BadRequest) throw error;
    throw new BadRequest(`error parsing push request: ${(error as Error).message}`);
  }
}

function inflated(body: Buffer, encoding: string): Buffer {
  try {
    if (encoding === 'gzip') return gunzipSync(body);
    return encoding === 'deflate' ? inflateRawSync(body) : body;
  } catch (error) {
    throw new BadRequest(`${encoding}: ${(error as Error).message}`);
  }
}

function decodeJsonPush(raw: Buffer): FakeStream[] {
  const body = JSON.parse(raw.toString('utf8')) as {
    streams: { stream: Labels; values: [string, string, Labels?][] }[];
  };
  return body.streams.map((s) => ({
    labels: s.stream,
    entries: s.values.map(([ts, line, metadata]) => ({ ts: BigInt(ts), line, metadata })),
  }));
}

function decodeProtoPush(raw: Buffer): FakeStream[] {
  return fields(raw)
    .filter((f) => f.field === 1)
    .map((f) => decodeProtoStream(f.bytes));
}

function decodeProtoStream(raw: Buffer): FakeStream {
  const parts = fields(raw);
  const labelsText = parts.find((f) => f.field === 1)?.bytes.toString('utf8') ?? '{}';
  const labels = Object.fromEntries(parseSelectorOnly(labelsText).map((m) => [m.name, m.value]));
  const entries = parts.filter((f) => f.field === 2).map((f) => decodeProtoEntry(f.bytes));
  return { labels, entries };
}

function decodeProtoEntry(raw: Buffer): FakeEntry {
  const parts = fields(raw);
  const timestamp = fields(parts.find((f) => f.field === 1)?.bytes ?? Buffer.alloc(0));
  const seconds = timestamp.find((f) => f.field === 1)?.varint ?? 0n;
  const nanos = timestamp.find((f) => f.field === 2)?.varint ?? 0n;
  const metadata = parts
    .filter((f) => f.field === 3)
    .map((f) => fields(f.bytes))
    .map((pair) => [
      pair.find((p) => p.field === 1)?.bytes.toString() ?? '',
      pair.find((p) => p.field === 2)?.bytes.toString() ?? '',
    ]);

  return {
    ts: seconds * NS + nanos,
    line: parts.find((f) => f.field === 2)?.bytes.toString('utf8') ?? '',
    ...(metadata.length > 0 ? { metadata: Object.fromEntries(metadata) } : {}),
  };
}

interface ProtoField {
  field: number;
  varint?: bigint;
  bytes: Buffer;
}

/** The fields of one protobuf message (varint and length-delimited wire types only). */
function fields(raw: Buffer): ProtoField[] {
  const out: ProtoField[] = [];
  let at = 0;
  const varint = (): bigint => {
    let value = 0n;
    for (let shift = 0n; ; shift += 7n) {
      const byte = raw[at++];
      if (byte === undefined) throw new BadRequest('truncated protobuf');
      value |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return value;
    }
  };

  while (at < raw.length) {
    const tag = Number(varint());
    if ((tag & 7) === 0) {
      out.push({ field: tag >> 3, varint: varint(), bytes: Buffer.alloc(0) });
    } else if ((tag & 7) === 2) {
      const length = Number(varint());
      out.push({ field: tag >> 3, bytes: raw.subarray(at, at + length) });
      at += length;
    } else {
      throw new BadRequest(`unexpected protobuf wire type ${tag & 7}`);
    }
  }
  return out;
}

/* ----------------------------------------------------------------------------------------------
 * Small helpers
 * -------------------------------------------------------------------------------------------- */

/** Prometheus labels.String(): `{a="b", c="d"}`, names sorted. */
export function labelsString(labels: Labels): string {
  const pairs = Object.entries(labels)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => `${name}=${JSON.stringify(value)}`);
  return `{${pairs.join(', ')}}`;
}

function required(params: URLSearchParams, name: string): string {
  const value = params.get(name);
  if (!value) throw new BadRequest(`missing ${name} parameter`);
  return value;
}

function sortedUnique(values: string[]): string[] {
  return [...new Set(values)].sort();
}

function compare(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function indent(group: string): string {
  return group
    .trimEnd()
    .split('\n')
    .map((line, i) => `${i === 0 ? '- ' : '  '}${line}\n`)
    .join('');
}

function json(status: number, body: unknown): LokiAnswer {
  return { status, type: 'application/json', body: JSON.stringify(body) };
}

function text(status: number, message: string): LokiAnswer {
  return { status, type: 'text/plain; charset=utf-8', body: `${message}\n` };
}
