// Address helpers for discovery: BMC addresses, MACs and scan ranges.
import ipaddr from 'ipaddr.js';

const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;

/** An IPv4 address in dotted-quad form, an IPv6 address, or a host name. */
export function isBmcAddress(value: string): boolean {
  if (/^[\d.]+$/.test(value)) return ipaddr.IPv4.isValidFourPartDecimal(value);
  if (value.includes(':')) return ipaddr.IPv6.isValid(value);
  return HOSTNAME.test(value);
}

/** `52-54-00-AB-CD-EF` or `52:54:00:ab:cd:ef` → `52:54:00:ab:cd:ef`; undefined if not a MAC. */
export function normalizeMac(value: string): string | undefined {
  const v = value.trim().toLowerCase().replace(/-/g, ':');
  return /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/.test(v) ? v : undefined;
}

/** The largest range a scan accepts (a /16). */
const MAX_SCAN_ADDRESSES = 65536;

export class ScanRangeError extends Error {
  override name = 'ScanRangeError';
}

const toNum = (a: ipaddr.IPv4) => a.octets.reduce((n, o) => n * 256 + o, 0);
const toAddr = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');

function v4(text: string): ipaddr.IPv4 {
  if (!ipaddr.IPv4.isValidFourPartDecimal(text)) throw new ScanRangeError(`"${text}" is not an IPv4 address`);
  return ipaddr.IPv4.parse(text);
}

/**
 * Expands a scan range: `10.0.0.0/28` (hosts without network and broadcast), `10.0.0.5-10.0.0.40`,
 * `10.0.0.5-40` (last octet), a single address, or several separated by commas.
 */
export function expandRange(range: string): string[] {
  const out: string[] = [];
  for (const part of range.split(',').map((p) => p.trim()).filter(Boolean)) {
    let first: number;
    let last: number;
    if (part.includes('/')) {
      let cidr: [ipaddr.IPv4 | ipaddr.IPv6, number];
      try {
        cidr = ipaddr.parseCIDR(part);
      } catch {
        throw new ScanRangeError(`"${part}" is not a CIDR range like 10.0.0.0/24`);
      }
      const [addr, bits] = cidr;
      if (addr.kind() !== 'ipv4') throw new ScanRangeError(`"${part}": only IPv4 ranges can be scanned`);
      const net = toNum(ipaddr.IPv4.networkAddressFromCIDR(part));
      const bcast = toNum(ipaddr.IPv4.broadcastAddressFromCIDR(part));
      // /31 and /32 have no network or broadcast address to leave out
      [first, last] = bits >= 31 ? [net, bcast] : [net + 1, bcast - 1];
    } else if (part.includes('-')) {
      const [a, b] = part.split('-').map((s) => s.trim());
      first = toNum(v4(a));
      if (/^\d{1,3}$/.test(b)) {
        last = first - (first % 256) + Number(b);
        if (Number(b) > 255) throw new ScanRangeError(`"${part}": ${b} is not an address octet`);
      } else last = toNum(v4(b));
      if (last < first) throw new ScanRangeError(`"${part}": the range ends before it starts`);
    } else {
      first = last = toNum(v4(part));
    }
    if (out.length + (last - first + 1) > MAX_SCAN_ADDRESSES)
      throw new ScanRangeError(`"${range}" holds more than ${MAX_SCAN_ADDRESSES} addresses; scan it in smaller parts`);
    for (let n = first; n <= last; n++) out.push(toAddr(n >>> 0));
  }
  if (out.length === 0) throw new ScanRangeError('the range is empty: give a CIDR (10.0.0.0/24) or first-last (10.0.0.5-10.0.0.40)');
  return [...new Set(out)];
}
