// One step logic for both worlds: the same step modules run against a real Ironic (the local
// lab: a standalone Ironic and ipmi_sim BMCs on loopback) and against the simulated lab's fake
// Ironic, whose nodes move along src/ironic/states.ts. Each step leaves the server in the
// same state in both, and every state either reports is one Ironic's state machine allows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../../src/deploy/compile.js';
import { realWorld } from '../../../src/deploy/drivers/real/driver.js';
import { WorldDriver } from '../../../src/deploy/drivers/world-driver.js';
import type { StepContext } from '../../../src/deploy/types.js';
import type { World } from '../../../src/deploy/world.js';
import { isProvisionState, PROVISION_STATES } from '../../../src/ironic/states.js';
import type { Plan } from '../../../src/plan/schema.js';
import { startIronicLab, type IronicLab } from '../../lab/ironic-lab.js';
import { labNet } from '../../lab/test-net.js';
import { instantIronic, planFor } from './lab-helpers.js';

let lab: IronicLab;
beforeAll(async () => {
  lab = await startIronicLab({ servers: 1, seedPort: 0, undercloudPort: 0, bmcNet: labNet(51) });
});
afterAll(async () => {
  await lab?.stop();
});

/** The simulated lab's Ironic behind the real world's other ports: hardware that answers at once. */
function fakeWorld(): World {
  const fake = instantIronic();
  return { ...realWorld(), ironic: () => fake };
}

/** Plays the overcloud's provisioning steps for node-01; the node's state after each, and every state reported. */
async function play(world: World, plan: Plan): Promise<{ after: Record<string, string>; seen: string[] }> {
  const driver = new WorldDriver(world);
  const after: Record<string, string> = {};
  const seen: string[] = [];
  for (const id of ['overcloud.enrol.node-01', 'overcloud.inspect.node-01', 'overcloud.match-roles', 'overcloud.deploy.node-01']) {
    const step = compile(plan).steps.find((s) => s.id === id)!;
    const ctx: StepContext = {
      plan,
      step,
      attempt: 1,
      signal: AbortSignal.timeout(120_000),
      log: () => undefined,
      progress: () => undefined,
      nodeState: (_node, state) => void (seen.at(-1) !== state && seen.push(state)),
      waitingFor: () => undefined,
    };
    await driver.run(ctx);
    after[id] = (await world.ironic(plan, 'undercloud').getNode('node-01'))!.provision_state;
  }
  await driver.close();
  return { after, seen };
}

describe('the same step modules against the real and the fake Ironic', () => {
  it('leave the server in the same state after each step', async () => {
    const plan = planFor(lab, [0]);
    const real = await play({ ...realWorld({ pollMaxMs: 300 }) }, plan);
    const fake = await play(fakeWorld(), plan);
    expect(real.after).toEqual({
      'overcloud.enrol.node-01': 'manageable',
      'overcloud.inspect.node-01': 'available',
      'overcloud.match-roles': 'available',
      'overcloud.deploy.node-01': 'active',
    });
    expect(fake.after).toEqual(real.after);
    // Polling sees fewer of the passing states than the fake reports; all are Ironic's own.
    for (const s of [...real.seen, ...fake.seen]) expect(PROVISION_STATES).toContain(s);
    expect(real.seen.filter(isProvisionState).at(-1)).toBe('active');
    expect(fake.seen).toEqual(expect.arrayContaining(['enroll', 'verifying', 'manageable', 'cleaning', 'available', 'deploying', 'wait call-back', 'active']));
  }, 180_000);
});
