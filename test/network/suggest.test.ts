import { describe, expect, it } from 'vitest';
import { parseAddress, parseCidr, rangeSize, parseRange } from '../../src/network/address.js';
import { enabledNetworks } from '../../src/network/networks.js';
import { choose, networkFor, suggestNetwork, switchLayout, withRoom } from '../../src/network/suggest.js';
import type { Plan } from '../../src/plan/schema.js';
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
    const network = switchLayout(plan, 'isolated', facts);
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
    const flat = switchLayout(plan, 'flat', facts);
    expect(flat.layout).toBe('flat');
    expect(enabledNetworks(flat).map((v) => v.id)).toEqual(['ctlplane', 'External']);
    const back = switchLayout({ ...plan, network: flat }, 'isolated', facts);
    expect(back.isolated.Storage).toMatchObject({ enabled: true, vlan: 33 });
    expect(back.isolated.Management!.enabled).toBe(false);
  });
});

describe('networkFor: the networks are a function of the servers, roles and what the person set', () => {
  /** A wizard plan: the network suggested whole, nothing set by the person yet. */
  const wizard = (name: string) => {
    const { plan, facts } = lab(name);
    plan.network = networkFor({ ...plan, network: { ...plan.network, manual: [] } }, facts);
    return { plan, facts };
  };

  it('the same roles give the same networks however the person got there', () => {
    const { plan, facts } = wizard('ha-lab');
    expect(plan.network.layout).toBe('isolated');
    // Path A: one controller asked for straight away.
    const a = networkFor({ ...plan, roles: { ...plan.roles, targets: { Controller: 1 } } }, facts);
    // Path B: two controllers first, the layout flipped twice, a DHCP end typed and given back to the suggestion, then one controller.
    let b: Plan = { ...plan, roles: { ...plan.roles, targets: { Controller: 3 } } };
    b = { ...b, network: networkFor(b, facts) };
    b = { ...b, network: switchLayout(b, 'flat', facts) };
    b = { ...b, network: choose(b, { ...b.network, provisioning: { ...b.network.provisioning, dhcpEnd: '192.168.24.90' } }, ['network.provisioning.dhcpEnd'], facts) };
    b = { ...b, network: choose(b, b.network, [], facts, ['network.layout', 'network.provisioning.dhcpEnd']) };
    b = { ...b, roles: { ...b.roles, targets: { Controller: 1 } } };
    b = { ...b, network: networkFor(b, facts) };
    expect(b.network).toEqual(a);
    expect(a.layout).toBe('flat');
    expect(Object.keys(a.isolated)).toEqual([]);
  });

  it('follows the roles: three controllers make the layout isolated, with the upstream VLANs in a fixed order', () => {
    const { plan, facts } = wizard('two-machine');
    expect(plan.network.layout).toBe('flat');
    const nodes = [...plan.nodes, ...plan.nodes.map((n, i) => ({ ...n, name: `extra-${i}`, bmc: { ...n.bmc, address: `127.0.9.${i + 1}` } }))];
    const grown: Plan = { ...plan, nodes, roles: { ...plan.roles, targets: { Controller: 3 } } };
    const network = networkFor(grown, facts);
    expect(network.layout).toBe('isolated');
    expect(Object.entries(network.isolated).map(([id, n]) => `${id}:${n!.vlan}`)).toEqual(['InternalApi:20', 'Storage:30', 'StorageMgmt:40', 'Tenant:50', 'Management:60']);
  });

  it('keeps what the person set: a chosen layout and subnet stay, the ranges move into the subnet', () => {
    const { plan, facts } = wizard('ha-lab');
    let p: Plan = { ...plan, network: switchLayout(plan, 'flat', facts) };
    p = { ...p, network: choose(p, { ...p.network, provisioning: { ...p.network.provisioning, cidr: '10.20.0.0/24' } }, ['network.provisioning.cidr'], facts) };
    const later = networkFor({ ...p, roles: { ...p.roles, targets: { Controller: 3 } } }, facts);
    expect(later.layout).toBe('flat');
    expect(later.provisioning).toMatchObject({ cidr: '10.20.0.0/24', seedIp: '10.20.0.1', dhcpStart: '10.20.0.5' });
    expect(later.manual).toEqual(['network.layout', 'network.provisioning.cidr']);
    expect(validateNetwork({ ...p, network: later }, facts)).toEqual([]);
  });

  it('a hand-written network (no list of what the person set) is kept as it is', () => {
    const { plan, facts } = lab('ha-lab');
    plan.network = suggestNetwork({ plan, hostFacts: facts, layout: 'flat' }).network;
    expect(networkFor({ ...plan, roles: { ...plan.roles, targets: { Controller: 3 } } }, facts)).toBe(plan.network);
  });
});
