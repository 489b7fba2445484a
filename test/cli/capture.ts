// Runs the command line in-process and keeps what it printed (the tests' one way in).
import { runCli, type CliHooks } from '../../src/cli.js';

export async function runCaptured(argv: string[], hooks: Partial<CliHooks> = {}): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    env: {},
    interactive: false,
    signal: new AbortController().signal,
    ...hooks,
  });
  return { code, out, err };
}
