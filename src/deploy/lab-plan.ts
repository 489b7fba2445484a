// The plan `deploy --lab NAME` uses when no answers file is given: what `init --lab` would
// write. Until the roles issue's init lands, a minimal path: the servers a BMC scan with the
// lab's usual credentials would find, roles from auto-assignment, the suggested network.
import { loadLab } from '../lab/load.js';
import type { LabWorld } from '../lab/world.js';
import { emptyPlan, type Plan } from '../plan/schema.js';
import { hostFactsFromLab } from '../inventory/probe.js';
import { suggestNetwork } from '../network/suggest.js';
import { autoAssign } from '../roles/assign.js';

export function planForLab(name: string, seed = 1, world: LabWorld = loadLab(name, seed)): Plan {
  const reachable = world.servers.filter((s) => !s.faults.includes('bmc-unreachable') && s.bmc.password === world.bmcDefaults.password);
  const plan = emptyPlan({
    name: 'overcloud',
    driver: 'sim',
    sim: { lab: name, speed: 60, seed, faults: [] },
    seedHost: { hostname: world.seedHost.hostname },
    nodes: reachable.map((s) => ({
      name: s.name,
      bmc: { type: s.bmc.type, address: s.bmc.address, ...(s.bmc.port ? { port: s.bmc.port } : {}), user: world.bmcDefaults.user, password: world.bmcDefaults.password },
      macs: s.nics.filter((n) => n.pxe).map((n) => n.mac),
      cpu: s.cpu.cores,
      memoryMiB: s.memoryMiB,
      diskGiB: s.disks.reduce((a, d) => a + d.sizeGiB, 0),
      arch: s.cpu.arch,
      source: 'lab',
    })),
  });
  const assigned = autoAssign(plan).plan;
  return { ...assigned, network: suggestNetwork({ plan: assigned, hostFacts: hostFactsFromLab(world) }).network };
}
