import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface FakeTailConnection {
  url: URL;
  query: string;
  headers: IncomingHttpHeaders;
  /** Every value of each header as sent, e.g. repeated X-Prom-Label-Policy lines. */
  headersDistinct: NodeJS.Dict<string[]>;
  socket: WebSocket;
  /** Set once the connection has closed, with the close code Gatehouse sent (or 1006). */
  closedWith?: number;
}

/**
 * A fake Loki tail endpoint (a `ws` WebSocketServer on 127.0.0.1, port 0, path
 * `/loki/api/v1/tail`): records the query and headers of every connection, sends each new
 * connection the messages `messages` picks for its query, and refuses a handshake when `refuse`
 * says so, as Loki answers 400 to a query it cannot tail.
 */
export class FakeLokiTail {
  readonly connections: FakeTailConnection[] = [];
  messages: (query: string) => unknown[] = () => [];
  refuse: (query: string) => { status: number; body: string } | undefined = () => undefined;
  #server?: WebSocketServer;

  async start(): Promise<string> {
    const server = new WebSocketServer({
      host: '127.0.0.1',
      port: 0,
      path: '/loki/api/v1/tail',
      verifyClient: (info, accept) => {
        const refusal = this.refuse(queryOf(info.req.url));
        if (refusal) accept(false, refusal.status, refusal.body);
        else accept(true);
      },
    });
    server.on('connection', (socket, req) => this.#connected(socket, req));
    this.#server = server;

    await new Promise<void>((resolve) => server.once('listening', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  /** The connections whose query contains `marker` (each test tails its own marker). */
  with(marker: string): FakeTailConnection[] {
    return this.connections.filter((connection) => connection.query.includes(marker));
  }

  async stop(): Promise<void> {
    for (const client of this.#server?.clients ?? []) client.terminate();
    await new Promise<void>((resolve) =>
      this.#server ? this.#server.close(() => resolve()) : resolve(),
    );
  }

  #connected(socket: WebSocket, req: IncomingMessage): void {
    const url = new URL(req.url ?? '/', 'http://loki.invalid');
    const connection: FakeTailConnection = {
      url,
      query: url.searchParams.get('query') ?? '',
      headers: req.headers,
      headersDistinct: req.headersDistinct,
      socket,
    };
    this.connections.push(connection);
    socket.on('close', (code) => (connection.closedWith = code));

    for (const message of this.messages(connection.query)) {
      socket.send(typeof message === 'string' ? message : JSON.stringify(message));
    }
  }
}

function queryOf(raw: string | undefined): string {
  return new URL(raw ?? '/', 'http://loki.invalid').searchParams.get('query') ?? '';
}
