import { mergeMatrixResults, type PromMatrixSeries } from '../../query/promql/merge-matrices.js';
import type { UpstreamClient } from '../upstream-client.js';
import type { ReadPlan } from './metrics-read-handler.js';
import { isSuccess, mergedNotes, type PrometheusAnswer } from './prometheus-answer.js';

interface MatrixData {
  resultType: string;
  result: PromMatrixSeries[];
}

/**
 * PromQL cannot OR range vectors, so a top-level range selector under several label selectors
 * runs once per selector and the matrices are merged here (docs/enforcement.md). Any failed run is the
 * answer: a partial merge would silently lose series.
 */
export async function fanOutQuery(
  upstream: UpstreamClient,
  plan: ReadPlan,
  queries: string[],
): Promise<void> {
  const answers = await runEach(upstream, plan, queries);
  const failed = answers.find((answer) => !isSuccess(answer.body) || answer.status !== 200);
  if (failed) return sendJson(plan, failed.status, failed.raw);

  const bodies = answers.map((answer) => answer.body as PrometheusAnswer<MatrixData>);
  const first = bodies[0]?.data;
  if (!first || first.resultType !== 'matrix')
    return sendJson(plan, answers[0]?.status ?? 502, answers[0]?.raw ?? '');

  const merged: PrometheusAnswer<MatrixData> = {
    status: 'success',
    data: {
      resultType: 'matrix',
      result: mergeMatrixResults(bodies.map((body) => body.data?.result ?? [])),
    },
    warnings: mergedNotes(bodies, 'warnings'),
    infos: mergedNotes(bodies, 'infos'),
  };
  sendJson(plan, 200, JSON.stringify(merged));
}

/**
 * query_exemplars reads only the selectors of its query, so each per-selector run returns the
 * exemplars of its own series; the union is their concatenation, each series once.
 */
export async function fanOutExemplars(
  upstream: UpstreamClient,
  plan: ReadPlan,
  queries: string[],
): Promise<void> {
  const answers = await runEach(upstream, plan, queries);
  const failed = answers.find((answer) => !isSuccess(answer.body) || answer.status !== 200);
  if (failed) return sendJson(plan, failed.status, failed.raw);

  const seen = new Set<string>();
  const result = answers
    .flatMap(
      (answer) =>
        ((answer.body as PrometheusAnswer<unknown[]>).data ?? []) as { seriesLabels?: unknown }[],
    )
    .filter((entry) => {
      const key = JSON.stringify(entry.seriesLabels ?? null);
      return seen.has(key) ? false : (seen.add(key), true);
    });

  sendJson(plan, 200, JSON.stringify({ status: 'success', data: result }));
}

/** One upstream request per query, the other parameters as the client sent them. */
function runEach(upstream: UpstreamClient, plan: ReadPlan, queries: string[]) {
  return Promise.all(
    queries.map((query) => {
      const params = new URLSearchParams(plan.params);
      params.set('query', query);
      return upstream.json(plan.request(params));
    }),
  );
}

export function sendJson(plan: ReadPlan, status: number, body: string): void {
  plan.context.res.writeHead(status, { 'content-type': 'application/json' });
  plan.context.res.end(body);
}
