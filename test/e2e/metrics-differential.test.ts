import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatSelector } from '../../src/query/promql/parse-selector.js';
import { datasetSeries, toOpenMetrics, visibleSeries } from '../differential/dataset.js';
import { ask, canonical, evaluations } from '../differential/prometheus-answers.js';
import { promqlShapes, testPolicies, type TestPolicy } from '../differential/promql-shapes.js';
import { startPrometheus, type PrometheusServer } from '../support/prometheus.js';
import { basicAuth, startTestGatehouse, type TestGatehouse } from '../support/test-gatehouse.js';

/**
 * Differential enforcement through the whole gateway (docs/enforcement.md): every query shape is sent to
 * Gatehouse with a token whose policy carries the test policy's selectors, in front of FULL (every
 * series), and the original query is sent straight to FILTERED (only the series the policy
 * shows, chosen by the test's own matcher). The answers must be equal.
 */
const series = datasetSeries();
let full: PrometheusServer;
const filtered = new Map<string, PrometheusServer>();
const authorizations = new Map<string, string>();
let gatehouse: TestGatehouse;

beforeAll(async () => {
  full = await startPrometheus({ openMetrics: toOpenMetrics(series) });
  for (const policy of testPolicies) {
    const visible = visibleSeries(series, policy.scope);
    filtered.set(policy.name, await startPrometheus({ openMetrics: toOpenMetrics(visible) }));
  }

  gatehouse = await startTestGatehouse({
    regions: [{ slug: 'local', metrics: { url: full.url } }],
  });
  const stack = await gatehouse.api.createStack('differential');
  const user = (await gatehouse.api.instance('differential')).hmInstancePromId;

  for (const [index, policy] of testPolicies.entries()) {
    const selectors = policy.scope.map((selector) => formatSelector(selector));
    const scopes = ['metrics:read'];
    const { token } = await gatehouse.api.grant({
      name: `diff-${index}`,
      scopes,
      stackId: stack.id,
      selectors,
    });
    authorizations.set(policy.name, basicAuth(user, token));
  }
}, 120_000);

afterAll(async () => {
  await gatehouse?.stop();
  await Promise.all([full, ...filtered.values()].filter(Boolean).map((server) => server.stop()));
});

async function compare(policy: TestPolicy, query: string, instantOnly?: boolean): Promise<void> {
  const server = filtered.get(policy.name) as PrometheusServer;
  const authorization = authorizations.get(policy.name) as string;

  for (const { path, params } of evaluations(instantOnly)) {
    const expected = canonical(await ask(server.url, path, { ...params, query }));
    const actual = canonical(
      await ask(`${gatehouse.url}/api/prom`, path, { ...params, query }, authorization),
    );

    expect(expected.status, `${path} ${query} on FILTERED`).toBe('success');
    expect(actual, `${path} ${query} through Gatehouse`).toEqual(expected);
  }
}

describe.each(testPolicies)('through the gateway under policy "$name"', (policy) => {
  it.each(promqlShapes)('$name: $query', async (shape) => {
    await compare(policy, shape.query, shape.instantOnly);
  });
});
