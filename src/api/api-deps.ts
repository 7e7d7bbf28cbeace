import type { SecretBox } from '../auth/secret-box.js';
import type { SecretHasher } from '../auth/secret-hasher.js';
import type { Config } from '../config/config.js';
import type { GrafanaPluginClient } from '../grafana/grafana-plugin-client.js';
import type { Org } from '../model/org.js';
import type { Store } from '../store/store.js';
import type { ApiAccess } from './api-access.js';

export interface ApiDeps {
  config: Config;
  store: Store;
  access: ApiAccess;
  hasher: SecretHasher;
  /** Seals secrets Gatehouse must hand on later (stack Grafana tokens). */
  sealer: SecretBox;
  /** The plugin API of each stack's own Grafana. */
  grafana: GrafanaPluginClient;
  org: Org;
  publicUrl: string;
}
