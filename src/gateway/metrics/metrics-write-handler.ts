import type { DataAuthorizer } from '../../auth/data-authorizer.js';
import type { Config } from '../../config/config.js';
import { GatehouseError } from '../../errors/gatehouse-error.js';
import { readBody } from '../../http/read-body.js';
import type { Handler, RequestContext } from '../../http/route.js';
import {
  decodeSnappyBlock,
  encodeSnappyBlock,
  snappyDecodedLength,
} from '../../remote-write/snappy-block.js';
import { forceLabel } from '../../remote-write/write-request.js';
import { authorizeData } from '../data-access.js';
import { requestHeaders } from '../forward-headers.js';
import type { UpstreamClient } from '../upstream-client.js';
import { backendHeaders } from '../backend-tenancy.js';
import { metricsBackendFor, type MetricsBackend } from './metrics-backend.js';

export interface MetricsWriteDeps {
  config: Config;
  authorizer: DataAuthorizer;
  upstream: UpstreamClient;
}

/**
 * Prometheus remote write 1.0: snappy-compressed protobuf. The body is bounded before and after
 * decompression; with tenancy `label` every series gets the tenant label (a client-sent one is
 * overwritten), otherwise the bytes go through untouched.
 */
export function metricsWriteHandler(deps: MetricsWriteDeps): Handler {
  return async (context) => {
    const grant = await authorizeData(deps.authorizer, context, 'metrics', 'metrics:write');
    const backend = metricsBackendFor(deps.config, grant.stack);

    checkContentHeaders(context);
    const body = await readBody(context.req, deps.config.limits.maxBodyBytes);
    const payload = prepare(body, backend, deps.config.limits.maxDecodedBodyBytes);

    await deps.upstream.relay(
      {
        service: 'metrics',
        url: backend.writeUrl,
        method: 'POST',
        headers: {
          ...requestHeaders(context.req.headers, context.clientAddress),
          ...backendHeaders(backend),
        },
        body: payload,
        timeoutMs: deps.config.limits.upstreamTimeoutMs,
      },
      context.res,
    );
  };
}

function checkContentHeaders(context: RequestContext): void {
  const encoding = (context.req.headers['content-encoding'] ?? '').toLowerCase().trim();
  if (encoding !== 'snappy') {
    throw new GatehouseError('ENCODING_UNSUPPORTED', {
      received: encoding || '(none)',
      expected: 'snappy',
    });
  }

  const type = (context.req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-protobuf') {
    throw new GatehouseError('MEDIA_TYPE_UNSUPPORTED', {
      received: type || '(none)',
      expected: 'application/x-protobuf (Prometheus remote write 1.0)',
    });
  }
}

function prepare(body: Buffer, backend: MetricsBackend, maxDecoded: number): Buffer {
  if (body.length === 0)
    throw new GatehouseError('BODY_MALFORMED', { reason: 'empty remote-write body' });

  // The snappy preamble announces the decoded size: a bomb is refused before any inflating.
  const decodedLength = snappyDecodedLength(body);
  if (decodedLength > maxDecoded) {
    throw new GatehouseError('BODY_DECODED_TOO_LARGE', { size: decodedLength, limit: maxDecoded });
  }

  if (backend.config.tenancy !== 'label') return body;

  const raw = decodeSnappyBlock(body, maxDecoded);
  return encodeSnappyBlock(forceLabel(raw, backend.config.tenantLabel, backend.tenant));
}
