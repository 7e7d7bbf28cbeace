import type { SecretBox } from '../auth/secret-box.js';
import { GatehouseError } from '../errors/gatehouse-error.js';
import type { Stack } from '../model/stack.js';

/** Where and how to reach a stack's own Grafana; the token lives only for the call. */
export interface GrafanaTarget {
  /** The stack slug, for messages. */
  slug: string;
  /** The Grafana root URL without a trailing slash (it may carry a sub-path). */
  url: string;
  /** The service-account token, opened from the secret box. */
  token: string;
}

/** The box of each stack's token names its stack, so a sealed token cannot move between rows. */
function boxContext(stackId: number): string {
  return `stack:${stackId}:grafana-token`;
}

/** What to store for a `grafanaToken` given on create or update: sealed text, or null to clear. */
export function sealGrafanaToken(
  box: SecretBox,
  stackId: number,
  token: string | null,
): string | null {
  return token === null ? null : box.seal(token, boxContext(stackId));
}

/**
 * The stack's Grafana, or a 409 that says exactly what is missing and how to set it: plugins
 * are managed in the stack's own Grafana, which Gatehouse knows only when given its URL (`url`)
 * and a service-account token (`grafanaToken`).
 */
export function stackGrafana(stack: Stack, box: SecretBox): GrafanaTarget {
  const missing = missingSettings(stack);
  if (missing.length > 0)
    throw new GatehouseError('GRAFANA_NOT_CONFIGURED', {
      slug: stack.slug,
      missing: missing.join(' and '),
    });

  const token = box.open(stack.grafanaTokenSealed as string, boxContext(stack.id));
  if (token === undefined)
    throw new GatehouseError('GRAFANA_NOT_CONFIGURED', {
      slug: stack.slug,
      missing: 'a grafanaToken that no longer opens (was <dataDir>/secret-box.key replaced?)',
    });

  return { slug: stack.slug, url: rootUrl(stack.url), token };
}

function missingSettings(stack: Stack): string[] {
  const missing: string[] = [];
  if (stack.url === '') missing.push('no url');
  else if (!isHttpUrl(stack.url)) missing.push('a url that is not an http(s) URL');
  if (stack.grafanaTokenSealed === null) missing.push('no grafanaToken');

  return missing;
}

/** Scheme, host, port and sub-path: user:password@ is dropped, the bearer token is the login. */
function rootUrl(value: string): string {
  const url = new URL(value);
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.search === '';
  } catch {
    return false;
  }
}
