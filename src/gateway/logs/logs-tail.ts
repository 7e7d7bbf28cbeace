import type { IncomingMessage } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import type { DataAuthorizer } from '../../auth/data-authorizer.js';
import type { Config } from '../../config/config.js';
import { GatehouseError } from '../../errors/gatehouse-error.js';
import { writeSocketResponse } from '../../http/socket-response.js';
import type { UpgradeContext, UpgradeRoute } from '../../http/upgrade-dispatcher.js';
import { rewriteScope } from '../backend-tenancy.js';
import { authorizeData } from '../data-access.js';
import { logsBackendFor } from './logs-backend.js';
import { logsReadHeaders } from './logs-read-plan.js';
import { connectTailUpstreams, TailRefusal } from './connect-tail-upstreams.js';
import { tailUpstreamUrls } from './tail-queries.js';
import { TailSession } from './tail-session.js';

export interface LogsTailDeps {
  config: Config;
  authorizer: DataAuthorizer;
}

/** Clients send nothing but control frames on a tail; a larger message closes it with 1009. */
const clientMaxPayload = 64 * 1024;
const heartbeatMs = 30_000;
/** The status logged for a client that went away before its handshake was answered. */
const clientGone = 499;

/**
 * `GET /loki/api/v1/tail` over WebSocket (logs:read). The handshake is answered only once every
 * upstream tail is open, so authorization failures (401/403), bad queries (400) and Loki's own
 * refusals reach the client as HTTP answers, not as a socket that opens and closes at once.
 */
export class LogsTail {
  readonly #deps: LogsTailDeps;
  readonly #server: WebSocketServer;
  readonly #requestIds = new WeakMap<IncomingMessage, string>();
  readonly #handshakeFailures = new WeakMap<IncomingMessage, (error: Error) => void>();
  readonly #live = new Set<{ shutdown(): void }>();
  #closed = false;

  constructor(deps: LogsTailDeps) {
    this.#deps = deps;
    this.#server = new WebSocketServer({ noServer: true, maxPayload: clientMaxPayload });
    this.#server.on('headers', (headers, req) => {
      const id = this.#requestIds.get(req);
      if (id) headers.push(`X-Request-Id: ${id}`);
    });
    // With this listener ws leaves a malformed handshake to Gatehouse, which answers it.
    this.#server.on('wsClientError', (error, _socket, req) =>
      this.#handshakeFailures.get(req)?.(error),
    );
  }

  route(): UpgradeRoute {
    return { name: 'logs.tail', path: '/loki/api/v1/tail', handler: (c) => this.#handle(c) };
  }

  /** Tells every tailing client Gatehouse is going away and drops handshakes in progress. */
  close(): void {
    this.#closed = true;
    for (const live of [...this.#live]) live.shutdown();
  }

  async #handle(context: UpgradeContext): Promise<number> {
    if (this.#closed) throw new GatehouseError('SHUTTING_DOWN');

    const { config, authorizer } = this.#deps;
    const grant = await authorizeData(authorizer, context, 'logs', 'logs:read');
    const backend = logsBackendFor(config, grant.stack);
    const scope = rewriteScope(backend, grant.labelScope);
    const urls = tailUpstreamUrls(backend.base, context.url.searchParams, scope);
    context.facts.upstreams = urls.length;

    const aborted = new AbortController();
    const pending = { shutdown: () => aborted.abort() };
    this.#live.add(pending);
    context.socket.once('close', pending.shutdown);
    if (context.socket.destroyed) aborted.abort(); // gone while it was being authorized

    try {
      const upstreams = await connectTailUpstreams(urls, {
        headers: tailHeaders(logsReadHeaders(backend, grant, context)),
        maxPayload: config.limits.maxBodyBytes,
        timeoutMs: config.limits.upstreamTimeoutMs,
        signal: aborted.signal,
      });
      return await this.#accept(context, upstreams, aborted.signal);
    } catch (error) {
      return this.#refused(context, error, aborted.signal);
    } finally {
      this.#live.delete(pending);
      context.socket.off('close', pending.shutdown);
    }
  }

  /** Completes the client's handshake, unless it went away (or Gatehouse stops) meanwhile. */
  #accept(context: UpgradeContext, upstreams: WebSocket[], signal: AbortSignal): Promise<number> {
    const { req, socket, head } = context;

    return new Promise((resolve, reject) => {
      const drop = (): void => upstreams.forEach((upstream) => upstream.terminate());
      const cancel = (): void => {
        drop();
        reject(new Error('the tail was cancelled before its handshake completed'));
      };
      if (signal.aborted) return cancel();

      signal.addEventListener('abort', cancel, { once: true });
      this.#requestIds.set(req, context.requestId);
      this.#handshakeFailures.set(req, (error) => {
        signal.removeEventListener('abort', cancel);
        drop();
        reject(new GatehouseError('UPGRADE_UNSUPPORTED', { received: error.message }));
      });

      this.#server.handleUpgrade(req, socket, head, (client) => {
        signal.removeEventListener('abort', cancel);
        this.#start(client, upstreams);
        resolve(101);
      });
    });
  }

  #start(client: WebSocket, upstreams: WebSocket[]): void {
    const session = new TailSession(client, upstreams, {
      highWaterBytes: this.#deps.config.limits.maxBodyBytes,
      heartbeatMs,
      onEnd: () => this.#live.delete(session),
    });
    this.#live.add(session);
  }

  /** How a handshake that did not complete is answered (the dispatcher writes thrown errors). */
  #refused(context: UpgradeContext, error: unknown, signal: AbortSignal): number {
    if (signal.aborted && this.#closed) throw new GatehouseError('SHUTTING_DOWN');
    if (signal.aborted) return clientGone;
    if (!(error instanceof TailRefusal)) throw error;

    writeSocketResponse(
      context.socket,
      error.status,
      { 'Content-Type': error.contentType, 'X-Request-Id': context.requestId },
      error.body,
    );
    return error.status;
  }
}

/**
 * The headers of an HTTP read, minus the client's own WebSocket handshake fields: the upstream
 * connection is a handshake of its own, with keys and extensions ws negotiates.
 */
function tailHeaders(
  headers: Record<string, string | string[]>,
): Record<string, string | string[]> {
  return Object.fromEntries(
    Object.entries(headers).filter(([name]) => !name.startsWith('sec-websocket-')),
  );
}
