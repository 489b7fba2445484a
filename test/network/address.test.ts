import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  cidrOf,
  cidrSize,
  cidrsOverlap,
  contains,
  formatAddress,
  formatCidr,
  lastOf,
  offset,
  parseAddress,
  parseAddressResult,
  parseCidr,
  parseCidrResult,
  parseInterfaceAddress,
  prefixFor,
  rangeSize,
  rangesOverlap,
  usableRange,
  type Cidr,
} from '../../src/network/address.js';

describe('parseAddress', () => {
  it.each([
    ['192.168.24.5', 4, 0xc0a81805n],
    ['0.0.0.0', 4, 0n],
    ['255.255.255.255', 4, 0xffffffffn],
    ['::', 6, 0n],
    ['fd00::1', 6, 0xfd000000000000000000000000000001n],
    ['::ffff:1.2.3.4', 6, 0xffff01020304n],
    [' 10.0.0.1 ', 4, 0x0a000001n],
  ])('%s is IPv%i', (text, family, value) => {
    expect(parseAddress(text)).toEqual({ family, value });
  });

  it.each([
    ['', 'empty'],
    ['10.0.0', 'not an IPv4'],
    ['10.0.0.256', 'not an IPv4'],
    ['010.0.0.1', 'not an IPv4'],
    ['10.0.0.1/24', 'is a subnet'],
    ['fe80::1%eth0', 'zone id'],
    ['fd00::g', 'not an IPv6'],
    ['1:2:3', 'not an IPv6'],
    ['example.com', 'not an IPv4'],
  ])('%j is refused (%s)', (text, problem) => {
    const r = parseAddressResult(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problem).toContain(problem);
  });
});

describe('parseCidr', () => {
  it.each([
    ['192.168.24.0/24', 4, 24, 256n],
    ['10.0.0.0/8', 4, 8, 1n << 24n],
    ['0.0.0.0/0', 4, 0, 1n << 32n],
    ['198.51.100.7/32', 4, 32, 1n],
    ['fd00:1:2::/64', 6, 64, 1n << 64n],
    ['2001:db8::/32', 6, 32, 1n << 96n],
  ])('%s', (text, family, prefix, size) => {
    const c = parseCidr(text)!;
    expect(c.family).toBe(family);
    expect(c.prefix).toBe(prefix);
    expect(cidrSize(c)).toBe(size);
    expect(formatCidr(c)).toBe(text);
  });

  it.each([
    ['192.168.24.0', 'no /prefix'],
    ['192.168.24.0/33', 'not a prefix'],
    ['192.168.24.0/-1', 'not a prefix'],
    ['192.168.24.0/', 'not a prefix'],
    ['fd00::/129', 'not a prefix'],
    ['192.168.24.7/24', 'the subnet is 192.168.24.0/24'],
    ['fd00::1/64', 'the subnet is fd00::/64'],
    ['300.0.0.0/8', 'not an IPv4'],
  ])('%j is refused (%s)', (text, problem) => {
    const r = parseCidrResult(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problem).toContain(problem);
  });

  it('reads interface addresses with host bits', () => {
    const r = parseInterfaceAddress('192.168.1.20/24')!;
    expect(formatAddress(r.address)).toBe('192.168.1.20');
    expect(formatCidr(r.cidr)).toBe('192.168.1.0/24');
    expect(parseInterfaceAddress('192.168.1.20')).toBeUndefined();
  });
});

describe('subnets and ranges', () => {
  const c24 = parseCidr('192.168.24.0/24')!;
  it('contains', () => {
    expect(contains(c24, parseAddress('192.168.24.255')!)).toBe(true);
    expect(contains(c24, parseAddress('192.168.25.0')!)).toBe(false);
    expect(contains(c24, parseAddress('::ffff:192.168.24.1')!)).toBe(false);
  });
  it('offsets count from either end', () => {
    expect(formatAddress(offset(c24, 1)!)).toBe('192.168.24.1');
    expect(formatAddress(offset(c24, -2)!)).toBe('192.168.24.254');
    expect(offset(c24, 256)).toBeUndefined();
    expect(offset(c24, -257)).toBeUndefined();
    expect(formatAddress(offset(parseCidr('fd00::/64')!, 5)!)).toBe('fd00::5');
  });
  it('usable range leaves out network and broadcast for IPv4', () => {
    expect(rangeSize(usableRange(c24)!)).toBe(254n);
    expect(rangeSize(usableRange(parseCidr('10.0.0.0/31')!)!)).toBe(2n);
    expect(rangeSize(usableRange(parseCidr('fd00::/120')!)!)).toBe(255n);
  });
  it.each([
    ['10.0.0.0/24', '10.0.0.128/25', true],
    ['10.0.0.0/24', '10.0.1.0/24', false],
    ['10.0.0.0/8', '10.200.0.0/16', true],
    ['fd00::/64', 'fd00::/48', true],
    ['fd00::/64', 'fd00:0:0:1::/64', false],
    ['10.0.0.0/8', '::/0', false],
  ])('%s overlaps %s: %s', (a, b, want) => {
    expect(cidrsOverlap(parseCidr(a)!, parseCidr(b)!)).toBe(want);
    expect(cidrsOverlap(parseCidr(b)!, parseCidr(a)!)).toBe(want);
  });
  it('prefixFor gives the smallest subnet that holds a count', () => {
    expect(prefixFor(4, 256)).toBe(24);
    expect(prefixFor(4, 257)).toBe(23);
    expect(prefixFor(4, 1)).toBe(32);
    expect(prefixFor(6, 1n << 64n)).toBe(64);
  });
});

// Properties, over both families.
const v4 = fc.bigInt({ min: 0n, max: (1n << 32n) - 1n }).map((value) => ({ family: 4 as const, value }));
const v6 = fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }).map((value) => ({ family: 6 as const, value }));
const anyAddress = fc.oneof(v4, v6);
const anyCidr = anyAddress.chain((a) =>
  fc.integer({ min: 0, max: a.family === 4 ? 32 : 128 }).map((p) => cidrOf(a, p)),
);

describe('properties', () => {
  it('format then parse gives the same address', () => {
    fc.assert(fc.property(anyAddress, (a) => {
        expect(parseAddress(formatAddress(a))).toEqual(a);
      }));
  });
  it('format then parse gives the same subnet', () => {
    fc.assert(fc.property(anyCidr, (c) => {
        expect(parseCidr(formatCidr(c))).toEqual(c);
      }));
  });
  it('a subnet holds its address, its first and last, and nothing just outside', () => {
    fc.assert(
      fc.property(anyAddress, fc.integer({ min: 0, max: 128 }), (a, p) => {
        const c: Cidr = cidrOf(a, Math.min(p, a.family === 4 ? 32 : 128));
        expect(contains(c, a)).toBe(true);
        expect(contains(c, { family: a.family, value: c.network })).toBe(true);
        expect(contains(c, { family: a.family, value: lastOf(c) })).toBe(true);
        expect(contains(c, { family: a.family, value: c.network - 1n })).toBe(false);
        expect(contains(c, { family: a.family, value: lastOf(c) + 1n })).toBe(false);
      }),
    );
  });
  it('offset k lands inside exactly when 0 <= k < size, and -k mirrors it', () => {
    fc.assert(
      fc.property(anyCidr, fc.bigInt({ min: 0n, max: 1n << 40n }), (c, k) => {
        const inside = k < cidrSize(c);
        expect(offset(c, k) !== undefined).toBe(inside);
        if (inside) expect(offset(c, -(k + 1n))!.value).toBe(lastOf(c) - k);
      }),
    );
  });
  it('overlap is symmetric and agrees with a shared address', () => {
    fc.assert(
      fc.property(anyCidr, anyCidr, (a, b) => {
        const o = cidrsOverlap(a, b);
        expect(cidrsOverlap(b, a)).toBe(o);
        // Two subnets overlap exactly when one holds the other's first address.
        const shared =
          contains(a, { family: b.family, value: b.network }) || contains(b, { family: a.family, value: a.network });
        expect(o).toBe(shared);
      }),
    );
  });
  it('range overlap matches the size of the intersection', () => {
    const r = fc.tuple(fc.bigInt({ min: 0n, max: 1000n }), fc.bigInt({ min: 0n, max: 1000n }));
    fc.assert(
      fc.property(r, r, ([a1, a2], [b1, b2]) => {
        const a = { family: 4 as const, start: a1 < a2 ? a1 : a2, end: a1 < a2 ? a2 : a1 };
        const b = { family: 4 as const, start: b1 < b2 ? b1 : b2, end: b1 < b2 ? b2 : b1 };
        const lo = a.start > b.start ? a.start : b.start;
        const hi = a.end < b.end ? a.end : b.end;
        expect(rangesOverlap(a, b)).toBe(rangeSize({ family: 4, start: lo, end: hi }) > 0n);
      }),
    );
  });
});
