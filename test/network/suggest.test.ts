import { describe, expect, it } from 'vitest';
import { parseAddress, parseCidr, rangeSize, parseRange } from '../../src/network/address.js';
import { suggestNetwork, switchLayout, withRoom } from '../../src/network/suggest.js';
import { validateNetwork } from '../../src/network/validate.js';
import { lab } from './fixtures.js';

describe('suggestNetwork', () => {
  it('two-machine: flat, upstream provisioning range on the spare NIC, external on the default-route NIC', () => {
    const { plan, facts } = lab('two-machine');
    const { network, why } = suggestNetwork({ plan, hostFacts: facts });
    expect(network.layout).toBe('flat');
    expect(network.provisioning).toMatchObject({
      nic: 'eno2',
      cidr: '192.168.24.0/24',
      dhcpStart: '192.168.24.5',
      dhcpEnd: '192.168.24.24',
      inspectionStart: '192.168.24.100',
      inspectionEnd: '192.168.24.120',
    });
    expect(network.external).toMatchObject({ nic: 'eno1', cidr: '192.168.1.0/24', gateway: '192.168.1.1' });
    expect(network.external.vlan).toBeUndefined();
    expect(Object.values(network.isolated)).toEqual([]);
    expect(why['network.provisioning.nic']).toContain('default route');
    expect(why['network.external.nic']).toContain('default route');
    expect(why['network.layout']).toContain('Helion');
  });

  it('ha-lab: isolated with the upstream VLANs, all unique, Management off', () => {
    const { plan, facts } = lab('ha-lab');
    const { network, why } = suggestNetwork({ plan, hostFacts: facts });
    expect(network.layout).toBe('isolated');
    const vlans = Object.fromEntries(Object.entries(network.isolated).map(([k, v]) => [k, v!.vlan]));
    expect(vlans).toEqual({ InternalApi: 20, Storage: 30, StorageMgmt: 40, Tenant: 50, Management: 60 });
    expect(network.isolated.Management!.enabled).toBe(false);
    expect(network.isolated.Tenant!.vip).toBeUndefined();
    expect(why['network.isolated.Storage.vlan']).toContain('upstream');
  });

  it('every suggested value says why', () => {
    const { plan, facts } = lab('ha-lab');
    const { network, why } = suggestNetwork({ plan, hostFacts: facts });
    const paths: string[] = [];
    const walk = (v: unknown, path: string) => {
      if (v && typeof v === 'object' && !Array.isArray(v)) for (const [k, x] of Object.entries(v)) walk(x, `${path}.${k}`);
      else if (!Array.isArray(v)) paths.push(path);
    };
    walk(network, 'network');
    for (const path of paths) expect(why[path], path).toBeTruthy();
  });

  it('moves the provisioning subnet off a subnet the host already uses or routes', () => {
    const { plan, facts } = lab('two-machine');
    facts.nics[1].addresses.push('192.168.24.10/24');
    facts.routes.push({ dst: '192.168.25.0/24', via: '192.168.1.1', dev: 'eno1' });
    const { network, why } = suggestNetwork({ plan, hostFacts: facts });
    expect(network.provisioning.cidr).toBe('192.168.26.0/24');
    expect(why['network.provisioning.cidr']).toContain('no address or route');
  });

  it('sizes ranges to the servers with room to grow', () => {
    for (const n of [1, 13, 100, 1000, 5000]) {
      const { plan, facts } = lab(`datacenter-${n}`);
      const { network } = suggestNetwork({ plan, hostFacts: facts, layout: 'isolated' });
      const dhcp = rangeSize(parseRange(network.provisioning.dhcpStart!, network.provisioning.dhcpEnd!)!);
      expect(dhcp).toBeGreaterThanOrEqual(BigInt(Math.max(20, n + 1)));
      expect(dhcp).toBeGreaterThanOrEqual(BigInt(withRoom(n)));
      const storage = network.isolated.Storage!;
      expect(rangeSize(parseRange(storage.poolStart!, storage.poolEnd!)!)).toBeGreaterThanOrEqual(BigInt(withRoom(n)));
      expect(validateNetwork({ ...plan, network }, facts), `${n} servers`).toEqual([]);
    }
  });

  it('keeps the external network off a NIC that provisioning needs (one-NIC host)', () => {
    const { plan, facts } = lab('two-machine');
    facts.nics = facts.nics.slice(0, 1);
    const { network, why } = suggestNetwork({ plan, hostFacts: facts });
    expect(network.provisioning.nic).toBe('eno1');
    expect(network.external.vlan).toBe(10);
    expect(network.external.cidr).toBe('10.0.0.0/24');
    expect(why['network.provisioning.nic']).toContain('second NIC');
    expect(validateNetwork({ ...plan, network }, facts).map((f) => f.rule)).toEqual(['network.provisioning-nic-risky']);
  });

  it('keeps the new subnets off the BMC addresses', () => {
    const { plan, facts } = lab('two-machine');
    plan.nodes[0].bmc.address = '192.168.24.50';
    const cidr = parseCidr(suggestNetwork({ plan, hostFacts: facts }).network.provisioning.cidr)!;
    expect(cidr.network).not.toBe(parseAddress('192.168.24.0')!.value);
  });

  it('works without host facts', () => {
    const { plan } = lab('two-machine');
    const { network, why } = suggestNetwork({ plan });
    expect(network.provisioning.cidr).toBe('192.168.24.0/24');
    expect(network.provisioning.nic).toBeUndefined();
    expect(why['network.provisioning.nic']).toContain('pick');
  });
});

describe('switchLayout', () => {
  it('flat → isolated adds the isolated networks and keeps provisioning and external as edited', () => {
    const { plan, facts } = lab('two-machine');
    plan.network = suggestNetwork({ plan, hostFacts: facts }).network;
    plan.network.provisioning.dhcpEnd = '192.168.24.60';
    plan.network.dns = ['1.1.1.1'];
    const { network } = switchLayout(plan, 'isolated', facts);
    expect(network.layout).toBe('isolated');
    expect(network.provisioning.dhcpEnd).toBe('192.168.24.60');
    expect(network.dns).toEqual(['1.1.1.1']);
    expect(network.isolated.InternalApi).toMatchObject({ enabled: true, vlan: 20, cidr: '172.16.2.0/24' });
    expect(validateNetwork({ ...plan, network }, facts)).toEqual([]);
  });

  it('isolated → flat → isolated restores the isolated networks as they were', () => {
    const { plan, facts } = lab('ha-lab');
    plan.network = suggestNetwork({ plan, hostFacts: facts }).network;
    plan.network.isolated.Storage!.vlan = 33;
    const flat = switchLayout(plan, 'flat', facts).network;
    expect(flat.layout).toBe('flat');
    expect(flat.isolated.Storage!.enabled).toBe(false);
    const back = switchLayout({ ...plan, network: flat }, 'isolated', facts).network;
    expect(back.isolated.Storage).toMatchObject({ enabled: true, vlan: 33 });
    expect(back.isolated.Management!.enabled).toBe(false);
  });
});
