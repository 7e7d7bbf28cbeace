import type { Config } from '../../config/config.js';
import { GatehouseError } from '../../errors/gatehouse-error.js';
import { readBody } from '../../http/read-body.js';
import type { Handler, RequestContext } from '../../http/route.js';
import { forceLokiTenantLabel, inspectLokiPush } from '../../loki-push/loki-push.js';
import { backendHeaders } from '../backend-tenancy.js';
import { authorizeData } from '../data-access.js';
import { requestHeaders } from '../forward-headers.js';
import type { UpstreamClient } from '../upstream-client.js';
import type { LogsReadDeps } from './logs-read-handler.js';
import { logsBackendFor, type LogsBackend } from './logs-backend.js';

/**
 * Loki push (JSON or snappy protobuf, gzip/deflate accepted): every body is checked before it is
 * forwarded, so a malformed one is refused here and never reaches Loki. With tenancy `label`
 * every stream gets the tenant label, a client-sent value overwritten.
 */
export function logsPushHandler(deps: LogsReadDeps): Handler {
  return async (context) => {
    const grant = await authorizeData(deps.authorizer, context, 'logs', 'logs:write');
    const backend = logsBackendFor(deps.config, grant.stack);
    const body = await readBody(context.req, deps.config.limits.maxBodyBytes);
    const { payload, headers } = preparePush(deps.config, backend, context, body);

    context.facts.bytes = body.length;
    await send(deps.upstream, deps.config, context, `${backend.base}/loki/api/v1/push`, payload, {
      ...clientHeaders(context),
      ...backendHeaders(backend),
      ...headers,
    });
  };
}

/**
 * The client's headers without its Content-Type and Content-Encoding: preparePush sets both for
 * the body it actually sends. A body rewritten under tenancy `label` goes out inflated, so a
 * client's `Content-Encoding: gzip` left on it would make Loki fail to read it.
 */
function clientHeaders(context: RequestContext): Record<string, string | string[]> {
  const headers = requestHeaders(context.req.headers, context.clientAddress);
  delete headers['content-type'];
  delete headers['content-encoding'];
  return headers;
}

function preparePush(
  config: Config,
  backend: LogsBackend,
  context: RequestContext,
  body: Buffer,
): { payload: Buffer; headers: Record<string, string> } {
  const type = context.req.headers['content-type'];
  const encoding = context.req.headers['content-encoding'];
  const limits = config.limits;

  if (backend.config.tenancy !== 'label') {
    inspectLokiPush(body, type, encoding, limits);
    // Loki matches Content-Encoding exactly; the checked value goes on in lower case.
    return {
      payload: body,
      headers: {
        'content-type': type as string,
        ...(encoding ? { 'content-encoding': encoding.toLowerCase() } : {}),
      },
    };
  }

  const forced = forceLokiTenantLabel(
    body,
    type,
    encoding,
    backend.config.tenantLabel,
    backend.tenant,
    limits,
  );
  return { payload: forced.body, headers: { 'content-type': forced.contentType } };
}

/**
 * OTLP logs go to Loki's native OTLP endpoint with tenancy set. Tenancy `label` cannot be forced
 * into OTLP resource attributes yet, so that combination is refused rather than forwarded.
 */
export function otlpLogsHandler(deps: LogsReadDeps): Handler {
  return async (context) => {
    const grant = await authorizeData(deps.authorizer, context, 'logs', 'logs:write');
    const backend = logsBackendFor(deps.config, grant.stack);
    if (backend.config.tenancy === 'label') {
      throw new GatehouseError('FEATURE_UNSUPPORTED', {
        feature: 'OTLP logs with tenancy label',
        reason: 'push with the Loki push API, or use tenancy header',
      });
    }

    const body = await readBody(context.req, deps.config.limits.maxBodyBytes);
    await send(deps.upstream, deps.config, context, `${backend.base}/otlp/v1/logs`, body, {
      ...requestHeaders(context.req.headers, context.clientAddress),
      ...backendHeaders(backend),
    });
  };
}

async function send(
  upstream: UpstreamClient,
  config: Config,
  context: RequestContext,
  url: string,
  body: Buffer,
  headers: Record<string, string | string[]>,
): Promise<void> {
  await upstream.relay(
    {
      service: 'logs',
      url,
      method: 'POST',
      headers,
      body,
      timeoutMs: config.limits.upstreamTimeoutMs,
    },
    context.res,
  );
}
