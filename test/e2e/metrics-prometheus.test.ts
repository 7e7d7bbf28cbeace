import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Selector } from '../../src/model/label-matcher.js';
import { parseSelector } from '../../src/query/promql/parse-selector.js';
import { encodeSnappyBlock } from '../../src/remote-write/snappy-block.js';
import { encodeWriteRequest } from '../../src/remote-write/write-request.js';
import { seriesMatches } from '../differential/dataset.js';
import { startPrometheus, type PrometheusServer } from '../support/prometheus.js';
import { basicAuth, startTestGatehouse, type TestGatehouse } from '../support/test-gatehouse.js';

/**
 * Gatehouse end to end on real Prometheus servers: a Prometheus agent remote-writes through the
 * gateway with a token, two stacks share one backend through the tenant label, and reads with
 * 0, 1 and 3 label-policy selectors are compared with the backend's own answer, filtered here.
 */
type Metric = Record<string, string>;

let backend: PrometheusServer;
let agent: PrometheusServer;
let gatehouse: TestGatehouse;
let stackA: { id: number; promId: number; tenant: string };
let stackB: { id: number; promId: number };
const tokens: Record<string, string> = {};

const selectors = {
  one: ['{namespace="team-a"}'],
  three: ['{namespace="team-a"}', '{env="prod"}', '{job=~"extra-.*", env!="prod"}'],
};

beforeAll(async () => {
  backend = await startPrometheus();
  gatehouse = await startTestGatehouse({
    regions: [
      { slug: 'local', metrics: { url: backend.url, tenancy: 'label', tenantLabel: 'tenant' } },
    ],
  });

  const a = await gatehouse.api.createStack('alpha');
  const b = await gatehouse.api.createStack('beta');
  const promA = (await gatehouse.api.instance('alpha')).hmInstancePromId;
  stackA = { id: a.id, promId: promA, tenant: String(promA) };
  stackB = { id: b.id, promId: (await gatehouse.api.instance('beta')).hmInstancePromId };

  const grant = async (
    name: string,
    scopes: string[],
    target: { stackId?: number; orgId?: number },
    sel?: string[],
  ) =>
    (tokens[name] = (await gatehouse.api.grant({ name, scopes, ...target, selectors: sel })).token);
  await grant('writer-a', ['metrics:write'], { stackId: a.id });
  await grant('writer-b', ['metrics:write'], { stackId: b.id });
  await grant('reader-a', ['metrics:read'], { stackId: a.id });
  await grant('reader-a-one', ['metrics:read'], { stackId: a.id }, selectors.one);
  await grant('reader-a-three', ['metrics:read'], { stackId: a.id }, selectors.three);
  await grant('reader-b', ['metrics:read'], { stackId: b.id });
  await grant('reader-org', ['metrics:read'], { orgId: 1 });

  agent = await startPrometheus({
    configYaml: agentConfig(),
    extraArgs: ['--enable-feature=agent'],
  });
  await pushSeries(stackB.promId, tokens['writer-b'] as string, [
    { __name__: 'beta_only', namespace: 'team-a' },
  ]);
  await waitFor(async () => (await query(stackA.promId, 'reader-a', 'up')).length === 4, 60_000);
}, 120_000);

afterAll(async () => {
  await agent?.stop();
  await gatehouse?.stop();
  await backend?.stop();
});

/** The agent scrapes the backend as four jobs with different labels, writing through Gatehouse. */
function agentConfig(): string {
  const job = (name: string, labels: Metric) =>
    `  - job_name: ${name}\n    static_configs: [{ targets: ["127.0.0.1:${backend.port}"], labels: ${JSON.stringify(labels)} }]\n`;

  return [
    'global: { scrape_interval: 1s }\n',
    'scrape_configs:\n',
    job('app-a', { namespace: 'team-a', env: 'dev' }),
    job('app-b', { namespace: 'team-b', env: 'prod' }),
    job('app-c', { namespace: 'team-c', env: 'dev' }),
    job('extra-c', { namespace: 'team-c', env: 'staging' }),
    'remote_write:\n',
    `  - url: "${gatehouse.url}/api/prom/push"\n`,
    `    basic_auth: { username: "${stackA.promId}", password: "${tokens['writer-a']}" }\n`,
    '    queue_config: { batch_send_deadline: 1s }\n',
  ].join('');
}

async function pushSeries(
  promId: number,
  token: string,
  series: Metric[],
  auth?: string,
): Promise<Response> {
  const now = Date.now();
  const body = encodeSnappyBlock(
    encodeWriteRequest(
      series.map((labels) => ({ labels, samples: [{ value: 1, timestamp: now }] })),
    ),
  );

  return fetch(`${gatehouse.url}/api/v1/push`, {
    method: 'POST',
    headers: {
      authorization: auth ?? basicAuth(promId, token),
      'content-type': 'application/x-protobuf',
      'content-encoding': 'snappy',
    },
    body,
  });
}

async function queryRaw(promId: number, tokenName: string, promql: string): Promise<Response> {
  const url = `${gatehouse.url}/api/prom/api/v1/query?query=${encodeURIComponent(promql)}`;
  return fetch(url, {
    headers: { authorization: basicAuth(promId, tokens[tokenName] ?? tokenName) },
  });
}

async function query(promId: number, tokenName: string, promql: string): Promise<Metric[]> {
  const response = await queryRaw(promId, tokenName, promql);
  const body = (await response.json()) as any;
  if (response.status !== 200)
    throw new Error(`query failed: ${response.status} ${JSON.stringify(body)}`);

  return body.data.result.map((entry: { metric: Metric }) => entry.metric);
}

async function direct(promql: string): Promise<Metric[]> {
  const response = await fetch(`${backend.url}/api/v1/query?query=${encodeURIComponent(promql)}`);
  return ((await response.json()) as any).data.result.map(
    (entry: { metric: Metric }) => entry.metric,
  );
}

function keyed(metrics: Metric[]): string[] {
  return metrics.map((metric) => JSON.stringify(Object.entries(metric).sort())).sort();
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }

  throw new Error('timed out waiting for data to arrive through Gatehouse');
}

describe('remote write through the gateway', () => {
  it('stores what the Prometheus agent wrote, with the stack tenant label forced on', async () => {
    const ups = await direct('up');

    expect(ups.filter((metric) => metric.tenant === stackA.tenant)).toHaveLength(4);
    expect(ups.every((metric) => metric.tenant !== undefined)).toBe(true);
  });

  it('refuses a push from a token without metrics:write', async () => {
    const response = await pushSeries(stackA.promId, tokens['reader-a'] as string, [
      { __name__: 'sneaky' },
    ]);

    expect(response.status).toBe(403);
    expect(await response.text()).toMatch(/missing required scope \[metrics:write\]/);
  });
});

describe('reads under label policies', () => {
  const cases: [string, string, string[] | null][] = [
    ['0 selectors', 'reader-a', null],
    ['1 selector', 'reader-a-one', selectors.one],
    ['3 selectors', 'reader-a-three', selectors.three],
  ];

  it.each(cases)(
    'returns exactly the series the policy allows with %s',
    async (_name, token, sel) => {
      const scope: Selector[] | null = sel && sel.map(parseSelector);
      const all = (await direct(
        `{tenant="${stackA.tenant}", __name__=~"up|scrape_samples_scraped"}`,
      )) as Metric[];
      const expected = scope
        ? all.filter((metric) => scope.some((s) => seriesMatches(metric, s)))
        : all;

      const seen = await query(stackA.promId, token, '{__name__=~"up|scrape_samples_scraped"}');
      expect(keyed(seen)).toEqual(keyed(expected));
      expect(seen.length).toBeGreaterThan(0);
    },
  );

  it('confines /series and label values to the policy', async () => {
    const auth = { authorization: basicAuth(stackA.promId, tokens['reader-a-one'] as string) };
    const series = (await (
      await fetch(`${gatehouse.url}/api/prom/api/v1/series?match[]=up`, { headers: auth })
    ).json()) as any;
    const values = (await (
      await fetch(`${gatehouse.url}/prometheus/api/v1/label/namespace/values`, { headers: auth })
    ).json()) as any;

    expect(series.data.map((metric: Metric) => metric.namespace)).toEqual(['team-a']);
    expect(values.data).toEqual(['team-a']);
  });
});

describe('revocation and refusal', () => {
  it('refuses a deleted token at once', async () => {
    const { token, tokenId } = await gatehouse.api.grant({
      name: 'short-lived',
      scopes: ['metrics:read'],
      stackId: stackA.id,
    });
    expect((await queryRaw(stackA.promId, token, 'up')).status).toBe(200);

    await gatehouse.api.ok('DELETE', `/api/v1/tokens/${tokenId}?region=local`);
    const after = await queryRaw(stackA.promId, token, 'up');
    expect(after.status).toBe(401);
  });

  it('refuses an expired token', async () => {
    const { token, tokenId } = await gatehouse.api.grant({
      name: 'expiring',
      scopes: ['metrics:read'],
      stackId: stackA.id,
    });
    expect((await queryRaw(stackA.promId, token, 'up')).status).toBe(200);

    const past = new Date(Date.now() - 1000).toISOString();
    await gatehouse.api.ok('POST', `/api/v1/tokens/${tokenId}?region=local`, { expiresAt: past });
    const after = await queryRaw(stackA.promId, token, 'up');
    expect(after.status).toBe(401);
    expect(((await after.json()) as any).error).toMatch(/token expired/);
  });

  it('refuses the tokens of a policy set to inactive', async () => {
    const { token, policyId } = await gatehouse.api.grant({
      name: 'pausable',
      scopes: ['metrics:read'],
      stackId: stackA.id,
    });
    expect((await queryRaw(stackA.promId, token, 'up')).status).toBe(200);

    await gatehouse.api.ok('POST', `/api/v1/accesspolicies/${policyId}?region=local`, {
      status: 'inactive',
    });
    const after = await queryRaw(stackA.promId, token, 'up');
    expect(after.status).toBe(401);
    expect(((await after.json()) as any).error).toMatch(/inactive/);
  });
});

describe('realms', () => {
  it('keeps a stack-realm token out of another stack, for reads and writes', async () => {
    const read = await queryRaw(stackA.promId, 'reader-b', 'up');
    const write = await pushSeries(stackA.promId, tokens['writer-b'] as string, [
      { __name__: 'intruder' },
    ]);

    expect(read.status).toBe(403);
    expect(write.status).toBe(403);
    expect(await direct('intruder')).toEqual([]);
  });

  it('shows each stack only its own series on the shared backend', async () => {
    expect(await query(stackB.promId, 'reader-b', 'up')).toEqual([]);
    expect((await query(stackB.promId, 'reader-b', 'beta_only')).map((m) => m.tenant)).toEqual([
      String(stackB.promId),
    ]);
    expect(await query(stackA.promId, 'reader-a', 'beta_only')).toEqual([]);
  });

  it('lets an org-realm token reach every stack of its org', async () => {
    expect(await query(stackA.promId, 'reader-org', 'up')).toHaveLength(4);
    expect(await query(stackB.promId, 'reader-org', 'beta_only')).toHaveLength(1);
  });
});
