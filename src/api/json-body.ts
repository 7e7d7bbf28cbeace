import { GatehouseError } from '../errors/gatehouse-error.js';
import { readBody } from '../http/read-body.js';
import type { RequestContext } from '../http/route.js';

const maxApiBody = 1024 * 1024;

/** A JSON object body; anything else is a 409 naming the body, as Grafana Cloud answers. */
export async function readJsonObject(context: RequestContext): Promise<Record<string, unknown>> {
  const body = await readBody(context.req, maxApiBody);
  let value: unknown;
  try {
    value = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new GatehouseError('API_INVALID_ARGUMENT', {
      field: 'body',
      reason: `not JSON (${(error as Error).message})`,
    });
  }

  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new GatehouseError('API_INVALID_ARGUMENT', {
      field: 'body',
      reason: 'expected a JSON object',
    });
  }

  return value as Record<string, unknown>;
}

export function sendJson(context: RequestContext, status: number, body: unknown): void {
  context.res.writeHead(status, { 'content-type': 'application/json' });
  context.res.end(JSON.stringify(body));
}
