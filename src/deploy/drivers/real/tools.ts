// Running the real tools (virsh, virt-install, qemu-img, ssh + the OpenStack/TripleO CLI):
// argument arrays through execa, never a shell string; every output line streams into the
// step's log; a percentage the tool prints becomes step progress. A missing tool, a non-zero
// exit and a hang past the deadline each become a StepError of their own kind. The tool runs
// in its own process group, so a timeout or a cancellation stops it with all its children.
import { execa } from 'execa';
import { createInterface } from 'node:readline';
import { StepError } from '../../types.js';

/** Debian package that provides each tool (for "install X" hints). */
export const TOOL_PACKAGES: Record<string, string> = {
  virsh: 'libvirt-clients',
  'virt-install': 'virtinst',
  'qemu-img': 'qemu-utils',
  ssh: 'openssh-client',
  scp: 'openssh-client',
  openstack: 'python3-openstackclient',
  curl: 'curl',
  ip: 'iproute2',
  ipmitool: 'ipmitool',
};

export interface ToolRun {
  argv: string[];
  timeoutMs: number;
  signal?: AbortSignal;
  /** Each output line (stdout and stderr, in order). */
  log?(line: string, level?: 'info' | 'warn' | 'error'): void;
  progress?(fraction: number, note?: string): void;
  env?: NodeJS.ProcessEnv;
  /** Grace between SIGTERM and SIGKILL to the process group. */
  killGraceMs?: number;
}

export interface ToolResult {
  exitCode: number;
  /** Every output line. */
  lines: string[];
}

const TAIL = 20;

/** A percentage the tool prints ("45%", "(45.20/100%)", "45.2 %") as a fraction. */
export function percentOf(line: string): number | undefined {
  const m = /(\d{1,3}(?:\.\d+)?)\s*(?:\/100)?\s*%/.exec(line);
  if (!m) return undefined;
  const v = Number(m[1]);
  return v >= 0 && v <= 100 ? v / 100 : undefined;
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is gone
  }
}

/** Runs one tool; resolves on exit 0, throws a StepError otherwise. */
export async function runTool(run: ToolRun): Promise<ToolResult> {
  const [file, ...args] = run.argv;
  const tool = file.split('/').pop()!;
  if (run.signal?.aborted) throw new StepError('interrupted', `${tool} not started: the run was stopped`);
  const child = execa(file, args, {
    reject: false,
    all: true,
    buffer: false,
    stdin: 'ignore',
    detached: true, // own process group: a kill reaches the tool's children too
    env: run.env,
    extendEnv: true,
  });
  const lines: string[] = [];
  let timedOut = false;
  let aborted = false;
  const stop = () => {
    if (!child.pid) return;
    killGroup(child.pid, 'SIGTERM');
    const hard = setTimeout(() => child.pid && killGroup(child.pid, 'SIGKILL'), run.killGraceMs ?? 3_000);
    hard.unref();
  };
  const timer = setTimeout(() => {
    timedOut = true;
    stop();
  }, run.timeoutMs);
  const onAbort = () => {
    aborted = true;
    stop();
  };
  run.signal?.addEventListener('abort', onAbort, { once: true });

  const reading = child.all
    ? (async () => {
        const rl = createInterface({ input: child.all! });
        for await (const raw of rl) {
          // Progress bars redraw with \r: keep the last frame of the line.
          const line = raw.split('\r').filter(Boolean).pop() ?? '';
          if (!line) continue;
          lines.push(line);
          run.log?.(line);
          const p = percentOf(line);
          if (p !== undefined) run.progress?.(p, `${tool} ${Math.round(p * 100)}%`);
        }
      })()
    : Promise.resolve();
  const result = await child;
  await reading.catch(() => undefined);
  clearTimeout(timer);
  run.signal?.removeEventListener('abort', onAbort);

  const tail = lines.slice(-TAIL);
  const code = (result as { code?: string }).code;
  if (code === 'ENOENT' || (result.failed && /ENOENT/.test(String(result.message)) && result.exitCode === undefined)) {
    const pkg = TOOL_PACKAGES[tool];
    throw new StepError('tool-missing', `${tool} is not installed (not found on PATH)`, pkg ? `install it: apt-get install ${pkg}` : `install ${tool}`);
  }
  if (aborted) throw new StepError('interrupted', `${tool} stopped: the run was interrupted`, undefined, tail);
  if (timedOut) {
    throw new StepError('timeout', `${tool} did not finish within ${Math.round(run.timeoutMs / 1000)} s and was stopped`, 'look at the last lines of its output; retry when the cause is gone', tail);
  }
  if (result.exitCode !== 0) {
    const how = result.exitCode === undefined ? `was killed (${result.signal ?? 'signal'})` : `exited with status ${result.exitCode}`;
    throw new StepError('tool-failed', `${tool} ${how}`, 'the last lines of its output say why', tail);
  }
  return { exitCode: 0, lines };
}

/** Quotes one word for the remote shell ssh hands its command to. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./~-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
