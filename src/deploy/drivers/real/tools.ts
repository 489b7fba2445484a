// Running the real tools (virsh, virt-install, qemu-img, ssh + the OpenStack/TripleO CLI)
// through the deploy engine's ToolGroup (argument arrays, own process group: a timeout or a
// cancellation stops the tool with all its children). Here: every output line streams into
// the step's log, a percentage the tool prints becomes step progress, and a missing tool, a
// non-zero exit and a hang past the deadline each become a StepError of their own kind.
import { ToolGroup } from '../../tool.js';
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
  vbmc: 'python3-virtualbmc',
  ipmitool: 'ipmitool',
};

export interface ToolRun {
  argv: string[];
  timeoutMs: number;
  signal?: AbortSignal;
  /** Each output line (stdout and stderr, in order). */
  log?(line: string): void;
  progress?(fraction: number, note?: string): void;
  env?: NodeJS.ProcessEnv;
}

export interface ToolResult {
  /** Every output line. */
  lines: string[];
}

const TAIL = 20;

/** A percentage the tool prints ("45%", "(45.20/100%)", "45.2 %") as a fraction. */
function percentOf(line: string): number | undefined {
  const m = /(\d{1,3}(?:\.\d+)?)\s*(?:\/100)?\s*%/.exec(line);
  if (!m) return undefined;
  const v = Number(m[1]);
  return v >= 0 && v <= 100 ? v / 100 : undefined;
}

/** Runs one tool in `tools`; resolves on exit 0, throws a StepError otherwise. */
export async function runTool(tools: ToolGroup, run: ToolRun): Promise<ToolResult> {
  const [file, ...args] = run.argv;
  const tool = file.split('/').pop()!;
  if (run.signal?.aborted) throw new StepError('interrupted', `${tool} not started: the run was stopped`);
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), run.timeoutMs);
  const signal = run.signal ? AbortSignal.any([run.signal, deadline.signal]) : deadline.signal;
  const lines: string[] = [];
  const log = (raw: string) => {
    // Progress bars redraw with \r: keep the last frame of the line.
    const line = raw.split('\r').filter(Boolean).pop() ?? '';
    if (!line) return;
    lines.push(line);
    run.log?.(line);
    const p = percentOf(line);
    if (p !== undefined) run.progress?.(p, `${tool} ${Math.round(p * 100)}%`);
  };
  try {
    await tools.run({ log, signal }, file, args, { env: run.env });
    return { lines };
  } catch (err) {
    if (!(err instanceof StepError)) throw err;
    const tail = lines.slice(-TAIL);
    if (err.kind === 'tool-missing') {
      const pkg = TOOL_PACKAGES[tool];
      throw new StepError('tool-missing', `${tool} is not installed (not found on PATH)`, pkg ? `install it: apt-get install ${pkg}` : `install ${tool}`);
    }
    if (run.signal?.aborted) throw new StepError('interrupted', `${tool} stopped: the run was interrupted`, undefined, tail);
    if (deadline.signal.aborted) {
      throw new StepError('timeout', `${tool} did not finish within ${Math.round(run.timeoutMs / 1000)} s and was stopped`, 'look at the last lines of its output; retry when the cause is gone', tail);
    }
    throw new StepError(err.kind, err.message, 'the last lines of its output say why', tail);
  } finally {
    clearTimeout(timer);
  }
}

/** Quotes one word for the remote shell ssh hands its command to. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./~-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
