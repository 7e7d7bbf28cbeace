import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import LokiTransport from 'winston-loki';
import { decodeSnappyBlock } from '../remote-write/snappy-block.js';
import { forceLokiTenantLabel } from './force-loki-tenant-label.js';
import { inspectLokiPush } from './inspect-loki-push.js';

/**
 * Bodies written by a real Loki client, winston-loki 6.1.7 (protobufjs + native snappy for
 * protobuf, JSON with structured metadata otherwise), captured by a node:http server on
 * 127.0.0.1 standing in for Loki.
 */
const limits = { maxBodyBytes: 1024 * 1024, maxDecodedBodyBytes: 4 * 1024 * 1024 };

interface Captured {
  headers: IncomingHttpHeaders;
  body: Buffer;
}

interface LogLine {
  message: string;
  labels?: Record<string, string>;
  meta?: Record<string, string>;
}

const logLines: LogLine[] = [
  { message: 'cart opened', meta: { request_id: 'r-1' } },
  { message: 'payment failed', labels: { component: 'pay' }, meta: { request_id: 'r-2' } },
  { message: 'cart closed', meta: { request_id: 'r-3' } },
];

const spoofedLabels = { app: 'shop', tenant: 'other-stack' };

describe('bodies from winston-loki', () => {
  it('inspects and forces a JSON push with structured metadata', async () => {
    const { headers, body } = await capturePush(true, logLines);
    expect(headers['content-type']).toBe('application/json');

    const summary = inspectLokiPush(body, headers['content-type'], undefined, limits);
    expect(summary).toMatchObject({ format: 'json', streams: 2, entries: 3 });
    expect(summary.labelSets[0]).toContainEqual({ name: 'tenant', value: 'other-stack' });

    const forced = forceLokiTenantLabel(body, 'application/json', undefined, 'tenant', 'a', limits);
    const sent = JSON.parse(body.toString('utf8'));
    const out = JSON.parse(forced.body.toString('utf8'));
    expect(out.streams.map((s: { stream: object }) => s.stream)).toEqual([
      { app: 'shop', level: 'info', tenant: 'a' },
      { app: 'shop', component: 'pay', level: 'info', tenant: 'a' },
    ]);
    expect(out.streams.map((s: { values: unknown }) => s.values)).toEqual(
      sent.streams.map((s: { values: unknown }) => s.values),
    );
    expect(out.streams[1].values[0][2]).toMatchObject({ request_id: 'r-2' });
  });

  it('inspects and forces a snappy protobuf push', async () => {
    const { headers, body } = await capturePush(false, logLines);
    expect(headers['content-type']).toBe('application/x-protobuf');

    const summary = inspectLokiPush(body, headers['content-type'], undefined, limits);
    expect(summary).toMatchObject({ format: 'protobuf', streams: 2, entries: 3 });
    expect(summary.labelSets[1]).toEqual([
      { name: 'app', value: 'shop' },
      { name: 'component', value: 'pay' },
      { name: 'level', value: 'info' },
      { name: 'tenant', value: 'other-stack' },
    ]);

    const forced = forceLokiTenantLabel(body, headers['content-type'], '', 'tenant', 'a', limits);
    expect(forced.summary.labelSets.map((set) => set.find((l) => l.name === 'tenant'))).toEqual([
      { name: 'tenant', value: 'a' },
      { name: 'tenant', value: 'a' },
    ]);
    const raw = decodeSnappyBlock(forced.body, limits.maxDecodedBodyBytes);
    for (const line of logLines) expect(raw.includes(Buffer.from(line.message))).toBe(true);
  });

  it('refuses the labels text it writes, unescaped, for a value holding a quote', async () => {
    const { headers, body } = await capturePush(false, [
      { message: 'x', labels: { note: 'say "hi"' } },
    ]);

    expect(() => inspectLokiPush(body, headers['content-type'], undefined, limits)).toThrow(
      expect.objectContaining({ code: 'BODY_MALFORMED' }),
    );
  });
});

/** Logs through a batching transport and returns the one push its close() sends. */
async function capturePush(json: boolean, lines: LogLine[]): Promise<Captured> {
  const captured: Captured[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      captured.push({ headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(204).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');

  try {
    await sendThroughTransport(json, (server.address() as AddressInfo).port, lines);
  } finally {
    server.closeAllConnections();
    server.close();
  }

  expect(captured).toHaveLength(1);
  return captured[0] as Captured;
}

async function sendThroughTransport(json: boolean, port: number, lines: LogLine[]) {
  const transport = new LokiTransport({
    host: `http://127.0.0.1:${port}`,
    json,
    labels: spoofedLabels,
    interval: 600,
    gracefulShutdown: false,
    timeout: 5000,
  });

  for (const line of lines) {
    const info = { level: 'info', message: line.message, labels: line.labels, ...line.meta };
    transport.log?.({ ...info, [Symbol.for('level')]: 'info' }, () => undefined);
  }
  await transport.close();
}
