import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { ClientAddressResolver } from './client-address.js';

function request(peer: string, forwardedFor?: string): IncomingMessage {
  const headers = forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor };
  return { socket: { remoteAddress: peer }, headers } as unknown as IncomingMessage;
}

describe('ClientAddressResolver', () => {
  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', () => {
    const resolver = new ClientAddressResolver(['10.0.0.0/8']);

    expect(resolver.resolve(request('203.0.113.9', '10.1.1.1'))).toBe('203.0.113.9');
  });

  it('takes the rightmost untrusted hop behind trusted proxies', () => {
    const resolver = new ClientAddressResolver(['10.0.0.0/8']);

    expect(resolver.resolve(request('10.0.0.2', '1.2.3.4, 198.51.100.7, 10.0.0.3'))).toBe(
      '198.51.100.7',
    );
  });

  it('unmaps IPv4 peers of a dual-stack socket', () => {
    expect(new ClientAddressResolver([]).resolve(request('::ffff:127.0.0.1'))).toBe('127.0.0.1');
  });
});
