import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeWriteRequest, type TestSeries } from './encode-write-request.js';
import { forceLabel } from './force-label.js';
import { encodeSnappyBlock } from './snappy-block.js';

const PROMETHEUS = '/usr/bin/prometheus';
const TENANT = 'stack-4711';

/**
 * Sends a forceLabel'ed request to a real Prometheus remote-write receiver and reads it back:
 * proof that the rewritten bytes are a WriteRequest Prometheus accepts, with the label in place.
 */
// Never skipped: scripts/install-deps.sh installs Prometheus, and a missing one must fail here.
describe('forceLabel against a real Prometheus', () => {
  let prometheus: RunningPrometheus;

  beforeAll(async () => {
    prometheus = await startPrometheus();
  });

  afterAll(async () => {
    await prometheus?.stop();
  });

  it('stores every series under the forced tenant label, replacing a spoofed one', async () => {
    const now = Date.now();
    const samples = Array.from({ length: 5 }, (_, k) => ({
      value: k * 1.5,
      timestamp: now - (5 - k) * 1000,
    }));
    const series: TestSeries[] = [
      { labels: { __name__: 'gatehouse_rw_a', tenant: 'spoofed', job: 'x' }, samples },
      { labels: { __name__: 'gatehouse_rw_b', zone: 'eu' }, samples },
    ];
    const body = encodeSnappyBlock(forceLabel(encodeWriteRequest(series), 'tenant', TENANT));

    const write = await fetch(`${prometheus.url}/api/v1/write`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-protobuf',
        'content-encoding': 'snappy',
        'x-prometheus-remote-write-version': '0.1.0',
      },
      body,
    });
    expect(write.status, await write.text()).toBe(204);

    const stored = await prometheus.series('{__name__=~"gatehouse_rw_.*"}', now);
    expect(stored).toEqual(
      expect.arrayContaining(series.map((one) => ({ ...one.labels, tenant: TENANT }))),
    );
    expect(stored).toHaveLength(series.length);
    expect(
      await prometheus.instant(`count_over_time(gatehouse_rw_a{tenant="${TENANT}"}[1m])`, now),
    ).toBe(String(samples.length));
  });
});

interface RunningPrometheus {
  url: string;
  series(selector: string, around: number): Promise<Array<Record<string, string>>>;
  instant(query: string, at: number): Promise<string | undefined>;
  stop(): Promise<void>;
}

async function startPrometheus(): Promise<RunningPrometheus> {
  const dir = await mkdtemp(join(tmpdir(), 'gatehouse-rw-prometheus-'));
  const config = join(dir, 'prometheus.yml');
  await writeFile(config, 'global:\n  scrape_interval: 1m\nscrape_configs: []\n');
  const port = await freePort();
  const child = spawn(
    PROMETHEUS,
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--web.enable-remote-write-receiver',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const log = captureLog(child);
  const url = `http://127.0.0.1:${port}`;

  const stop = async () => {
    await stopChild(child);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilReady(url, child, log);
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    url,
    stop,
    series: (selector, around) => readSeries(url, selector, around),
    instant: (q, at) => instant(url, q, at),
  };
}

async function readSeries(
  url: string,
  selector: string,
  around: number,
): Promise<Array<Record<string, string>>> {
  const params = new URLSearchParams({
    'match[]': selector,
    start: String((around - 3_600_000) / 1000),
    end: String((around + 60_000) / 1000),
  });
  const response = await fetch(`${url}/api/v1/series?${params.toString()}`);
  const answer = (await response.json()) as { status: string; data: Array<Record<string, string>> };
  expect(answer.status).toBe('success');
  return answer.data;
}

async function instant(url: string, query: string, at: number): Promise<string | undefined> {
  const params = new URLSearchParams({ query, time: String(at / 1000) });
  const response = await fetch(`${url}/api/v1/query?${params.toString()}`);
  const answer = (await response.json()) as {
    data: { result: Array<{ value: [number, string] }> };
  };
  return answer.data.result[0]?.value[1];
}

/** Asks the kernel for a free port on loopback; Prometheus binds it right after. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port assigned');
  return address.port;
}

function captureLog(child: ChildProcess): () => string {
  let text = '';
  const append = (chunk: Buffer) => {
    text = (text + chunk.toString('utf8')).slice(-8000);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  return () => text;
}

async function waitUntilReady(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`prometheus exited with ${child.exitCode}:\n${log()}`);
    const ready = await fetch(`${url}/-/ready`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return;

    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`prometheus not ready within 60 s:\n${log()}`);
}

/** Stops the one process this file started, by its pid; SIGKILL if it ignores SIGTERM. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;

  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
