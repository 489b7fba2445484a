import { describe, expect, it } from 'vitest';
import { hostFactsFromLab } from '../../src/inventory/probe.js';
import { loadLab } from '../../src/lab/load.js';
import { suggestNetwork } from '../../src/network/suggest.js';
import { validate } from '../../src/plan/validate.js';
import { autoAssign } from '../../src/roles/assign.js';
import { describeLines, describePlan } from '../../src/roles/describe.js';
import { labPlan } from './fixtures.js';

function defaults(lab: string) {
  const plan = autoAssign(labPlan(lab)).plan;
  const world = loadLab(lab);
  // With the site's name and time servers (none at all is a finding of its own).
  const network = { ...suggestNetwork({ plan, hostFacts: hostFactsFromLab(world) }).network, dns: ['192.168.1.1'], ntp: ['pool.ntp.org'] };
  return { ...plan, seedHost: { hostname: world.seedHost.hostname }, network };
}

describe('the plan in plain words', () => {
  it('two-machine: seed and undercloud as VMs on this host, one all-in-one server', () => {
    const plan = defaults('two-machine');
    const d = describePlan(plan, { findings: validate(plan) });
    expect(d.tiers.map((t) => t.summary)).toEqual([
      `seed: VM on this host (seed-host), ${plan.network.provisioning.seedIp} on ${plan.network.provisioning.nic} (bridge brbm)`,
      `undercloud: VM on this host (seed-host), ${plan.network.provisioning.undercloudIp} (bridge brbm)`,
      // The endpoint first: at the screen's edge a list of servers may be cut, an address must not.
      `overcloud: public endpoint ${plan.network.external.publicVip}; node-01 all-in-one (controller and compute)`,
    ]);
    expect(d.tiers[2].hosts[0]).toMatchObject({ host: 'node-01', role: 'Controller+Compute', bmc: 'IPMI 10.20.0.11', size: '128 GiB, 24 CPUs, 894 GiB disk' });
    expect(d.tiers[2].hosts[0].addresses.map((a) => a.network)).toContain('ctlplane');
  });

  it('adopted clouds are named by their Ironic, not built', () => {
    const plan = defaults('two-machine');
    const adopted = {
      ...plan,
      seed: { mode: 'adopt' as const, ironic: { url: 'http://127.0.0.1:6385', auth: { type: 'noauth' as const }, apiVersion: '1.82' } },
      undercloud: { mode: 'adopt' as const, ironic: { url: 'http://127.0.0.2:6385', auth: { type: 'noauth' as const }, apiVersion: '1.82' } },
    };
    const d = describePlan(adopted, { findings: [] });
    expect(d.tiers.map((t) => t.summary).slice(0, 2)).toEqual(['seed: adopted, its Ironic at http://127.0.0.1:6385', 'undercloud: adopted, its Ironic at http://127.0.0.2:6385']);
  });

  it('every server with a role gets the addresses of its networks; findings and files are listed', () => {
    const plan = defaults('ha-lab');
    const d = describePlan(plan, { findings: validate(plan) });
    const controller = d.tiers[2].hosts.find((h) => h.role === 'Controller')!;
    expect(controller.addresses.map((a) => a.network)).toEqual(['ctlplane', 'External', 'InternalApi', 'Storage', 'StorageMgmt', 'Tenant']);
    const lines = describeLines(d);
    expect(lines).toContain('findings: 0 errors, 0 warnings');
    expect(lines).toContain('  node-info.yaml');
    expect(lines).toContain('  instackenv.json (holds BMC passwords, mode 0600)');
    expect(lines.some((l) => l.startsWith('Network: isolated'))).toBe(true);
    expect(lines.filter((l) => l.includes('Addresses of'))).toEqual([]);
  });

  it('a thousand servers: bounded when asked', () => {
    const plan = defaults('datacenter');
    const lines = describeLines(describePlan(plan, { findings: [] }), { hostsPerTier: 5 });
    expect(lines).toContain('  ... and 994 more');
    expect(lines.join('\n')).toContain('3 controllers, 996 computes');
  });
});
