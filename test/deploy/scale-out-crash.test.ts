// kill -9 in the middle of a scale-out (`cloudseed add FILE --yes`), then the same command
// again: it finishes, runs no finished step twice, and leaves the first deployment's journal
// as it was.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { journalPath, readJournal } from '../../src/deploy/journal.js';
import { replan } from '../../src/plan/scale-out.js';
import { readDeployed } from '../../src/store/deployed.js';
import { runCaptured } from '../cli/capture.js';
import { bundleForTests } from './helpers.js';
import { after, before, deployedLab } from './scale-out-lab.js';

const bundle = bundleForTests('scale-crash');

const lines = (dir: string) => (existsSync(journalPath(dir, 'scale-out')) ? readFileSync(journalPath(dir, 'scale-out'), 'utf8').split('\n').length - 1 : 0);
const done = (dir: string) => [...readJournal(dir, 'scale-out').steps.values()].filter((r) => r.state === 'done').length;
const runs = (dir: string) => (lines(dir) ? readJournal(dir, 'scale-out').runs : 0);

/** The Compute servers of the deployed cloud, as deployed.json records it. */
function computes(dir: string): string[] {
  const d = readDeployed(dir);
  return 'record' in d ? d.record.plan.nodes.filter((n) => n.role === 'Compute').map((n) => n.name) : [];
}

/** `add FILE --yes`; with `killAfterDone`, killed -9 once it has begun and the journal shows that many steps done. */
function add(dir: string, file: string, killAfterDone?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  const runsBefore = runs(dir);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bundle, 'add', file, '--yes', '--speed', '200', '--state-dir', dir], { stdio: 'ignore' });
    const watch =
      killAfterDone === undefined
        ? undefined
        : setInterval(() => {
            if (runs(dir) > runsBefore && done(dir) >= killAfterDone) child.kill('SIGKILL');
          }, 5);
    child.on('exit', (code, signal) => {
      clearInterval(watch);
      resolve({ code, signal });
    });
  });
}

describe('scale-out crash safety', () => {
  it('killed -9 mid-way twice, the same command resumes it: each step done exactly once, nothing else run', async () => {
    const { dir, file } = await deployedLab();
    const first = readFileSync(journalPath(dir), 'utf8');
    const steps = replan(before, after).steps.map((s) => s.id);

    // After the enrolments, then after the inspections: both in the middle of the run.
    expect((await add(dir, file, 2)).signal).toBe('SIGKILL');
    const killed = readJournal(dir, 'scale-out');
    expect(killed.state).toBe('running');
    const status = await runCaptured(['status', '--state-dir', dir]);
    expect(status.out.find((l) => l.startsWith('scale-out of "overcloud"'))).toMatch(/: stopped without ending \(killed\?\) -- `cloudseed add FILE` \(the edited answers file\) resumes it$/);
    expect(done(dir)).toBeLessThan(steps.length);
    expect((await add(dir, file, 4)).signal).toBe('SIGKILL');
    expect(done(dir)).toBeLessThan(steps.length);
    expect(computes(dir)).toEqual(['node-03']);

    expect((await add(dir, file)).code).toBe(0);
    const journal = readJournal(dir, 'scale-out');
    expect(journal.state).toBe('done');
    expect(journal.runs).toBe(3);
    expect([...journal.steps.keys()].sort()).toEqual([...steps].sort());
    for (const id of steps) expect(journal.steps.get(id)?.completions, id).toBe(1);
    expect(readFileSync(journalPath(dir), 'utf8')).toBe(first);
    expect(computes(dir)).toEqual(['node-03', 'node-04', 'node-06']);
  }, 120_000);
});
