import type { IncomingMessage } from 'node:http';
import { GatehouseError } from '../errors/gatehouse-error.js';

/**
 * Reads a request body, refusing it as soon as it passes `limit` bytes: first by its declared
 * Content-Length, then by counting, so a lying or chunked client cannot make us buffer more.
 */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > limit) throw drainAndFail(req, limit);

  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw drainAndFail(req, limit);

    chunks.push(chunk as Buffer);
  }

  return Buffer.concat(chunks, size);
}

/** Keep reading (and dropping) the rest, so the 413 reaches a client still sending. */
function drainAndFail(req: IncomingMessage, limit: number): GatehouseError {
  req.resume();
  return new GatehouseError('BODY_TOO_LARGE', { limit });
}
