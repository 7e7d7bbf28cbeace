import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeUpstream } from '../support/fake-upstream.js';
import { basicAuth, startTestGatehouse, type TestGatehouse } from '../support/test-gatehouse.js';

/**
 * lbac `header` for Mimir builds with label access control: the query reaches the backend
 * untouched and the policy travels as X-Prom-Label-Policy, one `<tenant>:<selector>` per
 * selector, escaped as Go's url.PathEscape (what `mimirtool acl generate-header` prints).
 */
const upstream = new FakeUpstream();
let gatehouse: TestGatehouse;
let promId: number;
let tenant: string;
let reader: string;
let unrestricted: string;

beforeAll(async () => {
  const url = await upstream.start();
  gatehouse = await startTestGatehouse({
    regions: [
      { slug: 'local', metrics: { url, kind: 'mimir', tenancy: 'header', lbac: 'header' } },
    ],
  });
  const stack = await gatehouse.api.createStack('mimir');
  promId = (await gatehouse.api.instance('mimir')).hmInstancePromId;
  tenant = String(promId);
  reader = (
    await gatehouse.api.grant({
      name: 'hdr-r',
      scopes: ['metrics:read'],
      stackId: stack.id,
      selectors: ['{namespace="team-a"}', '{env=~"dev|stage", team!="x y"}'],
    })
  ).token;
  unrestricted = (
    await gatehouse.api.grant({ name: 'hdr-all', scopes: ['metrics:read'], stackId: stack.id })
  ).token;
});

afterAll(async () => {
  await gatehouse?.stop();
  await upstream.stop();
});

function get(path: string, token: string, headers: Record<string, string> = {}) {
  return fetch(gatehouse.url + path, {
    headers: { authorization: basicAuth(promId, token), ...headers },
  });
}

describe('lbac header mode', () => {
  it('sends one X-Prom-Label-Policy value per selector and leaves the query untouched', async () => {
    const query = 'sum by (namespace) (rate(http_requests_total{job="api"}[5m]))';
    await get(`/api/prom/api/v1/query?query=${encodeURIComponent(query)}`, reader, {
      'x-prom-label-policy': `${tenant}:%7B%7D`,
    });
    const seen = upstream.last();

    expect(seen.url.pathname).toBe('/prometheus/api/v1/query');
    expect(FakeUpstream.params(seen).getAll('query')).toEqual([query]);
    expect(seen.headers['x-scope-orgid']).toBe(tenant);
    expect(seen.headersDistinct['x-prom-label-policy']).toEqual([
      `${tenant}:%7Bnamespace=%22team-a%22%7D`,
      `${tenant}:%7Benv=~%22dev%7Cstage%22%2C%20team%21=%22x%20y%22%7D`,
    ]);
  });

  it('leaves match[] untouched on series and label endpoints', async () => {
    await get('/api/prom/api/v1/series?match[]=up', reader);
    const seen = upstream.last();

    expect(FakeUpstream.params(seen).getAll('match[]')).toEqual(['up']);
    expect(seen.headersDistinct['x-prom-label-policy']).toHaveLength(2);
  });

  it('sends no policy header for an unrestricted token and drops a client-sent one', async () => {
    await get('/api/prom/api/v1/query?query=up', unrestricted, {
      'x-prom-label-policy': `${tenant}:%7Bnamespace=%22team-a%22%7D`,
    });

    expect(upstream.last().headers['x-prom-label-policy']).toBeUndefined();
  });
});
