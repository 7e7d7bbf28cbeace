import type { InstalledPlugin } from '../grafana/grafana-plugin-client.js';
import type { Stack } from '../model/stack.js';
import type { PluginOrder } from './plugin-input.js';
import { wireTime } from './wire-time.js';

export interface PluginWire {
  id: number;
  instanceId: number;
  instanceUrl: string;
  instanceSlug: string;
  pluginId: number;
  pluginSlug: string;
  pluginName: string;
  version: string;
  latestVersion: string;
  createdAt: string;
  updatedAt: string;
  links: { rel: string; href: string }[];
}

/**
 * FormattedApiInstancePlugin of the OpenAPI document. Grafana Cloud's numeric ids come from its
 * plugin catalogue and installation table, which a self-hosted Grafana does not have: Gatehouse
 * derives stable numbers below 2^24 from the names instead (docs/api.md: ids fit a float32).
 */
export function pluginToWire(plugin: InstalledPlugin, stack: Stack): PluginWire {
  const released = releaseTime(plugin.updated) ?? wireTime(stack.createdAt);

  return {
    id: numericId(`${stack.id}/${plugin.id}`),
    instanceId: stack.id,
    instanceUrl: stack.url,
    instanceSlug: stack.slug,
    pluginId: pluginNumericId(plugin.id),
    pluginSlug: plugin.id,
    pluginName: plugin.name,
    version: plugin.version,
    // Grafana fills latestVersion only when it knows of a newer one.
    latestVersion: plugin.latestVersion || plugin.version,
    createdAt: released,
    updatedAt: released,
    links: [{ rel: 'self', href: `/instances/${stack.slug}/plugins/${plugin.id}` }],
  };
}

export function pluginNumericId(pluginSlug: string): number {
  return numericId(pluginSlug);
}

/** Sorts in place by the requested field; ties fall back to the slug, so pages are stable. */
export function sortPlugins(items: PluginWire[], order: PluginOrder): PluginWire[] {
  const sign = order.direction === 'asc' ? 1 : -1;
  const compare = (a: string | number, b: string | number): number => (a < b ? -1 : a > b ? 1 : 0);

  return items.sort(
    (a, b) =>
      sign * compare(a[order.orderBy], b[order.orderBy]) || compare(a.pluginSlug, b.pluginSlug),
  );
}

/**
 * FNV-1a (32 bit), xor-folded to 24 bits as the FNV authors describe for shorter hashes; never
 * 0. Collisions are possible but harmless: clients address plugins by slug.
 */
function numericId(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;

  const folded = ((hash >>> 24) ^ hash) & 0xffffff;
  return folded === 0 ? 1 : folded;
}

/** `info.updated` is a date such as `2024-05-02`; anything unreadable gives undefined. */
function releaseTime(updated: string): string | undefined {
  if (!/^\d{4}-\d\d-\d\d/.test(updated)) return undefined;

  const date = new Date(updated);
  return Number.isNaN(date.getTime()) ? undefined : wireTime(date);
}
