// Address math for IPv4 and IPv6: parsing, subnets, ranges, offsets. ipaddr.js parses;
// BigInt does the arithmetic so that a /64 is no harder than a /24. Pure functions only.
import ipaddr from 'ipaddr.js';

export type Family = 4 | 6;

export interface Address {
  family: Family;
  value: bigint;
}

export interface Cidr {
  family: Family;
  /** The subnet's first address (host bits zero). */
  network: bigint;
  prefix: number;
}

/** Both ends included. */
export interface Range {
  family: Family;
  start: bigint;
  end: bigint;
}

const BITS: Record<Family, number> = { 4: 32, 6: 128 };

/** What a text field holds, or why it is not an address / subnet. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

function fromBytes(bytes: number[]): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}

function toBytes(value: bigint, count: number): number[] {
  const out = new Array<number>(count);
  for (let i = count - 1; i >= 0; i--) {
    out[i] = Number(value & 0xffn);
    value >>= 8n;
  }
  return out;
}

/** Parses a plain address ("192.168.24.5", "fd00::5"); no prefix, no zone id. */
export function parseAddressResult(text: string): Parsed<Address> {
  const s = text.trim();
  if (!s) return { ok: false, problem: 'is empty' };
  if (s.includes('/')) return { ok: false, problem: `"${s}" is a subnet; an address has no /prefix` };
  if (s.includes(':')) {
    if (s.includes('%')) return { ok: false, problem: `"${s}" has a zone id (%...), which cannot be used here` };
    if (!ipaddr.IPv6.isValid(s)) return { ok: false, problem: `"${s}" is not an IPv6 address` };
    return { ok: true, value: { family: 6, value: fromBytes(ipaddr.IPv6.parse(s).toByteArray()) } };
  }
  if (!ipaddr.IPv4.isValidFourPartDecimal(s)) {
    return { ok: false, problem: `"${s}" is not an IPv4 address (four numbers 0-255 like 192.168.24.5)` };
  }
  return { ok: true, value: { family: 4, value: fromBytes(ipaddr.IPv4.parse(s).toByteArray()) } };
}

export function parseAddress(text: string): Address | undefined {
  const r = parseAddressResult(text);
  return r.ok ? r.value : undefined;
}

/**
 * Parses a subnet "192.168.24.0/24". Host bits must be zero: "192.168.24.7/24" is a
 * problem that names the subnet meant ("192.168.24.0/24").
 */
export function parseCidrResult(text: string): Parsed<Cidr> {
  const s = text.trim();
  const slash = s.indexOf('/');
  if (slash < 0) return { ok: false, problem: `"${s}" has no /prefix (write it like 192.168.24.0/24)` };
  const addr = parseAddressResult(s.slice(0, slash));
  if (!addr.ok) return addr;
  const prefixText = s.slice(slash + 1);
  const family = addr.value.family;
  const max = BITS[family];
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > max) {
    return { ok: false, problem: `"/${prefixText}" is not a prefix length (0-${max} for IPv${family})` };
  }
  const prefix = Number(prefixText);
  const network = addr.value.value & maskOf(family, prefix);
  if (network !== addr.value.value) {
    const meant = formatCidr({ family, network, prefix });
    return { ok: false, problem: `"${s}" has host bits set; the subnet is ${meant}` };
  }
  return { ok: true, value: { family, network, prefix } };
}

export function parseCidr(text: string): Cidr | undefined {
  const r = parseCidrResult(text);
  return r.ok ? r.value : undefined;
}

/** An interface address "192.168.1.20/24" → the address and its subnet. */
export function parseInterfaceAddress(text: string): { address: Address; cidr: Cidr } | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const address = parseAddress(text.slice(0, slash));
  const prefix = Number(text.slice(slash + 1));
  if (!address || !Number.isInteger(prefix) || prefix < 0 || prefix > BITS[address.family]) return undefined;
  return { address, cidr: cidrOf(address, prefix) };
}

function maskOf(family: Family, prefix: number): bigint {
  const bits = BigInt(BITS[family]);
  const all = (1n << bits) - 1n;
  return (all << (bits - BigInt(prefix))) & all;
}

/** The subnet of the given prefix that holds an address. */
export function cidrOf(address: Address, prefix: number): Cidr {
  return { family: address.family, network: address.value & maskOf(address.family, prefix), prefix };
}

export function formatAddress(a: Address): string {
  if (a.family === 4) {
    const n = Number(a.value);
    return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
  }
  return ipaddr.fromByteArray(toBytes(a.value, 16)).toString();
}

export function formatCidr(c: Cidr): string {
  return `${formatAddress({ family: c.family, value: c.network })}/${c.prefix}`;
}

export function formatRange(r: Range): string {
  return `${formatAddress({ family: r.family, value: r.start })}-${formatAddress({ family: r.family, value: r.end })}`;
}

/** Number of addresses in the subnet, network and broadcast included. */
export function cidrSize(c: Cidr): bigint {
  return 1n << BigInt(BITS[c.family] - c.prefix);
}

export function lastOf(c: Cidr): bigint {
  return c.network + cidrSize(c) - 1n;
}

export function cidrRange(c: Cidr): Range {
  return { family: c.family, start: c.network, end: lastOf(c) };
}

/**
 * Addresses a host may use: IPv4 leaves out the network and broadcast address (except
 * /31 and /32, RFC 3021); IPv6 leaves out the subnet-router anycast address (the first).
 */
export function usableRange(c: Cidr): Range | undefined {
  const size = cidrSize(c);
  if (c.family === 4 && size <= 2n) return cidrRange(c);
  if (c.family === 6 && size === 1n) return cidrRange(c);
  const end = c.family === 4 ? lastOf(c) - 1n : lastOf(c);
  return { family: c.family, start: c.network + 1n, end };
}

export function contains(c: Cidr, a: Address): boolean {
  return c.family === a.family && a.value >= c.network && a.value <= lastOf(c);
}

export function inRange(r: Range, a: Address): boolean {
  return r.family === a.family && a.value >= r.start && a.value <= r.end;
}

export function rangesOverlap(a: Range, b: Range): boolean {
  return a.family === b.family && a.start <= b.end && b.start <= a.end;
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return rangesOverlap(cidrRange(a), cidrRange(b));
}

/** Addresses in a range (0 when start > end). */
export function rangeSize(r: Range): bigint {
  return r.end >= r.start ? r.end - r.start + 1n : 0n;
}

/** A range from two address texts; undefined if either does not parse or families differ. */
export function parseRange(start: string, end: string): Range | undefined {
  const s = parseAddress(start);
  const e = parseAddress(end);
  if (!s || !e || s.family !== e.family) return undefined;
  return { family: s.family, start: s.value, end: e.value };
}

/**
 * The address `n` places into the subnet: 0 is the network address, 1 the first host;
 * negative counts back from the last address (-1 is the IPv4 broadcast). Undefined when
 * outside the subnet.
 */
export function offset(c: Cidr, n: bigint | number): Address | undefined {
  const k = BigInt(n);
  const value = k >= 0n ? c.network + k : lastOf(c) + 1n + k;
  if (value < c.network || value > lastOf(c)) return undefined;
  return { family: c.family, value };
}

/**
 * `offset` as text, or undefined when outside: a subnet the person chose may be too small
 * for a suggested range, which is then left unset (validation names it).
 */
export function offsetText(c: Cidr, n: bigint | number): string | undefined {
  const a = offset(c, n);
  return a && formatAddress(a);
}

/** Smallest prefix length (largest subnet) needed to hold `count` addresses. */
export function prefixFor(family: Family, count: bigint | number): number {
  const need = BigInt(count);
  let bits = 0;
  while (1n << BigInt(bits) < need) bits++;
  return Math.max(0, BITS[family] - bits);
}
