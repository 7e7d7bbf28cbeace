import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseRequestUrl } from './request-url.js';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { ClientAddressResolver } from '../auth/client-address.js';
import type { MetricsRegistry } from '../telemetry/metrics-registry.js';
import { logRequest } from './request-log.js';
import type { RequestContext, Route } from './route.js';
import type { RouteTable } from './route-table.js';
import { asGatehouseError, sendError } from './send-error.js';

export interface DispatcherDeps {
  routes: RouteTable;
  log: Logger;
  metrics: MetricsRegistry;
  clientAddresses: ClientAddressResolver;
}

/**
 * Runs one request: route lookup, handler, error rendering in the route's format, and exactly
 * one request log line with a request id (docs/configuration.md). Never lets an exception escape.
 */
export function createDispatcher(deps: DispatcherDeps) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const started = process.hrtime.bigint();
    const context = createContext(req, res, deps);
    let matched: Route | undefined;

    const finish = (error?: unknown): void => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      finishRequest(deps, context, matched?.name ?? 'unmatched', seconds, error);
    };

    void (async () => {
      const path = context.url.pathname;
      try {
        const { route, params } = deps.routes.match(req.method ?? 'GET', path);
        matched = route;
        context.params = params;
        await route.handler(context);
        finish();
      } catch (error) {
        const format = matched?.errorFormat ?? deps.routes.formatFor(path);
        sendError(res, asGatehouseError(error, context.requestId), format, context.requestId);
        finish(error);
      }
    })();
  };
}

function createContext(
  req: IncomingMessage,
  res: ServerResponse,
  deps: DispatcherDeps,
): RequestContext {
  const requestId = randomUUID();
  res.setHeader('X-Request-Id', requestId);

  return {
    req,
    res,
    url: parseRequestUrl(req.url),
    params: {},
    requestId,
    clientAddress: deps.clientAddresses.resolve(req),
    now: new Date(),
    log: deps.log,
    facts: {},
  };
}

function finishRequest(
  deps: DispatcherDeps,
  context: RequestContext,
  route: string,
  seconds: number,
  error: unknown,
): void {
  logRequest(deps, {
    requestId: context.requestId,
    method: context.req.method,
    path: context.url.pathname,
    route,
    status: context.res.statusCode,
    seconds,
    client: context.clientAddress,
    facts: context.facts,
    error,
  });
}
