import type { DataGrant } from '../../auth/data-authorizer.js';
import type { Config } from '../../config/config.js';
import type { RequestContext } from '../../http/route.js';
import type { Selector } from '../../model/label-matcher.js';
import { backendHeaders, rewriteScope } from '../backend-tenancy.js';
import { forwardedForm, readHeaders } from '../read-request.js';
import { labelPolicyHeaderValues } from '../label-policy-transport.js';
import { readParams } from '../read-params.js';
import type { UpstreamRequest } from '../upstream-client.js';
import { logsBackendFor, type LogsBackend } from './logs-backend.js';

/** A prepared logs read: merged parameters, the confining scope and how to ask the backend. */
export interface LogsReadPlan {
  context: RequestContext;
  params: URLSearchParams;
  /** null: nothing to confine (unrestricted, or lbac `header` without tenancy `label`). */
  scope: Selector[] | null;
  request: (params: URLSearchParams) => UpstreamRequest;
}

export async function planLogsRead(
  config: Config,
  context: RequestContext,
  grant: DataGrant,
  upstreamPath: string,
  method: 'GET' | 'POST',
): Promise<LogsReadPlan> {
  const backend = logsBackendFor(config, grant.stack);
  const params = await readParams(context.req, context.url, config.limits.maxBodyBytes);
  const headers = logsReadHeaders(backend, grant, context);
  const url = backend.base + upstreamPath;
  const timeoutMs = config.limits.upstreamTimeoutMs;

  const request = (outgoing: URLSearchParams): UpstreamRequest =>
    method === 'GET'
      ? { service: 'logs', url: withQuery(url, outgoing), method, headers, timeoutMs }
      : {
          service: 'logs',
          url,
          method,
          headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
          body: forwardedForm(outgoing),
          timeoutMs,
        };

  return { context, params, scope: rewriteScope(backend, grant.labelScope), request };
}

/**
 * Headers of any logs read: the client's minus credentials and tenancy (docs/enforcement.md), then the
 * backend's tenancy and credentials, and in lbac `header` mode the label policy.
 */
export function logsReadHeaders(
  backend: LogsBackend,
  grant: DataGrant,
  context: Pick<RequestContext, 'req' | 'clientAddress'>,
): Record<string, string | string[]> {
  return {
    ...readHeaders(context),
    ...backendHeaders(backend),
    ...(backend.config.lbac === 'header' && grant.labelScope
      ? { 'x-prom-label-policy': labelPolicyHeaderValues(backend.tenant, grant.labelScope) }
      : {}),
  };
}

export function withQuery(url: string, params: URLSearchParams): string {
  const query = params.toString();
  return query === '' ? url : `${url}?${query}`;
}
