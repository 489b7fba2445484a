// The plan `deploy --lab NAME` uses when no answers file is given: what `init --lab` would
// write — the servers a BMC scan with the lab's usual credentials finds (taken straight from
// the world here: no scan latency), then init's defaultPlan (roles auto-assigned, network
// suggested).
import { loadLab } from '../lab/load.js';
import type { LabWorld } from '../lab/world.js';
import { hostFactsFromLab } from '../inventory/probe.js';
import { NodeSchema, type Plan } from '../plan/schema.js';
import { defaultPlan } from '../roles/commands.js';

export function planForLab(name: string, seed = 1, world: LabWorld = loadLab(name, seed)): Plan {
  const reachable = world.servers.filter((s) => !s.faults.includes('bmc-unreachable') && s.bmc.password === world.bmcDefaults.password);
  const nodes = reachable.map((s) => ({
    name: s.name,
    bmc: { type: s.bmc.type, address: s.bmc.address, ...(s.bmc.port ? { port: s.bmc.port } : {}), user: world.bmcDefaults.user, password: world.bmcDefaults.password },
    macs: s.nics.filter((n) => n.pxe).map((n) => n.mac),
    cpu: s.cpu.cores,
    memoryMiB: s.memoryMiB,
    diskGiB: s.disks.reduce((a, d) => a + d.sizeGiB, 0),
    arch: s.cpu.arch,
    source: 'lab' as const,
  }));
  const { plan } = defaultPlan(NodeSchema.array().parse(nodes), hostFactsFromLab(world), world);
  return { ...plan, sim: { lab: name, speed: 60, seed, faults: [] } };
}
