import { deflateRawSync, gzipSync } from 'node:zlib';
import { compress } from 'snappyjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import LokiTransport from 'winston-loki';
import { encodePushRequest } from '../../src/loki-push/loki-push.js';
import { FakeLoki, type LokiRequest } from '../support/fake-loki.js';
import { basicAuth, startTestGatehouse, type TestGatehouse } from '../support/test-gatehouse.js';

/**
 * Loki pushes through Gatehouse, checked on a fake Loki (node:http) that stores what it can read:
 * a real client (winston-loki, JSON and snappy protobuf) and raw JSON / protobuf / gzip / deflate
 * bodies arrive readable, with the stack's tenant and without the client's credentials; tenancy
 * `label` forces the tenant label; malformed, mistyped, oversized and bomb bodies get a clear 4xx
 * in Loki's text format and reach nothing.
 */
const loki = new FakeLoki();
const sharedLoki = new FakeLoki();
let gatehouse: TestGatehouse;

interface Stack {
  id: number;
  logs: number;
  tenant: string;
}
let writeStack: Stack;
let sharedStack: Stack;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  const [url, sharedUrl] = await Promise.all([loki.start(), sharedLoki.start()]);
  gatehouse = await startTestGatehouse({
    regions: [
      { slug: 'local', logs: { url, tenancy: 'header' } },
      { slug: 'shared', logs: { url: sharedUrl, tenancy: 'label', tenantLabel: 'tenant' } },
    ],
    limits: { maxBodyBytes: 64 * 1024, maxDecodedBodyBytes: 256 * 1024 },
  });

  writeStack = await stack('logw', 'local');
  sharedStack = await stack('logshared', 'shared');
  tokens.writer = await grant('writer', ['logs:write'], writeStack, 'local');
  tokens.reader0 = await grant('reader', ['logs:read'], writeStack, 'local');
  tokens.sharedRw = await grant('shared-rw', ['logs:write'], sharedStack, 'shared');
});

afterAll(async () => {
  await gatehouse?.stop();
  await Promise.all([loki.stop(), sharedLoki.stop()]);
});

async function stack(slug: string, region: string): Promise<Stack> {
  const created = await gatehouse.api.createStack(slug, region);
  const logs = (await gatehouse.api.instance(slug)).hlInstanceId;
  return { id: created.id, logs, tenant: String(logs) };
}

async function grant(name: string, scopes: string[], target: Stack, region: string) {
  const realms = [{ type: 'stack', identifier: String(target.id) }];
  const policy = await gatehouse.api.createPolicy({ name, scopes, realms }, region);
  return (await gatehouse.api.createToken(policy.id, `${name}-t`, {}, region)).token;
}

function auth(target: Stack, token: string): string {
  return basicAuth(target.logs, tokens[token] as string);
}

function sent(mark: number, fake = loki): LokiRequest[] {
  return fake.since(mark);
}

const T0 = 1_700_000_000_000_000_000n;
const ms = (n: number) => T0 + BigInt(n) * 1_000_000n;

describe('push', () => {
  it('takes a JSON push from winston-loki and forwards it with the tenant, no credentials', async () => {
    const mark = loki.requests.length;
    await winstonPush(true, auth(writeStack, 'writer'), 'json-client', {
      'X-Scope-OrgID': 'someone-else',
      'X-Prom-Label-Policy': 'someone-else:%7B%7D',
    });

    const pushes = sent(mark).filter((r) => r.path === '/loki/api/v1/push');
    expect(pushes).toHaveLength(1);
    expect(pushes[0]?.headersDistinct['x-scope-orgid']).toEqual([writeStack.tenant]);
    expect(pushes[0]?.headers['x-prom-label-policy']).toBeUndefined();
    expect(pushes[0]?.headers.authorization).toBeUndefined();
    expect(pushes[0]?.headers['content-type']).toBe('application/json');
    expect(storedLines(loki, writeStack.tenant, 'json-client')).toEqual([
      'cart opened {"level":"info","request_id":"r-1"}',
      'payment failed {"level":"info","request_id":"r-2"}',
    ]);
  });

  it('takes a snappy protobuf push from winston-loki', async () => {
    const mark = loki.requests.length;
    await winstonPush(false, auth(writeStack, 'writer'), 'proto-client');

    const push = sent(mark).find((r) => r.path === '/loki/api/v1/push');
    expect(push?.headers['content-type']).toBe('application/x-protobuf');
    expect(storedLines(loki, writeStack.tenant, 'proto-client')).toEqual([
      'cart opened {"level":"info","request_id":"r-1"}',
      'payment failed {"level":"info","request_id":"r-2"}',
    ]);
  });

  const json = { 'content-type': 'application/json' };
  const proto = { 'content-type': 'application/x-protobuf' };
  const raw: [string, (app: string) => [Buffer, Record<string, string>]][] = [
    ['plain JSON', (app) => [jsonPush(app), json]],
    ['gzip JSON', (app) => [gzipSync(jsonPush(app)), { ...json, 'content-encoding': 'gzip' }]],
    [
      'deflate JSON',
      (app) => [deflateRawSync(jsonPush(app)), { ...json, 'content-encoding': 'deflate' }],
    ],
    ['snappy protobuf', (app) => [protoPush(app), proto]],
    [
      'snappy protobuf with Content-Encoding snappy',
      (app) => [protoPush(app), { ...proto, 'content-encoding': 'snappy' }],
    ],
    [
      'gzip snappy protobuf',
      (app) => [gzipSync(protoPush(app)), { ...proto, 'content-encoding': 'gzip' }],
    ],
  ];

  it.each(raw)('forwards a %s body Loki reads, structured metadata kept', async (name, make) => {
    const app = name.replace(/\s+/g, '-');
    const [body, headers] = make(app);
    const response = await pushRaw(auth(writeStack, 'writer'), body, headers);

    expect(response.status, await response.text()).toBe(204);
    const stream = loki.streams(writeStack.tenant).find((s) => s.labels.app === app);
    expect(stream?.labels).toEqual({ job: 'raw', app });
    expect(stream?.entries.map((e) => e.line)).toEqual([`${app} one`, `${app} two`]);
    expect(stream?.entries[1]?.metadata).toEqual({ trace_id: 'abc' });
  });

  it('forces the tenant label under tenancy label, overwriting a spoofed one', async () => {
    for (const [name, body, headers] of labelModeBodies()) {
      const response = await pushRaw(
        basicAuth(sharedStack.logs, tokens.sharedRw as string),
        body,
        headers,
      );
      expect(response.status, name).toBe(204);
    }

    const stored = sharedLoki.streams('fake');
    expect(stored.length).toBeGreaterThanOrEqual(3);
    for (const stream of stored) expect(stream.labels.tenant).toBe(sharedStack.tenant);
    expect(JSON.stringify(stored.map((s) => s.labels))).not.toContain('spoofed');
    const pushes = sharedLoki.requests.filter((r) => r.path === '/loki/api/v1/push');
    for (const push of pushes) expect(push.headers['x-scope-orgid']).toBeUndefined();
    expect(pushes.map((p) => p.headers['content-encoding'])).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });
});

describe('bad push bodies', () => {
  const writer = () => auth(writeStack, 'writer');
  const json = { 'content-type': 'application/json' };
  const proto = { 'content-type': 'application/x-protobuf' };
  const cases: [string, () => [Buffer, Record<string, string>], number, RegExp][] = [
    ['malformed JSON', () => [Buffer.from('{"streams": ['), json], 400, /invalid JSON/],
    ['JSON without streams', () => [Buffer.from('{"streams": []}'), json], 400, /no streams/],
    [
      'a JSON label name Loki refuses',
      () => [Buffer.from('{"streams":[{"stream":{"a-b":"x"},"values":[["1","l"]]}]}'), json],
      400,
      /label name/,
    ],
    [
      'a numeric JSON timestamp',
      () => [Buffer.from('{"streams":[{"stream":{"a":"x"},"values":[[1,"l"]]}]}'), json],
      400,
      /timestamp/,
    ],
    [
      'protobuf that is not snappy',
      () => [Buffer.from('not snappy at all'), proto],
      400,
      /malformed/,
    ],
    [
      'snappy that holds no PushRequest',
      () => [Buffer.from(compress(Buffer.from([0xff, 0xff, 0xff]))), proto],
      400,
      /malformed/,
    ],
    ['text/plain', () => [jsonPush('x'), { 'content-type': 'text/plain' }], 415, /Content-Type/],
    ['no Content-Type', () => [jsonPush('x'), {}], 415, /Content-Type/],
    [
      'Content-Encoding br',
      () => [jsonPush('x'), { ...json, 'content-encoding': 'br' }],
      415,
      /Content-Encoding/,
    ],
    [
      'a corrupt gzip body',
      () => [Buffer.from('1f8b0800000000', 'hex'), { ...json, 'content-encoding': 'gzip' }],
      400,
      /gzip/,
    ],
    [
      'a body over the limit',
      () => [Buffer.alloc(70 * 1024, 0x20), json],
      413,
      /exceeds the limit/,
    ],
    [
      'a gzip bomb',
      () => [
        gzipSync(Buffer.alloc(20 * 1024 * 1024, 0x20)),
        { ...json, 'content-encoding': 'gzip' },
      ],
      413,
      /decompresses to more than 262144 bytes/,
    ],
    [
      'a snappy bomb (1 GiB announced)',
      () => [Buffer.from([0x80, 0x80, 0x80, 0x80, 0x04, 0x00]), proto],
      413,
      /decompresses to 1073741824 bytes/,
    ],
  ];

  it.each(cases)(
    'refuses %s with a clear 4xx in text, forwarding nothing',
    async (_n, make, status, message) => {
      const [body, headers] = make();
      const mark = loki.requests.length;
      const response = await pushRaw(writer(), body, headers);

      expect(response.status).toBe(status);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(await response.text()).toMatch(message);
      expect(sent(mark)).toEqual([]);
    },
  );

  it('keeps serving after all of the above', async () => {
    const response = await pushRaw(writer(), jsonPush('after-bad'), json);
    expect(response.status).toBe(204);
  });

  it('refuses a push token without logs:write (403) and an unknown instance id (401)', async () => {
    const mark = loki.requests.length;
    const noScope = await pushRaw(auth(writeStack, 'reader0'), jsonPush('x'), json);
    const unknown = await pushRaw(basicAuth(999_999, tokens.writer as string), jsonPush('x'), json);

    expect(noScope.status).toBe(403);
    expect(unknown.status).toBe(401);
    expect(await unknown.text()).toMatch(/unknown instance id/);
    expect(sent(mark)).toEqual([]);
  });
});

describe('round trip', () => {
  it('reads back through Gatehouse what winston-loki pushed through it', async () => {
    await winstonPush(false, auth(writeStack, 'writer'), 'round-trip');
    const params = new URLSearchParams({
      query: '{app="round-trip"}',
      start: String(BigInt(Date.now() - 60_000) * 1_000_000n),
      end: String(BigInt(Date.now() + 60_000) * 1_000_000n),
      direction: 'forward',
    });
    const response = await fetch(`${gatehouse.url}/loki/api/v1/query_range?${params}`, {
      headers: { authorization: auth(writeStack, 'reader0') },
    });
    const body = (await response.json()) as any;

    expect(response.status).toBe(200);
    expect(body.data.result.flatMap((s: any) => s.values.map((v: string[]) => v[1]))).toEqual([
      'cart opened {"level":"info","request_id":"r-1"}',
      'payment failed {"level":"info","request_id":"r-2"}',
    ]);
  });
});

/* ------------------------------------------------------------------------------------------ */

function storedLines(fake: FakeLoki, tenant: string, app: string): string[] {
  return fake
    .streams(tenant)
    .filter((s) => s.labels.app === app)
    .flatMap((s) => s.entries)
    .sort((a, b) => (a.ts < b.ts ? -1 : 1))
    .map((e) => e.line);
}

async function winstonPush(
  json: boolean,
  authorization: string,
  app: string,
  headers: Record<string, string> = {},
): Promise<void> {
  const [user, password] = Buffer.from(authorization.slice(6), 'base64').toString().split(':');
  const errors: unknown[] = [];
  const transport = new LokiTransport({
    host: gatehouse.url,
    basicAuth: `${user}:${password}`,
    json,
    headers,
    labels: { app },
    interval: 600,
    gracefulShutdown: false,
    timeout: 5000,
    onConnectionError: (error) => errors.push(error),
  });

  let n = 0;
  for (const message of ['cart opened', 'payment failed']) {
    const info = { level: 'info', message, request_id: `r-${++n}` };
    transport.log?.({ ...info, [Symbol.for('level')]: 'info' }, () => undefined);
  }
  await transport.close();
  expect(errors).toEqual([]);
}

function jsonPush(app: string): Buffer {
  const body = {
    streams: [
      {
        stream: { job: 'raw', app },
        values: [
          [String(ms(1)), `${app} one`],
          [String(ms(2)), `${app} two`, { trace_id: 'abc' }],
        ],
      },
    ],
  };
  return Buffer.from(JSON.stringify(body));
}

function protoPush(app: string): Buffer {
  const raw = encodePushRequest([
    {
      labels: `{job="raw", app="${app}"}`,
      entries: [
        { timestampNs: ms(1), line: `${app} one` },
        { timestampNs: ms(2), line: `${app} two`, structuredMetadata: { trace_id: 'abc' } },
      ],
    },
  ]);
  return Buffer.from(compress(raw));
}

function labelModeBodies(): [string, Buffer, Record<string, string>][] {
  const spoofed = (app: string) =>
    Buffer.from(
      JSON.stringify({
        streams: [{ stream: { app, tenant: 'spoofed' }, values: [[String(ms(1)), 'hello']] }],
      }),
    );
  const proto = encodePushRequest([
    { labels: '{app="p", tenant="spoofed"}', entries: [{ timestampNs: ms(1), line: 'hello' }] },
  ]);
  return [
    ['JSON', spoofed('j'), { 'content-type': 'application/json' }],
    [
      'gzip JSON',
      gzipSync(spoofed('gz')),
      { 'content-type': 'application/json', 'content-encoding': 'gzip' },
    ],
    ['protobuf', Buffer.from(compress(proto)), { 'content-type': 'application/x-protobuf' }],
  ];
}

function pushRaw(authorization: string, body: Buffer, headers: Record<string, string>) {
  return fetch(`${gatehouse.url}/loki/api/v1/push`, {
    method: 'POST',
    headers: { authorization, ...headers },
    body,
  });
}
