// The progress store: deploy events reduced into a bounded view model that lives outside
// React. Events land at any rate; subscribers (the Deploy screen through
// useSyncExternalStore) are notified at most once per interval with a new immutable
// snapshot, so a flood of log lines costs a few renders a second, not one per line.
import type { JournalSummary } from './journal.js';
import { TIERS, type DeployEvent, type Deployment, type NodeState, type Step, type StepErrorInfo, type TierId } from './types.js';

export type TierState = 'pending' | 'running' | 'done' | 'failed';
/** A step as the tier counts see it (a skipped one counts as done). */
type StepViewState = 'pending' | 'running' | 'done' | 'failed';
export type RunViewState = 'running' | 'done' | 'failed' | 'interrupted';
/** A server's state in the panels: Ironic's, or `pending` before anything touched it. */
export type NodeViewState = NodeState | 'pending';

export interface TierView {
  id: TierId;
  state: TierState;
  total: number;
  done: number;
  failed: number;
  running: number;
  startedAt?: number;
  endedAt?: number;
  /** Estimated time left: step estimates, corrected by how long finished steps really took. */
  etaMs?: number;
}

export interface NodeView {
  name: string;
  role: string;
  tier: TierId;
  state: NodeViewState;
  /** Title of its current (or last) step. */
  step?: string;
  stepState?: 'running' | 'failed' | 'done' | 'retrying';
  /** When its current step (or state) began. */
  since?: number;
}

export interface LogEntry {
  at: number;
  node?: string;
  step?: string;
  level: 'info' | 'warn' | 'error';
  line: string;
}

export interface RunningStepView {
  id: string;
  title: string;
  tier: TierId;
  nodes: string[];
  startedAt: number;
  fraction?: number;
  note?: string;
  attempt: number;
}

export interface FailureView {
  step: string;
  title: string;
  tier: TierId;
  nodes: string[];
  error: StepErrorInfo;
  skippable: boolean;
  at: number;
}

export interface ProgressView {
  version: number;
  now: number;
  startedAt?: number;
  endedAt?: number;
  runState: RunViewState;
  tiers: TierView[];
  nodes: readonly NodeView[];
  nodeCounts: Partial<Record<NodeViewState, number>>;
  running: RunningStepView[];
  /** The last lines, oldest first (bounded). */
  log: LogEntry[];
  logTotal: number;
  heartbeat?: { waitingFor: string; sinceMs: number; at: number };
  /** Failed steps waiting for a decision. */
  failures: FailureView[];
  /** Last step or server state change (the heartbeat shows when it is long ago). */
  lastChangeAt?: number;
  /** Steps that had nothing to do in this plan, and why (shown as not done, never as done). */
  notDone: { step: string; title: string; why: string }[];
}

export interface ProgressStoreOptions {
  /** Milliseconds between notifications (50–100). */
  intervalMs?: number;
  /** Log lines kept in memory for the log view; the full log is in the log file. */
  logCapacity?: number;
  /** Lines in each snapshot's tail. */
  tailLines?: number;
  /** Time scale of the driver (estimates are at speed 1). */
  speed?: number;
  concurrency?: number;
  /** Steps the journal shows done: their servers start in their final state. */
  resume?: JournalSummary;
  now?: () => number;
  /** Re-notify this often while running, so elapsed times move (0: never). */
  tickMs?: number;
}

export interface ProgressStore {
  dispatch(event: DeployEvent): void;
  subscribe(listener: () => void): () => void;
  getSnapshot(): ProgressView;
  /** Notify now (end of run, tests). */
  flush(): void;
  /** Lines in memory, oldest first, optionally only one server's. */
  logLines(node?: string): LogEntry[];
  close(): void;
}

export function createProgressStore(deployment: Deployment, opts: ProgressStoreOptions = {}): ProgressStore {
  const intervalMs = opts.intervalMs ?? 80;
  const capacity = opts.logCapacity ?? 2000;
  const tailLines = opts.tailLines ?? 100;
  const speed = opts.speed ?? 1;
  const concurrency = Math.max(1, opts.concurrency ?? 10);
  const clockNow = opts.now ?? Date.now;

  const steps = new Map<string, Step>(deployment.steps.map((s) => [s.id, s]));
  const stepState = new Map<string, StepViewState>();
  const stepStart = new Map<string, number>();
  const measured = { actual: 0, estimate: 0 };
  const tiers = new Map<TierId, TierView>(
    TIERS.map((id) => [id, { id, state: 'pending', total: 0, done: 0, failed: 0, running: 0 } satisfies TierView]),
  );
  for (const s of deployment.steps) tiers.get(s.tier)!.total++;

  const nodes = new Map<string, NodeView>();
  for (const n of deployment.nodes ?? []) nodes.set(n.name, { name: n.name, role: n.role, tier: n.tier, state: 'pending' });
  for (const s of deployment.steps) for (const name of s.nodes) if (!nodes.has(name)) nodes.set(name, { name, role: '', tier: s.tier, state: 'pending' });

  const running = new Map<string, RunningStepView>();
  const failures = new Map<string, FailureView>();
  const ring: LogEntry[] = new Array(capacity);
  let ringStart = 0;
  let ringSize = 0;
  let logTotal = 0;
  let runState: RunViewState = 'running';
  let startedAt: number | undefined;
  let endedAt: number | undefined;
  let lastChangeAt: number | undefined;
  const notDone: ProgressView['notDone'] = [];
  let heartbeat: ProgressView['heartbeat'];
  let lastAt = 0;

  /** Moves a step to `next`; its tier's counts of running, done and failed steps follow. */
  function moveStep(s: Step, next: StepViewState) {
    const t = tiers.get(s.tier)!;
    const prev = stepState.get(s.id) ?? 'pending';
    if (prev !== 'pending') t[prev]--;
    if (next !== 'pending') t[next]++;
    stepState.set(s.id, next);
  }

  /** The servers of `s` show it as their current (or last) step; `since` and `nodeState` when given. */
  function showStep(s: Step, state: NonNullable<NodeView['stepState']>, since?: number, nodeState?: NodeState) {
    for (const name of s.nodes) {
      const n = nodes.get(name)!;
      if (nodeState) n.state = nodeState;
      n.step = s.title;
      n.stepState = state;
      if (since !== undefined) n.since = since;
    }
  }

  for (const s of deployment.steps) {
    const r = opts.resume?.steps.get(s.id);
    if (r && (r.state === 'done' || r.state === 'skipped')) {
      moveStep(s, 'done');
      showStep(s, 'done', undefined, s.nodeStateAfter);
    }
  }
  for (const t of tiers.values()) if (t.total > 0 && t.done === t.total) t.state = 'done';
  // Tiers an earlier run worked on keep their times (from the journal).
  if (opts.resume) {
    for (const [id, r] of opts.resume.steps) {
      const t = r.tier && tiers.get(r.tier);
      if (!t || !steps.has(id)) continue;
      const start = r.startedAt ?? r.at;
      t.startedAt = t.startedAt === undefined ? start : Math.min(t.startedAt, start);
      if (t.state === 'done') t.endedAt = Math.max(t.endedAt ?? 0, r.at);
    }
  }

  const listeners = new Set<() => void>();
  let dirty = false;
  let timer: NodeJS.Timeout | undefined;
  let ticker: NodeJS.Timeout | undefined;
  let snapshot = build(0);

  function build(version: number): ProgressView {
    const nodeList = [...nodes.values()].map((n) => ({ ...n }));
    const nodeCounts: Partial<Record<NodeViewState, number>> = {};
    for (const n of nodeList) nodeCounts[n.state] = (nodeCounts[n.state] ?? 0) + 1;
    const log: LogEntry[] = [];
    const k = Math.min(tailLines, ringSize);
    for (let i = ringSize - k; i < ringSize; i++) log.push(ring[(ringStart + i) % capacity]);
    const now = Math.max(lastAt, opts.now ? clockNow() : lastAt || clockNow());
    return {
      version,
      now,
      startedAt,
      endedAt,
      runState,
      tiers: TIERS.map((id) => ({ ...tiers.get(id)!, etaMs: eta(id) })),
      nodes: nodeList,
      nodeCounts,
      running: [...running.values()].map((r) => ({ ...r })),
      log,
      logTotal,
      heartbeat,
      failures: [...failures.values()],
      lastChangeAt,
      notDone: [...notDone],
    };
  }

  /** Remaining estimate of a tier: per-server kinds run `concurrency` at a time. */
  function eta(tier: TierId): number | undefined {
    const t = tiers.get(tier)!;
    if (t.state === 'done') return 0;
    let wide = 0;
    const perKind = new Map<string, { n: number; ms: number }>();
    for (const s of deployment.steps) {
      if (s.tier !== tier || stepState.get(s.id) === 'done') continue;
      let ms = s.estimateMs;
      const started = stepStart.get(s.id);
      if (started !== undefined) ms = Math.max(0, ms - (lastAt - started) * speed);
      if (s.nodes.length) {
        const k = perKind.get(s.kind) ?? { n: 0, ms: 0 };
        k.n++;
        k.ms = Math.max(k.ms, ms);
        perKind.set(s.kind, k);
      } else wide += ms;
    }
    for (const k of perKind.values()) wide += Math.ceil(k.n / concurrency) * k.ms;
    const ratio = measured.estimate > 0 ? Math.min(4, Math.max(0.25, measured.actual / measured.estimate)) : 1;
    return (wide / speed) * ratio;
  }

  function notify() {
    timer = undefined;
    if (!dirty) return;
    dirty = false;
    snapshot = build(snapshot.version + 1);
    for (const l of [...listeners]) l();
  }

  function touch() {
    dirty = true;
    if (!timer && listeners.size) timer = setTimeout(notify, intervalMs);
  }

  function pushLog(entry: LogEntry) {
    logTotal++;
    if (ringSize < capacity) {
      ring[(ringStart + ringSize) % capacity] = entry;
      ringSize++;
    } else {
      ring[ringStart] = entry;
      ringStart = (ringStart + 1) % capacity;
    }
  }

  function dispatch(e: DeployEvent) {
    lastAt = Math.max(lastAt, e.at);
    startedAt ??= e.at;
    switch (e.type) {
      case 'tier-started': {
        const t = tiers.get(e.tier)!;
        t.state = 'running';
        t.startedAt ??= e.at;
        break;
      }
      case 'tier-done': {
        const t = tiers.get(e.tier)!;
        t.state = e.state;
        t.endedAt = e.at;
        break;
      }
      case 'step-started': {
        const s = steps.get(e.step);
        if (!s) break;
        moveStep(s, 'running');
        stepStart.set(e.step, e.at);
        failures.delete(e.step);
        const t = tiers.get(s.tier)!;
        if (t.state === 'pending' || t.state === 'failed') t.state = 'running';
        t.startedAt ??= e.at;
        running.set(e.step, { id: s.id, title: s.title, tier: s.tier, nodes: s.nodes, startedAt: e.at, attempt: e.attempt });
        showStep(s, 'running', e.at);
        lastChangeAt = e.at;
        break;
      }
      case 'step-progress': {
        const r = running.get(e.step);
        if (r) {
          r.fraction = e.fraction;
          r.note = e.note;
        }
        break;
      }
      case 'step-done': {
        const s = steps.get(e.step);
        if (!s) break;
        moveStep(s, 'done');
        failures.delete(e.step);
        const started = stepStart.get(e.step);
        if (started !== undefined && e.state === 'done') {
          measured.actual += e.at - started;
          measured.estimate += s.estimateMs / speed;
        }
        running.delete(e.step);
        if (e.nothing) notDone.push({ step: s.id, title: s.title, why: e.nothing });
        showStep(s, 'done', e.at, e.state === 'done' ? s.nodeStateAfter : undefined);
        lastChangeAt = e.at;
        break;
      }
      case 'step-failed': {
        const s = steps.get(e.step);
        if (!s) break;
        running.delete(e.step);
        if (e.willRetry) {
          moveStep(s, 'pending');
          showStep(s, 'retrying');
        } else if (e.error.kind === 'interrupted') {
          moveStep(s, 'pending');
        } else {
          moveStep(s, 'failed');
          failures.set(e.step, { step: s.id, title: s.title, tier: s.tier, nodes: s.nodes, error: e.error, skippable: s.skippable, at: e.at });
          showStep(s, 'failed');
        }
        pushLog({ at: e.at, step: e.step, node: s.nodes.length === 1 ? s.nodes[0] : undefined, level: e.willRetry ? 'warn' : 'error', line: `${s.title}: ${e.error.message}${e.willRetry ? ' (retrying)' : ''}` });
        lastChangeAt = e.at;
        break;
      }
      case 'node-state': {
        const n = nodes.get(e.node);
        if (n) {
          n.state = e.state;
          n.since = e.at;
        }
        lastChangeAt = e.at;
        break;
      }
      case 'log':
        // The event itself is the entry: one object less per line in a flood.
        pushLog(e);
        break;
      case 'heartbeat':
        heartbeat = { waitingFor: e.waitingFor, sinceMs: e.sinceMs, at: e.at };
        break;
      case 'run-done':
        runState = e.state;
        endedAt = e.at;
        running.clear();
        if (e.state !== 'done') failures.clear();
        heartbeat = undefined;
        clearInterval(ticker);
        break;
    }
    touch();
  }

  return {
    dispatch,
    subscribe(listener) {
      listeners.add(listener);
      if (!ticker && opts.tickMs !== 0 && runState === 'running') {
        ticker = setInterval(() => {
          if (runState !== 'running') return clearInterval(ticker);
          lastAt = Math.max(lastAt, opts.now ? clockNow() : lastAt);
          touch();
        }, opts.tickMs ?? 1000);
        ticker.unref?.();
      }
      if (dirty && !timer) timer = setTimeout(notify, intervalMs);
      return () => listeners.delete(listener);
    },
    getSnapshot: () => snapshot,
    flush() {
      clearTimeout(timer);
      dirty = true;
      notify();
    },
    logLines(node) {
      const out: LogEntry[] = [];
      for (let i = 0; i < ringSize; i++) {
        const e = ring[(ringStart + i) % capacity];
        if (!node || e.node === node) out.push(e);
      }
      return out;
    },
    close() {
      clearTimeout(timer);
      clearInterval(ticker);
      listeners.clear();
    },
  };
}
