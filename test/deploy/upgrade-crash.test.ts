// kill -9 in the middle of an upgrade's rolling batches, then the same command again: it
// resumes from the journal, finishes, runs every step to completion once, `status` calls it
// an upgrade, and deployed.json records the new release only at the end.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { journalPath, readJournal } from '../../src/deploy/journal.js';
import { saveAnswers } from '../../src/plan/answers.js';
import { releaseOf } from '../../src/plan/schema.js';
import { readDeployed, recordDeployed } from '../../src/store/deployed.js';
import { bundleForTests, completions, labPlan, stateDir } from './helpers.js';

const bundle = bundleForTests('upgrade-crash');

const journalText = (dir: string) => (existsSync(journalPath(dir)) ? readFileSync(journalPath(dir), 'utf8') : '');

/** `cloudseed upgrade FILE --yes`; with `killIn`, SIGKILLed once the journal shows a batch of that role running. */
function upgrade(dir: string, file: string, killIn?: string): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bundle, 'upgrade', file, '--yes', '--speed', '1000', '--state-dir', dir], { stdio: 'ignore' });
    const watch =
      killIn === undefined
        ? undefined
        : setInterval(() => {
            if (new RegExp(`"id":"overcloud\\.upgrade-run\\.${killIn}\\.\\d+","state":"running"`).test(journalText(dir))) child.kill('SIGKILL');
          }, 5);
    child.on('exit', (code, signal) => {
      clearInterval(watch);
      resolve({ code, signal });
    });
  });
}

describe('kill -9 in the middle of an upgrade', () => {
  it('resumes with the same command and finishes; each step done once; deployed.json records the new release', async () => {
    const dir = stateDir();
    const lab = labPlan('ha-lab');
    const before = { ...lab, options: { ...lab.options, tripleoRelease: 'victoria' as const } };
    recordDeployed(dir, before);
    const file = join(dir, 'answers.yaml');
    saveAnswers(file, { ...before, options: { ...before.options, tripleoRelease: 'wallaby' } });

    // Killed while the controller's batch runs, then while a compute batch runs.
    expect((await upgrade(dir, file, 'controller')).signal).toBe('SIGKILL');
    const killed = readJournal(dir);
    expect(killed.state).toBe('running');
    expect(killed.steps.get('overcloud.upgrade-run.controller.1')?.state).toBe('running');
    const status = spawnSync(process.execPath, [bundle, 'status', '--state-dir', dir], { encoding: 'utf8' });
    expect(status.stdout).toMatch(/^upgrade of "overcloud" started .*: stopped without ending \(killed\?\) -- `cloudseed upgrade FILE` resumes it/);
    // Not upgraded yet.
    const mid = readDeployed(dir);
    expect('record' in mid && releaseOf(mid.record.plan)).toBe('victoria');

    expect((await upgrade(dir, file, 'compute')).signal).toBe('SIGKILL');
    expect((await upgrade(dir, file)).code).toBe(0);

    const journal = readJournal(dir);
    expect(journal.state).toBe('done');
    expect(journal.runs).toBe(3);
    expect([...completions(dir)]).toEqual([
      ['seed.backup-upgrade', 1],
      ['seed.upgrade', 1],
      ['undercloud.upgrade', 1],
      ['overcloud.upgrade-prepare', 1],
      ['overcloud.upgrade-run.controller.1', 1],
      ['overcloud.upgrade-run.compute.1', 1],
      ['overcloud.upgrade-run.compute.2', 1],
      ['overcloud.upgrade-converge', 1],
    ]);
    const after = readDeployed(dir);
    expect('record' in after && releaseOf(after.record.plan)).toBe('wallaby');
    // Upgraded: the same file asks for nothing more.
    const again = spawnSync(process.execPath, [bundle, 'upgrade', file, '--yes', '--state-dir', dir], { encoding: 'utf8' });
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/options\.tripleoRelease is wallaby, as deployed: there is nothing to upgrade/);
  });
});
