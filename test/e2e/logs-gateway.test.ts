import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FakeLoki,
  fakeSelector,
  streamSelectorsIn,
  type FakeStream,
  type LokiRequest,
} from '../support/fake-loki.js';
import { basicAuth, startTestGatehouse, type TestGatehouse } from '../support/test-gatehouse.js';

/**
 * Loki reads through Gatehouse, checked on a fake Loki (node:http) that keeps streams and
 * evaluates stream selectors: what reaches the backend (rewritten queries, tenancy and header
 * hygiene) and that each answer equals the fake's answer over only the streams the policy allows.
 * Pushes have their own file (logs-push.test.ts).
 */
const loki = new FakeLoki();
let gatehouse: TestGatehouse;

const ONE = ['{namespace="team-a"}'];
/** Overlapping on purpose: {namespace="team-a", app="shop", env="prod"} matches both. */
const TWO = ['{namespace="team-a"}', '{app="shop", env="prod"}'];

interface Stack {
  id: number;
  logs: number;
  tenant: string;
}
let readStack: Stack;
let metricsInstance: number;

const tokens: Record<string, string> = {};

beforeAll(async () => {
  const url = await loki.start();
  gatehouse = await startTestGatehouse({
    regions: [
      { slug: 'local', logs: { url, tenancy: 'header' }, metrics: { url, tenancy: 'header' } },
    ],
  });

  readStack = await stack('logr', 'local');
  metricsInstance = (await gatehouse.api.instance('logr')).hmInstancePromId;

  await grant('reader0', ['logs:read'], readStack);
  await grant('reader1', ['logs:read'], readStack, ONE);
  await grant('reader2', ['logs:read'], readStack, TWO);
  await grant('metricsOnly', ['metrics:read', 'logs:write'], readStack);
});

afterAll(async () => {
  await gatehouse?.stop();
  await loki.stop();
});

async function stack(slug: string, region: string): Promise<Stack> {
  const created = await gatehouse.api.createStack(slug, region);
  const logs = (await gatehouse.api.instance(slug)).hlInstanceId;
  return { id: created.id, logs, tenant: String(logs) };
}

async function grant(
  name: string,
  scopes: string[],
  target: Stack,
  selectors: string[] = [],
  region = 'local',
): Promise<void> {
  const labelPolicies = selectors.map((selector) => ({ selector }));
  const slug = name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  const policy = await gatehouse.api.createPolicy(
    {
      name: slug,
      scopes,
      realms: [{ type: 'stack', identifier: String(target.id), labelPolicies }],
    },
    region,
  );
  tokens[name] = (await gatehouse.api.createToken(policy.id, `${slug}-t`, {}, region)).token;
}

function auth(target: Stack, token: string): string {
  return basicAuth(target.logs, tokens[token] as string);
}

/* ------------------------------------------------------------------------------------------ */

const T0 = 1_700_000_000_000_000_000n;
const ms = (n: number) => T0 + BigInt(n) * 1_000_000n;
const START = String(T0);
const END = String(ms(100_000));

/** Nine streams, entries at distinct instants interleaved across streams. */
function readData(): FakeStream[] {
  const labelSets: Record<string, string>[] = [
    { namespace: 'team-a', app: 'shop', env: 'prod' },
    { namespace: 'team-a', app: 'pay', env: 'dev' },
    { namespace: 'team-b', app: 'shop', env: 'prod' },
    { namespace: 'team-b', app: 'auth', env: 'dev' },
    { namespace: 'team-c', app: 'shop', env: 'dev' },
    { app: 'shop', env: 'prod' },
    { namespace: 'team-a-long', app: 'shop', env: 'prod' },
    { namespace: 'team-a', app: 'auth', env: 'prod' },
    { namespace: 'team-b', app: 'pay', env: 'prod' },
  ];
  return labelSets.map((labels, s) => ({
    labels,
    entries: Array.from({ length: 6 }, (_, i) => ({
      ts: ms(i * 10 + s),
      line: `${labels.app} line ${i} of stream ${s}${i % 2 ? ' error' : ''}`,
    })),
  }));
}

function get(path: string, authorization: string, headers: Record<string, string> = {}) {
  return fetch(gatehouse.url + path, { headers: { authorization, ...headers } });
}

function form(params: Record<string, string>): string {
  return new URLSearchParams(params).toString();
}

function postForm(
  path: string,
  authorization: string,
  body: string,
  headers: Record<string, string> = {},
) {
  return fetch(gatehouse.url + path, {
    method: 'POST',
    headers: {
      authorization,
      'content-type': 'application/x-www-form-urlencoded',
      ...headers,
    },
    body,
  });
}

/** The fake's own answer over only the streams at least one selector allows. */
function ideal(
  fake: FakeLoki,
  tenant: string,
  path: string,
  params: Record<string, string | string[]>,
  selectors?: string[],
): any {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params))
    for (const one of [value].flat()) search.append(name, one);
  const answer = fake.evaluate({
    path,
    params: search,
    tenant,
    only: selectors?.map(fakeSelector),
  });
  return JSON.parse(answer.body);
}

function sent(mark: number, fake = loki): LokiRequest[] {
  return fake.since(mark);
}

/* ------------------------------------------------------------------------------------------ */

describe('reads under 0, 1 and 2 label-policy selectors', () => {
  beforeAll(() => {
    loki.add(readStack.tenant, readData());
  });

  const policies: [string, string, string[] | undefined][] = [
    ['no selector', 'reader0', undefined],
    ['one selector', 'reader1', ONE],
    ['two overlapping selectors', 'reader2', TWO],
  ];

  const shapes: [string, Record<string, string>][] = [
    ['backward, limit 4', { direction: 'backward', limit: '4' }],
    ['forward, limit 5', { direction: 'forward', limit: '5' }],
    ['backward, no limit given', {}],
    ['forward, everything', { direction: 'forward', limit: '1000' }],
  ];

  describe.each(policies)('%s', (_name, token, selectors) => {
    it.each(shapes)(
      'query_range %s equals the answer over the allowed streams',
      async (_s, extra) => {
        const params = { query: '{app=~"shop|pay"} |= "line"', start: START, end: END, ...extra };
        const mark = loki.requests.length;
        const response = await postForm(
          '/loki/api/v1/query_range',
          auth(readStack, token),
          form(params),
          {
            'x-scope-orgid': 'someone-else',
            'x-prom-label-policy': 'someone-else:%7B%7D',
          },
        );
        const body = (await response.json()) as any;

        expect(response.status).toBe(200);
        const expected = ideal(
          loki,
          readStack.tenant,
          '/loki/api/v1/query_range',
          params,
          selectors,
        );
        expect(body.data.resultType).toBe('streams');
        expect(body.data.result).toEqual(expected.data.result);
        expectNoDuplicates(body.data.result);
        if (selectors) expect(JSON.stringify(body)).not.toMatch(/team-c|"pay","env":"prod"/);

        const reached = sent(mark);
        expect(reached).toHaveLength(selectors?.length ?? 1);
        for (const request of reached) expectHygiene(request, readStack.tenant);
        expect(reached.map((r) => r.params.getAll('query'))).toEqual(
          expectedQueries('{app=~"shop|pay"}', ' |= "line"', selectors),
        );
      },
    );

    it('answers labels, label values and series as over the allowed streams', async () => {
      const range = { start: START, end: END };
      const calls: [string, Record<string, string | string[]>][] = [
        ['/loki/api/v1/labels', range],
        ['/loki/api/v1/labels', { ...range, query: '{env="prod"}' }],
        ['/loki/api/v1/label/app/values', range],
        ['/loki/api/v1/label/namespace/values', { ...range, query: '{app="shop"}' }],
        ['/loki/api/v1/series', { ...range, 'match[]': ['{app="shop"}', '{env="dev"}'] }],
      ];

      for (const [path, params] of calls) {
        const search = new URLSearchParams();
        for (const [k, v] of Object.entries(params))
          for (const one of [v].flat()) search.append(k, one);
        const response = await get(`${path}?${search}`, auth(readStack, token));
        const body = (await response.json()) as any;
        const expected = ideal(loki, readStack.tenant, path, params, selectors);

        expect(response.status, path).toBe(200);
        expect(sortSeries(body.data), `${path}?${search}`).toEqual(sortSeries(expected.data));
      }
    });
  });

  it('sends exactly the rewritten query: one selector ANDed, two fanned out', async () => {
    const cases: [string, string[]][] = [
      ['reader1', ['{app="shop", namespace="team-a"}']],
      ['reader2', ['{app="shop", namespace="team-a"}', '{app="shop", env="prod"}']],
    ];
    for (const [token, expected] of cases) {
      const mark = loki.requests.length;
      const params = form({ query: '{app="shop"}', start: START, end: END });
      await get(`/loki/api/v1/query_range?${params}`, auth(readStack, token));
      expect(sent(mark).map((r) => r.params.get('query'))).toEqual(expected);
      expect(sent(mark).every((r) => r.params.getAll('query').length === 1)).toBe(true);
    }
  });

  it('merges a fan-out by the direction Loki reads, whatever its case', async () => {
    const params = { query: '{app=~".+"}', start: START, end: END, limit: '3' };
    for (const direction of ['FORWARD', 'Backward']) {
      const query = form({ ...params, direction });
      const response = await get(`/loki/api/v1/query_range?${query}`, auth(readStack, 'reader2'));
      const body = (await response.json()) as any;
      const path = '/loki/api/v1/query_range';
      const expected = ideal(loki, readStack.tenant, path, { ...params, direction }, TWO);

      expect(body.data.result, direction).toEqual(expected.data.result);
    }
  });

  it("relays Loki's own text error when a fanned-out query fails", async () => {
    const query = form({ query: '{app="shop"}' });
    const response = await get(`/loki/api/v1/query?${query}`, auth(readStack, 'reader2'));

    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await response.text()).toMatch(/not supported as an instant query/);
  });

  it('keeps one copy of query when it is sent in the URL and the body', async () => {
    const mark = loki.requests.length;
    const url = `/loki/api/v1/query_range?query=${encodeURIComponent('{app="pay"}')}`;
    await postForm(
      url,
      auth(readStack, 'reader1'),
      form({ query: '{app="shop"}', start: START, end: END }),
    );

    const params = sent(mark)[0]?.params;
    expect(params?.getAll('query')).toEqual(['{app="shop", namespace="team-a"}']);
  });
});

describe("Grafana's Loki data source", () => {
  it('passes "Save & test" (vector(1)+vector(1) at time 4 s) under a label policy', async () => {
    const mark = loki.requests.length;
    const q = form({ query: 'vector(1)+vector(1)', direction: 'backward', time: '4000000000' });
    const response = await get(`/loki/api/v1/query?${q}`, auth(readStack, 'reader2'));
    const body = (await response.json()) as any;

    expect(response.status).toBe(200);
    expect(body.data.result[0].value[1]).toBe('2');
    // Printed from the parsed tree: the same tokens, spacing aside.
    const forwarded = sent(mark).map((r) => r.params.get('query')?.replace(/\s+/g, ''));
    expect(forwarded).toEqual(['vector(1)+vector(1)']);
  });

  it('passes the older "Save & test" (labels with start and end)', async () => {
    const response = await get(
      `/loki/api/v1/labels?${form({ start: START, end: END })}`,
      auth(readStack, 'reader1'),
    );
    const body = (await response.json()) as any;

    expect(response.status).toBe(200);
    expect(body.data).toEqual(['app', 'env', 'namespace']);
  });

  it('serves the label browser: labels, values for a selector, series', async () => {
    const range = { start: START, end: END };
    const labels = await get(
      `/loki/api/v1/labels?${form({ ...range, query: '{app="shop"}' })}`,
      auth(readStack, 'reader2'),
    );
    const values = await get(
      `/loki/api/v1/label/namespace/values?${form({ ...range, query: '{app="shop"}' })}`,
      auth(readStack, 'reader2'),
    );
    const series = await get(
      `/loki/api/v1/series?${form({ ...range, 'match[]': '{app="shop", namespace=~".+"}' })}`,
      auth(readStack, 'reader2'),
    );

    expect(((await labels.json()) as any).data).toEqual(['app', 'env', 'namespace']);
    expect(((await values.json()) as any).data).toEqual(['team-a', 'team-a-long', 'team-b']);
    expect(sortSeries(((await series.json()) as any).data)).toEqual(
      sortSeries([
        { namespace: 'team-a', app: 'shop', env: 'prod' },
        { namespace: 'team-b', app: 'shop', env: 'prod' },
        { namespace: 'team-a-long', app: 'shop', env: 'prod' },
      ]),
    );
  });
});

describe('other read endpoints under two selectors', () => {
  const range = { start: START, end: END };
  const cases: [string, Record<string, string>][] = [
    ['/loki/api/v1/index/stats', { ...range, query: '{app=~".+"}' }],
    ['/loki/api/v1/index/volume', { ...range, query: '{app=~".+"}' }],
    ['/loki/api/v1/index/volume_range', { ...range, query: '{app=~".+"}', step: '60' }],
    ['/loki/api/v1/detected_labels', { ...range, query: '{app=~".+"}' }],
    ['/loki/api/v1/detected_fields', { ...range, query: '{app=~".+"} |= "line"' }],
    ['/loki/api/v1/detected_field/level/values', { ...range, query: '{app=~".+"}' }],
    ['/loki/api/v1/patterns', { ...range, query: '{app=~".+"}' }],
  ];

  it.each(cases)(
    '%s sends every selector with the policy and leaks nothing',
    async (path, params) => {
      const mark = loki.requests.length;
      const response = await get(`${path}?${form(params)}`, auth(readStack, 'reader2'));
      const text = await response.text();

      expect(response.status, text).toBe(200);
      const reached = sent(mark);
      expect(reached.length).toBeGreaterThan(0);
      for (const request of reached) {
        expectHygiene(request, readStack.tenant);
        expectCovered(request.params.get('query') ?? '', TWO);
      }
      // Nothing of a stream outside the policy: team-c, team-b/auth and team-b/pay never appear.
      expect(text).not.toMatch(/team-c|stream 3\b|stream 4\b|stream 8\b/);
    },
  );

  const additive: [string, Record<string, string>][] = [
    ['/loki/api/v1/index/stats', { ...range, query: '{app=~".+"}' }],
    ['/loki/api/v1/index/volume', { ...range, query: '{app=~".+"}' }],
    ['/loki/api/v1/index/volume', { ...range, query: '{app=~".+", env!="x"}', limit: '2' }],
    ['/loki/api/v1/index/volume', { ...range, query: '{env=~".+"}', aggregateBy: 'labels' }],
    [
      '/loki/api/v1/index/volume',
      { ...range, query: '{env=~".+"}', aggregateBy: 'labels', targetLabels: 'app,env' },
    ],
    ['/loki/api/v1/index/volume', { ...range, query: '{app="shop"}', targetLabels: 'env' }],
    ['/loki/api/v1/index/volume_range', { ...range, query: '{app=~".+"}', step: '60' }],
    ['/loki/api/v1/patterns', { ...range, query: '{app=~".+"}' }],
  ];

  it.each(additive)('%s %j adds up exactly over overlapping selectors', async (path, params) => {
    const mark = loki.requests.length;
    const response = await get(`${path}?${form(params)}`, auth(readStack, 'reader2'));
    const body = (await response.json()) as any;
    const exact = ideal(loki, readStack.tenant, path, params, TWO);

    expect(response.status).toBe(200);
    expect(normalized(body)).toEqual(normalized(exact));
    // Disjoint pieces: {namespace="team-a"}, then {app="shop", env="prod"} outside it.
    expect(sent(mark).map((r) => r.params.get('query'))).toEqual([
      expect.stringContaining('namespace="team-a"'),
      expect.stringContaining('namespace!="team-a"'),
    ]);
  });

  it("sends the user's label names as targetLabels for index/volume", async () => {
    const mark = loki.requests.length;
    const params = { ...range, query: '{app=~".+", env!="x"}' };
    await get(`/loki/api/v1/index/volume?${form(params)}`, auth(readStack, 'reader1'));

    expect(sent(mark)[0]?.params.get('targetLabels')).toBe('app,env');
    expect(sent(mark)[0]?.params.get('query')).toBe('{app=~".+", env!="x", namespace="team-a"}');

    const byLabels = { ...params, aggregateBy: 'labels' };
    await get(`/loki/api/v1/index/volume?${form(byLabels)}`, auth(readStack, 'reader1'));
    expect(loki.last().params.has('targetLabels')).toBe(false);
  });

  it('relays format_query untouched', async () => {
    const mark = loki.requests.length;
    const response = await get(
      `/loki/api/v1/format_query?${form({ query: '{a="b"}   |= "x"' })}`,
      auth(readStack, 'reader2'),
    );
    expect(response.status).toBe(200);
    expect(sent(mark)[0]?.params.get('query')).toBe('{a="b"}   |= "x"');
  });
});

describe('bad reads', () => {
  const range = { start: START, end: END };
  const cases: [string, () => Promise<Response>, number, RegExp][] = [
    [
      'unparsable LogQL',
      () =>
        get(
          `/loki/api/v1/query_range?${form({ ...range, query: '{app="shop"' })}`,
          auth(readStack, 'reader1'),
        ),
      400,
      /cannot parse/,
    ],
    [
      'a missing query',
      () => get(`/loki/api/v1/query_range?${form(range)}`, auth(readStack, 'reader1')),
      400,
      /missing parameter query/,
    ],
    [
      'an empty query',
      () => get(`/loki/api/v1/query?query=`, auth(readStack, 'reader2')),
      400,
      /missing parameter query/,
    ],
    [
      'a labels query with a pipeline',
      () =>
        get(`/loki/api/v1/labels?${form({ query: '{a="b"} |= "x"' })}`, auth(readStack, 'reader1')),
      400,
      /cannot parse/,
    ],
    [
      'a token without logs:read',
      () =>
        get(
          `/loki/api/v1/query_range?${form({ ...range, query: '{app="shop"}' })}`,
          auth(readStack, 'metricsOnly'),
        ),
      403,
      /missing required scope \[logs:read\]/,
    ],
    [
      'an unknown instance id',
      () => get(`/loki/api/v1/labels`, basicAuth(999_999, tokens.reader1 as string)),
      401,
      /unknown instance id/,
    ],
    [
      'the metrics instance id on a logs path',
      () => get(`/loki/api/v1/labels`, basicAuth(metricsInstance, tokens.reader1 as string)),
      401,
      /metrics instance/,
    ],
    [
      'no credentials',
      () => fetch(`${gatehouse.url}/loki/api/v1/labels`),
      401,
      /missing Authorization/,
    ],
    [
      'a form body of another content type',
      () =>
        fetch(`${gatehouse.url}/loki/api/v1/query_range`, {
          method: 'POST',
          headers: {
            authorization: auth(readStack, 'reader1'),
            'content-type': 'application/json',
          },
          body: '{"query":"{a=\\"b\\"}"}',
        }),
      415,
      /Content-Type/,
    ],
  ];

  it.each(cases)(
    'answers %s with a clear text error and forwards nothing',
    async (_n, send, status, message) => {
      const mark = loki.requests.length;
      const response = await send();

      expect(response.status).toBe(status);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(await response.text()).toMatch(message);
      expect(sent(mark)).toEqual([]);
    },
  );

  it("leaves an unrestricted token's unparsable LogQL to Loki, whose 400 is relayed", async () => {
    const mark = loki.requests.length;
    const query = form({ start: START, end: END, query: 'sum(' });
    const response = await get(`/loki/api/v1/query_range?${query}`, auth(readStack, 'reader0'));

    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/parse error/);
    expect(sent(mark).map((r) => r.params.get('query'))).toEqual(['sum(']);
  });

  it('answers 404 to an unknown Loki path', async () => {
    const response = await get('/loki/api/v1/nothing', auth(readStack, 'reader0'));
    expect(response.status).toBe(404);
  });
});

/* ------------------------------------------------------------------------------------------ */

function expectHygiene(request: LokiRequest, tenant: string): void {
  expect(request.headers['x-scope-orgid']).toBe(tenant);
  expect(request.headersDistinct['x-scope-orgid']).toEqual([tenant]);
  expect(request.headers['x-prom-label-policy']).toBeUndefined();
  expect(request.headers.authorization).toBeUndefined();
}

/** Every stream selector in `query` holds all matchers of at least one policy selector. */
function expectCovered(query: string, policy: string[]): void {
  const selectors = streamSelectorsIn(query);
  expect(selectors.length, query).toBeGreaterThan(0);
  for (const { matchers } of selectors) {
    const covered = policy
      .map(fakeSelector)
      .some((needed) =>
        needed.every((n) =>
          matchers.some((m) => m.name === n.name && m.op === n.op && m.value === n.value),
        ),
      );
    expect(covered, query).toBe(true);
  }
}

/** The user's selector with each policy selector's matchers appended (identical ones once). */
function expectedQueries(user: string, pipeline: string, selectors?: string[]): string[][] {
  if (!selectors) return [[`${user}${pipeline}`]];
  return selectors.map((policy) => {
    const own = user.slice(1, -1);
    const extra = policy
      .slice(1, -1)
      .split(/,\s*/)
      .filter((m) => !own.split(/,\s*/).includes(m));
    return [`{${[own, ...extra].join(', ')}}${pipeline}`];
  });
}

function expectNoDuplicates(result: { stream: object; values: [string, string][] }[]): void {
  const keys = result.flatMap((s) => s.values.map((v) => JSON.stringify([s.stream, v[0], v[1]])));
  expect(new Set(keys).size).toBe(keys.length);
  const streams = result.map((s) => JSON.stringify(s.stream));
  expect(new Set(streams).size).toBe(streams.length);
}

/** Volume series and patterns in a fixed order (Loki leaves ties in no particular order). */
function normalized(body: any): unknown {
  const result = body?.data?.result ?? body?.data;
  if (!Array.isArray(result)) return body;
  const sorted = [...result].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
  if (body.data.result) return { ...body, data: { ...body.data, result: sorted } };
  return { ...body, data: sorted };
}

function sortSeries(data: unknown): unknown {
  if (!Array.isArray(data) || typeof data[0] !== 'object') return data;
  return data.map((set) => JSON.stringify(Object.entries(set).sort())).sort();
}
