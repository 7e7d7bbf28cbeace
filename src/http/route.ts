import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';

/** How a route's errors are written: each client reads its own backend's format. */
export type ErrorFormat = 'cloud' | 'prometheus' | 'text';

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  params: Record<string, string>;
  requestId: string;
  clientAddress: string;
  now: Date;
  log: Logger;
  /** Filled in by handlers for the request log line: never secrets, only ids. */
  facts: Record<string, string | number>;
}

export type Handler = (context: RequestContext) => Promise<void>;

export interface Route {
  /** Stable name used in logs and metrics, e.g. `metrics.query`. */
  name: string;
  pattern: string;
  methods: readonly string[];
  errorFormat: ErrorFormat;
  handler: Handler;
}
