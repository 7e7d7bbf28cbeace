import { GatehouseError } from '../../errors/gatehouse-error.js';
import type { Handler, RequestContext, Route } from '../../http/route.js';
import { readBody } from '../../http/read-body.js';
import { enforceLogQuery } from '../../query/logql/enforce-log-query.js';
import { backendHeaders } from '../backend-tenancy.js';
import { authorizeData } from '../data-access.js';
import { requestHeaders } from '../forward-headers.js';
import { setOnly } from '../read-params.js';
import type { UpstreamRequest } from '../upstream-client.js';
import {
  mergeDetectedFields,
  mergeDetectedLabels,
  mergeFieldValues,
  mergePatterns,
  mergeStatsAnswer,
  mergeStreamsAnswer,
  mergeValuesAnswer,
  mergeVolumeAnswer,
} from './logs-merge.js';
import { logsReadHandler, type LogsReadDeps, type LogsReadEndpoint } from './logs-read-handler.js';
import { logsBackendFor } from './logs-backend.js';
import { planLogsRead } from './logs-read-plan.js';
import { logsPushHandler, otlpLogsHandler } from './logs-write-handler.js';

const v1 = '/loki/api/v1';

/** Loki's read API under Grafana Cloud's paths: path → how it is enforced (docs/enforcement.md, §4). */
const readEndpoints: [string, LogsReadEndpoint][] = [
  [
    'query',
    {
      upstreamPath: `${v1}/query`,
      method: 'POST',
      kind: 'query',
      queryRequired: true,
      merge: mergeStreamsAnswer,
    },
  ],
  [
    'query_range',
    {
      upstreamPath: `${v1}/query_range`,
      method: 'POST',
      kind: 'query',
      queryRequired: true,
      merge: mergeStreamsAnswer,
    },
  ],
  [
    'labels',
    { upstreamPath: `${v1}/labels`, method: 'GET', kind: 'selector', merge: mergeValuesAnswer },
  ],
  [
    'label',
    { upstreamPath: `${v1}/labels`, method: 'GET', kind: 'selector', merge: mergeValuesAnswer },
  ],
  [
    'label/:name/values',
    {
      upstreamPath: `${v1}/label/:name/values`,
      method: 'GET',
      kind: 'selector',
      merge: mergeValuesAnswer,
    },
  ],
  ['series', { upstreamPath: `${v1}/series`, method: 'POST', kind: 'series' }],
  [
    'index/stats',
    {
      upstreamPath: `${v1}/index/stats`,
      method: 'GET',
      kind: 'selector',
      merge: mergeStatsAnswer,
      additive: true,
    },
  ],
  [
    'index/volume',
    {
      upstreamPath: `${v1}/index/volume`,
      method: 'GET',
      kind: 'selector',
      merge: mergeVolumeAnswer,
      additive: true,
      groupsByQueryLabels: true,
    },
  ],
  [
    'index/volume_range',
    {
      upstreamPath: `${v1}/index/volume_range`,
      method: 'GET',
      kind: 'selector',
      merge: mergeVolumeAnswer,
      additive: true,
      groupsByQueryLabels: true,
    },
  ],
  [
    'detected_labels',
    {
      upstreamPath: `${v1}/detected_labels`,
      method: 'GET',
      kind: 'selector',
      merge: mergeDetectedLabels,
    },
  ],
  [
    'detected_fields',
    {
      upstreamPath: `${v1}/detected_fields`,
      method: 'GET',
      kind: 'query',
      merge: mergeDetectedFields,
    },
  ],
  [
    'detected_field/:name/values',
    {
      upstreamPath: `${v1}/detected_field/:name/values`,
      method: 'GET',
      kind: 'query',
      merge: mergeFieldValues,
    },
  ],
  [
    'patterns',
    {
      upstreamPath: `${v1}/patterns`,
      method: 'GET',
      kind: 'query',
      merge: mergePatterns,
      additive: true,
    },
  ],
  ['format_query', { upstreamPath: `${v1}/format_query`, method: 'GET', kind: 'passthrough' }],
];

export function logsRoutes(deps: LogsReadDeps, extra: Route[] = []): Route[] {
  const reads = readEndpoints.map(([path, endpoint]): Route => ({
    name: `logs.${path.replace(/\/:name\/values$/, '_values').replace('/', '_')}`,
    pattern: `${v1}/${path}`,
    methods: ['GET', 'POST'],
    errorFormat: 'text',
    handler: logsReadHandler(deps, endpoint),
  }));

  return [
    ...reads,
    ...extra,
    logsRoute('logs.push', `${v1}/push`, ['POST'], logsPushHandler(deps)),
    logsRoute('logs.otlp', '/otlp/v1/logs', ['POST'], otlpLogsHandler(deps)),
    logsRoute('logs.delete', `${v1}/delete`, ['GET', 'POST', 'PUT', 'DELETE'], deleteHandler(deps)),
    ...rulesRoutes(deps),
  ];
}

function logsRoute(name: string, pattern: string, methods: string[], handler: Handler): Route {
  return { name, pattern, methods, errorFormat: 'text', handler };
}

/**
 * Log deletion (logs:delete). A label-restricted caller's delete query is confined like a read;
 * under several selectors one delete request goes per selector. Listing and cancelling delete
 * requests show every request of the tenant, so they are kept for unrestricted callers.
 *
 * Loki's compactor reads every delete parameter (query, start, end, max_interval, request_id,
 * force) from the URL query only (deletion/request_handler.go, r.URL.Query()), whatever the
 * method: parameters always travel in the URL, the client's method is kept.
 */
function deleteHandler(deps: LogsReadDeps): Handler {
  return async (context) => {
    const grant = await authorizeData(deps.authorizer, context, 'logs', 'logs:delete');
    const plan = await planLogsRead(deps.config, context, grant, `${v1}/delete`, 'GET');
    // UpstreamRequest names GET and POST only; PUT and DELETE go out the same way.
    const verb = context.req.method ?? 'GET';
    const request = (params: URLSearchParams) => ({
      ...plan.request(params),
      method: verb as 'POST',
    });
    if (plan.scope === null) return deps.upstream.relay(request(plan.params), context.res);

    if (verb !== 'POST' && verb !== 'PUT') {
      throw new GatehouseError('LABEL_POLICY_FORBIDS', {
        reason: 'listing or cancelling delete requests shows every request of the tenant',
      });
    }

    const query = plan.params.get('query');
    if (!query) throw new GatehouseError('PARAM_MISSING', { param: 'query' });
    const enforced = enforceLogQuery(query, plan.scope);
    const queries = enforced.kind === 'single' ? [enforced.query] : enforced.queries;
    const requests = queries.map((one) => {
      const params = new URLSearchParams(plan.params);
      setOnly(params, 'query', one);
      return request(params);
    });
    return sendDeletes(deps, context, requests);
  };
}

/**
 * One delete request after the other; the first refusal (e.g. a bad start time) is relayed as
 * the answer and later ones are not sent. Earlier ones stay accepted: Loki has no transaction.
 */
async function sendDeletes(
  deps: LogsReadDeps,
  context: RequestContext,
  requests: UpstreamRequest[],
): Promise<void> {
  for (const request of requests.slice(0, -1)) {
    const answer = await deps.upstream.send(request);
    const text = await answer.body.text();
    if (answer.statusCode >= 300) {
      context.res.writeHead(answer.statusCode, { 'content-type': 'text/plain; charset=utf-8' });
      context.res.end(text);
      return;
    }
  }

  await deps.upstream.relay(requests[requests.length - 1] as UpstreamRequest, context.res);
}

/** Rule namespaces and groups go back into the backend path: no dot segments, no slashes. */
function rejectDotSegments(params: Record<string, string>): void {
  for (const [name, value] of Object.entries(params)) {
    if (value === '.' || value === '..' || value.includes('/'))
      throw new GatehouseError('PARAM_INVALID', { param: name, reason: 'not a rule name' });
  }
}

/**
 * Loki's ruler API: rules:read for GET, rules:write otherwise, for callers without a label
 * policy (a rule's query reads any stream of the tenant).
 * Rules belong to the backend tenant, so under tenancy `label` (one tenant shared by every stack)
 * each stack could read, replace and delete the others' rules: refused there.
 */
function rulesRoutes(deps: LogsReadDeps): Route[] {
  const patterns = [`${v1}/rules`, `${v1}/rules/:namespace`, `${v1}/rules/:namespace/:group`];

  return patterns.map((pattern) =>
    logsRoute('logs.rules', pattern, ['GET', 'POST', 'DELETE'], async (context) => {
      const method = context.req.method as 'GET' | 'POST';
      const scope = method === 'GET' ? 'rules:read' : 'rules:write';
      const grant = await authorizeData(deps.authorizer, context, 'logs', scope);
      const backend = logsBackendFor(deps.config, grant.stack);
      // A rule reads whatever streams its query names, and the list shows every rule of the
      // tenant: neither can be confined to a label policy, so restricted callers are refused.
      if (grant.labelScope !== null) {
        throw new GatehouseError('LABEL_POLICY_FORBIDS', {
          reason: 'rules read and list every stream of the tenant',
        });
      }
      rejectDotSegments(context.params);
      if (backend.config.tenancy === 'label') {
        throw new GatehouseError('FEATURE_UNSUPPORTED', {
          feature: 'the Loki ruler API with tenancy label',
          reason: 'rules belong to the backend tenant, which every stack of the region shares',
        });
      }

      const body =
        method === 'GET' ? undefined : await readBody(context.req, deps.config.limits.maxBodyBytes);

      await deps.upstream.relay(
        {
          service: 'logs',
          url: backend.base + context.url.pathname + context.url.search,
          method,
          headers: {
            ...requestHeaders(context.req.headers, context.clientAddress),
            ...backendHeaders(backend),
          },
          body,
          timeoutMs: deps.config.limits.upstreamTimeoutMs,
        },
        context.res,
      );
    }),
  );
}
