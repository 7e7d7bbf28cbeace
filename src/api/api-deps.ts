import type { SecretHasher } from '../auth/secret-hasher.js';
import type { Config } from '../config/config.js';
import type { Org } from '../model/org.js';
import type { Store } from '../store/store.js';
import type { ApiAccess } from './api-access.js';

export interface ApiDeps {
  config: Config;
  store: Store;
  access: ApiAccess;
  hasher: SecretHasher;
  org: Org;
  publicUrl: string;
}
