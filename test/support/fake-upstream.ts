import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  /** Every value of each header as sent, e.g. repeated X-Prom-Label-Policy lines. */
  headersDistinct: NodeJS.Dict<string[]>;
  body: Buffer;
}

/**
 * A fake backend (a real node:http server on 127.0.0.1, port 0) that records what reaches it and
 * answers like the Prometheus HTTP API: an empty success envelope, or whatever `reply` returns.
 */
export class FakeUpstream {
  readonly requests: RecordedRequest[] = [];
  reply: (request: RecordedRequest) => { status: number; body: string; type?: string } = () => ({
    status: 200,
    body: JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [] } }),
  });
  #server?: Server;

  async start(): Promise<string> {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const recorded = {
          method: req.method ?? '',
          url: new URL(req.url ?? '/', 'http://upstream.invalid'),
          headers: req.headers,
          headersDistinct: req.headersDistinct,
          body: Buffer.concat(chunks),
        };
        this.requests.push(recorded);
        const answer = this.reply(recorded);
        res.writeHead(answer.status, { 'content-type': answer.type ?? 'application/json' });
        res.end(answer.body);
      });
    });

    await new Promise<void>((resolve) => this.#server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  last(): RecordedRequest {
    const last = this.requests[this.requests.length - 1];
    if (!last) throw new Error('the fake upstream received nothing');
    return last;
  }

  /** Every parameter the backend would read: form body then URL, as Go's ParseForm does. */
  static params(request: RecordedRequest): URLSearchParams {
    const merged = new URLSearchParams(request.method === 'POST' ? request.body.toString() : '');
    for (const [name, value] of request.url.searchParams) merged.append(name, value);
    return merged;
  }

  async stop(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise<void>((resolve) =>
      this.#server ? this.#server.close(() => resolve()) : resolve(),
    );
  }
}
