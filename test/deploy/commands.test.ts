import { describe, expect, it } from 'vitest';
import { runCaptured } from '../cli/capture.js';
import { readJournal } from '../../src/deploy/journal.js';
import { acquireLock } from '../../src/store/lock.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { saveAnswers } from '../../src/plan/answers.js';
import { StateStore } from '../../src/store/state.js';
import { labPlan, stateDir } from './helpers.js';

const cli = (args: string[], opts: { interactive?: boolean; signal?: AbortSignal } = {}) =>
  runCaptured(args, { interactive: opts.interactive ?? false, ...(opts.signal ? { signal: opts.signal } : {}) });

/** A deploy of the two-machine lab that can be stopped, and the moment its first step runs. */
function deployUntilRunning(dir: string) {
  const ac = new AbortController();
  const out: string[] = [];
  let running!: () => void;
  const firstStep = new Promise<void>((resolve) => (running = resolve));
  const run = runCaptured(['deploy', '--lab', 'two-machine', '--yes', '--speed', '600', '--state-dir', dir], {
    signal: ac.signal,
    out: (l) => {
      out.push(l);
      if (/^\d\d:\d\d:\d\d (seed|undercloud|overcloud) .* running/.test(l)) running();
    },
  }).then((r) => ({ ...r, out }));
  return { run, firstStep, stop: () => ac.abort() };
}

describe('cloudseed deploy', () => {
  it('deploys the two-machine lab non-interactively: one line per step transition, exit 0', async () => {
    const dir = stateDir();
    const { code, out } = await cli(['deploy', '--lab', 'two-machine', '--yes', '--speed', 'max', '--state-dir', dir]);
    expect(code).toBe(0);
    const transitions = out.filter((l) => /^\d\d:\d\d:\d\d (seed|undercloud|overcloud) /.test(l));
    expect(transitions.length).toBe(2 * 23);
    expect(out).toContain(out.find((l) => /overcloud\s+node-01\s+overcloud\.deploy\.node-01\s+done/.test(l)));
    // The lab names the seed VM's image (seed.vmImage): every step really runs, none is "not done".
    expect(out.some((l) => /seed\s+-\s+seed\.image\s+done/.test(l))).toBe(true);
    expect(out.filter((l) => l.includes('not done'))).toEqual([]);
    // The TripleO CLI runs on the undercloud over ssh; the lab answers it with Ansible's lines.
    const log = readFileSync(join(dir, 'deploy', 'deploy.log'), 'utf8');
    expect(log).toMatch(/\[undercloud\.configure\] PLAY RECAP/);
    expect(log).toContain('[overcloud.configure.controller-compute] changed: [node-01]');
    expect(out.some((l) => l.startsWith('deployed in '))).toBe(true);
    expect(out.some((l) => l.includes(`${dir}/overcloudrc (mode 0600)`))).toBe(true);

    const status = await cli(['status', '--state-dir', dir]);
    expect(status.code).toBe(0);
    expect(status.out[0]).toMatch(/deployment of "overcloud" started .*: done at/);
    expect(status.out).toContain('seed       7 done');
    expect(status.out).toContain('overcloud  9 done');
  });

  it('with adopted clouds and no shell on the undercloud, says what was not done and why, and prints no file it did not write', async () => {
    const dir = stateDir();
    const file = join(dir, 'answers.yaml');
    const plan = labPlan('ha-lab');
    saveAnswers(file, {
      ...plan,
      seed: { mode: 'adopt', ironic: { url: 'http://192.168.24.1:6385', auth: { type: 'noauth' }, apiVersion: '1.82' } },
      undercloud: { mode: 'adopt', ironic: { url: 'http://192.168.24.2:6385', auth: { type: 'noauth' }, apiVersion: '1.82' }, images: { kernel: 'file:///images/k', ramdisk: 'file:///images/r' } },
    });
    const { code, out } = await cli(['deploy', file, '--yes', '--speed', 'max', '--state-dir', dir]);
    expect(code).toBe(0);
    expect(out.some((l) => /overcloud\.configure\.controller\s+not done: nothing to run -- the adopted undercloud gives no shell/.test(l))).toBe(true);
    expect(out).toContain('  not done: Write the admin credentials file (overcloudrc) -- the adopted undercloud gives no shell (set undercloud.ssh to let cloudseed run the TripleO CLI there)');
    expect(out.some((l) => l.includes('overcloudrc (mode'))).toBe(false);
    expect(out.some((l) => l.includes('Horizon'))).toBe(false);
  });

  it('deploys an answers file, and without one the plan the wizard saved', async () => {
    const dir = stateDir();
    const file = join(dir, 'answers.yaml');
    saveAnswers(file, labPlan('two-machine'));
    const fromFile = await cli(['deploy', file, '--yes', '--speed', 'max', '--state-dir', dir]);
    expect(fromFile.code).toBe(0);
    const other = stateDir();
    StateStore.open(other).savePlan(labPlan('two-machine'), 'review');
    const fromSaved = await cli(['deploy', '--yes', '--speed', 'max', '--state-dir', other]);
    expect(fromSaved.code).toBe(0);
    const none = await cli(['deploy', '--yes', '--state-dir', stateDir()]);
    expect(none.code).toBe(2);
    expect(none.err[0]).toContain('deploy needs an answers file or a lab');
  });

  it('prints JSON events with --json', async () => {
    const { code, out } = await cli(['deploy', '--lab', 'two-machine', '--yes', '--speed', 'max', '--json', '--state-dir', stateDir()]);
    expect(code).toBe(0);
    const events = out.map((l) => JSON.parse(l) as { type: string });
    expect(events.at(-1)).toMatchObject({ type: 'run-done', state: 'done' });
    expect(events.filter((e) => e.type === 'log').length).toBeGreaterThan(50);
  });

  it('fails with exit 1 and the reason; status shows it; a second run resumes and retries', async () => {
    const dir = stateDir();
    const failed = await cli(['deploy', '--lab', 'ha-lab', '--yes', '--speed', 'max', '--faults', 'deploy-fail:node-03:2', '--state-dir', dir]);
    expect(failed.code).toBe(1);
    expect(failed.err.join('\n')).toContain('failed: overcloud.deploy.node-03: node-03: deploy failed');
    expect(failed.err.join('\n')).toContain('try: ');
    const status = await cli(['status', '--state-dir', dir]);
    expect(status.out.join('\n')).toMatch(/overcloud .*1 failed/);
    expect(status.out.join('\n')).toContain('failed overcloud.deploy.node-03: node-03: deploy failed');
    // The fault fired twice already in the first process; a fresh one plays it from the start,
    // so ask for none: the resumed run retries the failed step and finishes.
    const resumed = await cli(['deploy', '--lab', 'ha-lab', '--yes', '--speed', 'max', '--state-dir', dir]);
    expect(resumed.code).toBe(0);
    expect(resumed.out.some((l) => l.startsWith('note: resuming the deployment'))).toBe(true);
    expect(resumed.out.some((l) => /seed\.host-checks\s+running/.test(l))).toBe(false);
    for (const [id, r] of readJournal(dir).steps) expect(r.completions, id).toBe(1);
  });

  it('refuses without --yes when stdin is not a terminal, and with a bad fault spec', async () => {
    const a = await cli(['deploy', '--lab', 'two-machine', '--state-dir', stateDir()]);
    expect(a.code).toBe(2);
    expect(a.err[0]).toContain('--yes');
    const b = await cli(['deploy', '--lab', 'two-machine', '--yes', '--faults', 'melt:node-01', '--state-dir', stateDir()]);
    expect(b.code).toBe(2);
    expect(b.err[0]).toContain('unknown kind "melt"');
  });

  it('refuses while another cloudseed holds the state directory', async () => {
    const dir = stateDir();
    const lock = acquireLock(dir, 'deploying overcloud');
    try {
      // Our own pid holds it here; a holder in this process counts as another deployment too.
      const { code, err } = await cli(['deploy', '--lab', 'two-machine', '--yes', '--speed', 'max', '--state-dir', dir]);
      expect(code).toBe(1);
      expect(err[0]).toMatch(new RegExp(`pid ${process.pid} .*deploying overcloud since`));
    } finally {
      lock.release();
    }
  });

  it('Ctrl-C (the abort signal) interrupts: exit 130, journal kept', async () => {
    const dir = stateDir();
    const { run, firstStep, stop } = deployUntilRunning(dir);
    await firstStep;
    stop();
    const { code, out } = await run;
    expect(code).toBe(130);
    expect(out.some((l) => l.includes('interrupted: the journal is kept'))).toBe(true);
    expect(readJournal(dir).state).toBe('interrupted');
    const status = await cli(['status', '--state-dir', dir]);
    expect(status.out.join('\n')).toMatch(/interrupted \S+: stopped before it finished; it runs again on resume/);
  });

  it('status tells a deployment running now from one that was killed', async () => {
    const dir = stateDir();
    const { run, firstStep, stop } = deployUntilRunning(dir);
    await firstStep;
    const now = await cli(['status', '--state-dir', dir]);
    expect(now.out[0]).toMatch(new RegExp(`running now \\(pid ${process.pid}, since `));
    stop();
    await run;
    // A journal whose writer died without ending it (kill -9): no live lock holder.
    const { appendFileSync } = await import('node:fs');
    appendFileSync(`${dir}/deploy/journal.jsonl`, JSON.stringify({ t: 'run', at: Date.now(), pid: 1, plan: 'overcloud', steps: 23 }) + '\n');
    const killed = await cli(['status', '--state-dir', dir]);
    expect(killed.out[0]).toContain('stopped without ending (killed?)');
  });
});
