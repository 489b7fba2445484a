// Re-planning a scale-out: 10 servers added to the 1,000-server datacenter lab's deployed plan.
// Prints milliseconds (best of several runs after a warm-up, wall and CPU) for the difference
// with the steps a scale-out runs (diff + compile + step selection), for the whole of
// `cloudseed plan FILE` on the edited answers file (YAML parse, schema, every rule, re-plan),
// and how many of the plan's steps the scale-out runs. Then the scale-out itself, run through
// the runner and the sim driver on a virtual clock (the lab racked the 10 servers): which
// steps started, and on which servers. Target: re-plan <= 200 ms.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Document } from 'yaml';
import { virtualClock } from '../src/deploy/clock.js';
import { planForLab } from '../src/deploy/lab-plan.js';
import { startDeploy } from '../src/deploy/session.js';
import { loadLab } from '../src/lab/load.js';
import { parseAnswersText } from '../src/plan/answers.js';
import type { Node, Plan } from '../src/plan/schema.js';
import { replan, scaleOutLine, type Replan } from '../src/plan/scale-out.js';
import { time } from './measure.js';

const world = loadLab('datacenter');
const deployed = planForLab('datacenter', 1, world);
const like = deployed.nodes.find((n) => n.role === 'Compute')!;
// Rack 26: BMCs and PXE MACs nothing in the lab uses.
const added: Node[] = Array.from({ length: 10 }, (_, i) => ({
  ...like,
  name: `r26-node-${String(1001 + i)}`,
  bmc: { ...like.bmc, address: `10.128.4.${i + 1}` },
  macs: [`0c:c4:7b:00:fa:${(i + 1).toString(16).padStart(2, '0')}`],
  role: 'Compute',
  roleSource: 'manual',
}));
const edited: Plan = { ...deployed, nodes: [...deployed.nodes, ...added] };
const answersText = new Document(edited).toString({ lineWidth: 0 });

let r: Replan | undefined;
let errors = 0;
const re = time(15, () => {
  r = replan(deployed, edited);
});
const whole = time(5, () => {
  const loaded = parseAnswersText(answersText, 'edited.yaml');
  if (!loaded.plan) throw new Error(`the edited answers file does not load: ${loaded.findings[0]?.message}`);
  errors = loaded.findings.filter((f) => f.severity === 'error').length;
  r = replan(deployed, loaded.plan);
});

const ms = (t: { wall: number; cpu: number }) => `${t.wall.toFixed(1)} ms (cpu ${t.cpu.toFixed(1)} ms)`;
console.log(`scale-out: ${added.length} servers added to ${deployed.nodes.length} deployed`);
console.log(`  re-plan (difference + compile + steps): ${ms(re)}  target <= 200 ms`);
console.log(`  plan FILE (YAML, schema, rules, re-plan): ${ms(whole)}; ${errors} error findings in the edited file`);
console.log(`  ${r!.diff.added.length} added, ${r!.diff.removed.length} removed, ${r!.diff.roles.length} role changes, ${r!.beyond.length} changes beyond a scale-out`);
console.log(`  ${scaleOutLine(r!)}`);
const outside = r!.steps.filter((s) => s.nodes.length && !s.nodes.every((n) => added.some((a) => a.name === n)));
console.log(`  steps acting on servers that were deployed before: ${outside.length}`);

// The lab with the 10 new servers racked (as the one the plan's Compute is a copy of).
const rackedLike = world.servers.find((s) => s.bmc.address === like.bmc.address)!;
const racked = {
  ...world,
  servers: [
    ...world.servers,
    ...added.map((n) => ({ ...rackedLike, name: n.name, bmc: { ...rackedLike.bmc, address: n.bmc.address }, nics: rackedLike.nics.map((nic) => (nic.pxe ? { ...nic, mac: n.macs[0] } : nic)) })),
  ],
};
const dir = mkdtempSync(join(tmpdir(), 'cs-bench-scale-'));
try {
  const begun: string[] = [];
  const t = performance.now();
  const session = await startDeploy({
    plan: edited,
    scaleOutOf: deployed,
    world: racked,
    stateDir: dir,
    onFailure: 'abort',
    clock: virtualClock(),
    sinks: [(e) => void (e.type === 'step-started' && begun.push(e.step))],
  });
  const state = await session.result;
  const ms = performance.now() - t;
  const steps = new Map(session.deployment.steps.map((s) => [s.id, s]));
  const newNames = new Set(added.map((n) => n.name));
  const onOld = begun.filter((id) => steps.get(id)!.nodes.some((n) => !newNames.has(n)));
  const tierWide = begun.filter((id) => !steps.get(id)!.nodes.length);
  console.log(`  scale-out run (sim, virtual clock): ${state} in ${ms.toFixed(0)} ms; ${new Set(begun).size} of the plan's ${r!.deployment.steps.length} steps ran`);
  console.log(`    ${begun.length - tierWide.length} on the ${added.length} new servers (enrol, inspect, deploy of each; matching their roles), ${tierWide.length} role-wide (${tierWide.join(', ')}), ${onOld.length} on the ${deployed.nodes.length} servers deployed before`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
