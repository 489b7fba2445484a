import { describe, expect, it } from 'vitest';
import { planForLab } from '../../src/deploy/lab-plan.js';
import { diffLines, diffPlans } from '../../src/plan/diff.js';
import type { Node, Plan, RoleName } from '../../src/plan/schema.js';
import { replan, scaleOutLine } from '../../src/plan/scale-out.js';

// ha-lab: node-01 the undercloud (a server), node-02 a controller, node-03 and node-04 computes.
const deployed = planForLab('ha-lab');

function newServer(i: number, role: RoleName | undefined): Node {
  const like = deployed.nodes.find((n) => n.name === 'node-03')!;
  const hex = i.toString(16).padStart(2, '0');
  return { ...like, name: `rack2-${String(i).padStart(2, '0')}`, bmc: { ...like.bmc, address: `10.20.1.${i}` }, macs: [`ac:1f:6b:00:02:${hex}`], role, roleSource: 'manual' };
}

const edit = (change: (p: Plan) => Plan): Plan => change(structuredClone(deployed));
const withNode = (p: Plan, name: string, change: Partial<Node>): Plan => ({ ...p, nodes: p.nodes.map((n) => (n.name === name ? { ...n, ...change } : n)) });

describe('the difference between the deployed cloud and an edited answers file', () => {
  it('says nothing changes for the same plan, even with new facts, passwords, options or a backup path', () => {
    const same = edit((p) => ({
      ...withNode(p, 'node-03', { cpu: 64, bmc: { ...p.nodes[2].bmc, password: 'rotated' } }),
      options: { ...p.options, concurrency: 50 },
      seed: { ...p.seed, ironic: { url: 'http://x', auth: { type: 'noauth' }, apiVersion: '1.82', database: '/var/lib/ironic/ironic.db' } },
    }));
    // The seed's Ironic url is a real change; without it nothing is.
    expect(diffLines(diffPlans(deployed, { ...same, seed: deployed.seed }))).toEqual(['nothing changes: the answers file describes the deployed cloud']);
    expect(diffLines(diffPlans(deployed, same))).toEqual(["the seed's Ironic changes ((none) -> http://x): the seed, the undercloud and the overcloud must be deployed again"]);
  });

  it('two new computes: enrolled and deployed as Compute, nothing else; a scale-out runs only their steps and configures compute', () => {
    const edited = edit((p) => ({ ...p, nodes: [...p.nodes, newServer(1, 'Compute'), newServer(2, 'Compute')] }));
    const r = replan(deployed, edited);
    expect(diffLines(r.diff)).toEqual(['2 servers will be enrolled and deployed as Compute (rack2-01, rack2-02); nothing else changes']);
    expect(r.beyond).toEqual([]);
    expect(r.steps.map((s) => s.id)).toEqual([
      'overcloud.enrol.rack2-01',
      'overcloud.inspect.rack2-01',
      'overcloud.enrol.rack2-02',
      'overcloud.inspect.rack2-02',
      'overcloud.match-roles',
      'overcloud.deploy.rack2-01',
      'overcloud.deploy.rack2-02',
      'overcloud.configure.compute',
      'overcloud.backup-scale-out',
    ]);
    expect(scaleOutLine(r)).toBe(
      `a scale-out runs 8 of the plan's ${r.deployment.steps.length} steps: enrol, inspect and deploy of the 2 new servers, matching roles, then configuring compute services; then it backs up the seed and undercloud state`,
    );
  });

  it('a server that had no role and gets one is added; a new server without a role stays unused', () => {
    const base = withNode(deployed, 'node-04', { role: undefined });
    const edited = { ...structuredClone(base), nodes: [...base.nodes.map((n) => (n.name === 'node-04' ? { ...n, role: 'BlockStorage' as const } : n)), newServer(3, undefined)] };
    expect(diffLines(diffPlans(base, edited))).toEqual([
      '1 server will be enrolled and deployed as BlockStorage (node-04); nothing else changes',
      '1 server without a role stays unused: rack2-03',
    ]);
  });

  it('names every change a scale-out cannot make: removal, role change, a new BMC, the provisioning network, a new controller', () => {
    const edited = edit((p) => {
      const q = withNode(withNode(p, 'node-03', { role: 'BlockStorage' }), 'node-02', { bmc: { ...p.nodes[1].bmc, address: '10.20.0.99' } });
      return {
        ...q,
        nodes: [...q.nodes.filter((n) => n.name !== 'node-04'), newServer(4, 'Controller')],
        network: { ...q.network, provisioning: { ...q.network.provisioning, dhcpEnd: '192.168.24.60' } },
      };
    });
    const r = replan(deployed, edited);
    expect(diffLines(r.diff)).toEqual([
      '1 server will be enrolled and deployed as Controller (rack2-04)',
      'node-04 (Compute) will be undeployed and removed from Ironic',
      'node-03 changes role from Compute to BlockStorage: it is undeployed and deployed again',
      'node-02: its BMC address changes (10.20.0.2 -> 10.20.0.99): Ironic must enrol it again',
      "the provisioning network's dhcpEnd changes (192.168.24.24 -> 192.168.24.60): the undercloud and the overcloud must be deployed again",
    ]);
    expect(r.beyond).toEqual([
      "adding Controllers (rack2-04) changes the control plane's quorum",
      'removing node-04 (Compute)',
      'node-03 changing role from Compute to BlockStorage',
      'node-02: its BMC address changing (10.20.0.2 -> 10.20.0.99)',
      "the provisioning network's dhcpEnd changing (network.provisioning.dhcpEnd: 192.168.24.24 -> 192.168.24.60)",
    ]);
    expect(scaleOutLine(r)).toBeUndefined();
  });

  it('the undercloud server is not an overcloud server; moving the undercloud rebuilds from the undercloud on', () => {
    const edited = edit((p) => ({ ...withNode(p, 'node-01', { role: 'Compute' }), roles: { ...p.roles, undercloud: { placement: 'vm' } } }));
    const d = diffPlans(deployed, edited);
    expect(d.added).toEqual([{ name: 'node-01', role: 'Compute' }]);
    expect(d.redeploy.map((c) => [c.field, c.tier])).toEqual([
      ['roles.undercloud.placement', 'undercloud'],
      ['roles.undercloud.node', 'undercloud'],
    ]);
  });

  it('orders tier changes seed first and says the isolated networks by name', () => {
    const edited = edit((p) => ({ ...p, driver: 'real', network: { ...p.network, dns: ['9.9.9.9'], isolated: { Storage: { enabled: true, cidr: '172.16.1.0/24' } } } }));
    expect(diffLines(diffPlans(deployed, edited))).toEqual([
      'the driver changes (sim -> real): the seed, the undercloud and the overcloud must be deployed again',
      'the DNS server list changes ((none) -> 9.9.9.9): the overcloud must be deployed again',
      "the Storage network's enabled changes ((none) -> true): the overcloud must be deployed again",
      "the Storage network's cidr changes ((none) -> 172.16.1.0/24): the overcloud must be deployed again",
    ]);
  });
});
