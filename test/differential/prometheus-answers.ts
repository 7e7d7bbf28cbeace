import type { PrometheusServer } from '../support/prometheus.js';
import { T0 } from './dataset.js';

/** How the differential tests ask Prometheus and compare its answers. */
export type Params = Record<string, string | number>;

export interface Answer {
  status: string;
  resultType?: string;
  result?: unknown;
}

export interface PromResponse {
  status: string;
  data?: { resultType: string; result: unknown };
}

// Aligned to the 15 s samples and inside the data, where rate() needs no extrapolation and
// stays exact (see dataset.ts); 'float rounding' in promql-rewrite.test.ts covers the rest.
export const instantTimes = [T0 + 1200, T0 + 2385];
export const range = { start: T0 + 300, end: T0 + 2400, step: 60 };

/** POSTs a form to `<base>/api/v1/<path>`, optionally with an Authorization header. */
export async function ask(base: string, path: string, params: Params, authorization?: string) {
  const body = new URLSearchParams(
    Object.entries(params).map(([k, v]): [string, string] => [k, String(v)]),
  );
  const headers = authorization ? { authorization } : undefined;
  const response = await fetch(`${base}/api/v1/${path}`, { method: 'POST', body, headers });
  return (await response.json()) as PromResponse;
}

export function api(server: PrometheusServer, path: string, params: Params) {
  return ask(server.url, path, params);
}

export function labelKey(metric: Record<string, string>): string {
  return JSON.stringify(Object.entries(metric).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/**
 * Values are compared at 12 significant digits: over a union, aggregations such as avg() receive
 * the series in another order, and float arithmetic is not associative (docs/limitations.md).
 * Everything else — labels, series, timestamps — is compared exactly.
 */
function roundValue(value: unknown): unknown {
  if (typeof value !== 'string' || !/^-?[\d.]+(e[-+]?\d+)?$/i.test(value)) return value;

  const number = Number(value);
  return number === 0 ? '0' : number.toPrecision(12);
}

function roundPoint(point: unknown): unknown {
  return Array.isArray(point) && point.length === 2 ? [point[0], roundValue(point[1])] : point;
}

function roundRow(row: Record<string, unknown>): Record<string, unknown> {
  const out = { ...row };
  if ('value' in row) out.value = roundPoint(row.value);
  if (Array.isArray(row.values)) out.values = row.values.map(roundPoint);
  return out;
}

/** Series order is not part of the answer; labels, timestamps and values are. */
export function canonical(response: PromResponse): Answer {
  if (response.status !== 'success' || !response.data) {
    return { status: response.status };
  }
  const { resultType, result } = response.data;
  if (resultType !== 'vector' && resultType !== 'matrix') {
    return { status: 'success', resultType, result };
  }
  const rows = (result as { metric: Record<string, string> }[]).map((row) => ({
    ...roundRow(row),
    metric: labelKey(row.metric),
  }));
  rows.sort((a, b) => (a.metric < b.metric ? -1 : a.metric > b.metric ? 1 : 0));
  return { status: 'success', resultType, result: rows };
}

export function evaluations(instantOnly: boolean | undefined): { path: string; params: Params }[] {
  const instants = instantTimes.map((time) => ({ path: 'query', params: { time } }));
  return instantOnly ? instants : [...instants, { path: 'query_range', params: range }];
}
