import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { GatehouseError } from '../errors/gatehouse-error.js';

/**
 * Answers a request the HTTP server handed over as a raw socket (its `upgrade` event, where no
 * ServerResponse exists) with a plain HTTP/1.1 response, then closes the connection: the
 * client asked to switch protocols and was refused, so the connection is not reused
 * (RFC 9110 §7.8, RFC 9112 §9.6).
 */
export function writeSocketResponse(
  socket: Duplex,
  status: number,
  headers: Record<string, string>,
  body: Buffer | string,
): void {
  if (socket.destroyed || !socket.writable) {
    socket.destroy();
    return;
  }

  const payload = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const lines = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}`,
    'Connection: close',
    `Content-Length: ${payload.length}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${headerValue(value)}`),
  ];

  socket.once('finish', () => socket.destroy());
  socket.end(Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), payload]));
}

/**
 * A Gatehouse error on a raw socket, in the `text` format the Loki routes use (the message and a
 * newline), with the headers sendError sets on ordinary responses.
 */
export function writeSocketError(socket: Duplex, error: GatehouseError, requestId: string): void {
  const headers: Record<string, string> = {
    'Content-Type': 'text/plain; charset=utf-8',
    'X-Gatehouse-Error': error.code,
    'X-Request-Id': requestId,
  };
  if (error.status === 401) headers['WWW-Authenticate'] = 'Basic realm="gatehouse"';

  writeSocketResponse(socket, error.status, headers, `${error.message}\n`);
}

/** A header value never ends the header block early: line breaks and controls become spaces. */
function headerValue(value: string): string {
  return value.replace(/[\u0000-\u001f\u007f]/g, ' ');
}
