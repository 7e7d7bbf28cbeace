import { GatehouseError } from '../../errors/gatehouse-error.js';
import type { Selector } from '../../model/label-matcher.js';
import { enforceLogQuery } from '../../query/logql/enforce-log-query.js';
import { parseLogql } from '../../query/logql/parse-logql.js';
import { withQuery } from './logs-read-plan.js';

/**
 * Parameters Loki's tail reads besides `query` (pkg/loghttp ParseTailQuery and the querier's
 * TailHandler). `regexp` only appends a line filter to the query, so it can narrow the tail,
 * never widen it. Anything else is not forwarded.
 */
const tailParams = ['limit', 'start', 'delay_for', 'regexp'] as const;

/**
 * The upstream tail URLs for one client request: one with the enforced query, or one per policy
 * selector when the policy has several (LogQL has no union of log queries; enforceLogQuery
 * answers `fanout`). `scope` null: nothing to confine, the query goes on as written.
 */
export function tailUpstreamUrls(
  base: string,
  params: URLSearchParams,
  scope: readonly Selector[] | null,
): string[] {
  const query = params.get('query');
  if (query === null || query === '') throw new GatehouseError('PARAM_MISSING', { param: 'query' });

  const forwarded = new URLSearchParams();
  for (const name of tailParams) {
    const value = params.get(name);
    if (value !== null) forwarded.set(name, value);
  }

  const url = `${base.replace(/^http/, 'ws')}/loki/api/v1/tail`;
  return enforcedQueries(query, scope).map((enforced) => {
    const one = new URLSearchParams(forwarded);
    one.set('query', enforced);
    return withQuery(url, one);
  });
}

function enforcedQueries(query: string, scope: readonly Selector[] | null): string[] {
  if (scope === null) return [query];

  // Loki tails log queries only; a metric query is refused here rather than rewritten for it.
  if (parseLogql(query, 'query').kind !== 'log') {
    throw new GatehouseError('PARAM_INVALID', {
      param: 'query',
      reason: 'tail takes a log query (a stream selector and pipeline), not a metric query',
    });
  }

  const enforced = enforceLogQuery(query, scope);
  return enforced.kind === 'single' ? [enforced.query] : enforced.queries;
}
