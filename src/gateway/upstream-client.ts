import type { ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { Agent, errors, request, type Dispatcher } from 'undici';
import { GatehouseError } from '../errors/gatehouse-error.js';
import { responseHeaders } from './forward-headers.js';

export interface UpstreamRequest {
  service: string;
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string | string[]>;
  body?: Buffer | string;
  timeoutMs: number;
}

export type UpstreamResponse = Dispatcher.ResponseData;

/** Pooled keep-alive connections to every backend (undici), with failures mapped to 502/504. */
export class UpstreamClient {
  readonly #agent = new Agent({ keepAliveTimeout: 30_000, connections: 512 });

  async send(upstream: UpstreamRequest): Promise<UpstreamResponse> {
    try {
      return await request(upstream.url, this.#options(upstream));
    } catch (error) {
      throw upstreamFailure(error, upstream);
    }
  }

  /**
   * Passes an upstream answer to the client unchanged (status, safe headers, body). A small
   * answer of known length is read whole and sent with one write, headers and body together:
   * the write system calls, not JavaScript, are most of a proxied request's cost. Anything
   * larger or of unknown length is streamed.
   */
  async relay(upstream: UpstreamRequest, res: ServerResponse): Promise<void> {
    let answer: UpstreamResponse;
    try {
      answer = await request(upstream.url, this.#options(upstream));
    } catch (error) {
      throw upstreamFailure(error, upstream);
    }

    try {
      await sendAnswer(answer, res);
    } catch (error) {
      if (!res.headersSent) throw upstreamFailure(error, upstream);
      res.destroy();
    }
  }

  /**
   * Reads a JSON answer (used where Gatehouse must merge or filter what comes back). Answers are
   * held in memory for that, so one larger than `maxBytes` is refused rather than buffered.
   */
  async json(
    upstream: UpstreamRequest,
    maxBytes = maxMergedAnswerBytes,
  ): Promise<{ status: number; body: unknown; raw: string }> {
    const answer = await this.send({
      ...upstream,
      headers: { ...upstream.headers, 'accept-encoding': 'identity' },
    });
    const raw = await readBounded(answer, maxBytes);

    try {
      return { status: answer.statusCode, body: JSON.parse(raw), raw };
    } catch {
      throw new GatehouseError('UPSTREAM_UNAVAILABLE', {
        service: upstream.service,
        reason: 'answer is not JSON',
      });
    }
  }

  #options(upstream: UpstreamRequest) {
    return {
      method: upstream.method,
      headers: upstream.headers,
      body: upstream.body ?? null,
      dispatcher: this.#agent,
      headersTimeout: upstream.timeoutMs,
      bodyTimeout: upstream.timeoutMs,
    };
  }

  async close(): Promise<void> {
    await this.#agent.close();
  }
}

/** The largest answer read whole to be merged or filtered (fan-outs, metadata). */
export const maxMergedAnswerBytes = 64 * 1024 * 1024;

async function readBounded(answer: UpstreamResponse, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of answer.body) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) {
      answer.body.destroy();
      throw new GatehouseError('ANSWER_TOO_LARGE', { limit: maxBytes });
    }
    chunks.push(chunk as Buffer);
  }

  return Buffer.concat(chunks).toString('utf8');
}

/** Answers up to this size with a Content-Length are sent in one write. */
const wholeAnswerBytes = 256 * 1024;

async function sendAnswer(answer: UpstreamResponse, res: ServerResponse): Promise<void> {
  const length = Number(answer.headers['content-length'] ?? Number.NaN);
  res.writeHead(answer.statusCode, responseHeaders(answer.headers));

  if (length <= wholeAnswerBytes) {
    res.end(Buffer.from(await answer.body.arrayBuffer()));
    return;
  }

  await pipeline(answer.body, res);
}

function upstreamFailure(error: unknown, upstream: UpstreamRequest): GatehouseError {
  if (error instanceof errors.HeadersTimeoutError || error instanceof errors.BodyTimeoutError) {
    return new GatehouseError('UPSTREAM_TIMEOUT', {
      service: upstream.service,
      timeoutMs: upstream.timeoutMs,
    });
  }

  const reason = (error as { code?: string }).code ?? (error as Error).message ?? 'unknown error';
  return new GatehouseError('UPSTREAM_UNAVAILABLE', { service: upstream.service, reason });
}
