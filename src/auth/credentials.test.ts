import { describe, expect, it } from 'vitest';
import { parseCredentials } from './credentials.js';

const basic = (text: string) => `Basic ${Buffer.from(text).toString('base64')}`;

describe('parseCredentials', () => {
  it('reads basic auth as instance id and token', () => {
    expect(parseCredentials(basic('123:glc_abc'))).toEqual({
      kind: 'basic',
      user: '123',
      password: 'glc_abc',
    });
  });

  it('keeps colons inside the password', () => {
    expect(parseCredentials(basic('1:a:b'))).toMatchObject({ password: 'a:b' });
  });

  it('reads a bearer token, and Graphite-style bearer <instance id>:<token>', () => {
    expect(parseCredentials('Bearer glc_abc')).toEqual({ kind: 'bearer', token: 'glc_abc' });
    expect(parseCredentials('Bearer 42:glc_abc')).toEqual({
      kind: 'basic',
      user: '42',
      password: 'glc_abc',
    });
  });

  it('accepts the scheme in any case', () => {
    expect(parseCredentials('bearer glc_x').kind).toBe('bearer');
  });

  const bad: [string, string | undefined, string][] = [
    ['no header', undefined, 'AUTH_MISSING'],
    ['an empty header', '  ', 'AUTH_MISSING'],
    ['an unknown scheme', 'Digest x', 'AUTH_MALFORMED'],
    ['basic without a colon', basic('nocolon'), 'AUTH_MALFORMED'],
    ['basic that is not base64', 'Basic ***', 'AUTH_MALFORMED'],
    ['an empty bearer', 'Bearer', 'AUTH_MALFORMED'],
  ];

  it.each(bad)('refuses %s with a 401 code', (_name, header, code) => {
    expect(() => parseCredentials(header)).toThrow(expect.objectContaining({ code, status: 401 }));
  });
});
