// Plans and host facts built from the simulated labs, for the network tests.
import type { HostFacts } from '../../src/inventory/host-facts.js';
import { hostFactsFromLab } from '../../src/inventory/probe.js';
import { generateDatacenter, loadLab } from '../../src/lab/load.js';
import type { LabWorld } from '../../src/lab/world.js';
import { emptyPlan, type Plan, type RoleName } from '../../src/plan/schema.js';

/** A plan holding the lab's servers, as discovery would fill it (roles optional). */
export function planOf(world: LabWorld, roles: (i: number) => RoleName | undefined = () => undefined): Plan {
  const plan = emptyPlan({
    nodes: world.servers.map((s, i) => ({
      name: s.name,
      bmc: { type: s.bmc.type, address: s.bmc.address, user: s.bmc.user, password: s.bmc.password },
      macs: s.nics.filter((n) => n.pxe).map((n) => n.mac),
      role: roles(i),
    })),
  });
  // A site's name and time servers (none at all is a finding of its own).
  plan.network.dns = ['192.168.1.1'];
  plan.network.ntp = ['pool.ntp.org'];
  return plan;
}

export function lab(name: string): { world: LabWorld; facts: HostFacts; plan: Plan } {
  const world = name.startsWith('datacenter-') ? generateDatacenter(Number(name.slice(11))) : loadLab(name);
  return { world, facts: hostFactsFromLab(world), plan: planOf(world) };
}
