import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ApiAccess } from '../api/api-access.js';
import type { ApiDeps } from '../api/api-deps.js';
import { orgRoutes } from '../api/orgs-api.js';
import { pluginRoutes } from '../api/plugins-api.js';
import { policyRoutes } from '../api/policies-api.js';
import { stackRoutes } from '../api/stacks-api.js';
import { tokenRoutes } from '../api/tokens-api.js';
import { Authenticator } from '../auth/authenticator.js';
import { ClientAddressResolver } from '../auth/client-address.js';
import { DataAuthorizer } from '../auth/data-authorizer.js';
import { SecretBox } from '../auth/secret-box.js';
import { SecretHasher } from '../auth/secret-hasher.js';
import { StackDirectory } from '../auth/stack-directory.js';
import { UsageRecorder } from '../auth/usage-recorder.js';
import type { Config } from '../config/config.js';
import { EnforcementCache } from '../gateway/metrics/enforcement-cache.js';
import { logsRoutes } from '../gateway/logs/logs-routes.js';
import { LogsTail } from '../gateway/logs/logs-tail.js';
import { metricsRoutes } from '../gateway/metrics/metrics-routes.js';
import { UpstreamClient } from '../gateway/upstream-client.js';
import { GrafanaPluginClient } from '../grafana/grafana-plugin-client.js';
import { createDispatcher } from '../http/request-dispatcher.js';
import { createUpgradeDispatcher } from '../http/upgrade-dispatcher.js';
import { RouteTable } from '../http/route-table.js';
import type { Logger } from '../log/logger.js';
import { SqliteStore } from '../store/sqlite-store.js';
import type { Store } from '../store/store.js';
import { MetricsRegistry } from '../telemetry/metrics-registry.js';
import { bootstrap, loadHashKey, loadSecretBoxKey } from './bootstrap.js';
import { internalRoutes } from './internal-routes.js';

export interface RunningGatehouse {
  url: string;
  internalUrl: string;
  /** Only on the first start with an empty store. */
  adminToken?: string;
  store: Store;
  close(): Promise<void>;
}

/** The composition root: builds every part from the config and starts both listeners. */
export async function startGatehouse(config: Config, log: Logger): Promise<RunningGatehouse> {
  // The data directory holds token hashes, keys and sealed secrets: its owner only.
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const store = new SqliteStore(join(config.dataDir, 'gatehouse.db'));
  await store.migrate();

  const hasher = new SecretHasher(loadHashKey(config));
  const sealer = new SecretBox(loadSecretBoxKey(config));
  const { org, adminToken } = await bootstrap(config, store, hasher);
  const usage = new UsageRecorder(store, config.limits.usageFlushMs);
  const authenticator = new Authenticator(store, hasher, usage);
  const upstream = new UpstreamClient();
  const grafana = new GrafanaPluginClient();
  const metrics = new MetricsRegistry();

  const main = await listen(config.listen, (server) => server);
  const url = config.publicUrl ?? urlOf(main);
  const api: ApiDeps = {
    config,
    store,
    access: new ApiAccess(authenticator, config),
    hasher,
    sealer,
    grafana,
    org,
    publicUrl: url,
  };
  const authorizer = new DataAuthorizer(authenticator, new StackDirectory(store));

  const routes = new RouteTable()
    .add(policyRoutes(api))
    .add(tokenRoutes(api))
    .add(stackRoutes(api))
    .add(pluginRoutes(api))
    .add(orgRoutes(api))
    .add(metricsRoutes({ config, authorizer, upstream, enforcement: new EnforcementCache() }))
    .add(logsRoutes({ config, authorizer, upstream }));
  const clientAddresses = new ClientAddressResolver(config.trustedProxies);
  main.on('request', createDispatcher({ routes, log, metrics, clientAddresses }));
  const tail = new LogsTail({ config, authorizer });
  main.on(
    'upgrade',
    createUpgradeDispatcher({ routes: [tail.route()], log, metrics, clientAddresses }),
  );

  const internal = await listen(config.internalListen, (server) => server);
  const internalTable = new RouteTable().add(internalRoutes(metrics, () => main.listening));
  internal.on(
    'request',
    createDispatcher({ routes: internalTable, log, metrics, clientAddresses }),
  );

  const close = async (): Promise<void> => {
    tail.close(); // open WebSockets would keep the listener from closing
    await Promise.all([closeServer(main), closeServer(internal)]);
    await usage.close();
    await upstream.close();
    await grafana.close();
    await store.close();
    log.flush();
  };

  return { url, internalUrl: urlOf(internal), adminToken, store, close };
}

async function listen(address: string, configure: (server: Server) => Server): Promise<Server> {
  const colon = address.lastIndexOf(':');
  const host = address.slice(0, colon).replace(/^\[|\]$/g, '');
  const port = Number(address.slice(colon + 1));
  const server = configure(createServer({ keepAliveTimeout: 65_000 }));

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });

  return server;
}

function urlOf(server: Server): string {
  const { address, port, family } = server.address() as AddressInfo;
  return family === 'IPv6' ? `http://[${address}]:${port}` : `http://${address}:${port}`;
}

async function closeServer(server: Server): Promise<void> {
  server.closeIdleConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
