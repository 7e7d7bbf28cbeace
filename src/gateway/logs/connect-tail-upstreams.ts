import type { IncomingMessage } from 'node:http';
import { WebSocket } from 'ws';
import { GatehouseError } from '../../errors/gatehouse-error.js';

export interface TailUpstreamOptions {
  headers: Record<string, string | string[]>;
  /** Largest message accepted from Loki; a larger one closes the tail with 1009. */
  maxPayload: number;
  timeoutMs: number;
  /** The client went away while Gatehouse was still connecting. */
  signal: AbortSignal;
}

/** Largest part of a refusal body passed on to the client. */
const refusalBodyLimit = 64 * 1024;

/**
 * Loki refused the handshake (e.g. 400 for a query it cannot tail): Gatehouse answers the
 * client with the same status and body, as it relays ordinary answers.
 */
export class TailRefusal extends Error {
  constructor(
    readonly status: number,
    readonly contentType: string,
    readonly body: Buffer,
  ) {
    super(`upstream refused the tail with ${status}`);
  }
}

/**
 * Opens one tail WebSocket per URL and resolves once every one is open (paused: the session
 * resumes them). If any fails, all are closed: a tail missing one selector's streams would
 * silently lose data. Rejects with a TailRefusal, UPSTREAM_TIMEOUT or UPSTREAM_UNAVAILABLE.
 */
export async function connectTailUpstreams(
  urls: readonly string[],
  options: TailUpstreamOptions,
): Promise<WebSocket[]> {
  const sockets = urls.map(
    (url) =>
      new WebSocket(url, {
        headers: options.headers,
        maxPayload: options.maxPayload,
        handshakeTimeout: options.timeoutMs,
        followRedirects: false,
      }),
  );
  const abort = (): void => sockets.forEach((socket) => socket.terminate());
  options.signal.addEventListener('abort', abort, { once: true });

  try {
    await Promise.all(sockets.map((socket) => opened(socket, options.timeoutMs)));
    return sockets;
  } catch (error) {
    abort();
    throw error;
  } finally {
    options.signal.removeEventListener('abort', abort);
  }
}

function opened(socket: WebSocket, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('open', () => {
      // Loki may send at once; nothing is read until the session listens (TailSession resumes).
      socket.pause();
      resolve();
    });
    // Stays attached: an error after the handshake is the session's, but must never go unheard.
    socket.on('error', (error) => reject(upstreamFailure(error, timeoutMs)));
    socket.once('unexpected-response', (request, response) => {
      void readRefusal(response).then(reject, reject);
      response.once('end', () => request.destroy());
    });
  });
}

async function readRefusal(response: IncomingMessage): Promise<Error> {
  const status = response.statusCode ?? 502;
  if (status < 400) {
    response.resume();
    return new GatehouseError('UPSTREAM_UNAVAILABLE', {
      service: 'logs',
      reason: `tail answered ${status} instead of switching to WebSocket`,
    });
  }

  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    if (size < refusalBodyLimit) chunks.push(chunk.subarray(0, refusalBodyLimit - size));
    size += chunk.length;
  }

  const type = response.headers['content-type'] ?? 'text/plain; charset=utf-8';
  return new TailRefusal(status, type, Buffer.concat(chunks));
}

function upstreamFailure(error: Error, timeoutMs: number): GatehouseError {
  if (/handshake has timed out/i.test(error.message))
    return new GatehouseError('UPSTREAM_TIMEOUT', { service: 'logs', timeoutMs });

  const reason = (error as { code?: string }).code ?? error.message;
  return new GatehouseError('UPSTREAM_UNAVAILABLE', { service: 'logs', reason });
}
