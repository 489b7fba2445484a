// Shared by the real-driver tests: a plan for a running lab, a deployment run to its end with
// every event kept, and Ironic read back.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRealDriver } from '../../../src/deploy/drivers/real/index.js';
import { startDeploy } from '../../../src/deploy/session.js';
import type { DeployEvent } from '../../../src/deploy/types.js';
import type { RunState } from '../../../src/deploy/journal.js';
import { IronicClient, type IronicNode } from '../../../src/ironic/client.js';
import { FakeIronic } from '../../../src/ironic/fake.js';
import { PlanSchema, type Plan, type PlanInput } from '../../../src/plan/schema.js';
import { labPlanInput, type IronicLab } from '../../lab/ironic-lab.js';

export function planFor(lab: IronicLab, indices: number[], overrides: Partial<PlanInput> = {}): Plan {
  const input = labPlanInput(
    { seedUrl: lab.seed.url, undercloudUrl: lab.undercloud.url, images: lab.images, bmcs: lab.bmcs.bmcs },
    overrides,
  );
  input.nodes = (input.nodes ?? []).filter((_, i) => indices.includes(i));
  return PlanSchema.parse(input);
}

export interface Finished {
  state: RunState;
  events: DeployEvent[];
  failures: { step: string; message: string; hint?: string }[];
}

/** Deploys (or resumes) from stateDir with the real driver, non-interactively. */
export async function deploy(plan: Plan, stateDir = mkdtempSync(join(tmpdir(), 'cs-real-'))): Promise<Finished & { stateDir: string }> {
  const events: DeployEvent[] = [];
  const session = await startDeploy({
    plan,
    stateDir,
    onFailure: 'abort',
    driver: createRealDriver({ yes: true, stateDir, pollMaxMs: 500 }),
    sinks: [(e) => void events.push(e)],
  });
  const state = await session.result;
  const failures = events.flatMap((e) => (e.type === 'step-failed' ? [{ step: e.step, message: e.error.message, hint: e.error.hint }] : []));
  return { state, events, failures, stateDir };
}

export function statesOf(events: DeployEvent[], node: string): string[] {
  const out: string[] = [];
  for (const e of events) if (e.type === 'node-state' && e.node === node && out[out.length - 1] !== e.state) out.push(e.state);
  return out;
}

export async function ironicNodes(url: string): Promise<IronicNode[]> {
  return new IronicClient({ url }).listNodes();
}

/** The simulated lab's Ironic with hardware that answers at once (a real world's other ports around it). */
export function instantIronic(): FakeIronic {
  return new FakeIronic({
    url: 'http://fake-ironic',
    inspectMs: 0,
    writeImageMs: 0,
    image: 'overcloud-full.qcow2',
    hardware: {
      // A macrotask per stretch of work, so each state is there to be seen, as on a real conductor.
      sleep: () => new Promise<void>((r) => setImmediate(r)),
      log: () => undefined,
      powerStatus: () => ({ power: 'power off' }),
      pxeBoots: () => true,
      deployFails: () => undefined,
      inspect: () => ({ properties: { cpus: 8, memory_mb: 16384, local_gb: 100 }, line: 'inspected' }),
      pxeAddress: () => ({ mac: '52:54:00:aa:01:01', ip: '192.0.2.10' }),
    },
  });
}
