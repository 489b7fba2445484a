// A replacement killed with kill -9 in the middle resumes: `status` says how, the same command
// finishes it, no step completes twice, and the spare ends up in the role.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { journalPath, readJournal } from '../../src/deploy/journal.js';
import { loadLab } from '../../src/lab/load.js';
import { saveAnswers } from '../../src/plan/answers.js';
import type { Plan } from '../../src/plan/schema.js';
import { readDeployed } from '../../src/store/deployed.js';
import { runCaptured } from '../cli/capture.js';
import { bundleForTests, completions, labPlan, simRun } from './helpers.js';

const bundle = bundleForTests('replace-crash');

const journalText = (dir: string) => (existsSync(journalPath(dir)) ? readFileSync(journalPath(dir), 'utf8') : '');

/** `cloudseed replace`; with `killWhen`, killed (SIGKILL) as soon as the journal matches it. */
function replace(file: string, dir: string, killWhen?: RegExp): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bundle, 'replace', file, 'node-03', '--yes', '--speed', '400', '--state-dir', dir], { stdio: 'ignore' });
    const watch = killWhen ? setInterval(() => killWhen.test(journalText(dir)) && child.kill('SIGKILL'), 10) : undefined;
    child.on('exit', (code, signal) => {
      clearInterval(watch);
      resolve({ code, signal });
    });
  });
}

describe('kill -9 in the middle of a replacement', () => {
  it('resumes where it stopped and finishes: every step once, node-06 in node-03s role', async () => {
    const s = loadLab('ha-lab', 1).servers.find((x) => x.name === 'node-06')!;
    const base = labPlan('ha-lab');
    const plan: Plan = {
      ...base,
      nodes: [...base.nodes, { name: 'node-06', bmc: { type: 'ipmi', address: s.bmc.address, user: 'admin', password: 'calvin' }, macs: [s.nics.find((n) => n.pxe)!.mac], cpu: 40, memoryMiB: s.memoryMiB, diskGiB: 1920, arch: 'x86_64', source: 'lab' }],
    };
    const { session, dir } = await simRun({ plan, onFailure: 'abort' });
    expect(await session.result).toBe('done');
    const file = join(dir, 'answers.yaml');
    saveAnswers(file, plan);

    // Killed once node-03 is out and before node-06 is deployed.
    const killed = await replace(file, dir, /"id":"overcloud\.retire\.node-03","state":"done"/);
    expect(killed.signal).toBe('SIGKILL');
    expect(readJournal(dir).state).toBe('running');
    expect(readJournal(dir).steps.get('overcloud.deploy.node-06')?.state).not.toBe('done');
    const status = await runCaptured(['status', '--state-dir', dir]);
    expect(status.out[0]).toMatch(/^replacement of node-03 in "overcloud" started .*: stopped without ending \(killed\?\) -- `cloudseed replace FILE node-03` resumes it$/);
    // A plain deploy does not take the unfinished replacement for a deployment of the whole plan.
    const deploy = await runCaptured(['deploy', file, '--yes', '--state-dir', dir]);
    expect(deploy.code).toBe(1);
    expect(deploy.err.at(-1)).toBe(`cloudseed: the replacement of node-03 in "overcloud" is unfinished in ${dir} (stopped without ending, or running now): resume it first (cloudseed replace ${file} node-03), then deploy`);

    // Nor do an upgrade or adding servers start over it.
    for (const [args, verb] of [[['upgrade', file], 'upgrade'], [['add', file], 'add servers']] as const) {
      const refused = await runCaptured([...args, '--yes', '--state-dir', dir]);
      expect(refused.code).toBe(1);
      expect(refused.err.at(-1)).toBe(`cloudseed: the replacement of node-03 in "overcloud" is unfinished in ${dir} (stopped without ending, or running now): resume it first (cloudseed replace ${file} node-03), then ${verb}`);
    }

    const resumed = await replace(file, dir);
    expect(resumed.code).toBe(0);
    expect(readJournal(dir).state).toBe('done');
    expect([...completions(dir).values()].every((n) => n === 1)).toBe(true);
    expect(completions(dir).size).toBe(6);
    const record = readDeployed(dir);
    if (!('record' in record)) throw new Error(record.missing);
    expect(record.record.plan.nodes.find((n) => n.name === 'node-06')?.role).toBe('Compute');
  });
});
