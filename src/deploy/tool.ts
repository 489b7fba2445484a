// Running a tool for a step: execa with an argument array, in its own process group so that
// cancelling the step (or closing the driver) stops the tool and everything it started —
// no orphans holding the output pipe. Output lines stream into the step's log.
import type { StepContext } from './types.js';
import { StepError } from './types.js';

export interface ToolOptions {
  env?: NodeJS.ProcessEnv;
}

/** Lines of output kept for a failure's tail. */
const TAIL_LINES = 20;
/** Grace between SIGTERM and SIGKILL to a stopped tool's group. */
const KILL_GRACE_MS = 2000;

/** Process groups of tools still running, so a driver's close() can stop them all. */
export class ToolGroup {
  private readonly live = new Set<number>();

  /** Runs `file args` for a step; resolves with its output lines, throws StepError on failure. */
  async run(ctx: Pick<StepContext, 'log' | 'signal'>, file: string, args: readonly string[], o: ToolOptions = {}): Promise<string[]> {
    const { execa } = await import('execa');
    const tail: string[] = [];
    const sub = execa(file, args, { env: o.env, detached: true, all: true, buffer: false, reject: false, stdin: 'ignore' });
    const pid = sub.pid;
    if (pid !== undefined) this.live.add(pid);
    const stop = () => this.kill(pid, KILL_GRACE_MS);
    ctx.signal.addEventListener('abort', stop, { once: true });
    if (ctx.signal.aborted) stop(); // stopped while execa was loading: the listener never fires
    try {
      for await (const line of sub.iterable({ from: 'all' })) {
        const text = String(line);
        tail.push(text);
        if (tail.length > TAIL_LINES) tail.shift();
        ctx.log(text);
      }
      const result = await sub;
      if (ctx.signal.aborted) throw ctx.signal.reason instanceof StepError ? ctx.signal.reason : new StepError('interrupted', `${file} was stopped`);
      if (result.failed) {
        const missing = (result as { code?: string }).code === 'ENOENT';
        const how = result.exitCode === undefined ? `was killed (${result.signal ?? 'signal'})` : `exited with status ${result.exitCode}`;
        throw new StepError(missing ? 'tool-missing' : 'tool-failed', missing ? `${file} is not installed` : `${file} ${how}`, undefined, tail);
      }
      return tail;
    } finally {
      ctx.signal.removeEventListener('abort', stop);
      if (pid !== undefined) {
        // Anything it left running in its group goes too.
        this.kill(pid, 0);
        this.live.delete(pid);
      }
    }
  }

  private kill(pid: number | undefined, killAfterMs: number): void {
    if (pid === undefined) return;
    const signalGroup = (sig: NodeJS.Signals) => {
      try {
        process.kill(-pid, sig);
        return true;
      } catch {
        return false;
      }
    };
    if (!signalGroup('SIGTERM')) return;
    if (killAfterMs <= 0) signalGroup('SIGKILL');
    else setTimeout(() => signalGroup('SIGKILL'), killAfterMs).unref();
  }

  /** Stops every tool still running (driver close, cancellation). */
  stopAll(): void {
    for (const pid of this.live) this.kill(pid, 0);
    this.live.clear();
  }

  get running(): number {
    return this.live.size;
  }
}
