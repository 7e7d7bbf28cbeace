import { invalid, preview } from './input-fields.js';

/**
 * Grafana plugin ids (`grafana-clock-panel`, `alexanderzobnin-zabbix-app`): letters, digits, `.`,
 * `-` and `_`. Checked here because the id becomes a path segment of the Grafana call.
 */
const pluginIdPattern = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,189}$/;
/** Semantic versions as the plugin catalogue publishes them (`1.2.3`, `2.0.0-beta.1`). */
const versionPattern = /^[0-9A-Za-z][0-9A-Za-z.+-]{0,63}$/;

const orderFields = ['instanceId', 'pluginId', 'pluginSlug', 'pluginName'] as const;

export type PluginOrderField = (typeof orderFields)[number];

export interface PluginOrder {
  orderBy: PluginOrderField;
  direction: 'asc' | 'desc';
}

/** `postInstancePlugins`: `{plugin, version?, noRestart?}`. */
export function readPluginInstall(body: Record<string, unknown>): {
  plugin: string;
  version: string | undefined;
} {
  readNoRestart(body.noRestart);

  return { plugin: readPluginId(body.plugin, 'plugin'), version: readVersion(body.version) };
}

/** `postInstancePlugin`: `{version?, noRestart?}`; no version means the latest one. */
export function readPluginUpdate(body: Record<string, unknown>): { version: string | undefined } {
  readNoRestart(body.noRestart);

  return { version: readVersion(body.version) };
}

export function readPluginId(value: unknown, field: string): string {
  if (typeof value === 'string' && pluginIdPattern.test(value)) return value;

  throw invalid(
    field,
    `expected a plugin id such as grafana-clock-panel (letters, digits, ., - and _), ` +
      `received ${preview(value)}`,
  );
}

/** `latest` (what Terraform users write) and absence both mean "the newest version". */
function readVersion(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '' || value === 'latest') return undefined;
  if (typeof value === 'string' && versionPattern.test(value)) return value;

  throw invalid(
    'version',
    `expected a version such as 1.2.3 or latest, received ${preview(value)}`,
  );
}

/** Grafana OSS loads plugins without a restart, so `noRestart` is accepted and has no effect. */
function readNoRestart(value: unknown): void {
  if (value === undefined || value === null || typeof value === 'boolean') return;

  throw invalid('noRestart', `expected true or false, received ${preview(value)}`);
}

/** `orderBy` and `direction` of `getInstancePlugins`, with the document's enums. */
export function readPluginOrder(query: URLSearchParams): PluginOrder {
  const orderBy = query.get('orderBy') || 'pluginSlug';
  const direction = query.get('direction') || 'asc';
  if (!(orderFields as readonly string[]).includes(orderBy))
    throw invalid('orderBy', `expected one of ${orderFields.join(', ')}, received "${orderBy}"`);
  if (direction !== 'asc' && direction !== 'desc')
    throw invalid('direction', `expected asc or desc, received "${direction}"`);

  return { orderBy: orderBy as PluginOrderField, direction };
}
