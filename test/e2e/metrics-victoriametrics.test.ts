import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeSnappyBlock } from '../../src/remote-write/snappy-block.js';
import { encodeWriteRequest } from '../../src/remote-write/write-request.js';
import { basicAuth, startTestGatehouse, type TestGatehouse } from '../support/test-gatehouse.js';
import { startVictoriaMetrics, type VictoriaMetricsServer } from '../support/victoria-metrics.js';

/**
 * lbac `vm` on a real VictoriaMetrics: Gatehouse leaves the query alone and sends the policy as
 * `extra_filters[]`. Data goes in through Gatehouse; answers through Gatehouse with a
 * two-selector policy are compared with VM's own unrestricted answer filtered by the test.
 */
type Labels = Record<string, string>;
type Series = { metric: Labels; value?: [number, string] };

const selectors: Array<(labels: Labels) => boolean> = [
  (l) => l.namespace === 'team-a',
  (l) => l.env === 'dev' && l.team === 'b',
];
const visible = (labels: Labels) => selectors.some((matches) => matches(labels));

let vm: VictoriaMetricsServer;
let gatehouse: TestGatehouse;
let promId: number;
let reader: string;
let writer: string;
const now = Date.now();

beforeAll(async () => {
  vm = await startVictoriaMetrics();
  gatehouse = await startTestGatehouse({
    regions: [{ slug: 'local', metrics: { url: vm.url, kind: 'victoriametrics', lbac: 'vm' } }],
  });
  const stack = await gatehouse.api.createStack('vmstack');
  promId = (await gatehouse.api.instance('vmstack')).hmInstancePromId;
  writer = (
    await gatehouse.api.grant({ name: 'vm-w', scopes: ['metrics:write'], stackId: stack.id })
  ).token;
  reader = (
    await gatehouse.api.grant({
      name: 'vm-r',
      scopes: ['metrics:read'],
      stackId: stack.id,
      selectors: ['{namespace="team-a"}', '{env="dev",team="b"}'],
    })
  ).token;

  await push();
  await vm.flush();
}, 60_000);

afterAll(async () => {
  await gatehouse?.stop();
  await vm?.stop();
});

async function push(): Promise<void> {
  const series = [];
  for (const namespace of ['team-a', 'team-b', 'team-c']) {
    for (const [env, team] of [
      ['dev', 'b'],
      ['prod', 'b'],
      ['dev', 'c'],
    ] as const) {
      for (const name of ['up', 'http_requests_total']) {
        const value = namespace.length + env.length + team.length + name.length;
        series.push({
          labels: { __name__: name, namespace, env, team, job: 'app' },
          samples: [
            { value, timestamp: now - 60_000 },
            { value: value + 1, timestamp: now - 1_000 },
          ],
        });
      }
    }
  }

  const answer = await fetch(`${gatehouse.url}/api/prom/push`, {
    method: 'POST',
    headers: {
      authorization: basicAuth(promId, writer),
      'content-type': 'application/x-protobuf',
      'content-encoding': 'snappy',
      'x-prometheus-remote-write-version': '0.1.0',
    },
    body: encodeSnappyBlock(encodeWriteRequest(series)),
  });
  expect(answer.status).toBeLessThan(300);
}

async function throughGatehouse(path: string, params: Record<string, string | string[]>) {
  const body = form(params);
  const answer = await fetch(`${gatehouse.url}/api/prom/api/v1/${path}`, {
    method: 'POST',
    headers: {
      authorization: basicAuth(promId, reader),
      'content-type': 'application/x-www-form-urlencoded',
    },
    body,
  });
  return { status: answer.status, body: (await answer.json()) as any };
}

async function direct(path: string, params: Record<string, string | string[]>) {
  const answer = await fetch(`${vm.url}/api/v1/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form(params),
  });
  return (await answer.json()) as any;
}

function form(params: Record<string, string | string[]>): string {
  const out = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    for (const item of Array.isArray(value) ? value : [value]) out.append(key, item);
  }
  return out.toString();
}

const key = (labels: Labels) => JSON.stringify(Object.entries(labels).sort());
const sortSeries = (items: Series[]) =>
  [...items].sort((a, b) => key(a.metric).localeCompare(key(b.metric)));

describe('lbac vm on a real VictoriaMetrics', () => {
  it('answers a selector query with exactly the series of either policy selector', async () => {
    const time = String(Math.floor(now / 1000));
    const through = await throughGatehouse('query', { query: 'up', time });
    const all = await direct('query', { query: 'up', time });

    expect(through.status).toBe(200);
    expect(all.data.result).toHaveLength(9);
    expect(sortSeries(through.body.data.result)).toEqual(
      sortSeries(all.data.result.filter((s: Series) => visible(s.metric))),
    );
  });

  it('aggregates over the union only', async () => {
    const time = String(Math.floor(now / 1000));
    const through = await throughGatehouse('query', { query: 'count(http_requests_total)', time });

    expect(through.body.data.result[0].value[1]).toBe('5');
  });

  it('confines series and label values to the policy', async () => {
    const start = String(Math.floor((now - 3_600_000) / 1000));
    const series = await throughGatehouse('series', { 'match[]': '{job="app"}', start });
    const namespaces = await fetch(
      `${gatehouse.url}/api/prom/api/v1/label/namespace/values?start=${start}`,
      { headers: { authorization: basicAuth(promId, reader) } },
    ).then((r) => r.json() as Promise<any>);

    expect(series.body.data).toHaveLength(10);
    expect(series.body.data.every((labels: Labels) => visible(labels))).toBe(true);
    expect(namespaces.data.sort()).toEqual(['team-a', 'team-b', 'team-c']);
  });

  it('ignores a client extra_filters that tries to widen the view', async () => {
    const time = String(Math.floor(now / 1000));
    const through = await throughGatehouse('query', {
      query: 'up',
      time,
      'extra_filters[]': '{namespace=~".+"}',
      extra_label: 'namespace=team-c',
    });

    expect(through.body.data.result).toHaveLength(5);
    expect(through.body.data.result.every((s: Series) => visible(s.metric))).toBe(true);
  });
});
