// Auto-assignment (and the role rules, and the exported files) for 1,000 and 10,000 servers:
// milliseconds (best of several runs after a warm-up, wall and CPU) and the 10k/1k ratio.
// Targets: auto-assign <= 100 ms for 1,000; growth near-linear (ratio <= 12).
import { buildArtifacts, MASKED } from '../src/artifacts/files.js';
import { generateDatacenter } from '../src/lab/load.js';
import { emptyPlan, type Plan } from '../src/plan/schema.js';
import { autoAssign } from '../src/roles/assign.js';
import { validateRoles } from '../src/roles/validate.js';
import { time } from './measure.js';

/** The datacenter lab's servers with their hardware known (as discovery reports it). */
function planFor(size: number): Plan {
  const world = generateDatacenter(size, 1);
  return emptyPlan({
    nodes: world.servers.map((s) => ({
      name: s.name,
      bmc: { type: s.bmc.type, address: s.bmc.address, user: s.bmc.user, password: s.bmc.password },
      macs: s.nics.filter((n) => n.pxe).map((n) => n.mac),
      discovered: { cpu: s.cpu.cores, memoryMiB: s.memoryMiB, diskGiB: s.disks.reduce((a, d) => a + d.sizeGiB, 0), vt: s.cpu.vt },
    })),
  });
}

function measure(size: number, runs: number) {
  const plan = planFor(size);
  let assigned = plan;
  const assign = time(runs, () => {
    assigned = autoAssign(plan).plan;
  });
  let findings = 0;
  const rules = time(runs, () => {
    findings = validateRoles(assigned).length;
  });
  const files = time(Math.max(3, Math.floor(runs / 2)), () => {
    buildArtifacts(assigned, { secrets: MASKED });
  });
  const controllers = assigned.nodes.filter((n) => n.role === 'Controller').length;
  return { assign, rules, files, findings, controllers };
}

const small = measure(1000, 21);
const large = measure(10000, 11);
const ms = (x: { wall: number; cpu: number }) => `${x.wall.toFixed(1).padStart(7)} ms (cpu ${x.cpu.toFixed(1)})`;
const line = (label: string, a: { wall: number; cpu: number }, b: { wall: number; cpu: number }, target = '') =>
  console.log(`${label.padEnd(18)} 1,000: ${ms(a)}   10,000: ${ms(b)}   ratio ${(b.wall / a.wall).toFixed(2)}${target}`);
line('roles auto-assign', small.assign, large.assign, '   target <= 100 ms for 1,000, ratio <= 12');
line('roles validate', small.rules, large.rules);
line('export (7 files)', small.files, large.files);
console.log(`(1,000: ${small.controllers} controllers, ${small.findings} findings; 10,000: ${large.controllers} controllers, ${large.findings} findings)`);
