// The deployment the screens show. It lives outside React (the Deploy screen starts it,
// the Done screen reads what it produced), one per state directory.
import type { Clock } from '../src/deploy/clock.js';
import { startDeploy, type DeploySession, type DeploySessionOptions } from '../src/deploy/session.js';
import type { LabWorld } from '../src/lab/world.js';
import type { Plan } from '../src/plan/schema.js';

export interface DeployRunEntry {
  stateDir: string;
  plan: Plan;
  session?: DeploySession;
  error?: string;
  starting?: Promise<DeploySession | undefined>;
  /** A scale-out of this deployed plan. */
  scaleOutOf?: Plan;
}

/** Set by tests and benchmarks: a virtual clock, a faster notification interval, faults. */
export const deployScreenOptions: { clock?: Clock; faults?: string; intervalMs?: number; chatty?: number } = {};

let current: DeployRunEntry | undefined;

export function currentDeploy(stateDir: string): DeployRunEntry | undefined {
  return current?.stateDir === stateDir ? current : undefined;
}

/** Starts (or resumes, from the journal) the deployment of `plan` (or its scale-out), unless one is already under way. */
export function ensureDeploy(plan: Plan, stateDir: string, world?: LabWorld, scaleOutOf?: Plan): DeployRunEntry {
  const running = currentDeploy(stateDir);
  // Under way, or finished (Back from Done shows it again): keep it. A failed or interrupted
  // one starts again, resuming from the journal; so does a scale-out after what ran before.
  const state = running?.session?.store.getSnapshot().runState;
  if (running && (running.starting || state === 'running' || (state === 'done' && running.scaleOutOf === scaleOutOf))) return running;
  const entry: DeployRunEntry = { stateDir, plan, ...(scaleOutOf ? { scaleOutOf } : {}) };
  current = entry;
  entry.starting = startDeploy({
    plan,
    stateDir,
    onFailure: 'wait',
    world,
    clock: deployScreenOptions.clock,
    faults: deployScreenOptions.faults,
    intervalMs: deployScreenOptions.intervalMs,
    chatty: deployScreenOptions.chatty,
    scaleOutOf,
  }).then(
    (session) => {
      entry.session = session;
      entry.starting = undefined;
      return session;
    },
    (e: unknown) => {
      entry.error = e instanceof Error ? e.message : String(e);
      entry.starting = undefined;
      return undefined;
    },
  );
  return entry;
}

/** Starts a run a screen shows in its own place (a replacement, an upgrade): confirmed now, waiting on a failure, with the tests' options. */
export function startScreenRun(opts: Pick<DeploySessionOptions, 'plan' | 'stateDir' | 'deployment' | 'deployed' | 'world'>): Promise<DeploySession> {
  return startDeploy({
    ...opts,
    plan: { ...opts.plan, options: { ...opts.plan.options, confirmedAt: new Date().toISOString() } },
    onFailure: 'wait',
    clock: deployScreenOptions.clock,
    faults: deployScreenOptions.faults,
    intervalMs: deployScreenOptions.intervalMs,
    chatty: deployScreenOptions.chatty,
  });
}

/** Stops a running deployment (quitting the installer): children stopped, journal kept. */
export async function stopDeploy(): Promise<void> {
  const s = current?.session;
  if (s && s.store.getSnapshot().runState === 'running') {
    s.run.cancel();
    await s.result;
  }
}

/** Forgets the finished deployment (tests). */
export function resetDeploy(): void {
  current = undefined;
}
