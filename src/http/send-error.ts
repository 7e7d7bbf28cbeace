import type { ServerResponse } from 'node:http';
import { GatehouseError } from '../errors/gatehouse-error.js';
import type { ErrorFormat } from './route.js';

/** Grafana Cloud API error codes, one per status (the OpenAPI document's enums). */
const cloudCodes: Record<number, string> = {
  400: 'BadRequest',
  401: 'InvalidCredentials',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  413: 'PayloadTooLarge',
  415: 'UnsupportedMediaType',
  429: 'TooManyRequests',
  503: 'ServiceUnavailable',
};

/** Prometheus HTTP API errorType values (web/api/v1), plus the auth ones clients may show. */
function prometheusErrorType(status: number): string {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 422) return 'execution';
  if (status === 503 || status === 502) return 'unavailable';
  if (status === 504) return 'timeout';
  if (status >= 500) return 'internal';
  return 'bad_data';
}

export function sendError(
  res: ServerResponse,
  error: GatehouseError,
  format: ErrorFormat,
  requestId: string,
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }

  res.statusCode = error.status;
  res.setHeader('X-Gatehouse-Error', error.code);
  if (error.code === 'BODY_TOO_LARGE') res.setHeader('Connection', 'close');
  if (error.code === 'METHOD_NOT_ALLOWED') res.setHeader('Allow', String(error.params.allowed));
  if (error.code === 'RATE_LIMITED') res.setHeader('Retry-After', String(error.params.retryAfter));
  if (error.status === 401 && format !== 'prometheus')
    res.setHeader('WWW-Authenticate', 'Basic realm="gatehouse"');

  const [contentType, body] = render(error, format, requestId);
  res.setHeader('Content-Type', contentType);
  res.end(body);
}

function render(error: GatehouseError, format: ErrorFormat, requestId: string): [string, string] {
  switch (format) {
    case 'cloud': {
      const code =
        cloudCodes[error.status] ?? (error.status >= 500 ? 'InternalError' : 'BadRequest');
      // statusCode and requestId complete the /v1/stacks ErrorPayload; other clients ignore them.
      const body = { code, message: error.message, statusCode: error.status, requestId };
      return ['application/json', JSON.stringify(body)];
    }
    case 'prometheus': {
      const body = {
        status: 'error',
        errorType: prometheusErrorType(error.status),
        error: error.message,
      };
      return ['application/json', JSON.stringify(body)];
    }
    case 'text':
      return ['text/plain; charset=utf-8', `${error.message}\n`];
    default: {
      const never: never = format;
      throw new Error(`unknown error format ${String(never)}`);
    }
  }
}

/** Anything thrown that is not a GatehouseError is a bug: say so without leaking details. */
export function asGatehouseError(error: unknown, requestId: string): GatehouseError {
  return error instanceof GatehouseError ? error : new GatehouseError('INTERNAL', { requestId });
}
