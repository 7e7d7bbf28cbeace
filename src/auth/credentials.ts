import { GatehouseError } from '../errors/gatehouse-error.js';

export type Credentials =
  { kind: 'basic'; user: string; password: string } | { kind: 'bearer'; token: string };

/**
 * Parses the Authorization header. Basic carries `<instance id>:<token>`; Bearer carries the
 * token alone, or `<instance id>:<token>` as Graphite clients send it (docs/enforcement.md).
 */
export function parseCredentials(header: string | undefined): Credentials {
  if (header === undefined || header.trim() === '') throw new GatehouseError('AUTH_MISSING');

  const [scheme = '', value = ''] = header.trim().split(/\s+/, 2);
  switch (scheme.toLowerCase()) {
    case 'basic':
      return parseBasic(value);
    case 'bearer':
      return parseBearer(value);
    default:
      throw malformed(
        `unsupported scheme ${JSON.stringify(scheme.slice(0, 16))}; use Basic or Bearer`,
      );
  }
}

function parseBasic(value: string): Credentials {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value) || value.replace(/=+$/, '').length % 4 === 1) {
    throw malformed('basic credentials are not valid base64');
  }

  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw malformed('basic credentials must be <instance id>:<token>');

  return { kind: 'basic', user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function parseBearer(value: string): Credentials {
  if (value === '') throw malformed('empty bearer token');

  const colon = value.indexOf(':');
  if (colon > 0 && /^\d+$/.test(value.slice(0, colon))) {
    return { kind: 'basic', user: value.slice(0, colon), password: value.slice(colon + 1) };
  }

  return { kind: 'bearer', token: value };
}

function malformed(reason: string): GatehouseError {
  return new GatehouseError('AUTH_MALFORMED', { reason });
}
