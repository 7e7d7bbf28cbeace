import type { RawData, WebSocket } from 'ws';
import { parseTailMessage } from './tail-message.js';
import { TailDeduplicator } from './tail-deduplicator.js';

export interface TailSessionOptions {
  /** Client bytes queued but not yet written at which the upstreams are paused. */
  highWaterBytes: number;
  /** Interval of the client liveness ping; a client that missed the last pong is dropped. */
  heartbeatMs: number;
  /** Called once, when the client and every upstream have been told to close. */
  onEnd: () => void;
}

/** How long a closing client has to answer the close handshake when Gatehouse stops. */
const shutdownGraceMs = 1000;

/** Close codes a peer may send (RFC 6455 §7.4; 1005, 1006 and 1015 are never on the wire). */
function sendableCode(code: number): number {
  const reserved = code === 1004 || code === 1005 || code === 1006 || code === 1015;
  if (code >= 1000 && code <= 1014 && !reserved) return code;
  return code >= 3000 && code <= 4999 ? code : 1011;
}

/** A close reason is at most 123 bytes (RFC 6455 §5.5: 125-byte control payload, 2 for code). */
function shortReason(reason: string): string {
  const bytes = Buffer.from(reason, 'utf8');
  return bytes.length <= 123 ? reason : bytes.subarray(0, 120).toString('utf8') + '...';
}

/**
 * The close code for a failed upstream (RFC 6455 §7.4.1): ws names its protocol errors; a
 * message over maxPayload is 1009, broken UTF-8 1007, other frame errors 1002.
 */
function failureCode(error: Error): number {
  const code = (error as { code?: string }).code ?? '';
  if (code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') return 1009;
  if (code === 'WS_ERR_INVALID_UTF8') return 1007;
  return code.startsWith('WS_ERR_') ? 1002 : 1011;
}

/**
 * One tailing client and its upstream tails (one per policy selector). One upstream: messages
 * are passed on as they are. Several: each message is read, entries already sent are dropped,
 * the rest passed on. Either side closing closes the other; a slow client pauses the upstreams
 * (TCP backpressure lets Loki report what it had to drop in `dropped_entries`).
 */
export class TailSession {
  readonly #client: WebSocket;
  readonly #upstreams: readonly WebSocket[];
  readonly #options: TailSessionOptions;
  readonly #deduplicator: TailDeduplicator | null;
  readonly #heartbeat: NodeJS.Timeout;
  #ended = false;
  #paused = false;
  #alive = true;
  /** Why an upstream failed, for the client's close frame when the socket just drops (1006). */
  #upstreamFailure = { code: 1011, reason: '' };

  constructor(client: WebSocket, upstreams: readonly WebSocket[], options: TailSessionOptions) {
    this.#client = client;
    this.#upstreams = upstreams;
    this.#options = options;
    this.#deduplicator = upstreams.length > 1 ? new TailDeduplicator() : null;

    this.#heartbeat = setInterval(() => this.#checkClient(), options.heartbeatMs);
    this.#heartbeat.unref();
    client.on('close', () => this.#end(1000, ''));
    client.on('error', () => client.terminate());
    client.on('pong', () => (this.#alive = true));

    for (const upstream of upstreams) this.#listenUpstream(upstream);
    for (const upstream of upstreams) upstream.resume();
    // Checked once the caller holds the session, so that its onEnd can find it.
    queueMicrotask(() => {
      if (upstreams.some((upstream) => upstream.readyState !== upstream.OPEN))
        this.#end(1011, 'an upstream tail closed before the client joined');
    });
  }

  /** Server shutdown: the client is told Gatehouse is going away (1001), then cut after 1 s. */
  shutdown(): void {
    this.#end(1001, 'Gatehouse is shutting down');
    const cut = setTimeout(() => {
      for (const socket of [this.#client, ...this.#upstreams]) socket.terminate();
    }, shutdownGraceMs);
    cut.unref();
  }

  #listenUpstream(upstream: WebSocket): void {
    upstream.on('message', (data, isBinary) => this.#relay(data, isBinary));
    upstream.on('error', (error) => {
      this.#upstreamFailure = { code: failureCode(error), reason: error.message };
    });
    upstream.on('close', (code, reason) => {
      const failure = this.#upstreamFailure;
      if (code === 1006) this.#end(failure.code, failure.reason);
      else this.#end(code, reason.toString('utf8') || failure.reason);
    });
  }

  #relay(data: RawData, isBinary: boolean): void {
    if (this.#ended) return;
    if (!this.#deduplicator) return this.#send(data, isBinary);

    try {
      const kept = this.#deduplicator.keep(parseTailMessage(asText(data)));
      if (kept) this.#send(JSON.stringify(kept), false);
    } catch (error) {
      this.#end(1011, (error as Error).message);
    }
  }

  #send(data: RawData | string, binary: boolean): void {
    this.#client.send(data, { binary }, () => this.#drained());
    if (this.#paused || this.#client.bufferedAmount <= this.#options.highWaterBytes) return;

    this.#paused = true;
    for (const upstream of this.#upstreams) upstream.pause();
  }

  #drained(): void {
    if (!this.#paused || this.#client.bufferedAmount > this.#options.highWaterBytes / 2) return;

    this.#paused = false;
    for (const upstream of this.#upstreams) upstream.resume();
  }

  #checkClient(): void {
    if (this.#client.readyState !== this.#client.OPEN) return;
    if (!this.#alive) return this.#client.terminate();

    this.#alive = false;
    this.#client.ping();
  }

  /** Closes everything once: the client with the cause, each upstream normally (1000). */
  #end(code: number, reason: string): void {
    if (this.#ended) return;
    this.#ended = true;
    clearInterval(this.#heartbeat);

    this.#client.close(sendableCode(code), shortReason(reason));
    for (const upstream of this.#upstreams) {
      // A paused upstream would never read Loki's answering close frame.
      if (this.#paused) upstream.resume();
      upstream.close(1000);
    }
    this.#options.onEnd();
  }
}

function asText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
