#!/usr/bin/env node
// A fake Loki for benchmarks (not Loki): accepts JSON pushes on /loki/api/v1/push and answers
// /loki/api/v1/query_range from memory, so a benchmark measures Gatehouse, not Loki's storage.
// It reads only the stream selector of a query (=, !=, =~, !~ matchers), ignores pipelines and
// time ranges, and keeps the newest PER_STREAM entries of each stream. One tenant for everyone.
// Usage: node bench/fake-loki.mjs <port>   (listens on 127.0.0.1 only)
import { createServer } from 'node:http';

const perStream = 1000;
const port = Number(process.argv[2]);
/** labels key → { stream: labels, values: [ts, line][] (oldest first) } */
const streams = new Map();
let pushedLines = 0;

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    try {
      route(req, res, Buffer.concat(chunks));
    } catch (error) {
      answer(res, 400, { status: 'error', errorType: 'bad_data', error: String(error.message) });
    }
  });
});

function route(req, res, body) {
  const url = new URL(req.url ?? '/', 'http://fake-loki.invalid');
  if (url.pathname === '/ready') return answer(res, 200, 'ready');
  if (url.pathname === '/stats') return answer(res, 200, { pushedLines, streams: streams.size });
  if (url.pathname === '/loki/api/v1/push' && req.method === 'POST') return push(res, body);
  if (url.pathname === '/loki/api/v1/query_range') return queryRange(res, params(req, url, body));
  return answer(res, 404, '404 page not found\n');
}

function push(res, body) {
  const request = JSON.parse(body.toString('utf8'));
  for (const { stream, values } of request.streams ?? []) {
    const key = labelsKey(stream);
    const known = streams.get(key) ?? { stream, values: [] };
    known.values.push(...values.map(([ts, line]) => [String(ts), line]));
    if (known.values.length > perStream) known.values.splice(0, known.values.length - perStream);
    streams.set(key, known);
    pushedLines += values.length;
  }

  res.writeHead(204).end();
}

function queryRange(res, query) {
  const matchers = parseSelector(query.get('query') ?? '');
  const limit = Number(query.get('limit') ?? '100') || 100;
  const forward = query.get('direction') === 'forward';

  // Each stream holds its entries in push order (taken as time order), so only its first or last
  // `limit` entries can be in the answer: a query costs O(streams x limit), not a full sort.
  const entries = [];
  for (const { stream, values } of streams.values()) {
    if (!matchers.every((matches) => matches(stream))) continue;
    const candidates = forward ? values.slice(0, limit) : values.slice(-limit);
    for (const [ts, line] of candidates) entries.push({ stream, ts, line });
  }
  entries.sort((a, b) => (forward ? compare(a.ts, b.ts) : compare(b.ts, a.ts)));

  const result = new Map();
  for (const { stream, ts, line } of entries.slice(0, limit)) {
    const key = labelsKey(stream);
    const group = result.get(key) ?? { stream, values: [] };
    group.values.push([ts, line]);
    result.set(key, group);
  }

  answer(res, 200, {
    status: 'success',
    data: { resultType: 'streams', result: [...result.values()], stats: {} },
  });
}

/** `{name="v", other=~"re"} | ...` → one predicate per matcher; the pipeline is ignored. */
function parseSelector(query) {
  const inside = /^\s*\{([^}]*)\}/.exec(query);
  if (!inside) throw new Error(`the fake Loki reads only stream selectors, got ${query}`);

  const matchers = [];
  const pattern = /\s*([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*,?/gy;
  for (let m = pattern.exec(inside[1]); m; m = pattern.exec(inside[1])) {
    const [, name, op, raw] = m;
    const value = JSON.parse(`"${raw}"`);
    const regex = op.includes('~') ? new RegExp(`^(?:${value})$`) : null;
    const test = (labels) =>
      regex ? regex.test(labels[name] ?? '') : (labels[name] ?? '') === value;
    matchers.push(op.startsWith('!') ? (labels) => !test(labels) : test);
  }
  return matchers;
}

function params(req, url, body) {
  const merged = new URLSearchParams(req.method === 'POST' ? body.toString('utf8') : '');
  for (const [name, value] of url.searchParams) merged.append(name, value);
  return merged;
}

function labelsKey(labels) {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function compare(a, b) {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

function answer(res, status, body) {
  const json = typeof body !== 'string';
  res.writeHead(status, { 'content-type': json ? 'application/json' : 'text/plain' });
  res.end(json ? JSON.stringify(body) : body);
}

server.listen(port, '127.0.0.1');
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
