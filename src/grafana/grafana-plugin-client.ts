import { Agent, errors, request, type Dispatcher } from 'undici';
import { GatehouseError } from '../errors/gatehouse-error.js';
import type { GrafanaTarget } from './stack-grafana.js';

/** A plugin installed in a Grafana, as its HTTP API describes it (`PluginListItem`). */
export interface InstalledPlugin {
  id: string;
  name: string;
  type: string;
  version: string;
  /** Empty when Grafana knows of no newer version (or could not ask grafana.com). */
  latestVersion: string;
  /** `info.updated`: the release date of the installed version, as the plugin declares it. */
  updated: string;
}

export interface GrafanaClientOptions {
  /** Listing and reading plugins. */
  readTimeoutMs: number;
  /** Install and uninstall: Grafana downloads the archive from grafana.com meanwhile. */
  changeTimeoutMs: number;
}

interface Answer {
  status: number;
  body: unknown;
  text: string;
}

const defaults: GrafanaClientOptions = { readTimeoutMs: 10_000, changeTimeoutMs: 120_000 };
const maxAnswerBytes = 8 * 1024 * 1024;

/**
 * The plugin endpoints of a stack's own Grafana (grafana/grafana `pkg/api/api.go` and
 * `plugins.go`): `GET /api/plugins`, `GET /api/plugins/<id>/settings`,
 * `POST /api/plugins/<id>/install` with `{"version"}` (a different version upgrades in place, the
 * same one is 409 "Plugin already installed") and `POST /api/plugins/<id>/uninstall`. Calls
 * carry the stack's service-account token as a bearer token; failures become Cloud-shaped errors
 * that name the stack, the step and Grafana's own reason.
 */
export class GrafanaPluginClient {
  readonly #agent = new Agent({ keepAliveTimeout: 10_000, connections: 16 });
  readonly #options: GrafanaClientOptions;

  constructor(options: Partial<GrafanaClientOptions> = {}) {
    this.#options = { ...defaults, ...options };
  }

  /**
   * Installed, non-core plugins. `core=0` and `embedded=0` are Grafana's own filters (core
   * plugins and plugins bundled inside an app are not installations); core plugins are also
   * recognised by `signature: "internal"`, in case an older Grafana ignores `core`.
   */
  async list(target: GrafanaTarget): Promise<InstalledPlugin[]> {
    const action = 'list its plugins';
    const answer = await this.#call(target, 'GET', '/api/plugins?embedded=0&core=0', action);
    if (answer.status !== 200) throw refusal(target, action, answer);
    if (!Array.isArray(answer.body)) throw malformed(target, action, 'a JSON list');

    return answer.body.filter(isInstallation).map(toInstalledPlugin);
  }

  /** One installed plugin, or undefined when Grafana has no such plugin or it is a core one. */
  async get(target: GrafanaTarget, pluginId: string): Promise<InstalledPlugin | undefined> {
    const action = `read plugin ${pluginId}`;
    const path = `/api/plugins/${encodeURIComponent(pluginId)}/settings`;
    const answer = await this.#call(target, 'GET', path, action);
    if (answer.status === 404) return undefined;
    if (answer.status !== 200) throw refusal(target, action, answer);
    if (!isRecord(answer.body)) throw malformed(target, action, 'a JSON object');

    return isInstallation(answer.body) ? toInstalledPlugin(answer.body) : undefined;
  }

  /** Installs, or moves an installed plugin to `version`; no version means the latest one. */
  async install(target: GrafanaTarget, pluginId: string, version?: string): Promise<void> {
    const action = `install plugin ${pluginId} ${version ?? '(latest)'}`;
    const path = `/api/plugins/${encodeURIComponent(pluginId)}/install`;
    const answer = await this.#call(target, 'POST', path, action, version ? { version } : {});
    if (answer.status === 200) return;

    if (answer.status === 404) {
      const reason = grafanaMessage(answer);
      throw new GatehouseError('PLUGIN_UNKNOWN', {
        slug: target.slug,
        plugin: pluginId,
        version: version ?? '(latest)',
        reason,
      });
    }
    throw refusal(target, action, answer);
  }

  async uninstall(target: GrafanaTarget, pluginId: string): Promise<void> {
    const action = `uninstall plugin ${pluginId}`;
    const path = `/api/plugins/${encodeURIComponent(pluginId)}/uninstall`;
    const answer = await this.#call(target, 'POST', path, action, {});
    if (answer.status === 200) return;

    if (answer.status === 404)
      throw new GatehouseError('PLUGIN_NOT_INSTALLED', { slug: target.slug, plugin: pluginId });
    throw refusal(target, action, answer);
  }

  async close(): Promise<void> {
    await this.#agent.close();
  }

  async #call(
    target: GrafanaTarget,
    method: 'GET' | 'POST',
    path: string,
    action: string,
    body?: unknown,
  ): Promise<Answer> {
    const timeoutMs =
      method === 'GET' ? this.#options.readTimeoutMs : this.#options.changeTimeoutMs;

    try {
      const response = await request(target.url + path, {
        method,
        headers: headersFor(target, body !== undefined),
        body: body === undefined ? null : JSON.stringify(body),
        dispatcher: this.#agent,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      return await readAnswer(response);
    } catch (error) {
      if (error instanceof GatehouseError) throw error;
      throw unreachable(target, action, error, timeoutMs);
    }
  }
}

function headersFor(target: GrafanaTarget, hasBody: boolean): Record<string, string> {
  return {
    authorization: `Bearer ${target.token}`,
    accept: 'application/json',
    'accept-encoding': 'identity',
    'user-agent': 'gatehouse',
    ...(hasBody ? { 'content-type': 'application/json' } : {}),
  };
}

async function readAnswer(response: Dispatcher.ResponseData): Promise<Answer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += (chunk as Buffer).length;
    if (size > maxAnswerBytes) {
      response.body.destroy();
      throw new Error(`answer larger than ${maxAnswerBytes} bytes`);
    }
    chunks.push(chunk as Buffer);
  }

  const text = Buffer.concat(chunks).toString('utf8');
  return { status: response.statusCode, body: parseJson(text), text };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Core plugins ship with Grafana: they are marked `signature: "internal"` (class core). */
function isInstallation(item: unknown): item is Record<string, unknown> {
  return isRecord(item) && typeof item.id === 'string' && item.signature !== 'internal';
}

function toInstalledPlugin(item: Record<string, unknown>): InstalledPlugin {
  const info = isRecord(item.info) ? item.info : {};
  const id = item.id as string;

  return {
    id,
    name: text(item.name) || id,
    type: text(item.type),
    version: text(info.version),
    latestVersion: text(item.latestVersion),
    updated: text(info.updated),
  };
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A 4xx is Grafana saying no (a 409 for the caller); a 5xx or a redirect is Grafana failing. */
function refusal(target: GrafanaTarget, action: string, answer: Answer): GatehouseError {
  const reason = reasonFor(answer);
  if (answer.status >= 400 && answer.status < 500)
    return new GatehouseError('GRAFANA_REFUSED', {
      slug: target.slug,
      action,
      status: answer.status,
      reason,
    });

  return new GatehouseError('GRAFANA_UNAVAILABLE', {
    slug: target.slug,
    action,
    reason: `it answered ${answer.status}: ${reason}`,
  });
}

function reasonFor(answer: Answer): string {
  const message = grafanaMessage(answer);
  if (answer.status === 401)
    return `${message} (the stack's grafanaToken was not accepted: send a valid one)`;
  if (answer.status === 403)
    return `${message} (the service account needs permission plugins:install)`;
  if (answer.status >= 300 && answer.status < 400)
    return `${message} (is url the Grafana root URL?)`;

  return message;
}

/** Grafana answers errors as `{"message": "..."}`; clipped, and only printable text. */
function grafanaMessage(answer: Answer): string {
  const raw =
    isRecord(answer.body) && typeof answer.body.message === 'string'
      ? answer.body.message
      : answer.text;
  const clean = raw.replace(/[^\x20-\x7e]+/g, ' ').trim();

  if (clean === '') return 'no message';
  return clean.length > 200 ? `${clean.slice(0, 200)}...` : clean;
}

function malformed(target: GrafanaTarget, action: string, expected: string): GatehouseError {
  return new GatehouseError('GRAFANA_UNAVAILABLE', {
    slug: target.slug,
    action,
    reason: `expected ${expected} from ${originOf(target)}, received something else`,
  });
}

function unreachable(
  target: GrafanaTarget,
  action: string,
  error: unknown,
  timeoutMs: number,
): GatehouseError {
  const origin = originOf(target);
  const timedOut =
    error instanceof errors.HeadersTimeoutError || error instanceof errors.BodyTimeoutError;
  const code = (error as { code?: string }).code ?? (error as Error).message ?? 'unknown error';
  const reason = timedOut
    ? `${origin} did not answer within ${timeoutMs} ms`
    : `${origin} is unreachable (${code})`;

  return new GatehouseError('GRAFANA_UNAVAILABLE', { slug: target.slug, action, reason });
}

/** Scheme, host and port only: a URL with user:password@ must not reach a message. */
function originOf(target: GrafanaTarget): string {
  try {
    return new URL(target.url).origin;
  } catch {
    return 'the configured url';
  }
}
