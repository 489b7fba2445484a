// Scale-out on the simulated ha-lab: a cloud deployed with node-04 left unused, then node-04
// and node-06 (the lab's server with its own BMC password) added. Only their steps run, in a
// journal of their own; the servers deployed before are not touched; deployed.json follows.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { virtualClock } from '../../src/deploy/clock.js';
import { journalPath, readJournal } from '../../src/deploy/journal.js';
import { startDeploy } from '../../src/deploy/session.js';
import type { DeployEvent } from '../../src/deploy/types.js';
import { saveAnswers } from '../../src/plan/answers.js';
import { replan, scaleOutDeployment } from '../../src/plan/scale-out.js';
import { readDeployed } from '../../src/store/deployed.js';
import { runCaptured } from '../cli/capture.js';
import { stateDir } from './helpers.js';
import { after, before, deployedLab } from './scale-out-lab.js';

const started = (events: DeployEvent[]) => events.flatMap((e) => (e.type === 'step-started' ? [e.step] : []));

describe('scale-out on the simulated lab', () => {
  it('runs only the new servers steps, in their own journal; the deployed servers are not touched', async () => {
    const { dir } = await deployedLab();
    const first = readFileSync(journalPath(dir), 'utf8');
    const events: DeployEvent[] = [];
    const session = await startDeploy({ plan: after, scaleOutOf: before, stateDir: dir, onFailure: 'abort', clock: virtualClock(), sinks: [(e) => void events.push(e)] });
    expect(session.deployment.nodes?.map((n) => n.name)).toEqual(['node-04', 'node-06']);
    expect(await session.result).toBe('done');

    const expected = replan(before, after).steps.map((s) => s.id);
    expect(new Set(started(events))).toEqual(new Set(expected));
    expect(expected.sort()).toEqual(
      [
        'overcloud.enrol.node-04',
        'overcloud.enrol.node-06',
        'overcloud.inspect.node-04',
        'overcloud.inspect.node-06',
        'overcloud.match-roles',
        'overcloud.deploy.node-04',
        'overcloud.deploy.node-06',
        'overcloud.configure.compute',
        'overcloud.backup-scale-out',
      ].sort(),
    );
    // The servers deployed before: no state change, no log line of theirs.
    for (const name of ['node-01', 'node-02', 'node-03']) {
      expect(events.filter((e) => e.type === 'node-state' && e.node === name)).toEqual([]);
      expect(events.filter((e) => e.type === 'log' && e.node === name)).toEqual([]);
    }
    for (const name of ['node-04', 'node-06']) {
      const states = events.flatMap((e) => (e.type === 'node-state' && e.node === name ? [e.state] : []));
      expect(states.at(-1)).toBe('active');
    }
    // The first deployment's journal is as it was; the scale-out has its own, done.
    expect(readFileSync(journalPath(dir), 'utf8')).toBe(first);
    const own = readJournal(dir, 'scale-out');
    expect(own.state).toBe('done');
    expect([...own.steps.keys()].sort()).toEqual(expected);
    // The deployed cloud is now the edited plan.
    const deployed = readDeployed(dir);
    expect('record' in deployed && deployed.record.plan.nodes.filter((n) => n.role === 'Compute').map((n) => n.name)).toEqual(['node-03', 'node-04', 'node-06']);
  });

  it('a new deploy waits for matching roles even when its role has no configuration step before it', () => {
    const d = scaleOutDeployment(replan(before, after));
    const byId = new Map(d.steps.map((s) => [s.id, s]));
    expect(byId.get('overcloud.deploy.node-06')!.deps).toEqual(['overcloud.match-roles']);
    expect(byId.get('overcloud.enrol.node-06')!.deps).toEqual([]);
    expect(byId.get('overcloud.match-roles')!.deps.sort()).toEqual(['overcloud.inspect.node-04', 'overcloud.inspect.node-06']);
    expect(byId.get('overcloud.match-roles')!.nodes).toEqual(['node-04', 'node-06']);
    expect(byId.get('overcloud.configure.compute')!.deps.sort()).toEqual(['overcloud.deploy.node-04', 'overcloud.deploy.node-06', 'overcloud.match-roles']);
  });

  it('cloudseed add FILE --yes runs it; status shows it done; add again finds nothing to change', async () => {
    const { dir, file } = await deployedLab();
    const r = await runCaptured(['add', file, '--yes', '--speed', 'max', '--state-dir', dir]);
    expect(r.err).toEqual([]);
    expect(r.code).toBe(0);
    const stepLines = r.out.filter((l) => / overcloud\.[a-z-]+/.test(l));
    expect(stepLines.some((l) => l.includes('overcloud.deploy.node-06'))).toBe(true);
    expect(stepLines.filter((l) => /node-0[123]/.test(l))).toEqual([]);
    expect(r.out.find((l) => l.startsWith('added 2 servers in '))).toMatch(/; the cloud is now:$/);
    expect(r.out).toContain('  overcloud "overcloud": 1 controller, 3 computes');

    const status = await runCaptured(['status', '--state-dir', dir]);
    expect(status.out.find((l) => l.startsWith('scale-out of "overcloud"'))).toMatch(/: done at /);
    expect(status.out).toContain('overcloud  9 done');
    // Its last step backed up the seed and undercloud state into the state dir's backups folder.
    expect(status.out.at(-1)).toMatch(new RegExp(`^last backup: \\S+ after the scale-out, in ${join(dir, 'backups')}/cloudseed-backup-overcloud-\\S+-scale-out, verified`));
    expect(readdirSync(join(dir, 'backups')).filter((n) => n.endsWith('-scale-out'))).toHaveLength(1);
    const json = JSON.parse((await runCaptured(['status', '--json', '--state-dir', dir])).out[0]);
    expect(json.scaleOut.state).toBe('done');
    expect(Object.keys(json.scaleOut.steps)).toHaveLength(9);

    const again = await runCaptured(['add', file, '--yes', '--speed', 'max', '--state-dir', dir]);
    expect(again.code).toBe(0);
    expect(again.out).toEqual(['nothing changes: the answers file describes the deployed cloud']);
  });

  it('deploy FILE of the edited file runs the scale-out; a change beyond adding servers is refused, naming it', async () => {
    const { dir, file } = await deployedLab();
    const moved = join(stateDir(), 'moved.yaml');
    saveAnswers(moved, { ...after, nodes: after.nodes.filter((n) => n.name !== 'node-03') });
    const refused = await runCaptured(['deploy', moved, '--yes', '--speed', 'max', '--state-dir', dir]);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('  removing node-03 (Compute)');
    expect(refused.err.at(-1)).toBe(
      `cloudseed: the cloud "overcloud" is deployed from ${dir}: put these back as deployed in ${moved} to add servers only, or move ${join(dir, 'deployed.json')} aside to deploy it as a new cloud`,
    );
    expect(existsSync(journalPath(dir, 'scale-out'))).toBe(false);

    const r = await runCaptured(['deploy', file, '--yes', '--speed', 'max', '--state-dir', dir]);
    expect(r.code).toBe(0);
    expect(readJournal(dir, 'scale-out').state).toBe('done');
    expect(readJournal(dir).runs).toBe(1);
  });
  it('an unfinished scale-out is resumed before a replacement or an upgrade starts: both refuse, naming add FILE', async () => {
    const { dir, file } = await deployedLab();
    const failed = await runCaptured(['add', file, '--yes', '--speed', 'max', '--faults', 'deploy-fail:node-06', '--state-dir', dir]);
    expect(failed.code).toBe(1);
    expect(readJournal(dir, 'scale-out').state).toBe('failed');
    const refusal = (verb: string) => [`cloudseed: a scale-out of "overcloud" is unfinished in ${dir} (failed): resume it first (cloudseed add ${file}), then ${verb}`];
    const replace = await runCaptured(['replace', file, 'node-03', '--yes', '--speed', 'max', '--state-dir', dir]);
    expect(replace.code).toBe(1);
    expect(replace.err).toEqual(refusal('replace'));
    const upgrade = await runCaptured(['upgrade', file, '--yes', '--speed', 'max', '--state-dir', dir]);
    expect(upgrade.code).toBe(1);
    expect(upgrade.err).toEqual(refusal('upgrade'));
    expect(readJournal(dir).runs).toBe(1);

    const resumed = await runCaptured(['add', file, '--yes', '--speed', 'max', '--state-dir', dir]);
    expect(resumed.code).toBe(0);
    expect(readJournal(dir, 'scale-out').state).toBe('done');
  });
});
