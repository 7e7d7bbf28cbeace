import { GatehouseError } from '../errors/gatehouse-error.js';
import type { InstalledPlugin } from '../grafana/grafana-plugin-client.js';
import { stackGrafana, type GrafanaTarget } from '../grafana/stack-grafana.js';
import type { RequestContext, Route } from '../http/route.js';
import type { Stack } from '../model/stack.js';
import type { ApiDeps } from './api-deps.js';
import { apiRoute as route } from './api-route.js';
import { readJsonObject, sendJson } from './json-body.js';
import { offsetPage, orderedEnvelope } from './offset-page.js';
import {
  readPluginId,
  readPluginInstall,
  readPluginOrder,
  readPluginUpdate,
} from './plugin-input.js';
import { pluginNumericId, pluginToWire, sortPlugins } from './plugin-wire.js';
import { findStack } from './stacks-api.js';

/** The stack the path names (covered by the caller's realms) and how to reach its Grafana. */
interface PluginCall {
  stack: Stack;
  grafana: GrafanaTarget;
}

/**
 * `/api/instances/<id or slug>/plugins[/<plugin slug or id>]`: the plugins of the stack's own
 * Grafana (Terraform's `grafana_cloud_plugin_installation`). Gatehouse keeps no plugin records:
 * every call asks that Grafana, so what is answered is what is installed.
 */
export function pluginRoutes(deps: ApiDeps): Route[] {
  const list = '/api/instances/:idOrSlug/plugins';
  const item = `${list}/:plugin`;

  return [
    route('instances.plugins.list', list, 'GET', (c) => listPlugins(deps, c)),
    route('instances.plugins.install', list, 'POST', (c) => installPlugin(deps, c)),
    route('instances.plugins.get', item, 'GET', (c) => getPlugin(deps, c)),
    route('instances.plugins.update', item, 'POST', (c) => updatePlugin(deps, c)),
    route('instances.plugins.delete', item, 'DELETE', (c) => removePlugin(deps, c)),
  ];
}

async function listPlugins(deps: ApiDeps, context: RequestContext): Promise<void> {
  const stack = await findStack(deps, context, 'stack-plugins:read');
  const order = readPluginOrder(context.url.searchParams);
  const grafana = stackGrafana(stack, deps.sealer);

  const installed = await deps.grafana.list(grafana);
  const items = sortPlugins(
    installed.map((plugin) => pluginToWire(plugin, stack)),
    order,
  );
  const page = offsetPage(context.url.searchParams, items, 1000);
  sendJson(
    context,
    200,
    orderedEnvelope(page, order, (item) => item),
  );
}

/** Installing a plugin that is already there at that version is Grafana's 409, passed on. */
async function installPlugin(deps: ApiDeps, context: RequestContext): Promise<void> {
  const stack = await findStack(deps, context, 'stack-plugins:write');
  const { plugin, version } = readPluginInstall(await readJsonObject(context));
  const grafana = stackGrafana(stack, deps.sealer);

  await deps.grafana.install(grafana, plugin, version);
  const installed = await deps.grafana.get(grafana, plugin);
  context.facts.plugin = plugin;
  sendJson(context, 200, pluginToWire(installed ?? assumed(plugin, version), stack));
}

async function getPlugin(deps: ApiDeps, context: RequestContext): Promise<void> {
  const call = await pluginCall(deps, context, 'stack-plugins:read');
  const plugin = await installedPlugin(deps, call, context);

  sendJson(context, 200, pluginToWire(plugin, call.stack));
}

/**
 * Moves the plugin to `version` (the latest when absent) with Grafana's install call, which
 * upgrades or downgrades in place. Asking for the version already installed changes nothing.
 */
async function updatePlugin(deps: ApiDeps, context: RequestContext): Promise<void> {
  const call = await pluginCall(deps, context, 'stack-plugins:write');
  const { version } = readPluginUpdate(await readJsonObject(context));
  const current = await installedPlugin(deps, call, context);

  const target = version ?? current.latestVersion;
  if (target === '' || target === current.version) {
    sendJson(context, 200, pluginToWire(current, call.stack));
    return;
  }

  await deps.grafana.install(call.grafana, current.id, version);
  const updated = await deps.grafana.get(call.grafana, current.id);
  sendJson(context, 200, pluginToWire(updated ?? { ...current, version: target }, call.stack));
}

/** Answers the removed plugin; `noRestart` is accepted and ignored (see plugin-input). */
async function removePlugin(deps: ApiDeps, context: RequestContext): Promise<void> {
  const call = await pluginCall(deps, context, 'stack-plugins:delete');
  const current = await installedPlugin(deps, call, context);

  await deps.grafana.uninstall(call.grafana, current.id);
  sendJson(context, 200, pluginToWire(current, call.stack));
}

async function pluginCall(
  deps: ApiDeps,
  context: RequestContext,
  scope: string,
): Promise<PluginCall> {
  const stack = await findStack(deps, context, scope);
  readPluginId(context.params.plugin, 'pluginSlugOrId');

  return { stack, grafana: stackGrafana(stack, deps.sealer) };
}

/** The plugin the path names: a slug is asked for directly, a numeric id is looked up. */
async function installedPlugin(
  deps: ApiDeps,
  call: PluginCall,
  context: RequestContext,
): Promise<InstalledPlugin> {
  const key = context.params.plugin ?? '';
  context.facts.plugin = key;
  const plugin = /^\d+$/.test(key)
    ? (await deps.grafana.list(call.grafana)).find((p) => pluginNumericId(p.id) === Number(key))
    : await deps.grafana.get(call.grafana, key);

  if (!plugin)
    throw new GatehouseError('PLUGIN_NOT_INSTALLED', { slug: call.stack.slug, plugin: key });
  return plugin;
}

/** What was asked for, if Grafana does not list the plugin right after installing it. */
function assumed(plugin: string, version: string | undefined): InstalledPlugin {
  return {
    id: plugin,
    name: plugin,
    type: '',
    version: version ?? '',
    latestVersion: '',
    updated: '',
  };
}
