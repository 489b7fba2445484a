// One deployment from a state directory, as the Deploy screen and `cloudseed deploy` start
// it: the lock, the journal (resumed when unfinished), the driver, the runner, the log file
// and the progress store, wired together and torn down together. A scale-out of the cloud
// deployed from the state dir is one too: only the new servers' steps, in a journal of its own.
import { setFlagsFromString } from 'node:v8';
import { CliError } from '../command.js';
import type { Plan } from '../plan/schema.js';
import { replan, scaleOutDeployment, type Replan } from '../plan/scale-out.js';
import { recordDeployed } from '../store/deployed.js';
import { fsProblem } from '../store/fs-problem.js';
import { acquireLock, type Lock } from '../store/lock.js';
import { realClock } from './clock.js';
import { compile } from './compile.js';
import { createDriver, type DriverOptions } from './drivers/index.js';
import { archiveJournal, Journal, journalPath, readJournal, type JournalName, type JournalSummary, type RunState } from './journal.js';
import { OPERATION_VERB, stepsOperation, unfinishedRefusal } from './operation.js';
import { createProgressStore, type ProgressStore } from './progress-store.js';
import { startRun, type DeployRun } from './runner.js';
import { BufferedWriter, createRedactor, fileSink, logFilePath, type Sink } from './sinks.js';
import { changedSteps, inputsRecord, otherDeployment, rerunLine, stepInputs, type Rerun } from './step-inputs.js';
import type { DeployDriver, Deployment } from './types.js';

/** The driver's options (clock, speed, seed, faults, world, --yes) and the session's own. */
export interface DeploySessionOptions extends DriverOptions {
  plan: Plan;
  stateDir: string;
  /** The answers file the plan was read from (the backup steps keep it). */
  answersFile?: string;
  /** `wait` (screens): failures wait for a decision; `abort` (non-interactive): the run ends failed. */
  onFailure: 'wait' | 'abort';
  /** Reporters besides the log file and the store (plain lines, JSON). */
  sinks?: Sink[];
  /** The steps to run when not the plan's whole deployment (a replacement: src/plan/replace.ts). */
  deployment?: Deployment;
  /** A driver built by the caller (tests); otherwise createDriver(plan). */
  driver?: DeployDriver;
  /** Store notification interval (ms). */
  intervalMs?: number;
  logCapacity?: number;
  /** The plan of the cloud deployed from this state dir: the run is a scale-out of it to `plan`. */
  scaleOutOf?: Plan;
}

export interface DeploySession {
  deployment: Deployment;
  run: DeployRun;
  store: ProgressStore;
  driver: DeployDriver;
  /** Resumed from an unfinished journal. */
  resumed: boolean;
  /** Finished steps that run again because their inputs changed since. */
  reruns: Rerun[];
  /** Things to tell the person (stale lock taken over, journal archived, ...). */
  notes: string[];
  logPath: string;
  journalPath: string;
  /** Settles after the run ended and everything is closed (lock released). */
  result: Promise<RunState>;
  /** A scale-out: the change it makes. */
  scaleOut?: Replan;
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

/**
 * What the world holds before a scale-out's own steps: the deployed cloud, every step of the
 * edited plan but the scale-out's done (a simulated lab's Ironics rebuild their nodes from it).
 */
function withDeployedCloud(scale: Replan, journal: JournalSummary): JournalSummary {
  const own = new Set(scale.steps.map((s) => s.id));
  const steps = new Map(journal.steps);
  for (const s of scale.deployment.steps) if (!own.has(s.id)) steps.set(s.id, { state: 'done', at: 0, tier: s.tier, completions: 1 });
  return { ...journal, steps };
}

/** Starts (or resumes) a deployment. Throws LockHeldError when another cloudseed deploys from this state dir. */
export async function startDeploy(opts: DeploySessionOptions): Promise<DeploySession> {
  tuneHeapForLongRuns();
  const scale = opts.scaleOutOf ? replan(opts.scaleOutOf, opts.plan) : undefined;
  if (scale && (scale.beyond.length || !scale.steps.length)) {
    throw new CliError(scale.beyond.length ? `a scale-out cannot make these changes: ${scale.beyond.join('; ')}` : 'the plan adds no server to the deployed cloud: there is nothing to scale out');
  }
  const what = scale ? 'scale-out' : 'deployment';
  const name: JournalName = scale ? 'scale-out' : 'journal';
  const lock: Lock = acquireLock(opts.stateDir, scale ? `adding servers to ${opts.plan.name}` : `deploying ${opts.plan.name}`);
  const notes: string[] = [];
  let journal: Journal | undefined;
  let writer: BufferedWriter | undefined;
  try {
    let previous: JournalSummary = readJournal(opts.stateDir, name);
    const deployment = scale ? scaleOutDeployment(scale) : (opts.deployment ?? compile(opts.plan));
    const inputs = stepInputs(opts.plan, deployment);
    const other = otherDeployment(previous, inputs);
    if (previous.state === 'done' || other) {
      const to = archiveJournal(opts.stateDir, name);
      notes.push(
        previous.state === 'done'
          ? `the previous ${what} finished; its journal is kept as ${to}`
          : `the unfinished journal is of another ${what} (${other}), not of plan "${inputs.plan}" on ${inputs.target}: it was kept as ${to} and this ${what} starts over`,
      );
      previous = readJournal(opts.stateDir, name);
    }
    // One operation at a time: another's unfinished run (a replacement moves a role the answers
    // file may still hold) resumes only with its own command. The commands say so first, with the file.
    const own = stepsOperation(deployment.steps.map((s) => s.id), name).kind;
    const refused = unfinishedRefusal(opts.stateDir, [own], OPERATION_VERB[own], opts.answersFile);
    if (refused) throw new CliError(refused);
    const resumed = previous.state !== 'none';
    const reruns = resumed ? changedSteps(previous, inputs) : [];
    // The runner and the panels see the steps to do again as never done.
    const again = new Set(reruns.map((r) => r.id));
    const resume: JournalSummary | undefined = resumed ? { ...previous, steps: new Map([...previous.steps].filter(([id]) => !again.has(id))) } : undefined;
    if (resume) {
      // First: the Deploy screen shows the first note.
      if (reruns.length) notes.push(rerunLine(reruns));
      const done = [...resume.steps.values()].filter((s) => s.state === 'done' || s.state === 'skipped').length;
      notes.push(`resuming the ${what} started ${new Date(previous.startedAt ?? Date.now()).toISOString()}: ${done} step(s) already done`);
    }
    if (lock.note) notes.push(lock.note);
    if (previous.torn) notes.push(`the last line of ${journalPath(opts.stateDir, name)} was torn (a crash or a full disk while writing); it was skipped and the ${what} resumes before it`);
    const clock = opts.clock ?? realClock;
    // The files first: a state dir that cannot hold them stops the run before any driver starts.
    journal = Journal.open(opts.stateDir, name);
    const logPath = logFilePath(opts.stateDir);
    try {
      writer = new BufferedWriter(logPath);
    } catch (e) {
      throw new CliError(`cannot write the log: ${fsProblem(e, logPath)}`);
    }
    const driver = opts.driver ?? (await createDriver(opts.plan, { clock, speed: opts.speed, seed: opts.seed, faults: opts.faults, world: opts.world, chatty: opts.chatty, stateDir: opts.stateDir, yes: opts.yes, resume: scale ? withDeployedCloud(scale, previous) : resumed ? previous : undefined, deployed: opts.deployed, deployment }));
    journal.append([inputsRecord(previous, inputs, reruns, clock.now())]);
    const redact = createRedactor(opts.plan);
    const sinks = [fileSink(writer, deployment, redact), ...(opts.sinks ?? [])];
    const store = createProgressStore(deployment, {
      speed: driver.speed ?? 1,
      concurrency: opts.plan.options.concurrency,
      resume,
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
      resume,
      clock,
      stateDir: opts.stateDir,
      answersFile: opts.answersFile,
      onFailure: opts.onFailure,
      onEvent(e) {
        store.dispatch(e);
        for (const sink of sinks) sink(e);
      },
    });
    // A finished deployment is what day-two commands compare an edited plan with.
    const result = run.result
      .then((state) => {
        if (state === 'done') recordDeployed(opts.stateDir, opts.plan);
        return state;
      })
      .finally(() => {
        journal?.close();
        writer?.close();
        lock.release();
        store.flush();
      });
    return { deployment, run, store, driver, resumed, reruns, notes, logPath, journalPath: journalPath(opts.stateDir, name), result, ...(scale ? { scaleOut: scale } : {}) };
  } catch (e) {
    journal?.close();
    writer?.close();
    lock.release();
    throw e;
  }
}
