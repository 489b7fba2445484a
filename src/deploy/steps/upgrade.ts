// The upgrade's steps (src/deploy/compile-upgrade.ts): the commands drivers/real/commands.ts
// builds from the plan, run as any tool step; the seed and the undercloud then wait for their
// Ironic to answer again, so the next tier never starts against a tier still restarting.
import { seedShell, toolCommands, undercloudShell } from '../drivers/real/commands.js';
import type { StepModule } from './common.js';
import { ironicCheck } from './ironic-check.js';
import { runCommands, stateDirOf, toolStep } from './tools.js';

/** The tier's commands, then its Ironic answering (at the API version the plan expects). */
const upgradeThenCheck: StepModule = {
  async run(ctx, world) {
    await runCommands(ctx, world, toolCommands(ctx.plan, ctx.step, stateDirOf(ctx)));
    await ironicCheck.run(ctx, world);
  },
};

export const seedUpgrade: StepModule = {
  ...upgradeThenCheck,
  shouldRun: (ctx) => (seedShell(ctx.plan) ? true : 'the adopted seed gives no shell (set seed.ssh to let cloudseed upgrade its Ironic); upgrade it yourself'),
};

export const undercloudUpgrade: StepModule = {
  ...upgradeThenCheck,
  shouldRun: (ctx) => (undercloudShell(ctx.plan) ? true : 'the adopted undercloud gives no shell (set undercloud.ssh to let cloudseed run the TripleO CLI there); upgrade it yourself'),
};

/** prepare, each batch's run, converge: the TripleO CLI on the undercloud. */
export const overcloudUpgrade: StepModule = toolStep;
