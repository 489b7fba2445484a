// seed.undercloud-vm: the undercloud as a VM on this host (two-machine mode): defined to PXE
// boot from the seed, given a virtual BMC, and enrolled in the seed's Ironic through it.
import { toolCommands } from '../drivers/real/commands.js';
import { StepError } from '../types.js';
import type { StepModule } from './common.js';
import { provision } from './provision.js';
import { runCommands, stateDirOf } from './tools.js';

export const undercloudVm: StepModule = {
  async run(ctx, world) {
    if (!world.host.has('vbmc')) {
      throw new StepError(
        'tool-missing',
        "an undercloud VM needs a virtual BMC for the seed's Ironic (virtualbmc), which this host does not offer",
        'install virtualbmc (pip install virtualbmc), place the undercloud on a server (roles.undercloud.placement: server), or adopt an existing undercloud (undercloud.mode: adopt)',
      );
    }
    await runCommands(ctx, world, toolCommands(ctx.plan, ctx.step, stateDirOf(ctx)));
    await provision(ctx, world, 'enrolled');
  },
};
