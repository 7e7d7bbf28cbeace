import type { DataAuthorizer, DataGrant } from '../../auth/data-authorizer.js';
import type { Config } from '../../config/config.js';
import { GatehouseError } from '../../errors/gatehouse-error.js';
import type { Handler, RequestContext } from '../../http/route.js';
import type { Selector } from '../../model/label-matcher.js';
import { enforceMatchers } from '../../query/promql/enforce-matchers.js';
import { authorizeData } from '../data-access.js';
import { forwardedForm, labelNameParam, readHeaders } from '../read-request.js';
import { labelPolicyHeaderValues, vmExtraFilters } from '../label-policy-transport.js';
import { readParams, setOnly } from '../read-params.js';
import type { UpstreamClient, UpstreamRequest } from '../upstream-client.js';
import type { EnforcementCache } from './enforcement-cache.js';
import { fanOutExemplars, fanOutQuery } from './fan-out-query.js';
import { backendHeaders, rewriteScope } from '../backend-tenancy.js';
import { metricsBackendFor, type MetricsBackend } from './metrics-backend.js';
import { filterMetadata } from './metadata-filter.js';

/** How a read endpoint is enforced (docs/enforcement.md). */
export type ReadKind = 'query' | 'exemplars' | 'match' | 'metadata' | 'passthrough';

export interface ReadEndpoint {
  /** Backend path below the read prefix, e.g. `/api/v1/query`; `:name` from the route. */
  upstreamPath: string;
  kind: ReadKind;
  /** Prometheus serves some endpoints with GET only (e.g. label values, metadata). */
  upstreamMethod: 'GET' | 'POST';
}

export interface MetricsReadDeps {
  config: Config;
  authorizer: DataAuthorizer;
  upstream: UpstreamClient;
  enforcement: EnforcementCache;
}

export interface UpstreamTarget {
  path: string;
  method: 'GET' | 'POST';
}

/** A prepared read: the merged parameters and the request that will carry them. */
export interface ReadPlan {
  context: RequestContext;
  backend: MetricsBackend;
  params: URLSearchParams;
  scope: Selector[] | null;
  request: (params: URLSearchParams, target?: UpstreamTarget) => UpstreamRequest;
}

export function metricsReadHandler(deps: MetricsReadDeps, endpoint: ReadEndpoint): Handler {
  return async (context) => {
    const grant = await authorizeData(deps.authorizer, context, 'metrics', 'metrics:read');
    const plan = await planRead(deps, endpoint, context, grant);

    const vm = plan.scope !== null && plan.backend.config.lbac === 'vm';
    if (vm && endpoint.kind !== 'metadata') return relayWithVmFilters(deps, plan);

    switch (endpoint.kind) {
      case 'query':
      case 'exemplars':
        return enforceQueryParam(deps, plan, endpoint.kind);
      case 'match':
        return enforceMatchParams(deps, plan);
      case 'metadata': {
        // Metadata is filtered here in every lbac mode: no backend applies a policy to it.
        const scope = rewriteScope(lbacRewrite(plan.backend), grant.labelScope);
        return scope === null
          ? relay(deps, plan)
          : filterMetadata(deps.upstream, { ...plan, scope });
      }
      case 'passthrough':
        return relay(deps, plan);
      default: {
        const never: never = endpoint.kind;
        throw new Error(`unknown read kind ${String(never)}`);
      }
    }
  };
}

async function planRead(
  deps: MetricsReadDeps,
  endpoint: ReadEndpoint,
  context: RequestContext,
  grant: DataGrant,
): Promise<ReadPlan> {
  const backend = metricsBackendFor(deps.config, grant.stack);
  const params = await readParams(context.req, context.url, deps.config.limits.maxBodyBytes);
  const headers = {
    ...readHeaders(context),
    ...backendHeaders(backend),
    ...labelPolicyHeader(backend, grant.labelScope),
  };
  const ownTarget: UpstreamTarget = {
    path: endpoint.upstreamPath.includes(':name')
      ? endpoint.upstreamPath.replace(':name', encodeURIComponent(labelNameParam(context)))
      : endpoint.upstreamPath,
    method: endpoint.upstreamMethod,
  };

  const request = (outgoing: URLSearchParams, target = ownTarget): UpstreamRequest => {
    const url = backend.readBase + target.path;
    const timeoutMs = deps.config.limits.upstreamTimeoutMs;
    if (target.method === 'GET') {
      return {
        service: 'metrics',
        url: withQuery(url, outgoing),
        method: 'GET',
        headers,
        timeoutMs,
      };
    }

    const formHeaders = { ...headers, 'content-type': 'application/x-www-form-urlencoded' };
    return {
      service: 'metrics',
      url,
      method: 'POST',
      headers: formHeaders,
      body: forwardedForm(outgoing),
      timeoutMs,
    };
  };

  return { context, backend, params, scope: rewriteScope(backend, grant.labelScope), request };
}

async function enforceQueryParam(
  deps: MetricsReadDeps,
  plan: ReadPlan,
  kind: ReadKind,
): Promise<void> {
  const query = plan.params.get('query');
  if (query === null || query.trim() === '')
    throw new GatehouseError('PARAM_MISSING', { param: 'query' });
  if (plan.scope === null) return relay(deps, plan);

  const enforced = deps.enforcement.enforce(query, plan.scope);
  if (enforced.kind === 'fanout') {
    const fanOut = kind === 'exemplars' ? fanOutExemplars : fanOutQuery;
    return fanOut(deps.upstream, plan, enforced.queries);
  }

  setOnly(plan.params, 'query', enforced.query);
  return relay(deps, plan);
}

async function enforceMatchParams(deps: MetricsReadDeps, plan: ReadPlan): Promise<void> {
  if (plan.scope === null) return relay(deps, plan);

  const matches = enforceMatchers(plan.params.getAll('match[]'), plan.scope);
  plan.params.delete('match[]');
  for (const match of matches) plan.params.append('match[]', match);

  return relay(deps, plan);
}

async function relay(deps: MetricsReadDeps, plan: ReadPlan): Promise<void> {
  await deps.upstream.relay(plan.request(plan.params), plan.context.res);
}

/** lbac `header`: the label policy travels in `X-Prom-Label-Policy`, the query untouched. */
function labelPolicyHeader(
  backend: MetricsBackend,
  labelScope: Selector[] | null,
): Record<string, string[]> {
  if (backend.config.lbac !== 'header' || labelScope === null) return {};

  return { 'x-prom-label-policy': labelPolicyHeaderValues(backend.tenant, labelScope) };
}

/**
 * lbac `vm`: VictoriaMetrics applies `extra_filters[]` itself to every selector of the query
 * and to `match[]`; client copies were already deleted when the parameters were read.
 */
async function relayWithVmFilters(deps: MetricsReadDeps, plan: ReadPlan): Promise<void> {
  for (const filter of vmExtraFilters(plan.scope ?? []))
    plan.params.append('extra_filters[]', filter);

  return relay(deps, plan);
}

function lbacRewrite(backend: MetricsBackend): MetricsBackend {
  return { ...backend, config: { ...backend.config, lbac: 'rewrite' } };
}

export function withQuery(url: string, params: URLSearchParams): string {
  const query = params.toString();
  return query === '' ? url : `${url}?${query}`;
}
