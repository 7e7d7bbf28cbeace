import { randomUUID } from 'node:crypto';
import { parseRequestUrl } from './request-url.js';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import type { ClientAddressResolver } from '../auth/client-address.js';
import { GatehouseError } from '../errors/gatehouse-error.js';
import type { MetricsRegistry } from '../telemetry/metrics-registry.js';
import { logRequest } from './request-log.js';
import { asGatehouseError } from './send-error.js';
import { writeSocketError } from './socket-response.js';

/** A request that asked to switch to WebSocket: the raw socket instead of a response. */
export interface UpgradeContext {
  req: IncomingMessage;
  socket: Duplex;
  /** Bytes the client sent after its request head; they belong to the WebSocket stream. */
  head: Buffer;
  url: URL;
  requestId: string;
  clientAddress: string;
  now: Date;
  log: Logger;
  /** Filled in by handlers for the request log line: never secrets, only ids. */
  facts: Record<string, string | number>;
}

/**
 * Settles the handshake and resolves with the status answered (101 once the WebSocket is open,
 * or the refusal written on the socket); throws a GatehouseError to have it written here.
 */
export type UpgradeHandler = (context: UpgradeContext) => Promise<number>;

export interface UpgradeRoute {
  /** Stable name used in logs and metrics, e.g. `logs.tail`. */
  name: string;
  /** An exact path: WebSocket endpoints have no parameters in their paths. */
  path: string;
  handler: UpgradeHandler;
}

export interface UpgradeDispatcherDeps {
  routes: readonly UpgradeRoute[];
  log: Logger;
  metrics: MetricsRegistry;
  clientAddresses: ClientAddressResolver;
}

/**
 * The HTTP server's `upgrade` event: the table of WebSocket endpoints. Unknown paths and
 * upgrades to anything but WebSocket are answered on the socket (404 / 400) and closed. One
 * request log line per handshake, as for ordinary requests.
 */
export function createUpgradeDispatcher(deps: UpgradeDispatcherDeps) {
  return (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const started = process.hrtime.bigint();
    const context = createContext(req, socket, head, deps);
    const route = deps.routes.find((candidate) => candidate.path === context.url.pathname);
    // The server detaches its own error handling from upgraded sockets: a reset must not crash.
    socket.on('error', () => socket.destroy());

    void settle(context, route).then(({ status, error }) => {
      logRequest(deps, {
        requestId: context.requestId,
        method: req.method,
        path: context.url.pathname,
        route: route?.name ?? 'unmatched',
        status,
        seconds: Number(process.hrtime.bigint() - started) / 1e9,
        client: context.clientAddress,
        facts: context.facts,
        error,
      });
    });
  };
}

async function settle(
  context: UpgradeContext,
  route: UpgradeRoute | undefined,
): Promise<{ status: number; error?: unknown }> {
  try {
    checkUpgrade(context, route);
    return { status: await route.handler(context) };
  } catch (error) {
    const failure = asGatehouseError(error, context.requestId);
    writeSocketError(context.socket, failure, context.requestId);
    return { status: failure.status, error };
  }
}

function checkUpgrade(
  context: UpgradeContext,
  route: UpgradeRoute | undefined,
): asserts route is UpgradeRoute {
  const { method = '', headers } = context.req;
  if (!route) {
    const path = context.url.pathname;
    throw new GatehouseError('ROUTE_NOT_FOUND', {
      method,
      path: path.length > 200 ? `${path.slice(0, 200)}...` : path,
    });
  }

  // TODO(http): other upgrades (h2c) are refused, not served as HTTP/1.1 (docs/limitations.md).
  const upgrade = (headers.upgrade ?? '').toLowerCase();
  if (method !== 'GET' || !upgrade.split(',').some((token) => token.trim() === 'websocket')) {
    throw new GatehouseError('UPGRADE_UNSUPPORTED', {
      received: `${method.slice(0, 16)} with Upgrade: ${upgrade.slice(0, 64) || '(none)'}`,
    });
  }
}

function createContext(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  deps: UpgradeDispatcherDeps,
): UpgradeContext {
  return {
    req,
    socket,
    head,
    url: parseRequestUrl(req.url),
    requestId: randomUUID(),
    clientAddress: deps.clientAddresses.resolve(req),
    now: new Date(),
    log: deps.log,
    facts: {},
  };
}
