import type { ServerResponse } from 'node:http';
import { Agent, errors, request, stream, type Dispatcher } from 'undici';
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
   * Streams an upstream answer to the client unchanged (status, safe headers, body). undici
   * writes the body straight into the client response: no intermediate stream per request.
   */
  async relay(upstream: UpstreamRequest, res: ServerResponse): Promise<void> {
    try {
      await stream(upstream.url, this.#options(upstream), ({ statusCode, headers }) => {
        res.writeHead(statusCode, responseHeaders(headers));
        return res;
      });
    } catch (error) {
      if (!res.headersSent) throw upstreamFailure(error, upstream);
      res.destroy();
    }
  }

  /** Reads a JSON answer (used where Gatehouse must merge or filter what comes back). */
  async json(upstream: UpstreamRequest): Promise<{ status: number; body: unknown; raw: string }> {
    const answer = await this.send({
      ...upstream,
      headers: { ...upstream.headers, 'accept-encoding': 'identity' },
    });
    const raw = await answer.body.text();

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
