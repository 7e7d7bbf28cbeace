import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeSnappyBlock, encodeSnappyBlock } from '../../src/remote-write/snappy-block.js';
import { encodeWriteRequest } from '../../src/remote-write/write-request.js';
import { FakeUpstream } from '../support/fake-upstream.js';
import { basicAuth, startTestGatehouse, type TestGatehouse } from '../support/test-gatehouse.js';

/**
 * What reaches the backend, checked on a fake Prometheus (node:http): tenancy, header hygiene,
 * parameter placement, and the refusals that must leave the backend untouched.
 */
const upstream = new FakeUpstream();
const labelUpstream = new FakeUpstream();
let gatehouse: TestGatehouse;
let promId: number;
let labelPromId: number;
let reader: string;
let writer: string;
let labelReader: string;
let labelWriter: string;

beforeAll(async () => {
  const [url, labelUrl] = await Promise.all([upstream.start(), labelUpstream.start()]);
  gatehouse = await startTestGatehouse({
    regions: [
      { slug: 'local', metrics: { url, tenancy: 'header' } },
      { slug: 'shared', metrics: { url: labelUrl, tenancy: 'label', tenantLabel: 'tenant' } },
    ],
    limits: { maxBodyBytes: 64 * 1024, maxDecodedBodyBytes: 256 * 1024 },
  });

  const stack = await gatehouse.api.createStack('fwd');
  promId = (await gatehouse.api.instance('fwd')).hmInstancePromId;
  reader = (
    await gatehouse.api.grant({
      name: 'fwd-read',
      scopes: ['metrics:read'],
      stackId: stack.id,
      selectors: ['{namespace="team-a"}'],
    })
  ).token;
  writer = (
    await gatehouse.api.grant({ name: 'fwd-write', scopes: ['metrics:write'], stackId: stack.id })
  ).token;

  const shared = await gatehouse.api.createStack('shared1', 'shared');
  labelPromId = (await gatehouse.api.instance('shared1')).hmInstancePromId;
  const labelPolicy = await gatehouse.api.createPolicy(
    {
      name: 'shared-rw',
      scopes: ['metrics:read', 'metrics:write'],
      realms: [{ type: 'stack', identifier: String(shared.id) }],
    },
    'shared',
  );
  const token = await gatehouse.api.createToken(labelPolicy.id, 'rw', {}, 'shared');
  labelReader = token.token;
  labelWriter = token.token;
});

afterAll(async () => {
  await gatehouse?.stop();
  await upstream.stop();
  await labelUpstream.stop();
});

function get(path: string, auth: string, headers: Record<string, string> = {}) {
  return fetch(gatehouse.url + path, { headers: { authorization: auth, ...headers } });
}

function postForm(path: string, auth: string, form: string, headers: Record<string, string> = {}) {
  return fetch(gatehouse.url + path, {
    method: 'POST',
    headers: {
      authorization: auth,
      'content-type': 'application/x-www-form-urlencoded',
      ...headers,
    },
    body: form,
  });
}

describe('header hygiene and tenancy', () => {
  it('replaces client tenancy, policy and credential headers with its own', async () => {
    const response = await get('/api/prom/api/v1/query?query=up', basicAuth(promId, reader), {
      'x-scope-orgid': 'someone-else',
      'x-prom-label-policy': 'someone-else:%7B%7D',
      cookie: 'session=1',
    });

    expect(response.status).toBe(200);
    const seen = upstream.last();
    expect(seen.headers['x-scope-orgid']).toBe(String(promId));
    expect(seen.headers['x-prom-label-policy']).toBeUndefined();
    expect(seen.headers.authorization).toBeUndefined();
    expect(seen.headers.cookie).toBeUndefined();
  });

  it('drops VictoriaMetrics extra_label and extra_filters from the URL and the body', async () => {
    await postForm(
      '/prometheus/api/v1/query?extra_label=namespace%3Dteam-b',
      basicAuth(promId, reader),
      'query=up&extra_filters[]=%7Bnamespace%3D%22team-b%22%7D',
    );

    const params = FakeUpstream.params(upstream.last());
    expect([...params.keys()].filter((key) => key.startsWith('extra_'))).toEqual([]);
  });
});

describe('parameter placement', () => {
  const cases: [string, () => Promise<Response>][] = [
    ['query in the URL', () => get('/api/prom/api/v1/query?query=up', basicAuth(promId, reader))],
    [
      'query in the form body',
      () => postForm('/api/prom/api/v1/query', basicAuth(promId, reader), 'query=up'),
    ],
    [
      'query in both (the body wins, as in Prometheus)',
      () => postForm('/api/prom/api/v1/query?query=down', basicAuth(promId, reader), 'query=up'),
    ],
  ];

  it.each(cases)('enforces the policy with %s and forwards one copy', async (_name, send) => {
    expect((await send()).status).toBe(200);

    const queries = FakeUpstream.params(upstream.last()).getAll('query');
    expect(queries).toHaveLength(1);
    expect(queries[0]).toMatch(/^up\{.*namespace="team-a".*\}$/);
  });

  const matchCases: [string, string, number][] = [
    ['no match[]', '', 1],
    ['one match[]', 'match[]=up', 1],
    ['several match[]', 'match[]=up&match[]=%7Bjob%3D%22x%22%7D', 2],
  ];

  it.each(matchCases)('confines /series with %s to the policy', async (_name, form, expected) => {
    const response = await postForm('/api/prom/api/v1/series', basicAuth(promId, reader), form);
    expect(response.status).toBe(200);

    const matches = FakeUpstream.params(upstream.last()).getAll('match[]');
    expect(matches).toHaveLength(expected);
    for (const match of matches) expect(match).toContain('namespace="team-a"');
  });

  it("passes Grafana's data-source test query 1+1 through, as printed from its tree", async () => {
    const response = await get('/api/prom/api/v1/query?query=1%2B1', basicAuth(promId, reader));

    expect(response.status).toBe(200);
    expect(FakeUpstream.params(upstream.last()).get('query')).toBe('1 + 1');
  });

  it('sends label values as GET with the label name in the path', async () => {
    await postForm('/api/prom/api/v1/label/job/values', basicAuth(promId, reader), 'match[]=up');

    expect(upstream.last().method).toBe('GET');
    expect(upstream.last().url.pathname).toBe('/api/v1/label/job/values');
  });
});

describe('metadata', () => {
  it('keeps only families with a visible series, histograms included, and drops trace', async () => {
    const meta = (type: string) => [{ type, help: '', unit: '' }];
    upstream.reply = (request) =>
      request.url.pathname.endsWith('/label/__name__/values')
        ? {
            status: 200,
            body: JSON.stringify({ status: 'success', data: ['up', 'latency_seconds_bucket'] }),
          }
        : {
            status: 200,
            body: JSON.stringify({
              status: 'success',
              data: {
                up: meta('gauge'),
                latency_seconds: meta('histogram'),
                payroll: meta('gauge'),
              },
            }),
          };
    try {
      const answer = await get('/api/prom/api/v1/metadata?trace=1', basicAuth(promId, reader));
      const body = (await answer.json()) as { data: Record<string, unknown> };

      expect(Object.keys(body.data).sort()).toEqual(['latency_seconds', 'up']);
      expect(upstream.requests.every((r) => !r.url.searchParams.has('trace'))).toBe(true);
    } finally {
      upstream.reply = new FakeUpstream().reply;
    }
  });
});

describe('tenancy label mode', () => {
  it('forces the tenant label onto every written series, overwriting a spoofed one', async () => {
    const body = encodeSnappyBlock(
      encodeWriteRequest([
        { labels: { __name__: 'm', tenant: 'spoofed' }, samples: [{ value: 1, timestamp: 1 }] },
      ]),
    );
    const response = await fetch(`${gatehouse.url}/api/prom/push`, {
      method: 'POST',
      headers: {
        authorization: basicAuth(labelPromId, labelWriter),
        'content-type': 'application/x-protobuf',
        'content-encoding': 'snappy',
      },
      body,
    });

    expect(response.status).toBe(200);
    const raw = decodeSnappyBlock(labelUpstream.last().body, 1 << 20).toString('latin1');
    expect(raw).toContain(String(labelPromId));
    expect(raw).not.toContain('spoofed');
  });

  it('confines every read to the tenant label', async () => {
    await get(
      '/api/prom/api/v1/query?query=sum(rate(x%5B5m%5D))',
      basicAuth(labelPromId, labelReader),
    );

    expect(FakeUpstream.params(labelUpstream.last()).get('query')).toContain(
      `tenant="${labelPromId}"`,
    );
  });
});

describe('bad input', () => {
  const sends = (before: number) => upstream.requests.length === before;
  const cases: [string, () => Promise<Response>, number, RegExp][] = [
    [
      'no Authorization header',
      () => fetch(`${gatehouse.url}/api/prom/api/v1/query?query=up`),
      401,
      /missing Authorization/,
    ],
    [
      'a garbled Authorization header',
      () => get('/api/prom/api/v1/query?query=up', 'Basic %%%'),
      401,
      /base64/,
    ],
    [
      'an unknown scheme',
      () => get('/api/prom/api/v1/query?query=up', 'Digest abc'),
      401,
      /unsupported scheme/,
    ],
    [
      'a password that is not a glc_ token',
      () => get('/api/prom/api/v1/query?query=up', basicAuth(promId, 'hunter2')),
      401,
      /glc_/,
    ],
    [
      'truncated base64 in the token',
      () => get('/api/prom/api/v1/query?query=up', basicAuth(promId, reader.slice(0, 30))),
      401,
      /could not be parsed|not valid/,
    ],
    [
      'an unknown instance id',
      () => get('/api/prom/api/v1/query?query=up', basicAuth(999999, reader)),
      401,
      /unknown instance id/,
    ],
    [
      'malformed PromQL',
      () => get('/api/prom/api/v1/query?query=sum(', basicAuth(promId, reader)),
      400,
      /cannot parse/,
    ],
    [
      'a query parameter that is missing',
      () => get('/api/prom/api/v1/query', basicAuth(promId, reader)),
      400,
      /missing parameter query/,
    ],
    [
      'a form body of another content type',
      () =>
        fetch(`${gatehouse.url}/api/prom/api/v1/query`, {
          method: 'POST',
          headers: { authorization: basicAuth(promId, reader), 'content-type': 'application/json' },
          body: '{"query":"up"}',
        }),
      415,
      /Content-Type/,
    ],
    [
      'a body over the limit',
      () =>
        postForm(
          '/api/prom/api/v1/query',
          basicAuth(promId, reader),
          `query=${'a'.repeat(70 * 1024)}`,
        ),
      413,
      /exceeds the limit/,
    ],
  ];

  it.each(cases)(
    'answers %s with a clear error in the Prometheus envelope',
    async (_name, send, status, message) => {
      const before = upstream.requests.length;
      const response = await send();
      const body = (await response.json()) as any;

      expect(response.status).toBe(status);
      expect(body).toMatchObject({ status: 'error', errorType: expect.any(String) });
      expect(body.error).toMatch(message);
      expect(sends(before)).toBe(true);
    },
  );

  it('refuses a snappy body that would decompress past the limit, before inflating it', async () => {
    // Snappy block preamble: varint of the decoded length (here 1 GiB), then almost nothing.
    const bomb = Buffer.from([0x80, 0x80, 0x80, 0x80, 0x04, 0x00]);
    const before = upstream.requests.length;
    const response = await fetch(`${gatehouse.url}/api/v1/push`, {
      method: 'POST',
      headers: {
        authorization: basicAuth(promId, writer),
        'content-type': 'application/x-protobuf',
        'content-encoding': 'snappy',
      },
      body: bomb,
    });

    expect(response.status).toBe(413);
    expect(await response.text()).toMatch(/decompresses to 1073741824 bytes/);
    expect(sends(before)).toBe(true);
  });

  it('refuses a push without snappy encoding with 415', async () => {
    const response = await fetch(`${gatehouse.url}/api/v1/push`, {
      method: 'POST',
      headers: {
        authorization: basicAuth(promId, writer),
        'content-type': 'application/x-protobuf',
      },
      body: Buffer.from([1, 2, 3]),
    });

    expect(response.status).toBe(415);
    expect(await response.text()).toMatch(/snappy/);
  });

  it('regression: refuses a label name that would leave its path segment, before the backend', async () => {
    const before = upstream.requests.length;
    const answer = await get(
      '/api/prom/api/v1/label/..%2f..%2fquery/values',
      basicAuth(promId, reader),
    );

    expect(answer.status).toBe(400);
    expect(((await answer.json()) as { errorType: string }).errorType).toBe('bad_data');
    expect(upstream.requests.length).toBe(before);
  });

  it('regression: refuses a token whose readable org or region claim was edited', async () => {
    const claims = JSON.parse(Buffer.from(reader.slice(4), 'base64').toString());
    const edited = `glc_${Buffer.from(JSON.stringify({ ...claims, o: '999' })).toString('base64')}`;
    const answer = await get('/api/prom/api/v1/query?query=up', basicAuth(promId, edited));

    expect(answer.status).toBe(401);
  });

  it('does not forward the client Content-Encoding with the re-encoded form body', async () => {
    await postForm('/api/prom/api/v1/query', basicAuth(promId, reader), 'query=up', {
      'content-encoding': 'identity',
    });

    expect(upstream.last().headers['content-encoding']).toBeUndefined();
  });

  it('keeps serving after all of the above', async () => {
    expect((await get('/api/prom/api/v1/query?query=up', basicAuth(promId, reader))).status).toBe(
      200,
    );
  });

  it('answers 404 to an unknown data-plane path in the Prometheus envelope', async () => {
    const response = await get('/api/prom/api/v1/nothing', basicAuth(promId, reader));

    expect(response.status).toBe(404);
    expect(((await response.json()) as any).errorType).toBe('not_found');
  });
});
