// One driver for every world: it looks up the step's module and runs it against the world's
// adapters. The sim and real drivers differ only in the world they plug in (and the real
// one's safety guard); neither knows what a step means.
import { setMaxListeners } from 'node:events';
import { STEP_MODULES } from '../steps/index.js';
import { stepErrorOf } from '../steps/common.js';
import { StepError, type DeployDriver, type StepContext } from '../types.js';
import type { World } from '../world.js';

export class WorldDriver implements DeployDriver {
  private readonly closing = new AbortController();
  private closed = false;

  constructor(
    readonly world: World,
    /** Throws when the step must not run (the real driver: unconfirmed plan, unknown server). */
    private readonly guard?: (ctx: StepContext) => void,
    /** Where a step writes what the run produces when the runner names no state directory. */
    private readonly stateDir?: string,
  ) {
    // Every running step listens on it (hundreds at once in a data centre).
    setMaxListeners(0, this.closing.signal);
  }

  get name(): 'sim' | 'real' {
    return this.world.name;
  }
  get speed(): number {
    return this.world.speed;
  }

  async run(outer: StepContext): Promise<void> {
    if (this.closed) throw new StepError('interrupted', 'the driver is closed');
    const signal = AbortSignal.any([outer.signal, this.closing.signal]);
    const ctx: StepContext = { ...outer, signal, stateDir: outer.stateDir ?? this.stateDir };
    const module = STEP_MODULES[ctx.step.kind];
    try {
      this.guard?.(ctx);
      const go = module.shouldRun?.(ctx, this.world) ?? true;
      if (go !== true) {
        ctx.log(`${ctx.step.title}: nothing to run -- ${go}`, { level: 'warn' });
        ctx.ranNothing?.(go);
        return;
      }
      const attached = this.world.attach?.(ctx);
      try {
        await module.run(ctx, this.world);
        await attached?.done();
      } finally {
        attached?.detach();
      }
    } catch (err) {
      const error = stepErrorOf(err, outer.signal);
      if (module.cleanUp && error.kind !== 'interrupted') await module.cleanUp(ctx, this.world).catch(() => undefined);
      throw error;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    // Stops every Ironic wait and every tool's process group.
    this.closing.abort(new StepError('interrupted', 'the run was stopped'));
    this.world.tools.stopAll();
    await this.world.close();
  }
}
