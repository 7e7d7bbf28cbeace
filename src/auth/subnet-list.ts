import { BlockList, isIP } from 'node:net';

/** A set of IPv4/IPv6 CIDRs, checked with node's BlockList (no string maths of our own). */
export class SubnetList {
  readonly #list = new BlockList();
  readonly size: number;

  constructor(cidrs: readonly string[]) {
    for (const cidr of cidrs) this.#add(cidr);
    this.size = cidrs.length;
  }

  /** Throws on a value that is not a CIDR, with the reason; used to validate input too. */
  static check(cidr: string): void {
    new SubnetList([cidr]);
  }

  contains(address: string): boolean {
    const plain = unmapIpv4(address);
    const family = isIP(plain);
    if (family === 0) return false;

    return this.#list.check(plain, family === 4 ? 'ipv4' : 'ipv6');
  }

  #add(cidr: string): void {
    const match = /^([^/]+)\/(\d{1,3})$/.exec(cidr);
    const family = match ? isIP(match[1] as string) : 0;
    const prefix = Number(match?.[2]);
    if (!match || family === 0 || prefix > (family === 4 ? 32 : 128)) {
      throw new Error(`${JSON.stringify(cidr)} is not an IPv4 or IPv6 CIDR such as 10.0.0.0/8`);
    }

    this.#list.addSubnet(match[1] as string, prefix, family === 4 ? 'ipv4' : 'ipv6');
  }
}

/** Sockets on a dual-stack listener report IPv4 peers as ::ffff:a.b.c.d. */
export function unmapIpv4(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}
