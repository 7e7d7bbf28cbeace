import type { DataAuthorizer } from '../../auth/data-authorizer.js';
import type { Config } from '../../config/config.js';
import { GatehouseError } from '../../errors/gatehouse-error.js';
import type { Handler } from '../../http/route.js';
import type { Selector } from '../../model/label-matcher.js';
import { disjointSelectors } from '../../query/logql/disjoint-selectors.js';
import { enforceLogQuery } from '../../query/logql/enforce-log-query.js';
import { enforceLogSelectors } from '../../query/logql/enforce-log-selectors.js';
import { parseLogSelectorAs } from '../../query/logql/parse-log-selector.js';
import { normalizeScope } from '../../query/promql/normalize-scope.js';
import { authorizeData } from '../data-access.js';
import { setOnly } from '../read-params.js';
import { labelNameParam } from '../read-request.js';
import type { UpstreamClient, UpstreamRequest } from '../upstream-client.js';
import type { LogsMerger } from './logs-merge.js';
import { planLogsRead, type LogsReadPlan } from './logs-read-plan.js';

/**
 * How a Loki read endpoint is enforced:
 * - `query`: a LogQL query in `query` (required or optional), rewritten or fanned out;
 * - `selector`: an optional stream selector in `query`, ANDed with each policy selector;
 * - `series`: every `match[]` ANDed with each policy selector (the cross product);
 * - `passthrough`: reads no log data (e.g. format_query).
 */
export interface LogsReadEndpoint {
  upstreamPath: string;
  method: 'GET' | 'POST';
  kind: 'query' | 'selector' | 'series' | 'passthrough';
  queryRequired?: boolean;
  /** How per-selector answers become one when a read must fan out. */
  merge?: LogsMerger;
  /**
   * The answer adds up over disjoint sets of streams (index/stats, index/volume, patterns): the
   * read fans out over pairwise-disjoint pieces of the policy, so the merger's sums are exact
   * even when policy selectors overlap.
   */
  additive?: boolean;
  /** index/volume: Loki groups by the labels the query names, which must stay the user's. */
  groupsByQueryLabels?: boolean;
}

export interface LogsReadDeps {
  config: Config;
  authorizer: DataAuthorizer;
  upstream: UpstreamClient;
}

export function logsReadHandler(deps: LogsReadDeps, endpoint: LogsReadEndpoint): Handler {
  return async (context) => {
    const grant = await authorizeData(deps.authorizer, context, 'logs', 'logs:read');
    const path = endpoint.upstreamPath.includes(':name')
      ? endpoint.upstreamPath.replace(':name', encodeURIComponent(labelNameParam(context)))
      : endpoint.upstreamPath;
    const plan = await planLogsRead(deps.config, context, grant, path, endpoint.method);
    const query = plan.params.get('query');

    if (endpoint.queryRequired && (query === null || query === ''))
      throw new GatehouseError('PARAM_MISSING', { param: 'query' });
    if (plan.scope === null || endpoint.kind === 'passthrough') return relay(deps, plan);

    switch (endpoint.kind) {
      case 'query':
        return query
          ? enforceQuery(deps, plan, endpoint, query)
          : enforceSelector(deps, plan, endpoint);
      case 'selector':
        return enforceSelector(deps, plan, endpoint);
      case 'series':
        return enforceSeries(deps, plan);
      default: {
        const never: never = endpoint.kind;
        throw new Error(`unknown logs read kind ${String(never)}`);
      }
    }
  };
}

async function enforceQuery(
  deps: LogsReadDeps,
  plan: LogsReadPlan,
  endpoint: LogsReadEndpoint,
  query: string,
): Promise<void> {
  const enforced = enforceLogQuery(query, scopeFor(endpoint, plan));
  if (enforced.kind === 'single') {
    setOnly(plan.params, 'query', enforced.query);
    return relay(deps, plan);
  }

  return fanOut(deps, plan, endpoint, enforced.queries);
}

/** `query` is a stream selector or absent: one selector per policy selector, fanned out if many. */
async function enforceSelector(
  deps: LogsReadDeps,
  plan: LogsReadPlan,
  endpoint: LogsReadEndpoint,
): Promise<void> {
  const query = plan.params.get('query');
  if (endpoint.groupsByQueryLabels && query) keepGrouping(plan.params, query);
  const selectors = enforceLogSelectors(query ? [query] : [], scopeFor(endpoint, plan));
  if (selectors.length === 1) {
    setOnly(plan.params, 'query', selectors[0] as string);
    return relay(deps, plan);
  }

  return fanOut(deps, plan, endpoint, selectors);
}

/** Disjoint pieces grow with the selectors' matchers; past this, one request per selector. */
const MAX_DISJOINT_PIECES = 16;

/**
 * The selectors a read fans out over. For an additive endpoint, pairwise-disjoint pieces of the
 * policy, so no stream is counted twice; a policy that would need more than
 * MAX_DISJOINT_PIECES pieces falls back to its own selectors, whose sums then count a stream
 * matched by two selectors twice (an upper bound, like Loki's own estimates).
 */
function scopeFor(endpoint: LogsReadEndpoint, plan: LogsReadPlan): Selector[] {
  const scope = plan.scope ?? [];
  if (!endpoint.additive) return scope;

  const normalized = normalizeScope(scope);
  if (normalized === 'all') return scope;
  const pieces = disjointSelectors(normalized);
  return pieces.length > MAX_DISJOINT_PIECES ? normalized : pieces;
}

/**
 * Loki's index/volume groups series by the labels its query names unless `targetLabels` says
 * otherwise (Loki HTTP API, "Query log volume"; tsdb Volume with PrepareLabelsAndMatchers). The
 * policy's matchers ANDed into the query would add their labels to the grouping, so the user's
 * own label names are sent as targetLabels. `aggregateBy=labels` without targetLabels counts
 * every label of the streams, which the policy does not change.
 */
function keepGrouping(params: URLSearchParams, query: string): void {
  if (params.get('targetLabels') || params.get('aggregateBy') === 'labels') return;

  const names = new Set(parseLogSelectorAs(query, 'query').map((matcher) => matcher.name));
  setOnly(params, 'targetLabels', [...names].join(','));
}

/** Loki ORs several `match[]`, so the cross product goes in one request. */
async function enforceSeries(deps: LogsReadDeps, plan: LogsReadPlan): Promise<void> {
  const matches = [...plan.params.getAll('match[]'), ...plan.params.getAll('match')];
  const enforced = enforceLogSelectors(matches, plan.scope ?? []);

  plan.params.delete('match');
  plan.params.delete('match[]');
  for (const match of enforced) plan.params.append('match[]', match);
  return relay(deps, plan);
}

/**
 * One request per query, answers merged by the endpoint's merger. Any failed run is the answer,
 * relayed with its status and type (Loki writes errors as text): a partial merge would silently
 * lose data.
 */
async function fanOut(
  deps: LogsReadDeps,
  plan: LogsReadPlan,
  endpoint: LogsReadEndpoint,
  queries: string[],
): Promise<void> {
  if (!endpoint.merge) throw new Error(`no merger for ${endpoint.upstreamPath}`);

  const answers = await Promise.all(
    queries.map((query) => {
      const params = new URLSearchParams(plan.params);
      setOnly(params, 'query', query);
      return ask(deps, plan.request(params));
    }),
  );

  const failed = answers.find((answer) => answer.status !== 200);
  if (failed) return reply(plan, failed.status, failed.type, failed.raw);

  const merged = endpoint.merge(answers.map(parseAnswer), plan.params);
  return reply(plan, 200, 'application/json', JSON.stringify(merged));
}

interface RawAnswer {
  status: number;
  type: string;
  raw: string;
}

async function ask(deps: LogsReadDeps, request: UpstreamRequest): Promise<RawAnswer> {
  const answer = await deps.upstream.send({
    ...request,
    headers: { ...request.headers, 'accept-encoding': 'identity' },
  });
  const type = answer.headers['content-type'];
  return {
    status: answer.statusCode,
    type: (Array.isArray(type) ? type[0] : type) ?? 'text/plain; charset=utf-8',
    raw: await answer.body.text(),
  };
}

function parseAnswer(answer: RawAnswer): unknown {
  try {
    return JSON.parse(answer.raw);
  } catch {
    throw new GatehouseError('UPSTREAM_UNAVAILABLE', {
      service: 'logs',
      reason: 'answer is not JSON',
    });
  }
}

function reply(plan: LogsReadPlan, status: number, type: string, body: string): void {
  plan.context.res.writeHead(status, { 'content-type': type });
  plan.context.res.end(body);
}

async function relay(deps: LogsReadDeps, plan: LogsReadPlan): Promise<void> {
  await deps.upstream.relay(plan.request(plan.params), plan.context.res);
}
