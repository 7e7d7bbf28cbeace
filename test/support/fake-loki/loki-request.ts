import type { IncomingHttpHeaders } from 'node:http';
import { BadRequest } from './loki-answer.js';

/** The path prefix of Loki's HTTP API. */
export const v1 = '/loki/api/v1';

/** A request as the fake received it. */
export interface LokiRequest {
  method: string;
  path: string;
  url: URL;
  /** Form body (urlencoded POST) first, then the URL query: what Go's r.Form holds. */
  params: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Every value of each header as sent, e.g. repeated X-Prom-Label-Policy lines. */
  headersDistinct: NodeJS.Dict<string[]>;
  body: Buffer;
}

type IncomingRequest = { headers: IncomingHttpHeaders; headersDistinct: NodeJS.Dict<string[]> };

export function recordRequest(
  method: string,
  rawUrl: string,
  req: IncomingRequest,
  body: Buffer,
): LokiRequest {
  const url = new URL(rawUrl, 'http://fake-loki.invalid');
  const type = (headerValue(req.headers['content-type']) ?? '').split(';')[0]?.trim();
  const params = new URLSearchParams(
    method !== 'GET' && type === 'application/x-www-form-urlencoded' ? body.toString() : '',
  );
  for (const [name, value] of url.searchParams) params.append(name, value);

  return {
    method,
    path: url.pathname,
    url,
    params,
    headers: req.headers,
    headersDistinct: req.headersDistinct,
    body,
  };
}

export function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** A parameter the endpoint cannot do without. */
export function required(params: URLSearchParams, name: string): string {
  const value = params.get(name);
  if (!value) throw new BadRequest(`missing ${name} parameter`);
  return value;
}
