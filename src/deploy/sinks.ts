// Log sinks: where deploy events go besides the screens. The log file gets everything
// (secrets redacted); the non-interactive reporters print one plain line per step
// transition, or every event as a JSON line. Writes are buffered, so a flood of log lines
// costs a few system calls, not one per line.
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readSecret } from '../plan/answers.js';
import type { Plan } from '../plan/schema.js';
import type { DeployEvent, Deployment, Step } from './types.js';

export type Sink = (event: DeployEvent) => void;

export function logFilePath(stateDir: string): string {
  return join(stateDir, 'deploy', 'deploy.log');
}

/** The secret a password or token file holds; an unreadable file holds none to redact. */
function fileSecret(file: string): string | undefined {
  try {
    return readSecret({ passwordFile: file });
  } catch {
    return undefined;
  }
}

/**
 * Replaces every secret of the plan (BMC and API passwords and tokens, inline or read from their
 * files) and `password=...` forms with ****. A secret of one or two characters is replaced
 * where it stands alone (not inside a longer word): everywhere would garble every line.
 */
export function createRedactor(plan: Plan, extra: readonly string[] = []): (line: string) => string {
  const secrets = new Set<string>(extra);
  const files = new Set<string>();
  for (const n of plan.nodes) {
    if (n.bmc.password) secrets.add(n.bmc.password);
    else if (n.bmc.passwordFile) files.add(n.bmc.passwordFile);
  }
  for (const tier of [plan.seed, plan.undercloud]) {
    const auth = tier.ironic?.auth;
    if (auth?.type === 'basic') {
      if (auth.password) secrets.add(auth.password);
      else if (auth.passwordFile) files.add(auth.passwordFile);
    }
    if (auth?.type === 'token') {
      if (auth.token) secrets.add(auth.token);
      else if (auth.tokenFile) files.add(auth.tokenFile);
    }
  }
  for (const file of files) {
    const secret = fileSecret(file);
    if (secret) secrets.add(secret);
  }
  const long = [...secrets].filter((s) => s.length >= 3).sort((a, b) => b.length - a.length);
  const short = [...secrets].filter((s) => s.length > 0 && s.length < 3).map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const alone = short.length ? new RegExp(`(?<![\\p{L}\\p{N}])(?:${short.join('|')})(?![\\p{L}\\p{N}])`, 'gu') : undefined;
  const keyed = /\b((?:os_)?password|passwd|pm_password|token)(\s*[=:]\s*)("?)[^\s"]+/gi;
  return (line) => {
    let out = line.replace(keyed, '$1$2$3****');
    for (const s of long) if (out.includes(s)) out = out.split(s).join('****');
    return alone ? out.replace(alone, '****') : out;
  };
}

/** Appends text to a file through a buffer flushed at 64 KiB, on a short timer, and on close. */
export class BufferedWriter {
  private buf: string[] = [];
  private size = 0;
  private timer: NodeJS.Timeout | undefined;
  private fd: number;

  constructor(
    readonly path: string,
    private readonly flushMs = 200,
  ) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    this.fd = openSync(path, 'a', 0o600);
  }

  /** Appends one line (the newline is added here). */
  write(line: string): void {
    this.buf.push(line);
    this.size += line.length + 1;
    if (this.size >= 65536) this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.flushMs);
      this.timer.unref?.();
    }
  }

  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.size || this.fd < 0) return;
    const data = Buffer.from(this.buf.join('\n') + '\n');
    this.buf = [];
    this.size = 0;
    let off = 0;
    while (off < data.length) off += writeSync(this.fd, data, off);
  }

  close(): void {
    this.flush();
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}

/** `14:03:27` (UTC), as the plain reporter and the log view print an event's time. */
export function clockTime(at: number): string {
  return new Date(at).toISOString().slice(11, 19);
}

let lastAt = NaN;
let lastIso = '';
/** Log lines come in bursts with the same time: format it once. */
function iso(at: number): string {
  if (at !== lastAt) {
    lastAt = at;
    lastIso = new Date(at).toISOString();
  }
  return lastIso;
}

/** Everything, one line per event, for the log file. */
export function formatLogLine(e: DeployEvent, steps: ReadonlyMap<string, Step>): string | undefined {
  const t = iso(e.at);
  switch (e.type) {
    case 'log':
      return `${t} ${e.level.toUpperCase().padEnd(5)} [${e.node ?? e.step ?? '-'}] ${e.line}`;
    case 'step-started':
      return `${t} STEP  ${e.step} started (attempt ${e.attempt}): ${steps.get(e.step)?.title ?? ''}`;
    case 'step-done':
      return `${t} STEP  ${e.step} ${e.state}${e.nothing ? ` (nothing to run: ${e.nothing})` : ''}`;
    case 'step-failed':
      return `${t} FAIL  ${e.step} ${e.error.kind}: ${e.error.message}${e.willRetry ? ' (will retry)' : ''}${e.error.tail?.length ? '\n' + e.error.tail.map((l) => `    | ${l}`).join('\n') : ''}`;
    case 'node-state':
      return `${t} NODE  ${e.node} -> ${e.state}`;
    case 'tier-started':
      return `${t} TIER  ${e.tier} started`;
    case 'tier-done':
      return `${t} TIER  ${e.tier} ${e.state}`;
    case 'run-done':
      return `${t} RUN   ${e.state}`;
    default:
      return undefined;
  }
}

export function fileSink(writer: BufferedWriter, deployment: Deployment, redact: (s: string) => string): Sink {
  const steps = new Map(deployment.steps.map((s) => [s.id, s]));
  return (e) => {
    const line = formatLogLine(e, steps);
    if (line !== undefined) writer.write(redact(line));
    if (e.type === 'run-done') writer.flush();
  };
}

/** `time tier server step state` for each step transition (non-interactive `deploy`). */
export function plainSink(out: (line: string) => void, deployment: Deployment, redact: (s: string) => string): Sink {
  const steps = new Map(deployment.steps.map((s) => [s.id, s]));
  // A step on many servers (an upgrade batch) names its first: its title names them all.
  const nodes = (step: Step | undefined) => (!step?.nodes.length ? '-' : step.nodes.length === 1 ? step.nodes[0] : `${step.nodes[0]} +${step.nodes.length - 1}`);
  const line = (at: number, step: Step | undefined, id: string, state: string, extra = '') =>
    out(redact(`${clockTime(at)} ${(step?.tier ?? '-').padEnd(10)} ${nodes(step).padEnd(12)} ${id.padEnd(40)} ${state}${extra}`));
  return (e) => {
    switch (e.type) {
      case 'step-started':
        return line(e.at, steps.get(e.step), e.step, 'running', e.attempt > 1 ? ` (attempt ${e.attempt})` : '');
      case 'step-done':
        return line(e.at, steps.get(e.step), e.step, e.nothing ? 'not done' : e.state, e.nothing ? `: nothing to run -- ${e.nothing}` : '');
      case 'step-failed':
        return line(e.at, steps.get(e.step), e.step, e.error.kind === 'interrupted' ? 'interrupted' : e.willRetry ? 'failed, retrying' : 'failed', `: ${e.error.message}`);
      case 'run-done':
        return out(`${clockTime(e.at)} run ${e.state}`);
    }
  };
}

/** Every event as one JSON line (log lines redacted). */
export function jsonSink(out: (line: string) => void, redact: (s: string) => string): Sink {
  return (e) => {
    if (e.type === 'log') return out(JSON.stringify({ ...e, line: redact(e.line) }));
    if (e.type === 'step-failed') return out(redact(JSON.stringify(e)));
    out(JSON.stringify(e));
  };
}
