import type { IncomingMessage } from 'node:http';
import { SubnetList, unmapIpv4 } from './subnet-list.js';

/**
 * The address a request comes from. X-Forwarded-For is believed only when the peer is a
 * configured trusted proxy; then the rightmost hop that is not itself trusted is the client
 * (hops to its left were written by the client and may be forged).
 */
export class ClientAddressResolver {
  readonly #trusted: SubnetList;

  constructor(trustedProxies: readonly string[]) {
    this.#trusted = new SubnetList(trustedProxies);
  }

  resolve(request: IncomingMessage): string {
    const peer = unmapIpv4(request.socket.remoteAddress ?? '');
    if (this.#trusted.size === 0 || !this.#trusted.contains(peer)) return peer;

    const header = request.headers['x-forwarded-for'];
    const hops = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',');

    for (let index = hops.length - 1; index >= 0; index--) {
      const hop = unmapIpv4((hops[index] ?? '').trim());
      if (hop !== '' && !this.#trusted.contains(hop)) return hop;
    }

    return peer;
  }
}
