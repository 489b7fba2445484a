import { describe, expect, it } from 'vitest';
import type { HostFacts } from '../../src/inventory/host-facts.js';
import type { Plan } from '../../src/plan/schema.js';
import { suggestNetwork } from '../../src/network/suggest.js';
import { findingsOf, validateNetwork } from '../../src/network/validate.js';
import { lab } from './fixtures.js';

/** The ha-lab with its suggested (isolated) network: a plan with no network findings. */
function base(): { plan: Plan; facts: HostFacts } {
  const { plan, facts } = lab('ha-lab');
  plan.nodes.forEach((n, i) => (n.role = i < 3 ? 'Controller' : 'Compute'));
  const network = suggestNetwork({ plan, hostFacts: facts }).network;
  return { plan: structuredClone({ ...plan, network }), facts };
}

type Edit = (plan: Plan, facts: HostFacts) => void;
interface Case {
  rule: string;
  where: string;
  /** A nearby edit that keeps the plan valid. */
  pass: Edit;
  /** The broken case. */
  fail: Edit;
  severity?: 'error' | 'warning';
}

const p = (plan: Plan) => plan.network.provisioning;
const e = (plan: Plan) => plan.network.external;
const iso = (plan: Plan, id: 'InternalApi' | 'Storage' | 'StorageMgmt' | 'Tenant' | 'Management') => plan.network.isolated[id]!;

const cases: Case[] = [
  { rule: 'cidr-invalid', where: 'network.provisioning.cidr', pass: (x) => void (p(x).cidr = '192.168.24.0/24'), fail: (x) => void (p(x).cidr = '192.168.24.0/33') },
  { rule: 'cidr-invalid', where: 'network.isolated.Storage.cidr', pass: (x) => void (iso(x, 'Storage').cidr = '172.16.1.0/24'), fail: (x) => void (iso(x, 'Storage').cidr = '172.16.1.9/24') },
  {
    rule: 'cidr-invalid',
    where: 'network.isolated.Tenant.cidr',
    pass: (x) => Object.assign(iso(x, 'Tenant'), { cidr: 'fd00:50::/64', poolStart: 'fd00:50::10', poolEnd: 'fd00:50::ff' }),
    fail: (x) => Object.assign(iso(x, 'Tenant'), { cidr: 'fd00:50::/129' }),
  },
  { rule: 'cidr-missing', where: 'network.isolated.Storage.cidr', pass: () => {}, fail: (x) => void (iso(x, 'Storage').cidr = '') },
  { rule: 'address-invalid', where: 'network.provisioning.seedIp', pass: (x) => void (p(x).seedIp = '192.168.24.3'), fail: (x) => void (p(x).seedIp = '192.168.24.300') },
  { rule: 'address-outside-subnet', where: 'network.provisioning.undercloudIp', pass: (x) => void (p(x).undercloudIp = '192.168.24.254'), fail: (x) => void (p(x).undercloudIp = '192.168.25.2') },
  { rule: 'address-outside-subnet', where: 'network.isolated.InternalApi.vip', pass: (x) => void (iso(x, 'InternalApi').vip = '172.16.2.6'), fail: (x) => void (iso(x, 'InternalApi').vip = 'fd00::6') },
  { rule: 'address-reserved', where: 'network.external.publicVip', pass: (x) => void (e(x).publicVip = '192.168.1.254'), fail: (x) => void (e(x).publicVip = '192.168.1.255') },
  { rule: 'range-reversed', where: 'network.provisioning.dhcpStart', pass: (x) => Object.assign(p(x), { dhcpStart: '192.168.24.5', dhcpEnd: '192.168.24.30' }), fail: (x) => Object.assign(p(x), { dhcpStart: '192.168.24.30', dhcpEnd: '192.168.24.5' }) },
  { rule: 'range-incomplete', where: 'network.external.floatingEnd', pass: (x) => Object.assign(e(x), { floatingStart: undefined, floatingEnd: undefined }), fail: (x) => Object.assign(e(x), { floatingEnd: undefined }) },
  { rule: 'subnet-overlap', where: 'network.isolated.Storage.cidr', pass: (x) => void (iso(x, 'Storage').cidr = '172.16.1.0/24'), fail: (x) => Object.assign(iso(x, 'Storage'), { cidr: '172.16.0.0/22', vip: '172.16.1.5', poolStart: '172.16.1.10', poolEnd: '172.16.1.40' }) },
  { rule: 'subnet-overlap', where: 'network.isolated.Management.cidr', pass: (x) => void (iso(x, 'Management').cidr = '192.168.24.0/24'), fail: (x) => Object.assign(iso(x, 'Management'), { enabled: true, cidr: '192.168.24.0/24', poolStart: '192.168.24.200', poolEnd: '192.168.24.230' }) },
  { rule: 'range-overlap', where: 'network.provisioning.inspectionStart', pass: (x) => Object.assign(p(x), { inspectionStart: '192.168.24.25', inspectionEnd: '192.168.24.60' }), fail: (x) => Object.assign(p(x), { inspectionStart: '192.168.24.24', inspectionEnd: '192.168.24.60' }) },
  { rule: 'range-overlap', where: 'network.external.floatingStart', pass: (x) => void (e(x).floatingStart = '192.168.1.159'), fail: (x) => void (e(x).floatingStart = '192.168.1.158') },
  { rule: 'gateway-in-range', where: 'network.provisioning.gateway', pass: (x) => void (p(x).gateway = '192.168.24.254'), fail: (x) => void (p(x).gateway = '192.168.24.10') },
  { rule: 'gateway-in-range', where: 'network.external.gateway', pass: (x) => void (e(x).gateway = '192.168.1.1'), fail: (x) => void (e(x).gateway = '192.168.1.200') },
  { rule: 'static-in-range', where: 'network.provisioning.seedIp', pass: (x) => void (p(x).seedIp = '192.168.24.4'), fail: (x) => void (p(x).seedIp = '192.168.24.5') },
  { rule: 'static-in-range', where: 'network.provisioning.undercloudIp', pass: (x) => void (p(x).undercloudIp = '192.168.24.99'), fail: (x) => void (p(x).undercloudIp = '192.168.24.100') },
  { rule: 'static-in-range', where: 'network.isolated.Storage.vip', pass: (x) => void (iso(x, 'Storage').vip = '172.16.1.9'), fail: (x) => void (iso(x, 'Storage').vip = '172.16.1.10') },
  { rule: 'static-in-range', where: 'network.external.publicVip', pass: (x) => void (e(x).publicVip = '192.168.1.160'), fail: (x) => void (e(x).publicVip = '192.168.1.200') },
  { rule: 'static-duplicate', where: 'network.provisioning.undercloudIp', pass: (x) => void (p(x).undercloudIp = '192.168.24.3'), fail: (x) => void (p(x).undercloudIp = p(x).seedIp) },
  { rule: 'static-is-gateway', where: 'network.external.publicVip', pass: (x) => void (e(x).publicVip = '192.168.1.2'), fail: (x) => void (e(x).publicVip = '192.168.1.1') },
  { rule: 'vlan-invalid', where: 'network.isolated.Tenant.vlan', pass: (x) => void (iso(x, 'Tenant').vlan = 4094), fail: (x) => void (iso(x, 'Tenant').vlan = 4095) },
  { rule: 'vlan-invalid', where: 'network.isolated.Tenant.vlan', pass: (x) => void (iso(x, 'Tenant').vlan = 1), fail: (x) => void (iso(x, 'Tenant').vlan = 0) },
  { rule: 'vlan-duplicate', where: 'network.isolated.Storage.vlan', pass: (x) => void (iso(x, 'Storage').vlan = 31), fail: (x) => void (iso(x, 'Storage').vlan = 20) },
  {
    rule: 'vlan-duplicate',
    where: 'network.isolated.InternalApi.vlan',
    // External untagged on its own NIC may reuse an ID; trunked with the others it may not.
    pass: (x) => Object.assign(e(x), { vlan: 20 }),
    fail: (x) => Object.assign(e(x), { vlan: 20, nic: p(x).nic }),
  },
  { rule: 'vlan-missing', where: 'network.isolated.Storage.vlan', pass: (x) => void (e(x).vlan = undefined), fail: (x) => void (iso(x, 'Storage').vlan = undefined) },
  { rule: 'dhcp-too-small', where: 'network.provisioning.dhcpEnd', pass: (x) => void (p(x).dhcpEnd = '192.168.24.24'), fail: (x) => void (p(x).dhcpEnd = '192.168.24.23') },
  {
    rule: 'dhcp-too-small',
    where: 'network.provisioning.dhcpEnd',
    pass: (x) => grow(x, 29),
    fail: (x) => grow(x, 30),
  },
  { rule: 'pool-too-small', where: 'network.isolated.Storage.poolEnd', pass: (x) => void (iso(x, 'Storage').poolEnd = '172.16.1.15'), fail: (x) => void (iso(x, 'Storage').poolEnd = '172.16.1.14') },
  { rule: 'field-missing', where: 'network.provisioning.seedIp', pass: () => {}, fail: (x) => void (p(x).seedIp = undefined) },
  { rule: 'field-missing', where: 'network.isolated.Storage.vip', pass: (x) => void (iso(x, 'Tenant').vip = undefined), fail: (x) => void (iso(x, 'Storage').vip = undefined) },
  { rule: 'field-missing', where: 'network.isolated.Tenant.poolStart', pass: (x) => Object.assign(iso(x, 'Management'), { poolStart: undefined, poolEnd: undefined }), fail: (x) => Object.assign(iso(x, 'Tenant'), { poolStart: undefined, poolEnd: undefined }) },
  {
    rule: 'provisioning-nic-risky',
    where: 'network.provisioning.nic',
    severity: 'warning',
    pass: (x) => void (p(x).nic = 'enp66s0f0'),
    fail: (x) => void (p(x).nic = 'enp65s0f0'),
  },
  {
    rule: 'provisioning-nic-risky',
    where: 'network.provisioning.nic',
    severity: 'warning',
    pass: () => {},
    fail: (_x, f) => void (f.sessionNic = 'enp65s0f1'),
  },
  { rule: 'provisioning-nic-unknown', where: 'network.provisioning.nic', pass: () => {}, fail: (x) => void (p(x).nic = 'eth9') },
  { rule: 'external-nic-unknown', where: 'network.external.nic', pass: () => {}, fail: (x) => void (e(x).nic = 'eth9') },
  { rule: 'field-missing', where: 'network.provisioning.nic', pass: () => {}, fail: (x) => void (p(x).nic = undefined) },
  {
    rule: 'provisioning-route-collision',
    where: 'network.provisioning.cidr',
    pass: (_x, f) => f.routes.push({ dst: '192.168.25.0/24', via: '192.168.1.1', dev: 'enp65s0f0' }),
    fail: (_x, f) => f.routes.push({ dst: '192.168.24.128/25', via: '192.168.1.1', dev: 'enp65s0f0' }),
  },
  {
    rule: 'provisioning-route-collision',
    where: 'network.provisioning.cidr',
    pass: (_x, f) => f.nics[2].addresses.push('10.99.0.1/24'),
    fail: (_x, f) => f.nics[2].addresses.push('192.168.24.7/24'),
  },
  { rule: 'dns-invalid', where: 'network.dns[1]', pass: (x) => void (x.network.dns = ['1.1.1.1', '2606:4700:4700::1111']), fail: (x) => void (x.network.dns = ['1.1.1.1', 'one.one']) },
  { rule: 'ntp-invalid', where: 'network.ntp[0]', pass: (x) => void (x.network.ntp = ['pool.ntp.org']), fail: (x) => void (x.network.ntp = ['pool ntp org']) },
  { rule: 'dns-none', where: 'network.dns', severity: 'warning', pass: (x) => void (x.network.dns = ['192.168.1.1']), fail: (x) => void (x.network.dns = []) },
  { rule: 'ntp-none', where: 'network.ntp', severity: 'warning', pass: (x) => void (x.network.ntp = ['192.168.1.1']), fail: (x) => void (x.network.ntp = []) },
  { rule: 'proxy-invalid', where: 'network.proxy.http', pass: (x) => void (x.network.proxy = { http: 'http://proxy:3128', noProxy: [] }), fail: (x) => void (x.network.proxy = { http: 'proxy:3128x', noProxy: [] }) },
];

/** Adds servers to the ha-lab (roles unassigned: they sit on the provisioning network). */
function grow(plan: Plan, servers: number): void {
  const template = plan.nodes[0];
  plan.nodes = Array.from({ length: servers }, (_, i) => ({ ...template, name: `node-${String(i + 1).padStart(3, '0')}` }));
  Object.assign(plan.network.provisioning, { dhcpStart: '192.168.24.5', dhcpEnd: '192.168.24.34' });
}

describe('validateNetwork', () => {
  it('finds nothing wrong with the suggested networks of the labs', () => {
    for (const name of ['two-machine', 'ha-lab', 'datacenter-300']) {
      const { plan, facts } = lab(name);
      const network = suggestNetwork({ plan, hostFacts: facts }).network;
      expect(validateNetwork({ ...plan, network }, facts), name).toEqual([]);
    }
  });

  describe.each(cases)('$rule at $where', ({ rule, where, pass, fail, severity = 'error' }) => {
    it('passes the near case', () => {
      const { plan, facts } = base();
      pass(plan, facts);
      expect(validateNetwork(plan, facts).filter((f) => f.rule === `network.${rule}`)).toEqual([]);
    });
    it('catches the broken case, on the field, with a fix', () => {
      const { plan, facts } = base();
      fail(plan, facts);
      const found = validateNetwork(plan, facts).filter((f) => f.rule === `network.${rule}`);
      expect(found.map((f) => f.where)).toContain(where);
      for (const f of found) {
        expect(f.severity).toBe(severity);
        expect(f.screen).toBe('network');
        expect(f.message.length).toBeGreaterThan(10);
        expect(f.fix.length).toBeGreaterThan(5);
      }
    });
  });

  it('ignores disabled networks and the isolated ones in the flat layout', () => {
    const { plan, facts } = base();
    iso(plan, 'Storage').cidr = 'nonsense';
    plan.network.layout = 'flat';
    expect(validateNetwork(plan, facts)).toEqual([]);
  });

  it('without host facts, host rules are not checked', () => {
    const { plan } = base();
    p(plan).nic = 'eth9';
    expect(validateNetwork(plan)).toEqual([]);
  });

  it('groups findings per network', () => {
    const { plan, facts } = base();
    iso(plan, 'Storage').vlan = 9999;
    const all = validateNetwork(plan, facts);
    expect(findingsOf(all, { path: 'network.isolated.Storage' })).toHaveLength(1);
    expect(findingsOf(all, { path: 'network.isolated.StorageMgmt' })).toHaveLength(0);
  });
});
