import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { allocate, jumpHash } from '../../src/network/allocate.js';
import { inRange, parseAddress, parseRange } from '../../src/network/address.js';
import { suggestNetwork } from '../../src/network/suggest.js';
import type { Plan } from '../../src/plan/schema.js';
import { lab } from './fixtures.js';

function haLab(): Plan {
  const { plan, facts } = lab('ha-lab');
  plan.nodes.forEach((n, i) => (n.role = i < 3 ? 'Controller' : 'Compute'));
  return { ...plan, network: suggestNetwork({ plan, hostFacts: facts }).network };
}

function addServers(plan: Plan, count: number, role: 'Compute' | null = 'Compute'): Plan {
  const template = plan.nodes[0];
  const more = Array.from({ length: count }, (_, i) => ({ ...template, name: `extra-${i}`, role: role ?? undefined }));
  return { ...plan, nodes: [...plan.nodes, ...more] };
}

describe('allocate', () => {
  it('gives each server an address on each of its role\'s networks, inside the pool', () => {
    const plan = haLab();
    const a = allocate(plan);
    expect(a.networks).toEqual(['ctlplane', 'External', 'InternalApi', 'Storage', 'StorageMgmt', 'Tenant']);
    const controller = a.byNode.get('node-01')!;
    expect(Object.keys(controller.addresses).sort()).toEqual(['External', 'InternalApi', 'Storage', 'StorageMgmt', 'Tenant', 'ctlplane']);
    const compute = a.byNode.get('node-06')!;
    expect(Object.keys(compute.addresses).sort()).toEqual(['InternalApi', 'Storage', 'Tenant', 'ctlplane']);
    const dhcp = parseRange(plan.network.provisioning.dhcpStart!, plan.network.provisioning.dhcpEnd!)!;
    for (const n of a.nodes) expect(inRange(dhcp, parseAddress(n.addresses.ctlplane!)!)).toBe(true);
    expect(a.seed).toBe('192.168.24.1');
    expect(a.undercloud).toBe('192.168.24.2');
    expect(a.vips).toMatchObject({ External: plan.network.external.publicVip, InternalApi: '172.16.2.5' });
    expect(a.unallocated).toEqual([]);
  });

  it('never hands out an address twice on a network, nor a static one', () => {
    const plan = addServers(haLab(), 300);
    plan.network.provisioning.dhcpEnd = '192.168.25.255';
    plan.network.provisioning.cidr = '192.168.24.0/23';
    plan.network.provisioning.inspectionStart = '192.168.24.200';
    plan.network.provisioning.inspectionEnd = '192.168.24.250';
    plan.network.provisioning.dhcpStart = '192.168.25.0';
    plan.network.provisioning.undercloudIp = '192.168.25.7'; // inside the pool: a finding, and never given out
    const a = allocate(plan);
    for (const net of a.networks) {
      const seen = a.nodes.map((n) => n.addresses[net]).filter(Boolean);
      expect(new Set(seen).size, net).toBe(seen.length);
    }
    expect(a.nodes.filter((n) => n.addresses.ctlplane === '192.168.25.7')).toEqual([]);
  });

  it('is the same for the same plan, and adding servers moves nobody', () => {
    const plan = haLab();
    const before = allocate(plan);
    expect(allocate(structuredClone(plan)).nodes).toEqual(before.nodes);
    const after = allocate(addServers(plan, 10));
    for (const n of before.nodes) expect(after.byNode.get(n.node)!.addresses).toEqual(n.addresses);
  });

  it('growing a pool moves only a few servers', () => {
    const plan = addServers(haLab(), 14); // 20 servers
    plan.network.isolated.Storage!.poolEnd = '172.16.1.39'; // 30 slots
    const before = allocate(plan);
    plan.network.isolated.Storage!.poolEnd = '172.16.1.59'; // 30 → 50 slots
    const after = allocate(plan);
    const moved = before.nodes.filter((n) => after.byNode.get(n.node)!.addresses.Storage !== n.addresses.Storage);
    // The hash alone moves 20 × 20/50 = 8; collisions at 2/3 load add a few. Renumbering: all 20.
    expect(moved.length).toBeLessThanOrEqual(15);
  });

  it('reports servers that find a full pool, and an unreadable pool', () => {
    const plan = addServers(haLab(), 30);
    plan.network.isolated.Tenant!.poolEnd = '172.16.0.19'; // 10 addresses for 36 servers
    plan.network.isolated.Storage!.poolStart = 'nonsense';
    const a = allocate(plan);
    expect(a.unallocated.filter((u) => u.network === 'Tenant')).toHaveLength(26);
    expect(a.unallocated.find((u) => u.network === 'Storage')!.reason).toContain('cannot be read');
  });

  it('gives unassigned servers the provisioning network, and the undercloud server its static address', () => {
    const plan = addServers(haLab(), 2, null);
    plan.roles.undercloud = { placement: 'server', node: 'extra-1' };
    const a = allocate(plan);
    expect(Object.keys(a.byNode.get('extra-0')!.addresses)).toEqual(['ctlplane']);
    expect(a.byNode.get('extra-1')!.addresses).toEqual({ ctlplane: '192.168.24.2' });
  });

  it('allocates from an IPv6 pool far larger than 2^32 addresses', () => {
    const plan = addServers(haLab(), 50);
    Object.assign(plan.network.isolated.Tenant!, { cidr: 'fd00:50::/64', poolStart: 'fd00:50::10', poolEnd: 'fd00:50::ffff:ffff:ffff:ffff' });
    const a = allocate(plan);
    const tenant = a.nodes.map((n) => n.addresses.Tenant).filter((x): x is string => !!x);
    expect(tenant).toHaveLength(56);
    expect(new Set(tenant).size).toBe(56);
    const pool = parseRange('fd00:50::10', 'fd00:50::ffff:ffff:ffff:ffff')!;
    for (const t of tenant) expect(inRange(pool, parseAddress(t)!)).toBe(true);
    expect(allocate(plan).nodes).toEqual(a.nodes);
  });

  it('jumpHash stays in range and moves few keys when buckets grow (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 1, max: 100000 }), (key, n) => {
        const b = jumpHash(key, n);
        expect(b).toBeGreaterThanOrEqual(0);
        expect(b).toBeLessThan(n);
        const grown = jumpHash(key, n + 1);
        expect(grown === b || grown === n).toBe(true);
      }),
    );
  });
});
