// The journal: every step transition, on disk before the step starts and after it ends, so a
// run killed at any moment resumes where it stopped.
//
// Format: append-only JSON lines, each batch written with one write() and fsync'd before the
// runner acts on it. Why not a JSON document rewritten through temp + fsync + rename: a
// 1,000-server deployment has ~3,000 steps and ~8,000 transitions, and rewriting the whole
// state for each is quadratic (gigabytes written); appending is constant per transition.
// A kill -9 cannot tear a single small write() to a regular file; only a power loss can
// leave a torn last line (or a full disk: a short write), and the reader skips it and says so
// (that transition is then simply not recorded: a step it started runs again, which steps
// allow because they are idempotent). Opening for append cuts a torn tail first, so every
// line of the file stays valid JSON. A bad line anywhere else is damage nobody expects: an
// error naming the file and line, never a guess.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, ftruncateSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CliError } from '../command.js';
import { fsProblem } from '../store/fs-problem.js';
import { TIERS, type StepErrorInfo, type StepState, type TierId } from './types.js';

export type RunState = 'done' | 'failed' | 'interrupted';

export type JournalRecord =
  | { t: 'run'; at: number; pid: number; plan: string; steps: number }
  | { t: 'step'; at: number; id: string; state: StepState; attempt?: number; error?: StepErrorInfo; tier?: TierId }
  | { t: 'end'; at: number; state: RunState }
  | JournalInputs;

/**
 * The inputs of a run's plan (src/deploy/step-inputs.ts), written before its first step:
 * only the digests that differ from those the journal already holds.
 */
export interface JournalInputs {
  t: 'inputs';
  at: number;
  plan: string;
  /** "the simulated lab ha-lab", "real hardware". */
  target: string;
  facts: Record<string, string>;
  steps: Record<string, string>;
  /** Finished steps this run does again, with the facts that changed. */
  rerun?: Record<string, string[]>;
}

/** Each kind of run has its own journal: a first deployment `journal`, a scale-out `scale-out`. */
export type JournalName = 'journal' | 'scale-out';

export function journalPath(stateDir: string, name: JournalName = 'journal'): string {
  return join(stateDir, 'deploy', `${name}.jsonl`);
}

export interface StepRecord {
  state: StepState;
  at: number;
  attempt?: number;
  error?: StepErrorInfo;
  tier?: TierId;
  /** When it last started running. */
  startedAt?: number;
  /** How many times the journal saw it complete (done). Exactly once in a healthy journal. */
  completions: number;
  /** The digest of its inputs when it finished (done or skipped). */
  inputs?: string;
}

export interface JournalSummary {
  /** `none`: no journal; `running`: the last run did not end (killed, or still running). */
  state: 'none' | 'running' | RunState;
  plan?: string;
  runs: number;
  startedAt?: number;
  endedAt?: number;
  steps: Map<string, StepRecord>;
  /** A torn last line was ignored. */
  torn: boolean;
  /** The digests recorded so far, the last of each; absent in journals older than them. */
  inputs?: { target: string; facts: Map<string, string>; steps: Map<string, string>; rerun: Map<string, string[]> };
}

/** A journal damaged where a crash cannot damage it: exit 1, naming the file and line. */
export class JournalError extends CliError {
  override name = 'JournalError';
  constructor(
    readonly line: number,
    readonly problem: string,
    readonly path = 'journal.jsonl',
  ) {
    super(
      `${path}:${line}: ${problem}. The journal is damaged before its last line, which a crash cannot do. ` +
        `Move it aside to start the deployment over (mv ${path} ${path}.damaged), or repair that line if you know what it held`,
    );
  }
}

const STEP_STATES = new Set<string>(['pending', 'running', 'done', 'failed', 'skipped', 'interrupted']);
const RUN_STATES = new Set<string>(['done', 'failed', 'interrupted']);
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStringMap = (v: unknown) => isRecord(v) && Object.values(v).every((x) => typeof x === 'string');

/** Why a parsed line is not a journal record, or undefined when it is one. */
function recordProblem(v: unknown): string | undefined {
  if (!isRecord(v)) return 'not a journal record (a JSON object)';
  // Any time a Date can hold: the panels and `status` print it.
  if (typeof v.at !== 'number' || !(Math.abs(v.at) <= 8.64e15)) return 'a record without a valid time ("at")';
  switch (v.t) {
    case 'run':
      return typeof v.plan === 'string' ? undefined : 'a "run" record without its plan';
    case 'end':
      return RUN_STATES.has(v.state as string) ? undefined : `an "end" record with an unknown state ${JSON.stringify(v.state)}`;
    case 'step':
      if (typeof v.id !== 'string') return 'a "step" record without its id';
      if (!STEP_STATES.has(v.state as string)) return `a "step" record with an unknown state ${JSON.stringify(v.state)}`;
      if (v.tier !== undefined && !(TIERS as readonly unknown[]).includes(v.tier)) return `a "step" record with an unknown tier ${JSON.stringify(v.tier)}`;
      if (v.error !== undefined && !(isRecord(v.error) && typeof v.error.message === 'string')) return 'a "step" record with a malformed error';
      return undefined;
    case 'inputs':
      return typeof v.plan === 'string' && typeof v.target === 'string' && isStringMap(v.facts) && isStringMap(v.steps) && (v.rerun === undefined || (isRecord(v.rerun) && Object.values(v.rerun).every((x) => Array.isArray(x) && x.every((k) => typeof k === 'string'))))
        ? undefined
        : 'a malformed "inputs" record';
    default:
      return `a record of unknown type ${JSON.stringify(v.t)}`;
  }
}

function wholeRecord(line: string): boolean {
  try {
    return recordProblem(JSON.parse(line)) === undefined;
  } catch {
    return false;
  }
}

/** Parses a journal; throws JournalError for a bad line that is not the (unterminated) last one. */
export function parseJournal(text: string, path?: string): { records: JournalRecord[]; torn: boolean } {
  const records: JournalRecord[] = [];
  const lines = text.split('\n');
  let torn = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (!line) continue;
    let problem: string | undefined;
    let value: unknown;
    try {
      value = JSON.parse(line);
      problem = recordProblem(value);
    } catch (e) {
      problem = `not valid JSON (${(e as Error).message})`;
    }
    if (!problem) records.push(value as JournalRecord);
    // Only the last line, cut before its newline, is what a crash leaves.
    else if (i === lines.length - 1) torn = true;
    else throw new JournalError(i + 1, problem, path);
  }
  return { records, torn };
}

function summarize(records: readonly JournalRecord[], torn = false): JournalSummary {
  const summary: JournalSummary = { state: records.length ? 'running' : 'none', runs: 0, steps: new Map(), torn };
  for (const r of records) {
    if (r.t === 'run') {
      summary.runs++;
      summary.plan = r.plan;
      summary.startedAt ??= r.at;
      summary.state = 'running';
      summary.endedAt = undefined;
    } else if (r.t === 'end') {
      summary.state = r.state;
      summary.endedAt = r.at;
    } else if (r.t === 'inputs') {
      const inputs = (summary.inputs ??= { target: r.target, facts: new Map(), steps: new Map(), rerun: new Map() });
      inputs.target = r.target;
      for (const [k, v] of Object.entries(r.facts)) inputs.facts.set(k, v);
      for (const [k, v] of Object.entries(r.steps)) inputs.steps.set(k, v);
      inputs.rerun = new Map(Object.entries(r.rerun ?? {}));
    } else {
      const prev = summary.steps.get(r.id);
      const finished = r.state === 'done' || r.state === 'skipped';
      summary.steps.set(r.id, {
        state: r.state,
        at: r.at,
        attempt: r.attempt,
        error: r.error,
        tier: r.tier ?? prev?.tier,
        startedAt: r.state === 'running' ? r.at : prev?.startedAt,
        completions: (prev?.completions ?? 0) + (r.state === 'done' ? 1 : 0),
        ...(finished && summary.inputs?.steps.has(r.id) ? { inputs: summary.inputs.steps.get(r.id) } : {}),
      });
    }
  }
  return summary;
}

/** The journal of `stateDir` (none when there is none); throws CliError when it cannot be read. */
export function readJournal(stateDir: string, name?: JournalName): JournalSummary {
  const path = journalPath(stateDir, name);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return summarize([]);
    throw new CliError(`cannot read the deployment journal: ${fsProblem(e, path)}`);
  }
  const { records, torn } = parseJournal(text, path);
  return summarize(records, torn);
}

export class Journal {
  private constructor(
    readonly path: string,
    private fd: number,
  ) {}

  /** Opens (creating) the journal for appending; cuts a torn last line. */
  static open(stateDir: string, name?: JournalName): Journal {
    const path = journalPath(stateDir, name);
    let fd: number;
    let fresh: boolean;
    try {
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      fresh = !existsSync(path);
      fd = openSync(path, 'a+', 0o600);
    } catch (e) {
      throw new CliError(`cannot write the deployment journal: ${fsProblem(e, path)}`);
    }
    if (!fresh) {
      // Bytes, not text: a torn UTF-8 sequence must not shift where the cut goes.
      const bytes = readFileSync(path);
      if (bytes.length > 0 && bytes[bytes.length - 1] !== 0x0a) {
        const end = bytes.lastIndexOf(0x0a) + 1;
        // A whole record that lost only its newline was read as one: keep it.
        if (wholeRecord(bytes.subarray(end).toString('utf8'))) writeSync(fd, '\n');
        else ftruncateSync(fd, end);
        fsyncSync(fd);
      }
    } else {
      // Make the new directory entry durable too.
      const dir = openSync(dirname(path), 'r');
      try {
        fsyncSync(dir);
      } finally {
        closeSync(dir);
      }
    }
    return new Journal(path, fd);
  }

  /** Writes records with one write() and fsyncs: when it returns they survive a crash. */
  append(records: readonly JournalRecord[]): void {
    if (!records.length) return;
    let text = '';
    for (const r of records) text += JSON.stringify(r) + '\n';
    const buf = Buffer.from(text);
    let off = 0;
    while (off < buf.length) off += writeSync(this.fd, buf, off);
    fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}

/** Moves a finished journal aside (journal-<time>.jsonl) so a new deployment starts fresh. */
export function archiveJournal(stateDir: string, name: JournalName = 'journal'): string | undefined {
  const path = journalPath(stateDir, name);
  if (!existsSync(path)) return undefined;
  const to = join(dirname(path), `${name}-${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`);
  renameSync(path, to);
  return to;
}
