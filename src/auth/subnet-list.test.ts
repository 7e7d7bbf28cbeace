import { describe, expect, it } from 'vitest';
import { SubnetList } from './subnet-list.js';

describe('SubnetList', () => {
  const list = new SubnetList(['10.0.0.0/8', '192.168.1.7/32', 'fd00::/8']);

  const cases: [string, boolean][] = [
    ['10.20.30.40', true],
    ['11.0.0.1', false],
    ['192.168.1.7', true],
    ['192.168.1.8', false],
    ['::ffff:10.1.1.1', true],
    ['fd12::1', true],
    ['fe80::1', false],
    ['not-an-ip', false],
  ];

  it.each(cases)('%s inside: %s', (address, inside) => {
    expect(list.contains(address)).toBe(inside);
  });

  it.each(['10.0.0.0', '10.0.0.300/8', '10.0.0.0/33', '::/129', 'abc/8'])(
    'rejects %s as a CIDR',
    (cidr) => {
      expect(() => SubnetList.check(cidr)).toThrow(/not an IPv4 or IPv6 CIDR/);
    },
  );
});
