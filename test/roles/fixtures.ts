// Plans for the role tests: servers as a nodes file would declare them, or as discovery
// of a simulated lab reports them (facts known, PXE MAC known).
import { loadLab } from '../../src/lab/load.js';
import { emptyPlan, type Node, type Plan, type PlanInput } from '../../src/plan/schema.js';

export function server(name: string, memoryGiB: number, cpu: number, diskGiB: number, extra: Partial<Node> = {}): Node {
  return {
    name,
    bmc: { type: 'ipmi', address: `10.0.0.${Number(name.replace(/\D/g, '')) % 250 || 1}`, user: 'admin', password: 'secret' },
    macs: [`52:54:00:00:00:${(Number(name.replace(/\D/g, '')) % 256).toString(16).padStart(2, '0')}`],
    memoryMiB: memoryGiB * 1024,
    cpu,
    diskGiB,
    arch: 'x86_64',
    ...extra,
  };
}

/** The plan a lab's servers give when every fact is known (as sim discovery reports them). */
export function labPlan(lab: string, overrides: Partial<PlanInput> = {}): Plan {
  const world = loadLab(lab);
  const nodes: Node[] = world.servers.map((s) => ({
    name: s.name,
    bmc: { type: s.bmc.type, address: s.bmc.address, user: s.bmc.user, password: s.bmc.password },
    macs: s.nics.filter((n) => n.pxe).map((n) => n.mac),
    arch: s.cpu.arch,
    source: 'lab',
    discovered: {
      cpu: s.cpu.cores,
      memoryMiB: s.memoryMiB,
      diskGiB: s.disks.reduce((a, d) => a + d.sizeGiB, 0),
      vt: s.cpu.vt,
    },
  }));
  return emptyPlan({ driver: 'sim', sim: { lab, speed: 60, seed: 1, faults: [] }, nodes, ...overrides });
}

export function planOf(nodes: Node[], overrides: Partial<PlanInput> = {}): Plan {
  return emptyPlan({ nodes, ...overrides });
}
