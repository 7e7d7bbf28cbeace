import type { RequestContext } from '../http/route.js';
import { GatehouseError } from '../errors/gatehouse-error.js';
import { requestHeaders } from './forward-headers.js';

/**
 * Headers for a read: the client's safe headers without Content-Encoding, since Gatehouse sends
 * its own (uncompressed) form body or none.
 */
export function readHeaders(
  context: Pick<RequestContext, 'req' | 'clientAddress'>,
): Record<string, string | string[]> {
  const { 'content-encoding': _dropped, ...rest } = requestHeaders(
    context.req.headers,
    context.clientAddress,
  );
  return rest;
}

/**
 * The `<name>` of `/label/<name>/values`. It goes back into the backend's path, so a name that
 * could leave that path segment (a slash, a dot segment) is refused rather than re-encoded.
 */
export function labelNameParam(context: RequestContext): string {
  const name = context.params.name ?? '';
  if (name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\\'))
    throw new GatehouseError('PARAM_INVALID', { param: 'label name', reason: 'not a label name' });

  return name;
}

/** Go backends stop reading a form past 10 MiB, silently; what Gatehouse sends stays below. */
export const maxForwardedFormBytes = 8 * 1024 * 1024;

/** The form body of a forwarded read, refused rather than sent when the backend would drop it. */
export function forwardedForm(params: URLSearchParams): string {
  const body = params.toString();
  if (body.length > maxForwardedFormBytes) {
    throw new GatehouseError('QUERY_UNSUPPORTED', {
      reason: `the rewritten request would be ${body.length} bytes; at most ${maxForwardedFormBytes}`,
    });
  }

  return body;
}
