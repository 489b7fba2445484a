// One deployment from a state directory, as the Deploy screen and `cloudseed deploy` start
// it: the lock, the journal (resumed when unfinished), the driver, the runner, the log file
// and the progress store, wired together and torn down together.
import { setFlagsFromString } from 'node:v8';
import type { Plan } from '../plan/schema.js';
import { acquireLock, type Lock } from '../store/lock.js';
import { realClock } from './clock.js';
import { compile } from './compile.js';
import { createDriver, type DriverOptions } from './drivers/index.js';
import { archiveJournal, Journal, journalPath, readJournal, type JournalSummary, type RunState } from './journal.js';
import { createProgressStore, type ProgressStore } from './progress-store.js';
import { startRun, type DeployRun } from './runner.js';
import { BufferedWriter, createRedactor, fileSink, logFilePath, type Sink } from './sinks.js';
import type { DeployDriver, Deployment } from './types.js';

/** The driver's options (clock, speed, seed, faults, world, --yes) and the session's own. */
export interface DeploySessionOptions extends DriverOptions {
  plan: Plan;
  stateDir: string;
  /** `wait` (screens): failures wait for a decision; `abort` (non-interactive): the run ends failed. */
  onFailure: 'wait' | 'abort';
  /** Reporters besides the log file and the store (plain lines, JSON). */
  sinks?: Sink[];
  /** A driver built by the caller (tests); otherwise createDriver(plan). */
  driver?: DeployDriver;
  /** Store notification interval (ms). */
  intervalMs?: number;
  logCapacity?: number;
}

export interface DeploySession {
  deployment: Deployment;
  run: DeployRun;
  store: ProgressStore;
  driver: DeployDriver;
  /** Resumed from an unfinished journal. */
  resumed: boolean;
  /** Things to tell the person (stale lock taken over, journal archived, ...). */
  notes: string[];
  logPath: string;
  journalPath: string;
  /** Settles after the run ended and everything is closed (lock released). */
  result: Promise<RunState>;
}

let heapTuned = false;
/**
 * A deployment streams millions of short-lived log lines for hours. With V8's defaults the
 * old generation is let grow to several times the live heap between full collections
 * (1,000 servers, 1,000,000 lines: 160 MB peak RSS for ~25 MB live); `--optimize-for-size`
 * keeps it near the live size (~105 MB) at the same CPU time (bench/deploy-memory).
 * Set here, when a process starts deploying, not at the bin's entry: there it would cost
 * every start of the installer ~40 ms of CPU before its first frame (290 against 250 ms).
 */
function tuneHeapForLongRuns(): void {
  if (heapTuned) return;
  heapTuned = true;
  setFlagsFromString('--optimize-for-size');
}

/** Starts (or resumes) a deployment. Throws LockHeldError when another cloudseed deploys from this state dir. */
export async function startDeploy(opts: DeploySessionOptions): Promise<DeploySession> {
  tuneHeapForLongRuns();
  const lock: Lock = acquireLock(opts.stateDir, `deploying ${opts.plan.name}`);
  const notes: string[] = [];
  try {
    let previous: JournalSummary = readJournal(opts.stateDir);
    if (previous.state === 'done' || (previous.plan && previous.plan !== opts.plan.name)) {
      const to = archiveJournal(opts.stateDir);
      notes.push(previous.state === 'done' ? `the previous deployment finished; its journal is kept as ${to}` : `the journal of plan "${previous.plan}" was kept as ${to}`);
      previous = readJournal(opts.stateDir);
    }
    const resumed = previous.state !== 'none';
    if (resumed) {
      const done = [...previous.steps.values()].filter((s) => s.state === 'done' || s.state === 'skipped').length;
      notes.push(`resuming the deployment started ${new Date(previous.startedAt ?? Date.now()).toISOString()}: ${done} step(s) already done`);
    }
    if (lock.note) notes.push(lock.note);
    if (previous.torn) notes.push('the journal ended in a torn line (a crash while writing); it was ignored');
    const clock = opts.clock ?? realClock;
    const deployment = compile(opts.plan);
    const driver = opts.driver ?? (await createDriver(opts.plan, { clock, speed: opts.speed, seed: opts.seed, faults: opts.faults, world: opts.world, chatty: opts.chatty, stateDir: opts.stateDir, yes: opts.yes, resume: resumed ? previous : undefined }));
    const journal = Journal.open(opts.stateDir);
    const logPath = logFilePath(opts.stateDir);
    const writer = new BufferedWriter(logPath);
    const redact = createRedactor(opts.plan);
    const sinks = [fileSink(writer, deployment, redact), ...(opts.sinks ?? [])];
    const store = createProgressStore(deployment, {
      speed: driver.speed ?? 1,
      concurrency: opts.plan.options.concurrency,
      resume: resumed ? previous : undefined,
      now: clock.virtual ? undefined : () => clock.now(),
      // Virtual time moves only with events: nothing to tick.
      tickMs: clock.virtual ? 0 : undefined,
      intervalMs: opts.intervalMs,
      logCapacity: opts.logCapacity,
    });
    const run = startRun({
      deployment,
      plan: opts.plan,
      driver,
      journal,
      resume: resumed ? previous : undefined,
      clock,
      stateDir: opts.stateDir,
      onFailure: opts.onFailure,
      onEvent(e) {
        store.dispatch(e);
        for (const sink of sinks) sink(e);
      },
    });
    const result = run.result.finally(() => {
      journal.close();
      writer.close();
      lock.release();
      store.flush();
    });
    return { deployment, run, store, driver, resumed, notes, logPath, journalPath: journalPath(opts.stateDir), result };
  } catch (e) {
    lock.release();
    throw e;
  }
}
