// The scale-out tests' lab: ha-lab deployed with node-04 left unused, then node-04 and
// node-06 (the lab's server whose BMC has its own password) added as Compute.
import { join } from 'node:path';
import { expect } from 'vitest';
import { loadLab } from '../../src/lab/load.js';
import { saveAnswers } from '../../src/plan/answers.js';
import type { Node, Plan } from '../../src/plan/schema.js';
import { labPlan, simRun, stateDir } from './helpers.js';

const lab = loadLab('ha-lab');
const full = labPlan('ha-lab');

/** ha-lab as first deployed: node-04 has no role (left unused). */
export const before: Plan = { ...full, nodes: full.nodes.map((n) => (n.name === 'node-04' ? { ...n, role: undefined, roleSource: undefined } : n)) };

/** node-06 as a person adds it: its BMC answers to its own password. */
const node06: Node = (() => {
  const s = lab.servers.find((x) => x.name === 'node-06')!;
  return {
    name: s.name,
    bmc: { type: 'ipmi', address: s.bmc.address, user: s.bmc.user, password: s.bmc.password },
    macs: s.nics.filter((n) => n.pxe).map((n) => n.mac),
    cpu: s.cpu.cores,
    memoryMiB: s.memoryMiB,
    diskGiB: s.disks.reduce((a, d) => a + d.sizeGiB, 0),
    arch: s.cpu.arch,
    role: 'Compute',
    roleSource: 'manual',
  };
})();

/** The edited plan: node-04 and node-06 added as Compute. */
export const after: Plan = { ...full, nodes: [...full.nodes.map((n) => (n.name === 'node-04' ? { ...n, role: 'Compute' as const, roleSource: 'manual' as const } : n)), node06] };

/** A state dir where `before` is deployed (on a virtual clock), and the edited answers file. */
export async function deployedLab(): Promise<{ dir: string; file: string }> {
  const { session, dir } = await simRun({ plan: before, onFailure: 'abort' });
  expect(await session.result).toBe('done');
  const file = join(stateDir(), 'answers.yaml');
  saveAnswers(file, after);
  return { dir, file };
}

