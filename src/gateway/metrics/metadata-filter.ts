import { enforceMatchers } from '../../query/promql/enforce-matchers.js';
import type { UpstreamClient } from '../upstream-client.js';
import { sendJson } from './fan-out-query.js';
import type { ReadPlan } from './metrics-read-handler.js';
import { isSuccess, type PrometheusAnswer } from './prometheus-answer.js';

type Metadata = Record<string, unknown[]>;

/**
 * Metadata carries no labels, so it is filtered by name: only metric families that have at
 * least one series visible under the policy are kept (docs/enforcement.md). `limit` counts metrics, so it is
 * applied after filtering, not by the backend.
 */
export async function filterMetadata(upstream: UpstreamClient, plan: ReadPlan): Promise<void> {
  const limit = Number(plan.params.get('limit') ?? NaN);
  plan.params.delete('limit');

  const [names, metadata] = await Promise.all([
    visibleNames(upstream, plan),
    upstream.json(plan.request(plan.params)),
  ]);
  if (!isSuccess(metadata.body) || metadata.status !== 200)
    return sendJson(plan, metadata.status, metadata.raw);
  if (names instanceof Error) return sendJson(plan, 502, JSON.stringify(errorBody(names.message)));

  const all = (metadata.body as PrometheusAnswer<Metadata>).data ?? {};
  const kept = Object.keys(all).filter((name) => familyVisible(name, names));
  const limited = limit > 0 ? kept.slice(0, limit) : kept;

  sendJson(
    plan,
    200,
    JSON.stringify({
      status: 'success',
      data: Object.fromEntries(limited.map((name) => [name, all[name]])),
    }),
  );
}

async function visibleNames(
  upstream: UpstreamClient,
  plan: ReadPlan,
): Promise<Set<string> | Error> {
  const params = new URLSearchParams();
  for (const match of enforceMatchers([], plan.scope ?? [])) params.append('match[]', match);

  const answer = await upstream.json(
    plan.request(params, { path: '/api/v1/label/__name__/values', method: 'GET' }),
  );
  if (!isSuccess(answer.body))
    return new Error(`cannot list visible metric names: ${answer.raw.slice(0, 200)}`);

  return new Set((answer.body as PrometheusAnswer<string[]>).data ?? []);
}

/**
 * Metadata is keyed by metric family; a histogram's series are `<family>_bucket`, `_sum` and
 * `_count`, an OpenMetrics counter's `<family>_total` (and `_created`). A family is visible when
 * any series of it is.
 */
const familySuffixes = [
  '',
  '_bucket',
  '_sum',
  '_count',
  '_total',
  '_created',
  '_info',
  '_gsum',
  '_gcount',
];

function familyVisible(family: string, names: Set<string>): boolean {
  return familySuffixes.some((suffix) => names.has(family + suffix));
}

function errorBody(message: string): PrometheusAnswer {
  return { status: 'error', errorType: 'unavailable', error: message };
}
