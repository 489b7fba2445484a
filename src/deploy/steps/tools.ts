// The steps made of external commands (the bridge, the seed image and VM, the TripleO CLI
// over ssh on the undercloud): the commands come from the plan alone (drivers/real/commands.ts,
// which `cloudseed plan` lists), each skipped when its `unless` check says it is done.
import { chmodSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeArtifacts } from '../../artifacts/write.js';
import { toolCommands, undercloudShell, type ToolCommand } from '../drivers/real/commands.js';
import { StepError, type StepContext } from '../types.js';
import type { World } from '../world.js';
import type { StepModule } from './common.js';

/** Where images, disks and overcloudrc go. */
export function stateDirOf(ctx: StepContext): string {
  const dir = ctx.stateDir ?? join(tmpdir(), 'cloudseed');
  mkdirSync(join(dir, 'images'), { recursive: true });
  return dir;
}

/** Runs `commands` in order within the step's time, each skipped when its check says it is done. */
export async function runCommands(ctx: StepContext, world: World, commands: ToolCommand[]): Promise<void> {
  const stateDir = stateDirOf(ctx);
  const deadline = world.clock.now() + ctx.step.timeoutMs / world.speed;
  // In a simulated world each command takes its share of the step's estimate.
  const worldMs = ctx.step.estimateMs / Math.max(1, commands.length);
  for (const [i, cmd] of commands.entries()) {
    const left = Math.max(1_000, deadline - world.clock.now());
    if (cmd.unless) {
      const check = await world.tools.run({ argv: cmd.unless, timeoutMs: Math.min(left, 60_000), signal: ctx.signal, step: ctx.step.id, worldMs: 0 }).catch((e: unknown) => {
        if (e instanceof StepError && (e.kind === 'tool-failed' || e.kind === 'tool-missing')) return undefined;
        throw e;
      });
      if (check && (!cmd.unlessOutput || cmd.unlessOutput.test(check.lines.join('\n')))) {
        ctx.log(`${cmd.what}: already done`);
        continue;
      }
    }
    if (cmd.writes) {
      for (const w of writeArtifacts(ctx.plan, join(stateDir, 'export'), cmd.writes)) ctx.log(`wrote ${w.path}`);
    }
    ctx.log(`$ ${cmd.argv.join(' ')}`);
    await world.tools.run({
      argv: cmd.argv,
      timeoutMs: left,
      signal: ctx.signal,
      step: ctx.step.id,
      worldMs,
      log: (line) => ctx.log(line),
      progress: (f, note) => ctx.progress((i + f) / commands.length, note),
    });
    ctx.progress((i + 1) / commands.length);
  }
}

const commandsOf = (ctx: StepContext) => toolCommands(ctx.plan, ctx.step, stateDirOf(ctx));

/** Why a step of commands has none in this plan. */
function nothingToRun(ctx: StepContext): string {
  if ((ctx.step.tier === 'undercloud' || ctx.step.tier === 'overcloud') && !undercloudShell(ctx.plan)) {
    return 'the adopted undercloud gives no shell (set undercloud.ssh to let cloudseed run the TripleO CLI there)';
  }
  if (ctx.step.kind === 'seed.image') return 'the plan names no image for the seed VM (seed.vmImage)';
  if (ctx.step.kind === 'seed.bridge') return 'the plan names no provisioning NIC (network.provisioning.nic)';
  return 'the plan asks for nothing here';
}

export const toolStep: StepModule = {
  shouldRun: (ctx) => (commandsOf(ctx).length ? true : nothingToRun(ctx)),
  run: (ctx, world) => runCommands(ctx, world, commandsOf(ctx)),
};

/** seed.image: a download cut short is removed, so the retry does not trust half an image. */
export const seedImage: StepModule = {
  ...toolStep,
  async cleanUp(ctx) {
    const partial = join(stateDirOf(ctx), 'images', 'seed-base.qcow2');
    if (existsSync(partial)) rmSync(partial, { force: true });
  },
};

/** overcloud.credentials: the admin credentials file, fetched from the undercloud, private. */
export const credentials: StepModule = {
  shouldRun: toolStep.shouldRun,
  async run(ctx, world) {
    await runCommands(ctx, world, commandsOf(ctx));
    const file = join(stateDirOf(ctx), 'overcloudrc');
    if (!existsSync(file)) throw new StepError('tool-failed', `the admin credentials were not written to ${file}`, 'look at the log of the copy from the undercloud, then retry');
    chmodSync(file, 0o600);
    ctx.log(`wrote ${file} (mode 0600)`);
  },
};

/** overcloud.images: uploaded over ssh; without a shell, the plan's kernel and ramdisk must be set. */
export const overcloudImages: StepModule = {
  async run(ctx, world) {
    if (undercloudShell(ctx.plan)) return runCommands(ctx, world, commandsOf(ctx));
    const images = ctx.plan.undercloud.images;
    if (!images?.kernel || !images.ramdisk) {
      throw new StepError('other', 'the plan names no kernel and ramdisk for the overcloud servers', 'set undercloud.images.kernel and undercloud.images.ramdisk (file:// or http:// URLs Ironic can read)');
    }
    ctx.log(`overcloud images: kernel ${images.kernel}, ramdisk ${images.ramdisk}${images.image ? `, image ${images.image}` : ''}`);
  },
};
