import type { IncomingHttpHeaders } from 'node:http';

/**
 * Headers never passed from the client to a backend: credentials and tenancy/label-policy
 * headers a client could use to pick another tenant or widen its policy (docs/enforcement.md), plus
 * hop-by-hop headers (RFC 9110 §7.6.1) and ones Gatehouse computes itself.
 */
const droppedRequestHeaders = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'x-scope-orgid',
  'x-prom-label-policy',
  'x-access-token',
  'x-grafana-id',
  'host',
  'content-length',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'proxy-connection',
  'expect',
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-real-ip',
]);

const droppedResponseHeaders = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'proxy-connection',
  'set-cookie',
]);

export function requestHeaders(
  incoming: IncomingHttpHeaders,
  clientAddress: string,
): Record<string, string | string[]> {
  const named = connectionTokens(incoming.connection);
  const out: Record<string, string | string[]> = {};

  for (const [name, value] of Object.entries(incoming)) {
    if (value === undefined || droppedRequestHeaders.has(name) || named.has(name)) continue;
    out[name] = value;
  }

  out['x-forwarded-for'] = clientAddress;
  return out;
}

export function responseHeaders(
  incoming: Record<string, string | string[] | undefined>,
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};

  for (const [name, value] of Object.entries(incoming)) {
    if (value === undefined || droppedResponseHeaders.has(name)) continue;
    out[name] = value;
  }

  return out;
}

/** Headers listed in `Connection` are hop-by-hop too. */
function connectionTokens(header: string | string[] | undefined): Set<string> {
  const text = Array.isArray(header) ? header.join(',') : (header ?? '');
  return new Set(
    text
      .split(',')
      .map((token) => token.trim().toLowerCase())
      .filter(Boolean),
  );
}
