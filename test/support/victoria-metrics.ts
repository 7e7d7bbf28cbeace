import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { captureLog, freePort, stopProcess, waitReady } from './prometheus.js';

const vmBin = process.env.VICTORIA_METRICS_BIN ?? '/usr/bin/victoria-metrics';

export interface VictoriaMetricsServer {
  url: string;
  pid: number;
  /** Makes rows written so far visible to queries (VM buffers them for a second or so). */
  flush(): Promise<void>;
  stop(): Promise<void>;
}

/** A real single-node VictoriaMetrics (Debian's victoria-metrics) on 127.0.0.1, own data dir. */
export async function startVictoriaMetrics(): Promise<VictoriaMetricsServer> {
  const dir = await mkdtemp(join(tmpdir(), 'gatehouse-vm-'));
  const port = await freePort();
  const child = spawn(
    vmBin,
    [
      `-httpListenAddr=127.0.0.1:${port}`,
      `-storageDataPath=${dir}`,
      '-retentionPeriod=100y',
      // Without these, points of the last 30 s are hidden from queries and answers are cached.
      '-search.latencyOffset=0s',
      '-search.disableCache',
      '-selfScrapeInterval=0',
      '-loggerLevel=ERROR',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const log = captureLog(child);
  const url = `http://127.0.0.1:${port}`;

  try {
    await waitReady(url, child, 30_000, '/health');
  } catch (error) {
    await stopProcess(child);
    await rm(dir, { recursive: true, force: true });
    throw new Error(`victoria-metrics did not start: ${String(error)}\n${log()}`);
  }

  return {
    url,
    pid: child.pid ?? -1,
    flush: async () => {
      await (await fetch(`${url}/internal/force_flush`)).arrayBuffer();
    },
    stop: async () => {
      await stopProcess(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
