// The runner: plays a Deployment through a driver in dependency order, per-server steps
// concurrently up to a bound, with timeouts, retries and cancellation. Every transition is
// journalled (and fsync'd) before it is acted on; on a failure the run waits for a decision
// (retry / skip / abort) from the screen or the CLI, and never ends by itself while waiting.
import { setMaxListeners } from 'node:events';
import type { Plan } from '../plan/schema.js';
import { realClock, type Clock } from './clock.js';
import type { Journal, JournalRecord, JournalSummary, RunState } from './journal.js';
import { StepError, TIERS, type DeployDriver, type DeployEvent, type Deployment, type NodeState, type Step, type StepErrorInfo, type StepContext, type TierId } from './types.js';

export type Decision = 'retry' | 'skip' | 'abort';

export interface PendingFailure {
  step: Step;
  error: StepErrorInfo;
  attempt: number;
}

export interface RunOptions {
  deployment: Deployment;
  plan: Plan;
  driver: DeployDriver;
  journal: Journal;
  /** The journal so far: steps it shows done or skipped are not run again. */
  resume?: JournalSummary;
  clock?: Clock;
  /** Per-server steps running at once (tier-wide steps are few and not counted). */
  concurrency?: number;
  stateDir?: string;
  /** The answers file the plan was read from (the backup steps keep it). */
  answersFile?: string;
  onEvent(event: DeployEvent): void;
  /** `wait` (screens): a failure waits for decide(); `abort` (non-interactive): the run ends failed. */
  onFailure?: 'wait' | 'abort';
  /** Real milliseconds between heartbeats (not used on a virtual clock). */
  heartbeatMs?: number;
}

export interface DeployRun {
  /** Settles when the run ends: done, failed (aborted after a failure) or interrupted. */
  readonly result: Promise<RunState>;
  /** Failed steps waiting for a decision, oldest first. */
  failures(): PendingFailure[];
  /** Retry a failed step, skip it (only when it is skippable), or abort the run (journal kept). */
  decide(stepId: string, decision: Decision): void;
  /** Ctrl-C: stop every step (drivers stop their child processes) and record "interrupted". */
  cancel(): void;
}

type State = 'pending' | 'ready' | 'running' | 'done' | 'skipped' | 'failed';

interface Slot {
  step: Step;
  index: number;
  state: State;
  waitingDeps: number;
  dependents: Slot[];
  attempt: number;
  /** Attempts before the current round (a retry chosen by the person starts a new round). */
  roundStart: number;
  controller?: AbortController;
  waiting?: { what: string; since: number };
  /** The step had nothing to do in this plan: why. */
  nothing?: string;
}

function toInfo(e: unknown): StepErrorInfo {
  if (e instanceof StepError) return e.info();
  const message = e instanceof Error ? e.message : String(e);
  return { kind: 'other', message };
}

export function startRun(opts: RunOptions): DeployRun {
  const clock = opts.clock ?? realClock;
  const speed = opts.driver.speed ?? 1;
  const limit = Math.max(1, opts.concurrency ?? opts.plan.options.concurrency);
  const emit = opts.onEvent;
  const slots = new Map<string, Slot>();
  opts.deployment.steps.forEach((step, index) => slots.set(step.id, { step, index, state: 'pending', waitingDeps: 0, dependents: [], attempt: 0, roundStart: 0 }));
  for (const slot of slots.values()) {
    for (const dep of slot.step.deps) {
      const d = slots.get(dep);
      if (!d) throw new Error(`step ${slot.step.id} depends on unknown step ${dep}`);
      d.dependents.push(slot);
      slot.waitingDeps++;
    }
  }

  const tierLeft = new Map<TierId, number>(TIERS.map((t) => [t, 0]));
  const tierStarted = new Set<TierId>();
  for (const s of slots.values()) tierLeft.set(s.step.tier, tierLeft.get(s.step.tier)! + 1);

  const readyNodeSteps: Slot[] = [];
  const readyWideSteps: Slot[] = [];
  const pendingRecords: JournalRecord[] = [];
  const afterWrite: (() => void)[] = [];
  const failures: PendingFailure[] = [];
  let running = 0;
  let runningNodeSteps = 0;
  let finished = 0;
  let ending: RunState | undefined;
  let ended = false;
  let resolveResult!: (s: RunState) => void;
  const result = new Promise<RunState>((r) => (resolveResult = r));
  const runAbort = new AbortController();
  // Every running step listens to it: hundreds at once are expected, not a leak.
  setMaxListeners(0, runAbort.signal);

  const makeReady = (slot: Slot) => {
    slot.state = 'ready';
    (slot.step.nodes.length ? readyNodeSteps : readyWideSteps).push(slot);
  };
  const complete = (slot: Slot, state: 'done' | 'skipped') => {
    slot.state = state;
    finished++;
    const tier = slot.step.tier;
    const left = tierLeft.get(tier)! - 1;
    tierLeft.set(tier, left);
    for (const d of slot.dependents) if (--d.waitingDeps === 0 && d.state === 'pending') makeReady(d);
    return left === 0;
  };

  // Steps the journal shows done (or skipped) are not run again.
  const resumed = opts.resume?.steps;
  let tierCompleteAtStart = new Set<TierId>();
  if (resumed) {
    for (const slot of slots.values()) {
      const r = resumed.get(slot.step.id);
      if (r && (r.state === 'done' || r.state === 'skipped')) {
        slot.state = r.state;
        finished++;
        tierLeft.set(slot.step.tier, tierLeft.get(slot.step.tier)! - 1);
      }
    }
    for (const slot of slots.values()) {
      if (slot.state === 'done' || slot.state === 'skipped') for (const d of slot.dependents) d.waitingDeps--;
    }
    tierCompleteAtStart = new Set(TIERS.filter((t) => tierLeft.get(t) === 0));
    for (const t of tierCompleteAtStart) tierStarted.add(t);
  }
  for (const slot of slots.values()) if (slot.state === 'pending' && slot.waitingDeps === 0) makeReady(slot);

  let pumpQueued = false;
  const schedulePump = () => {
    if (pumpQueued || ended) return;
    pumpQueued = true;
    queueMicrotask(pump);
  };

  /** One journal write for everything that happened since the last pump, then act on it. */
  function pump() {
    pumpQueued = false;
    if (ended) return;
    const starting: Slot[] = [];
    if (!ending) {
      while (readyWideSteps.length) starting.push(readyWideSteps.shift()!);
      while (readyNodeSteps.length && runningNodeSteps < limit) {
        starting.push(readyNodeSteps.shift()!);
        runningNodeSteps++;
      }
    }
    const at = clock.now();
    for (const slot of starting) {
      slot.state = 'running';
      slot.attempt++;
      running++;
      pendingRecords.push({ t: 'step', at, id: slot.step.id, state: 'running', attempt: slot.attempt, tier: slot.step.tier });
    }
    opts.journal.append(pendingRecords.splice(0));
    for (const f of afterWrite.splice(0)) f();
    for (const slot of starting) {
      const tier = slot.step.tier;
      if (!tierStarted.has(tier)) {
        tierStarted.add(tier);
        emit({ type: 'tier-started', at, tier });
      }
      void execute(slot);
    }
    maybeEnd();
  }

  function maybeEnd() {
    if (ended || running > 0 || pumpQueued) return;
    if (ending) return end(ending);
    if (finished === slots.size) return end('done');
    // Nothing runs, nothing is ready: waiting for a decision on a failure.
  }

  function end(state: RunState) {
    ended = true;
    clearInterval(heartbeat);
    void opts.driver.close().finally(() => {
      const at = clock.now();
      if (state === 'failed') for (const t of TIERS) if (tierStarted.has(t) && tierLeft.get(t)! > 0) emit({ type: 'tier-done', at, tier: t, state: 'failed' });
      opts.journal.append([{ t: 'end', at, state }]);
      emit({ type: 'run-done', at, state });
      resolveResult(state);
    });
  }

  async function execute(slot: Slot): Promise<void> {
    const { step } = slot;
    const controller = new AbortController();
    setMaxListeners(0, controller.signal);
    slot.controller = controller;
    const onRunAbort = () => controller.abort(runAbort.signal.reason);
    runAbort.signal.addEventListener('abort', onRunAbort, { once: true });
    const startedAt = clock.now();
    emit({ type: 'step-started', at: startedAt, step: step.id, attempt: slot.attempt });
    const ctx: StepContext = {
      plan: opts.plan,
      step,
      attempt: slot.attempt,
      signal: controller.signal,
      stateDir: opts.stateDir,
      ...(opts.answersFile ? { answersFile: opts.answersFile } : {}),
      log: (line, o) => emit({ type: 'log', at: clock.now(), step: step.id, node: o?.node, level: o?.level ?? 'info', line }),
      progress: (fraction, note) => emit({ type: 'step-progress', at: clock.now(), step: step.id, fraction, note }),
      nodeState: (node: string, state: NodeState) => emit({ type: 'node-state', at: clock.now(), node, state, step: step.id }),
      waitingFor: (what) => (slot.waiting = { what, since: clock.now() }),
      ranNothing: (why) => (slot.nothing = why),
    };
    const timeoutMs = step.timeoutMs / speed;
    const timer = new AbortController();
    let error: unknown;
    try {
      await Promise.race([
        opts.driver.run(ctx),
        clock.sleep(timeoutMs, timer.signal).then(() => {
          const e = new StepError('timeout', `${step.title} took longer than ${Math.round(step.timeoutMs / 60000)} min`, 'The server may be stuck: look at its console or BMC, then retry.');
          controller.abort(e);
          throw e;
        }),
      ]);
    } catch (e) {
      error = e;
    } finally {
      timer.abort();
      runAbort.signal.removeEventListener('abort', onRunAbort);
      slot.waiting = undefined;
    }
    running--;
    if (step.nodes.length) runningNodeSteps--;
    const at = clock.now();

    if (error === undefined) {
      const tierDone = complete(slot, 'done');
      pendingRecords.push({ t: 'step', at, id: step.id, state: 'done', attempt: slot.attempt });
      afterWrite.push(() => {
        emit({ type: 'step-done', at, step: step.id, state: 'done', ...(slot.nothing ? { nothing: slot.nothing } : {}) });
        if (tierDone) emit({ type: 'tier-done', at, tier: step.tier, state: 'done' });
      });
      return schedulePump();
    }
    if (runAbort.signal.aborted) {
      slot.state = 'pending';
      const info: StepErrorInfo = { kind: 'interrupted', message: 'stopped before it finished; it runs again on resume' };
      pendingRecords.push({ t: 'step', at, id: step.id, state: 'interrupted', attempt: slot.attempt, error: info });
      afterWrite.push(() => emit({ type: 'step-failed', at, step: step.id, error: info, willRetry: false }));
      return schedulePump();
    }
    const info = toInfo(error);
    const round = slot.attempt - slot.roundStart;
    const willRetry = round < step.retry.attempts && step.retry.retryOn.includes(info.kind);
    pendingRecords.push({ t: 'step', at, id: step.id, state: 'failed', attempt: slot.attempt, error: info });
    if (willRetry) {
      opts.journal.append(pendingRecords.splice(0));
      emit({ type: 'step-failed', at, step: step.id, error: info, willRetry: true });
      const backoff = (step.retry.backoffMs * 2 ** (round - 1)) / speed;
      try {
        await clock.sleep(backoff, runAbort.signal);
      } catch {
        slot.state = 'pending';
        return schedulePump();
      }
      readyStart(slot);
      return;
    }
    slot.state = 'failed';
    afterWrite.push(() => {
      emit({ type: 'step-failed', at, step: step.id, error: info, willRetry: false });
      if (opts.onFailure === 'abort') abort('failed');
      else failures.push({ step, error: info, attempt: slot.attempt });
    });
    schedulePump();
  }

  /** A retry (after its backoff, or chosen by the person) goes to the front of the queue. */
  function readyStart(slot: Slot) {
    slot.state = 'ready';
    (slot.step.nodes.length ? readyNodeSteps : readyWideSteps).unshift(slot);
    schedulePump();
  }

  function abort(state: RunState) {
    if (ending || ended) return;
    ending = state;
    failures.splice(0);
    runAbort.abort(new StepError('interrupted', 'the run was stopped'));
    schedulePump();
  }

  // Heartbeat: what the longest-waiting running step waits for, so the panels never look frozen.
  const heartbeat =
    clock.virtual || opts.heartbeatMs === 0
      ? undefined
      : setInterval(() => {
          let oldest: { what: string; since: number } | undefined;
          for (const slot of slots.values()) if (slot.state === 'running' && slot.waiting && (!oldest || slot.waiting.since < oldest.since)) oldest = slot.waiting;
          if (oldest) {
            const at = clock.now();
            emit({ type: 'heartbeat', at, waitingFor: oldest.what, sinceMs: at - oldest.since });
          }
        }, opts.heartbeatMs ?? 1000);
  heartbeat?.unref?.();

  const startAt = clock.now();
  opts.journal.append([{ t: 'run', at: startAt, pid: process.pid, plan: opts.deployment.planName, steps: slots.size }]);
  for (const tier of tierCompleteAtStart) emit({ type: 'tier-done', at: startAt, tier, state: 'done' });
  schedulePump();

  return {
    result,
    failures: () => [...failures],
    decide(stepId, decision) {
      if (decision === 'abort') return abort('failed');
      const i = failures.findIndex((f) => f.step.id === stepId);
      if (i < 0) return;
      const [f] = failures.splice(i, 1);
      const slot = slots.get(f.step.id)!;
      if (decision === 'skip') {
        if (!slot.step.skippable) {
          failures.splice(i, 0, f);
          throw new Error(`${slot.step.title} cannot be skipped safely`);
        }
        const at = clock.now();
        const tierDone = complete(slot, 'skipped');
        pendingRecords.push({ t: 'step', at, id: stepId, state: 'skipped', attempt: slot.attempt });
        afterWrite.push(() => {
          emit({ type: 'step-done', at, step: stepId, state: 'skipped' });
          if (tierDone) emit({ type: 'tier-done', at, tier: slot.step.tier, state: 'done' });
        });
        return schedulePump();
      }
      // A new round of attempts under the step's retry policy.
      slot.roundStart = slot.attempt;
      readyStart(slot);
    },
    cancel: () => abort('interrupted'),
  };
}
