// Picks the driver a plan asks for: `sim` plays the lab world, `real` drives real hardware
// (src/deploy/drivers/real, added by its own issue).
import { loadLab } from '../../lab/load.js';
import type { LabWorld } from '../../lab/world.js';
import type { Plan } from '../../plan/schema.js';
import type { Clock } from '../clock.js';
import type { JournalSummary } from '../journal.js';
import type { DeployDriver, Deployment } from '../types.js';
import { createRealDriver } from './real/index.js';
import { createSimDriver } from './sim/world.js';
import { parseFaults } from './sim/faults.js';

export interface DriverOptions {
  clock?: Clock;
  /** Sim: overrides of the plan's `sim` section (from --speed, --seed, --faults). */
  speed?: number;
  seed?: number;
  faults?: string | string[];
  /** Sim: the world, when already loaded (else loaded from plan.sim.lab). */
  world?: LabWorld;
  /** Sim: multiplies configuration log lines (benchmarks). */
  chatty?: number;
  stateDir?: string;
  /** Real: `--yes` confirmed the plan non-interactively. */
  yes?: boolean;
  /** Sim: the journal of the run being resumed (the lab's Ironics remember it). */
  resume?: JournalSummary;
  /** Sim: the cloud deployed before this run (day two): its servers are active in the lab's Ironics. */
  deployed?: Plan;
  /** What runs, when not the plan's first deployment (an upgrade: src/deploy/compile-upgrade.ts). */
  deployment?: Deployment;
}

export async function createDriver(plan: Plan, opts: DriverOptions = {}): Promise<DeployDriver> {
  if (plan.driver === 'real') return createRealDriver({ yes: opts.yes, stateDir: opts.stateDir });
  const seed = opts.seed ?? plan.sim?.seed ?? 1;
  return createSimDriver(plan, {
    world: opts.world ?? loadLab(plan.sim?.lab ?? 'two-machine', seed),
    speed: opts.speed ?? plan.sim?.speed ?? 60,
    seed,
    faults: parseFaults([...(plan.sim?.faults ?? []), ...(opts.faults === undefined ? [] : [opts.faults].flat())]),
    clock: opts.clock,
    chatty: opts.chatty,
    resume: opts.resume,
    deployed: opts.deployed,
    deployment: opts.deployment,
  });
}
