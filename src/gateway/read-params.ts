import type { IncomingMessage } from 'node:http';
import { GatehouseError } from '../errors/gatehouse-error.js';
import { readBody } from '../http/read-body.js';

/**
 * Parameters a client may use to widen a VictoriaMetrics query (docs/enforcement.md), and its `trace`,
 * whose report counts the series each filter matched before the policy's filter: never forwarded.
 */
const forbiddenParams = [
  'extra_label',
  'extra_filters',
  'extra_filters[]',
  'extra_label[]',
  'trace',
];

/**
 * Read parameters Gatehouse accepts in all (URL and form body). Go's ParseForm stops at 10 MiB
 * and then reads no form parameter at all, not even the `match[]` Gatehouse added: the forwarded
 * form, up to three times longer once re-encoded, must stay well under that.
 */
export const maxReadParamBytes = 1024 * 1024;

/**
 * All parameters a Prometheus-API backend would read: the form body first, then the URL query,
 * in the order Go's Request.ParseForm merges them (body values take precedence for single
 * values; repeated values such as match[] are all used). Gatehouse forwards one merged copy,
 * so the backend can never read a parameter Gatehouse did not check.
 */
export async function readParams(
  req: IncomingMessage,
  url: URL,
  limit: number,
): Promise<URLSearchParams> {
  const merged = new URLSearchParams();
  if (req.method === 'POST')
    appendAll(merged, await readForm(req, Math.min(limit, maxReadParamBytes)));

  appendAll(merged, url.searchParams);
  for (const name of forbiddenParams) merged.delete(name);
  checkSelectorParams(merged);

  return merged;
}

/**
 * `match[]` is multiplied by every policy selector before it goes on: a thousand of them would
 * take seconds of the event loop and make a form past the backends' 10 MiB, where Go stops
 * reading form parameters altogether. Grafana sends a handful.
 */
export const maxSelectorParams = 256;
export const maxSelectorParamBytes = 64 * 1024;

function checkSelectorParams(params: URLSearchParams): void {
  const selectors = [...params.getAll('match[]'), ...params.getAll('match')];
  const bytes = selectors.reduce((sum, selector) => sum + selector.length, 0);
  if (selectors.length <= maxSelectorParams && bytes <= maxSelectorParamBytes) return;

  throw new GatehouseError('PARAM_INVALID', {
    param: 'match[]',
    reason:
      `${selectors.length} selectors of ${bytes} characters; ` +
      `at most ${maxSelectorParams} selectors and ${maxSelectorParamBytes} characters`,
  });
}

async function readForm(req: IncomingMessage, limit: number): Promise<URLSearchParams> {
  const body = await readBody(req, limit);
  if (body.length === 0) return new URLSearchParams();

  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    throw new GatehouseError('MEDIA_TYPE_UNSUPPORTED', {
      received: type || '(none)',
      expected: 'application/x-www-form-urlencoded',
    });
  }

  return new URLSearchParams(body.toString('utf8'));
}

function appendAll(target: URLSearchParams, source: URLSearchParams): void {
  for (const [name, value] of source) target.append(name, value);
}

/** Replaces every copy of a parameter with one value. */
export function setOnly(params: URLSearchParams, name: string, value: string): void {
  params.delete(name);
  params.set(name, value);
}
