import { GatehouseError } from '../errors/gatehouse-error.js';

/** What a `glc_` token says about itself (Grafana Cloud layout, see docs/api.md). */
export interface TokenClaims {
  orgId: string;
  /** `<policy name>-<token name>`, informational only. */
  name: string;
  secret: string;
  region: string;
}

const prefix = 'glc_';
const maxTokenLength = 2048;

/** `glc_` + standard base64 of compact JSON `{"o","n","k","m":{"r"}}`, padded. */
export function encodeToken(claims: TokenClaims): string {
  const json = JSON.stringify({
    o: claims.orgId,
    n: claims.name,
    k: claims.secret,
    m: { r: claims.region },
  });

  return prefix + Buffer.from(json, 'utf8').toString('base64');
}

/** Accepts padded and unpadded base64 (some tools strip or re-add the padding). */
export function decodeToken(token: string): TokenClaims {
  if (!token.startsWith(prefix)) throw malformed('expected a glc_ access policy token');
  if (token.length > maxTokenLength) throw malformed(`longer than ${maxTokenLength} characters`);

  const body = token.slice(prefix.length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body) || body.replace(/=+$/, '').length % 4 === 1) {
    throw malformed('the part after glc_ is not base64');
  }

  return claimsFromJson(Buffer.from(body, 'base64').toString('utf8'));
}

function claimsFromJson(json: string): TokenClaims {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw malformed('the decoded token is not JSON (truncated?)');
  }

  const object = (value ?? {}) as Record<string, unknown>;
  const meta = (object.m ?? {}) as Record<string, unknown>;
  if (typeof object.k !== 'string' || object.k === '') throw malformed('the token has no secret');

  return {
    orgId: String(object.o ?? ''),
    name: String(object.n ?? ''),
    secret: object.k,
    region: String(meta.r ?? ''),
  };
}

function malformed(reason: string): GatehouseError {
  return new GatehouseError('TOKEN_MALFORMED', { reason });
}
