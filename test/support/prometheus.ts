import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

const prometheusBin = process.env.PROMETHEUS_BIN ?? '/usr/bin/prometheus';
const promtoolBin = process.env.PROMTOOL_BIN ?? '/usr/bin/promtool';

/** A config with no scrape jobs: the server only holds what is backfilled or remote-written. */
const emptyConfig = 'global:\n  scrape_interval: 1m\n';

export interface PrometheusOptions {
  /** prometheus.yml contents; default: no scrape jobs. */
  configYaml?: string;
  /** Extra command-line flags, e.g. ['--enable-feature=agent'] for agent mode. */
  extraArgs?: string[];
  /** OpenMetrics text (ending in `# EOF`) loaded with promtool before the server starts. */
  openMetrics?: string;
  /** How long to wait for /-/ready; default 30 s. */
  readyTimeoutMs?: number;
}

export interface PrometheusServer {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  port: number;
  pid: number;
  dataDir: string;
  /** SIGTERM, SIGKILL after a timeout, then removes the temporary directory. */
  stop(): Promise<void>;
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}

/**
 * Starts a real Prometheus on 127.0.0.1 with a temporary data directory and waits until it is
 * ready. The port is picked just before the start, so a start that loses the port to another
 * process is retried on a new port.
 */
export async function startPrometheus(options: PrometheusOptions = {}): Promise<PrometheusServer> {
  const dir = await mkdtemp(join(tmpdir(), 'gatehouse-prometheus-'));
  try {
    const dataDir = await prepareDataDir(dir, options);
    return await startWithRetries(dir, dataDir, options);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

async function prepareDataDir(dir: string, options: PrometheusOptions): Promise<string> {
  const dataDir = join(dir, 'data');
  await writeFile(join(dir, 'prometheus.yml'), options.configYaml ?? emptyConfig);
  if (options.openMetrics !== undefined) {
    const file = join(dir, 'backfill.om');
    await writeFile(file, options.openMetrics);
    await execFileAsync(promtoolBin, ['tsdb', 'create-blocks-from', 'openmetrics', file, dataDir], {
      maxBuffer: 16 * 1024 * 1024,
    });
  }
  return dataDir;
}

async function startWithRetries(
  dir: string,
  dataDir: string,
  options: PrometheusOptions,
): Promise<PrometheusServer> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(dir, dataDir, options);
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

function storageArgs(dataDir: string, extraArgs: readonly string[]): string[] {
  // Agent mode refuses the server's TSDB flags and has its own WAL directory.
  if (extraArgs.some((arg) => arg.startsWith('--enable-feature=') && arg.includes('agent'))) {
    return [`--storage.agent.path=${dataDir}`];
  }
  return [`--storage.tsdb.path=${dataDir}`, '--storage.tsdb.retention.time=100y'];
}

async function startOnce(
  dir: string,
  dataDir: string,
  options: PrometheusOptions,
): Promise<PrometheusServer> {
  const port = await freePort();
  const extraArgs = options.extraArgs ?? [];
  const args = [
    `--config.file=${join(dir, 'prometheus.yml')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--web.enable-remote-write-receiver',
    ...storageArgs(dataDir, extraArgs),
    ...extraArgs,
  ];
  const child = spawn(prometheusBin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const log = captureLog(child);
  const url = `http://127.0.0.1:${port}`;

  try {
    await waitReady(url, child, options.readyTimeoutMs ?? 30_000);
  } catch (error) {
    await stopProcess(child);
    throw new Error(`prometheus did not become ready: ${String(error)}\n${log()}`);
  }
  return server(child, url, port, dir, dataDir);
}

function server(
  child: ChildProcess,
  url: string,
  port: number,
  dir: string,
  dataDir: string,
): PrometheusServer {
  return {
    url,
    port,
    pid: child.pid ?? -1,
    dataDir,
    stop: async () => {
      await stopProcess(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Keeps the last 16 KiB of output for error messages. */
export function captureLog(child: ChildProcess): () => string {
  let text = '';
  const append = (chunk: Buffer): void => {
    text = (text + chunk.toString()).slice(-16_384);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  return () => text;
}

export async function waitReady(
  url: string,
  child: ChildProcess,
  timeoutMs: number,
  readyPath = '/-/ready',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`exited with ${child.exitCode ?? child.signalCode}`);
    }
    if (await isReady(url + readyPath)) {
      return;
    }
    await sleep(100);
  }
  throw new Error(`not ready after ${timeoutMs} ms`);
}

async function isReady(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

/** SIGTERM to this child's pid, SIGKILL if it has not exited within 10 s. */
export async function stopProcess(child: ChildProcess, timeoutMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return;
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  await exited;
  clearTimeout(timer);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
