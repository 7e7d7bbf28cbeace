import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodePush } from './decode-push.js';
import { deleteAnswer, type DeleteRequest } from './delete-answer.js';
import type { FakeStream } from './fake-stream.js';
import { BadRequest, noContent, text, type LokiAnswer } from './loki-answer.js';
import { headerValue, recordRequest, v1, type LokiRequest } from './loki-request.js';
import { readAnswer } from './read-answer.js';
import { rulesAnswer } from './rules-answer.js';
import { matchesAll, type FakeMatcher } from './stream-selector.js';
import { StreamStore } from './stream-store.js';

export interface Evaluation {
  method?: string;
  path: string;
  params: URLSearchParams;
  tenant?: string;
  /** Only streams matching at least one of these selectors exist for this evaluation. */
  only?: FakeMatcher[][];
}

/**
 * A FAKE Loki for tests: a real node:http server on 127.0.0.1 (port 0) that records every request
 * and answers in the formats of Loki's HTTP API reference (docs/sources/reference/loki-http-api).
 * It is not Loki. What it evaluates truly is the part the gateway's enforcement depends on:
 * pushed streams are stored per tenant (X-Scope-OrgID, "fake" without it), and stream selectors
 * (`=`, `!=`, `=~`, `!~`, a missing label reading as "") pick the streams of every read, so an
 * answer computed over a restricted set of streams (`evaluate(..., only)`) is the ideal answer
 * a policy must produce. Of a log pipeline only plain line filters (`|=`, `!=`, `|~`, `!~`) are
 * applied; other stages are ignored, on both sides of a comparison alike. Metric queries get a
 * fixed answer (one sample of value 2, which is also what Grafana's health check expects from
 * `vector(1)+vector(1)`). Reads without `start` look at all time.
 */
export class FakeLoki {
  readonly requests: LokiRequest[] = [];
  readonly deletes: DeleteRequest[] = [];
  readonly rules = new Map<string, string[]>();
  readonly #streams = new StreamStore();
  #server?: Server;

  async start(): Promise<string> {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => this.#respond(req, Buffer.concat(chunks), res));
    });

    await new Promise<void>((resolve) => this.#server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise<void>((resolve) =>
      this.#server ? this.#server.close(() => resolve()) : resolve(),
    );
  }

  last(): LokiRequest {
    const last = this.requests[this.requests.length - 1];
    if (!last) throw new Error('the fake Loki received nothing');
    return last;
  }

  /** Requests received after `mark` (an earlier `requests.length`). */
  since(mark: number): LokiRequest[] {
    return this.requests.slice(mark);
  }

  /** Stores streams directly, as a push by `tenant` would. */
  add(tenant: string, streams: FakeStream[]): void {
    for (const stream of streams) this.#streams.add(tenant, stream);
  }

  streams(tenant: string): FakeStream[] {
    return this.#streams.streams(tenant);
  }

  clear(): void {
    this.requests.length = 0;
    this.deletes.length = 0;
    this.rules.clear();
    this.#streams.clear();
  }

  /** What the fake answers to a read: the server uses it, tests use it for the ideal answer. */
  evaluate(evaluation: Evaluation): LokiAnswer {
    const tenant = evaluation.tenant ?? 'fake';
    const only = evaluation.only;
    const streams = this.streams(tenant).filter(
      (stream) => !only || only.some((selector) => matchesAll(stream.labels, selector)),
    );

    try {
      return readAnswer(evaluation.path, evaluation.params, streams);
    } catch (error) {
      if (error instanceof BadRequest) return text(400, error.message);
      throw error;
    }
  }

  #respond(req: IncomingMessage, body: Buffer, res: ServerResponse): void {
    const recorded = recordRequest(req.method ?? '', req.url ?? '/', req, body);
    this.requests.push(recorded);

    const answer = this.#answer(recorded);
    res.writeHead(answer.status, answer.body === '' ? {} : { 'content-type': answer.type });
    res.end(answer.body);
  }

  #answer(request: LokiRequest): LokiAnswer {
    const tenant = headerValue(request.headers['x-scope-orgid']) ?? 'fake';
    const { path, method } = request;

    try {
      if (path === `${v1}/push`) return this.#push(request, tenant);
      if (path === '/otlp/v1/logs') return noContent();
      if (path === `${v1}/delete`) return deleteAnswer(request, this.deletes);
      if (path.startsWith(`${v1}/rules`)) return rulesAnswer(request, this.rules);
      if (method !== 'GET' && method !== 'POST') return text(405, 'method not allowed');
      return this.evaluate({ path, params: request.params, tenant });
    } catch (error) {
      if (error instanceof BadRequest) return text(400, error.message);
      return text(500, error instanceof Error ? error.message : String(error));
    }
  }

  #push(request: LokiRequest, tenant: string): LokiAnswer {
    if (request.method !== 'POST') return text(405, 'method not allowed');

    for (const stream of decodePush(request)) this.#streams.add(tenant, stream);
    return noContent();
  }
}
