import type { Selector } from '../model/label-matcher.js';
import { formatSelector } from '../query/promql/parse-selector.js';

/**
 * `X-Prom-Label-Policy` values for Mimir/Loki builds with label access control: one
 * `<tenant>:<selector>` per selector, the selector escaped as Go's url.PathEscape does
 * (`mimirtool acl generate-header` prints `1234:%7Bnamespace=%22A%22%7D`).
 */
export function labelPolicyHeaderValues(tenant: string, scope: readonly Selector[]): string[] {
  return scope.map((selector) => `${tenant}:${goPathEscape(formatSelector(selector))}`);
}

/** VictoriaMetrics `extra_filters[]`: one series selector per policy selector, OR-ed by VM. */
export function vmExtraFilters(scope: readonly Selector[]): string[] {
  return scope.map((selector) => formatSelector(selector));
}

/** Go's path-segment escaping: unreserved characters and `:@&=+$` stay, the rest is %XX. */
export function goPathEscape(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const char = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-_.~:@&=+$]/.test(char)
      ? char
      : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }

  return out;
}
