import { describe, expect, it } from 'vitest';
import { expandRange, isBmcAddress, normalizeMac } from '../../src/inventory/addresses.js';

describe('scan ranges', () => {
  it('CIDR without network and broadcast; first-last; last-octet shorthand; lists', () => {
    expect(expandRange('10.20.0.0/29')).toEqual(['10.20.0.1', '10.20.0.2', '10.20.0.3', '10.20.0.4', '10.20.0.5', '10.20.0.6']);
    expect(expandRange('10.0.0.254-10.0.1.1')).toEqual(['10.0.0.254', '10.0.0.255', '10.0.1.0', '10.0.1.1']);
    expect(expandRange('192.168.5.10-12')).toEqual(['192.168.5.10', '192.168.5.11', '192.168.5.12']);
    expect(expandRange('10.0.0.7, 10.0.0.9')).toEqual(['10.0.0.7', '10.0.0.9']);
    expect(expandRange('10.0.0.7/32')).toEqual(['10.0.0.7']);
    expect(expandRange('172.16.0.0/22')).toHaveLength(1022);
  });

  it('says what is wrong with a bad range', () => {
    expect(() => expandRange('10.0.0.300/24')).toThrow(/not a CIDR range/);
    expect(() => expandRange('10.0.0.9-10.0.0.1')).toThrow(/ends before it starts/);
    expect(() => expandRange('fd00::/120')).toThrow(/only IPv4/);
    expect(() => expandRange('10.0.0.0/8')).toThrow(/more than 65536/);
    expect(() => expandRange('')).toThrow(/empty/);
  });
});

describe('addresses', () => {
  it('BMC addresses: dotted IPv4, IPv6, host names', () => {
    for (const ok of ['10.0.0.1', 'fd00::1', 'bmc-01.example.com', 'bmc7']) expect(isBmcAddress(ok)).toBe(true);
    for (const bad of ['10.0.0.300', '10.0.1', '-bmc', 'bmc_01', '']) expect(isBmcAddress(bad)).toBe(false);
  });

  it('MACs are normalised to lower case with colons', () => {
    expect(normalizeMac('52-54-00-AB-CD-EF')).toBe('52:54:00:ab:cd:ef');
    expect(normalizeMac('52:54:00:ab:cd')).toBeUndefined();
  });
});
