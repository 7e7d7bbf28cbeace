import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { FakeLokiTail } from '../support/fake-loki-tail.js';
import { basicAuth, startTestGatehouse, type TestGatehouse } from '../support/test-gatehouse.js';

/**
 * `GET /loki/api/v1/tail` over WebSocket, through Gatehouse to a fake Loki tail endpoint:
 * authorization on the handshake, the query confined by the label policy (one upstream per
 * selector when there are several, merged without duplicates), header hygiene, and closing.
 */
const loki = new FakeLokiTail();
const sharedLoki = new FakeLokiTail();
let gatehouse: TestGatehouse;
let lokiUrl: string;
let logsId: number;
let sharedLogsId: number;
let oneSelector: string;
let twoSelectors: string;
let unrestricted: string;
let writerOnly: string;
let sharedReader: string;

beforeAll(async () => {
  const [url, sharedUrl] = await Promise.all([loki.start(), sharedLoki.start()]);
  lokiUrl = url;
  gatehouse = await startTestGatehouse({
    regions: [
      { slug: 'local', logs: { url, tenancy: 'header' } },
      {
        slug: 'shared',
        logs: {
          url: sharedUrl,
          tenancy: 'label',
          tenantLabel: 'tenant',
          basicAuth: { username: 'loki', password: 'backend-secret' },
        },
      },
    ],
    limits: { maxBodyBytes: 64 * 1024 },
  });

  const stack = await gatehouse.api.createStack('tail');
  logsId = (await gatehouse.api.instance('tail')).hlInstanceId;
  const grant = (name: string, scopes: string[], selectors?: string[]) =>
    gatehouse.api.grant({ name, scopes, stackId: stack.id, selectors });
  oneSelector = (await grant('tail-one', ['logs:read'], ['{namespace="team-a"}'])).token;
  twoSelectors = (await grant('tail-two', ['logs:read'], ['{namespace="team-a"}', '{env="prod"}']))
    .token;
  unrestricted = (await grant('tail-all', ['logs:read'])).token;
  writerOnly = (await grant('tail-write', ['logs:write'])).token;

  const shared = await gatehouse.api.createStack('tailshared', 'shared');
  sharedLogsId = (await gatehouse.api.instance('tailshared')).hlInstanceId;
  const policy = await gatehouse.api.createPolicy(
    {
      name: 'tail-shared',
      scopes: ['logs:read'],
      realms: [{ type: 'stack', identifier: String(shared.id) }],
    },
    'shared',
  );
  sharedReader = (await gatehouse.api.createToken(policy.id, 'reader', {}, 'shared')).token;
});

afterAll(async () => {
  await gatehouse?.stop();
  await loki.stop();
  await sharedLoki.stop();
});

interface OpenTail {
  kind: 'open';
  socket: WebSocket;
  /** Every message received so far, parsed. */
  received: any[];
  closed: Promise<{ code: number; reason: string }>;
}

interface RefusedTail {
  kind: 'refused';
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A real `ws` client through Gatehouse; resolves once the handshake is answered either way. */
function tail(
  params: Record<string, string>,
  token: string,
  options: { user?: number; path?: string; headers?: Record<string, string> } = {},
): Promise<OpenTail | RefusedTail> {
  const path = options.path ?? '/loki/api/v1/tail';
  const headers = { authorization: basicAuth(options.user ?? logsId, token), ...options.headers };
  return tailAt(`${gatehouse.url}${path}?${new URLSearchParams(params)}`, headers);
}

function tailAt(url: string, headers: Record<string, string>): Promise<OpenTail | RefusedTail> {
  const socket = new WebSocket(url.replace(/^http/, 'ws'), { headers });
  const received: any[] = [];
  socket.on('message', (data) => received.push(JSON.parse(data.toString())));
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );

  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve({ kind: 'open', socket, received, closed }));
    socket.once('error', reject);
    socket.once('unexpected-response', (_request, response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => {
        resolve({
          kind: 'refused',
          status: response.statusCode ?? 0,
          headers: response.headers,
          body,
        });
        socket.terminate();
      });
    });
  });
}

async function opened(answer: Promise<OpenTail | RefusedTail>): Promise<OpenTail> {
  const settled = await answer;
  if (settled.kind !== 'open') throw new Error(`tail refused: ${settled.status} ${settled.body}`);
  return settled;
}

async function refused(answer: Promise<OpenTail | RefusedTail>): Promise<RefusedTail> {
  const settled = await answer;
  if (settled.kind !== 'refused') {
    settled.socket.close();
    throw new Error('tail opened, expected a refusal');
  }
  return settled;
}

async function until(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function message(streams: [Record<string, string>, [string, string][]][], dropped?: unknown[]) {
  return {
    streams: streams.map(([stream, values]) => ({ stream, values })),
    ...(dropped ? { dropped_entries: dropped } : {}),
  };
}

/** Every [labels, timestamp, line] the client received, in arrival order. */
function entriesOf(received: any[]): string[] {
  return received.flatMap((m) =>
    (m.streams ?? []).flatMap((s: any) =>
      s.values.map((v: string[]) => `${JSON.stringify(s.stream)} ${v[0]} ${v[1]}`),
    ),
  );
}

describe('tail under a one-selector policy', () => {
  it('opens one upstream whose query carries the policy, and relays its messages', async () => {
    const sent = message([[{ app: 'one', namespace: 'team-a' }, [['1000', 'hello']]]]);
    loki.messages = (query) => (query.includes('"one"') ? [sent] : []);

    const client = await opened(
      tail({ query: '{app="one"} |= "hello"', limit: '50', delay_for: '1', foo: 'x' }, oneSelector),
    );
    await until(() => client.received.length === 1, 'the relayed message');

    const [upstream, ...others] = loki.with('"one"');
    expect(others).toEqual([]);
    expect(upstream?.query).toContain('app="one"');
    expect(upstream?.query).toContain('namespace="team-a"');
    expect(upstream?.query).toContain('|= "hello"');
    expect(upstream?.url.searchParams.get('limit')).toBe('50');
    expect(upstream?.url.searchParams.get('delay_for')).toBe('1');
    expect(upstream?.url.searchParams.has('foo')).toBe(false);
    expect(client.received).toEqual([sent]);
    client.socket.close();
  });

  it("ignores a client-sent X-Scope-OrgID: Loki sees the stack's tenant", async () => {
    const client = await opened(
      tail({ query: '{app="hdr"}' }, oneSelector, {
        headers: { 'x-scope-orgid': 'someone-else', 'x-prom-label-policy': 'x:%7B%7D' },
      }),
    );
    await until(() => loki.with('"hdr"').length === 1, 'the upstream connection');

    const seen = loki.with('"hdr"')[0];
    expect(seen?.headersDistinct['x-scope-orgid']).toEqual([String(logsId)]);
    expect(seen?.headers['x-prom-label-policy']).toBeUndefined();
    expect(seen?.headers.authorization).toBeUndefined();
    client.socket.close();
  });
});

describe('tail under a two-selector policy', () => {
  it('opens one upstream per selector and merges their messages without duplicates', async () => {
    const both = { app: 'two', namespace: 'team-a', env: 'prod' };
    const teamA = { app: 'two', namespace: 'team-a', env: 'dev' };
    const prod = { app: 'two', namespace: 'team-b', env: 'prod' };
    const droppedBoth = { timestamp: '900', labels: both };
    loki.messages = (query) => {
      if (!query.includes('"two"')) return [];
      if (query.includes('namespace="team-a"')) {
        return [
          message([[teamA, [['1000', 'a1']]]]),
          message([[both, [['1001', 'shared']]]], [droppedBoth]),
          message([[teamA, [['1002', 'a2']]]]),
        ];
      }
      return [
        message([[prod, [['1000', 'p1']]]]),
        message([[both, [['1001', 'shared']]]], [droppedBoth]),
      ];
    };

    const client = await opened(tail({ query: '{app="two"}' }, twoSelectors));
    await until(() => entriesOf(client.received).length >= 4, 'four distinct entries');
    await pause(150); // a duplicate would arrive within this time

    const upstreams = loki.with('"two"');
    expect(upstreams).toHaveLength(2);
    expect(upstreams.some((u) => u.query.includes('namespace="team-a"'))).toBe(true);
    expect(upstreams.some((u) => u.query.includes('env="prod"'))).toBe(true);
    expect(entriesOf(client.received).sort()).toEqual(
      [
        `${JSON.stringify(teamA)} 1000 a1`,
        `${JSON.stringify(teamA)} 1002 a2`,
        `${JSON.stringify(prod)} 1000 p1`,
        `${JSON.stringify(both)} 1001 shared`,
      ].sort(),
    );
    const dropped = client.received.flatMap((m) => m.dropped_entries ?? []);
    expect(dropped).toEqual([droppedBoth]);
    client.socket.close();
  });

  it('closes every upstream when the client closes', async () => {
    loki.messages = () => [];
    const client = await opened(tail({ query: '{app="bye"}' }, twoSelectors));
    await until(() => loki.with('"bye"').length === 2, 'two upstream connections');

    client.socket.close(1000);
    await until(
      () => loki.with('"bye"').every((u) => u.closedWith !== undefined),
      'the upstreams to close',
    );
    expect(loki.with('"bye"').map((u) => u.closedWith)).toEqual([1000, 1000]);
  });

  it("closes the client with Loki's close code and reason, and the other upstream", async () => {
    loki.messages = () => [];
    const client = await opened(tail({ query: '{app="fail"}' }, twoSelectors));
    await until(() => loki.with('"fail"').length === 2, 'two upstream connections');

    loki.with('"fail"')[0]?.socket.close(1011, 'tailer failed');
    expect(await client.closed).toEqual({ code: 1011, reason: 'tailer failed' });
    await until(() => loki.with('"fail"').every((u) => u.closedWith !== undefined), 'both closed');
  });
});

describe('tail confinement by backend', () => {
  it('tenancy label: confines the query to the tenant, sends the backend credentials', async () => {
    const client = await opened(
      tail({ query: '{app="shared"}' }, sharedReader, { user: sharedLogsId }),
    );
    await until(() => sharedLoki.with('"shared"').length === 1, 'the upstream connection');

    const seen = sharedLoki.with('"shared"')[0];
    expect(seen?.query).toContain(`tenant="${sharedLogsId}"`);
    expect(seen?.headers['x-scope-orgid']).toBeUndefined();
    expect(seen?.headers.authorization).toBe(
      `Basic ${Buffer.from('loki:backend-secret').toString('base64')}`,
    );
    client.socket.close();
  });

  it('passes an unrestricted query on as written', async () => {
    const query = '{app="free"} |= "x"';
    const client = await opened(tail({ query }, unrestricted));
    await until(() => loki.with('"free"').length === 1, 'the upstream connection');

    expect(loki.with('"free"')[0]?.query).toBe(query);
    client.socket.close();
  });
});

describe('tail refusals on the handshake', () => {
  it('answers 401 to a bad token, and Loki sees nothing', async () => {
    const before = loki.connections.length;
    const answer = await refused(tail({ query: '{app="x"}' }, 'glc_not-a-token'));

    expect(answer.status).toBe(401);
    expect(answer.headers['www-authenticate']).toBe('Basic realm="gatehouse"');
    expect(answer.headers['x-gatehouse-error']).toMatch(/^TOKEN_/);
    expect(loki.connections.length).toBe(before);
  });

  it('answers 403 to a token without logs:read', async () => {
    const answer = await refused(tail({ query: '{app="x"}' }, writerOnly));

    expect(answer.status).toBe(403);
    expect(answer.headers['x-gatehouse-error']).toBe('SCOPE_MISSING');
    expect(answer.body).toContain('logs:read');
  });

  it('answers 400 to a missing query and to a metric query under a label policy', async () => {
    const missing = await refused(tail({}, oneSelector));
    const metric = await refused(tail({ query: 'rate({app="x"}[1m])' }, oneSelector));

    expect([missing.status, missing.headers['x-gatehouse-error']]).toEqual([400, 'PARAM_MISSING']);
    expect([metric.status, metric.headers['x-gatehouse-error']]).toEqual([400, 'PARAM_INVALID']);
  });

  it("passes Loki's own refusal of the handshake on", async () => {
    loki.refuse = (query) =>
      query.includes('"refused"') ? { status: 400, body: 'parse error at line 1' } : undefined;
    const answer = await refused(tail({ query: '{app="refused"}' }, oneSelector));
    loki.refuse = () => undefined;

    expect(answer.status).toBe(400);
    expect(answer.body).toBe('parse error at line 1');
  });

  it('answers 404 to an upgrade on an unknown path', async () => {
    const answer = await refused(
      tail({ query: '{app="x"}' }, oneSelector, { path: '/loki/api/v1/nope' }),
    );

    expect(answer.status).toBe(404);
    expect(answer.headers['x-gatehouse-error']).toBe('ROUTE_NOT_FOUND');
  });
});

/** Sends one raw request head on a fresh connection and returns the whole answer. */
function rawRequest(head: string): Promise<string> {
  const { port } = new URL(gatehouse.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.write(head));
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString()));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

describe('handshakes that are not WebSocket upgrades Gatehouse can complete', () => {
  const path = `/loki/api/v1/tail?query=${encodeURIComponent('{app="raw"}')}`;

  it('answers 400 to an upgrade to another protocol', async () => {
    const auth = basicAuth(logsId, oneSelector);
    const answer = await rawRequest(
      `GET ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: ${auth}\r\n` +
        'Connection: Upgrade\r\nUpgrade: h2c\r\n\r\n',
    );

    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toContain('X-Gatehouse-Error: UPGRADE_UNSUPPORTED');
  });

  it('answers 400 to a malformed WebSocket handshake and leaves no upstream open', async () => {
    const auth = basicAuth(logsId, oneSelector);
    const answer = await rawRequest(
      `GET ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: ${auth}\r\n` +
        'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n' +
        'Sec-WebSocket-Key: not-a-key\r\n\r\n',
    );

    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toContain('Sec-WebSocket-Key');
    await until(() => loki.with('"raw"').every((u) => u.closedWith !== undefined), 'closed');
  });
});

describe('tail message bounds', () => {
  it('closes the tail with 1009 when Loki sends a message over the size limit', async () => {
    const line = 'x'.repeat(100 * 1024);
    loki.messages = (query) =>
      query.includes('"huge"') ? [message([[{ app: 'huge' }, [['1', line]]]])] : [];
    const client = await opened(tail({ query: '{app="huge"}' }, oneSelector));

    expect((await client.closed).code).toBe(1009);
    expect(client.received).toEqual([]);
  });
});

describe('tail and shutdown', () => {
  it('tells a tailing client Gatehouse is going away (1001) and closes its upstream', async () => {
    const other = await startTestGatehouse({
      regions: [{ slug: 'local', logs: { url: lokiUrl, tenancy: 'header' } }],
    });
    const stack = await other.api.createStack('tailstop');
    const user = (await other.api.instance('tailstop')).hlInstanceId;
    const grant = await other.api.grant({ name: 'stop', scopes: ['logs:read'], stackId: stack.id });
    const query = new URLSearchParams({ query: '{app="stop"}' });
    const client = await opened(
      tailAt(`${other.url}/loki/api/v1/tail?${query}`, {
        authorization: basicAuth(user, grant.token),
      }),
    );
    await until(() => loki.with('"stop"').length === 1, 'the upstream connection');

    await other.stop();
    expect((await client.closed).code).toBe(1001);
    await until(() => loki.with('"stop"')[0]?.closedWith !== undefined, 'the upstream to close');
  });
});
