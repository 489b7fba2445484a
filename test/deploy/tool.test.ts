// Tools a step runs live in their own process group: cancelling stops the tool and what it
// started, so nothing is left behind (counted in /proc).
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/deploy/compile.js';
import { Journal } from '../../src/deploy/journal.js';
import { startRun } from '../../src/deploy/runner.js';
import { ToolGroup } from '../../src/deploy/tool.js';
import { StepError, type DeployDriver } from '../../src/deploy/types.js';
import { labPlan, stateDir } from './helpers.js';

/** Processes whose parent chain leads to this test process. */
function descendants(): number[] {
  const parent = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] !== 'Z') parent.set(Number(name), Number(fields[1]));
    } catch {
      /* gone */
    }
  }
  return [...parent.keys()].filter((pid) => {
    for (let p = parent.get(pid); p; p = parent.get(p)) if (p === process.pid) return true;
    return false;
  });
}

const noop = { log: () => {} };

describe('tools run by steps', () => {
  it('cancelling a deployment stops every tool and its children: no orphans', async () => {
    const before = descendants().length;
    const tools = new ToolGroup();
    const driver: DeployDriver = {
      name: 'sim',
      run: async (ctx) => {
        // A tool that starts two more processes and waits for them.
        await tools.run(ctx, 'bash', ['-c', 'sleep 60 & sleep 60 & echo started; wait']);
      },
      close: async () => tools.stopAll(),
    };
    const plan = { ...labPlan('ha-lab'), options: { ...labPlan('ha-lab').options, concurrency: 4 } };
    const run = startRun({ deployment: compile(plan), plan, driver, journal: Journal.open(stateDir()), heartbeatMs: 0, onEvent: () => {} });
    await expect.poll(() => descendants().length - before, { timeout: 5000 }).toBeGreaterThanOrEqual(3);
    run.cancel();
    expect(await run.result).toBe('interrupted');
    await expect.poll(() => descendants().length - before, { timeout: 5000 }).toBe(0);
    expect(tools.running).toBe(0);
  });

  it('says when a tool is missing, and keeps the last lines of one that fails', async () => {
    const tools = new ToolGroup();
    const signal = new AbortController().signal;
    await expect(tools.run({ ...noop, signal }, 'no-such-tool-cloudseed', [])).rejects.toMatchObject({ kind: 'tool-missing' });
    const err = (await tools.run({ ...noop, signal }, 'bash', ['-c', 'echo one; echo two >&2; exit 3']).catch((e: unknown) => e)) as StepError;
    expect(err.kind).toBe('tool-failed');
    expect(err.message).toContain('exited with status 3');
    expect(err.tail).toEqual(['one', 'two']);
  });
});
