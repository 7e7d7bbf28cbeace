import { describe, expect, it } from 'vitest';
import { decodeToken, encodeToken } from './token-codec.js';

const claims = {
  orgId: '7',
  name: 'policy-token',
  secret: 'S3cr3tS3cr3tS3cr3tS3cr3tS3cr3tS3',
  region: 'eu',
};

describe('glc_ tokens', () => {
  it('encode the Grafana Cloud claims in order and decode back', () => {
    const token = encodeToken(claims);
    const json = Buffer.from(token.slice(4), 'base64').toString();

    expect(json).toBe(`{"o":"7","n":"policy-token","k":"${claims.secret}","m":{"r":"eu"}}`);
    expect(decodeToken(token)).toEqual(claims);
  });

  it('accept the token without its base64 padding', () => {
    const token = encodeToken({ ...claims, name: 'x' });
    expect(token.endsWith('=')).toBe(true);

    expect(decodeToken(token.replace(/=+$/, ''))).toEqual({ ...claims, name: 'x' });
  });

  const bad: [string, string, RegExp][] = [
    ['no glc_ prefix', 'abc', /expected a glc_/],
    ['characters outside base64', 'glc_abc$def', /not base64/],
    ['truncated base64', encodeToken(claims).slice(0, 40), /not JSON|truncated/],
    ['JSON without a secret', `glc_${Buffer.from('{"o":"1"}').toString('base64')}`, /no secret/],
    ['an absurd length', `glc_${'A'.repeat(5000)}`, /longer than/],
  ];

  it.each(bad)('reject %s as TOKEN_MALFORMED', (_name, token, message) => {
    expect(() => decodeToken(token)).toThrow(message);
    try {
      decodeToken(token);
    } catch (error) {
      expect((error as { code: string }).code).toBe('TOKEN_MALFORMED');
    }
  });
});
