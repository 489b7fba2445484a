// The journal: every step transition, on disk before the step starts and after it ends, so a
// run killed at any moment resumes where it stopped.
//
// Format: append-only JSON lines, each batch written with one write() and fsync'd before the
// runner acts on it. Why not a JSON document rewritten through temp + fsync + rename: a
// 1,000-server deployment has ~3,000 steps and ~8,000 transitions, and rewriting the whole
// state for each is quadratic (gigabytes written); appending is constant per transition.
// A kill -9 cannot tear a single small write() to a regular file; only a power loss can
// leave a torn last line, and the reader ignores it (that transition is then simply not
// recorded: a step it started runs again, which steps allow because they are idempotent).
// Opening for append cuts a torn tail first, so every line of the file stays valid JSON.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, statSync, ftruncateSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { StepErrorInfo, StepState, TierId } from './types.js';

export type RunState = 'done' | 'failed' | 'interrupted';

export type JournalRecord =
  | { t: 'run'; at: number; pid: number; plan: string; steps: number }
  | { t: 'step'; at: number; id: string; state: StepState; attempt?: number; error?: StepErrorInfo; tier?: TierId }
  | { t: 'end'; at: number; state: RunState };

export function journalPath(stateDir: string): string {
  return join(stateDir, 'deploy', 'journal.jsonl');
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
}

export function parseJournal(text: string): { records: JournalRecord[]; torn: boolean } {
  const records: JournalRecord[] = [];
  const lines = text.split('\n');
  let torn = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (!line) continue;
    try {
      records.push(JSON.parse(line) as JournalRecord);
    } catch (e) {
      // Only the last line may be torn; anything else is a corrupt journal.
      if (i >= lines.length - 2 && !text.endsWith('\n')) torn = true;
      else throw new Error(`journal line ${i + 1} is not valid JSON: ${(e as Error).message}`);
    }
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
    } else {
      const prev = summary.steps.get(r.id);
      summary.steps.set(r.id, {
        state: r.state,
        at: r.at,
        attempt: r.attempt,
        error: r.error,
        tier: r.tier ?? prev?.tier,
        startedAt: r.state === 'running' ? r.at : prev?.startedAt,
        completions: (prev?.completions ?? 0) + (r.state === 'done' ? 1 : 0),
      });
    }
  }
  return summary;
}

export function readJournal(stateDir: string): JournalSummary {
  const path = journalPath(stateDir);
  if (!existsSync(path)) return summarize([]);
  const { records, torn } = parseJournal(readFileSync(path, 'utf8'));
  return summarize(records, torn);
}

export class Journal {
  private constructor(
    readonly path: string,
    private fd: number,
  ) {}

  /** Opens (creating) the journal for appending; cuts a torn last line. */
  static open(stateDir: string): Journal {
    const path = journalPath(stateDir);
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const fresh = !existsSync(path);
    const fd = openSync(path, 'a+', 0o600);
    if (!fresh) {
      const size = statSync(path).size;
      if (size > 0) {
        const text = readFileSync(path, 'utf8');
        if (!text.endsWith('\n')) {
          ftruncateSync(fd, Buffer.byteLength(text.slice(0, text.lastIndexOf('\n') + 1)));
          fsyncSync(fd);
        }
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
export function archiveJournal(stateDir: string): string | undefined {
  const path = journalPath(stateDir);
  if (!existsSync(path)) return undefined;
  const to = join(dirname(path), `journal-${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`);
  renameSync(path, to);
  return to;
}
