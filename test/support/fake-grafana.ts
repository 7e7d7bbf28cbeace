import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A FAKE of the plugin endpoints of Grafana's HTTP API, for tests only: a `node:http` server on
 * 127.0.0.1, port 0. It checks the service-account bearer token, keeps installed plugins in
 * memory, answers in Grafana's formats (PluginListItem, PluginSetting, `{"message"}` errors) and
 * records every request. Behaviour follows grafana/grafana `pkg/api/plugins.go`: `core=0` and
 * `embedded=0` filter the list, installing the installed version is 409, another version
 * replaces it, core plugins cannot be installed or removed (403).
 */

export interface CataloguePlugin {
  name: string;
  type: 'panel' | 'datasource' | 'app';
  /** Oldest first; the last one is the latest. */
  versions: string[];
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  authorization: string | undefined;
  body: unknown;
}

export interface FakeGrafana {
  url: string;
  requests: RecordedRequest[];
  /** Installed plugin id → version. */
  installed: Map<string, string>;
  /** Every later request answers this status and message, until `recover()`. */
  failWith(status: number, message: string): void;
  /** Every later request is left unanswered, until `recover()`. */
  hang(): void;
  recover(): void;
  stop(): Promise<void>;
}

interface FakeState {
  token: string;
  catalogue: Record<string, CataloguePlugin>;
  installed: Map<string, string>;
  requests: RecordedRequest[];
  failure?: { status: number; message: string };
  hanging: boolean;
}

/** Plugins every Grafana ships with (class core, signature "internal"). */
const corePlugins: Record<string, CataloguePlugin> = {
  prometheus: { name: 'Prometheus', type: 'datasource', versions: ['12.0.0'] },
  timeseries: { name: 'Time series', type: 'panel', versions: ['12.0.0'] },
};

export const defaultCatalogue: Record<string, CataloguePlugin> = {
  'grafana-clock-panel': { name: 'Clock', type: 'panel', versions: ['2.1.3', '2.1.5', '2.1.8'] },
  'grafana-polystat-panel': { name: 'Polystat', type: 'panel', versions: ['2.1.14'] },
  'marcusolsson-json-datasource': {
    name: 'JSON API',
    type: 'datasource',
    versions: ['1.3.12', '1.3.24'],
  },
};

export async function startFakeGrafana(options: {
  token: string;
  catalogue?: Record<string, CataloguePlugin>;
}): Promise<FakeGrafana> {
  const state: FakeState = {
    token: options.token,
    catalogue: options.catalogue ?? defaultCatalogue,
    installed: new Map(),
    requests: [],
    hanging: false,
  };
  const server = createServer((req, res) => void handle(state, req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests: state.requests,
    installed: state.installed,
    failWith: (status, message) => void (state.failure = { status, message }),
    hang: () => void (state.hanging = true),
    recover: () => {
      state.failure = undefined;
      state.hanging = false;
    },
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function handle(state: FakeState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://fake-grafana');
  const body = await readBody(req);
  state.requests.push({
    method: req.method ?? '',
    path: url.pathname,
    query: url.searchParams,
    authorization: req.headers.authorization,
    body,
  });

  if (state.hanging) return;
  if (state.failure) return send(res, state.failure.status, { message: state.failure.message });
  if (req.headers.authorization !== `Bearer ${state.token}`)
    return send(res, 401, { message: 'invalid API key', messageId: 'api-key.invalid' });

  route(state, req.method ?? '', url, body, res);
}

function route(state: FakeState, method: string, url: URL, body: unknown, res: ServerResponse) {
  const match = /^\/api\/plugins\/([^/]+)\/(settings|install|uninstall)$/.exec(url.pathname);
  const id = decodeURIComponent(match?.[1] ?? '');

  if (method === 'GET' && url.pathname === '/api/plugins') return list(state, url, res);
  if (method === 'GET' && match?.[2] === 'settings') return settings(state, id, res);
  if (method === 'POST' && match?.[2] === 'install') return install(state, id, body, res);
  if (method === 'POST' && match?.[2] === 'uninstall') return uninstall(state, id, res);
  return send(res, 404, { message: 'Not found' });
}

function list(state: FakeState, url: URL, res: ServerResponse): void {
  const core = url.searchParams.get('core');
  const items = allPlugins(state)
    .filter((plugin) => (core === '0' ? !plugin.core : core === '1' ? plugin.core : true))
    .map((plugin) => listItem(state, plugin))
    .sort((a, b) => (a.name < b.name ? -1 : 1));

  send(res, 200, items);
}

function settings(state: FakeState, id: string, res: ServerResponse): void {
  const plugin = allPlugins(state).find((candidate) => candidate.id === id);
  if (!plugin)
    return send(res, 404, { message: 'Plugin not found, no installed plugin with that id' });

  send(res, 200, {
    ...listItem(state, plugin),
    module: `public/plugins/${id}/module.js`,
    baseUrl: `public/plugins/${id}`,
    includes: null,
    jsonData: null,
    secureJsonFields: {},
    autoEnabled: false,
    loadingStrategy: 'script',
  });
}

function install(state: FakeState, id: string, body: unknown, res: ServerResponse): void {
  const requested = (body as { version?: unknown } | undefined)?.version;
  const entry = state.catalogue[id];
  if (corePlugins[id]) return send(res, 403, { message: 'Cannot install or change a Core plugin' });
  if (!entry) return send(res, 404, { message: 'Plugin not found' });

  const version = typeof requested === 'string' && requested !== '' ? requested : latest(entry);
  if (!entry.versions.includes(version))
    return send(res, 404, { message: 'Plugin version not found' });
  if (state.installed.get(id) === version)
    return send(res, 409, { message: 'Plugin already installed' });

  state.installed.set(id, version);
  send(res, 200, '');
}

function uninstall(state: FakeState, id: string, res: ServerResponse): void {
  if (corePlugins[id]) return send(res, 403, { message: 'Cannot uninstall a Core plugin' });
  if (!state.installed.delete(id)) return send(res, 404, { message: 'Plugin not installed' });

  send(res, 200, '');
}

interface PresentPlugin {
  id: string;
  entry: CataloguePlugin;
  version: string;
  core: boolean;
}

function allPlugins(state: FakeState): PresentPlugin[] {
  const core = Object.entries(corePlugins).map(([id, entry]) => ({
    id,
    entry,
    version: latest(entry),
    core: true,
  }));
  const external = [...state.installed].map(([id, version]) => ({
    id,
    entry: state.catalogue[id] as CataloguePlugin,
    version,
    core: false,
  }));

  return [...core, ...external];
}

/** Grafana's PluginListItem; latestVersion and hasUpdate are set only when newer exists. */
function listItem(state: FakeState, plugin: PresentPlugin) {
  const newest = latest(plugin.entry);
  const hasUpdate = !plugin.core && newest !== plugin.version;

  return {
    name: plugin.entry.name,
    type: plugin.entry.type,
    id: plugin.id,
    enabled: plugin.entry.type !== 'app',
    pinned: false,
    info: {
      author: { name: plugin.core ? 'Grafana Labs' : 'Someone', url: '' },
      description: `${plugin.entry.name} (fake)`,
      links: [],
      logos: { small: '', large: '' },
      build: {},
      screenshots: null,
      version: plugin.version,
      updated: plugin.core ? '' : '2024-05-02',
      keywords: null,
    },
    dependencies: { grafanaDependency: '>=10.0.0', grafanaVersion: '*', plugins: [] },
    latestVersion: hasUpdate ? newest : '',
    hasUpdate,
    defaultNavUrl: `/plugins/${plugin.id}/`,
    category: '',
    state: '',
    signature: plugin.core ? 'internal' : 'valid',
    signatureType: plugin.core ? '' : 'community',
    signatureOrg: plugin.core ? '' : 'Someone',
    angularDetected: false,
  };
}

function latest(entry: CataloguePlugin): string {
  return entry.versions[entry.versions.length - 1] ?? '';
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);

  const text = Buffer.concat(chunks).toString('utf8');
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
