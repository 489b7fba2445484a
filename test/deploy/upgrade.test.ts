// An upgrade on the simulated lab, through the same runner and journal as a deployment: a
// batch that fails stops the rollout there with the rest of its role up, and the next run
// continues from that batch; deployed.json records the new release only once it is done.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileUpgrade } from '../../src/deploy/compile-upgrade.js';
import { readJournal } from '../../src/deploy/journal.js';
import type { DeployEvent } from '../../src/deploy/types.js';
import { saveAnswers } from '../../src/plan/answers.js';
import { releaseOf, type Plan } from '../../src/plan/schema.js';
import { planUpgrade } from '../../src/plan/upgrade.js';
import { readDeployed, recordDeployed } from '../../src/store/deployed.js';
import { runCaptured } from '../cli/capture.js';
import { completions, labPlan, simRun, stateDir } from './helpers.js';

/** A deployed cloud of the datacenter lab: 3 controllers and 7 computes, on victoria. */
function deployedCloud(): Plan {
  const p = labPlan('datacenter');
  let computes = 0;
  const nodes = p.nodes.filter((n) => n.role === 'Controller' || n.role === 'Undercloud' || (n.role === 'Compute' && computes++ < 7));
  return { ...p, nodes, options: { ...p.options, tripleoRelease: 'victoria' } };
}

const upgraded = (p: Plan): Plan => ({ ...p, options: { ...p.options, tripleoRelease: 'wallaby' } });

/** The servers whose upgrade runs at each moment, as the events show it. */
function downAtOnce(events: DeployEvent[], nodesOf: Map<string, string[]>): number {
  const running = new Set<string>();
  let most = 0;
  for (const e of events) {
    if (e.type === 'step-started' && nodesOf.has(e.step)) running.add(e.step);
    if ((e.type === 'step-done' || e.type === 'step-failed') && nodesOf.has(e.step)) running.delete(e.step);
    most = Math.max(most, [...running].reduce((n, id) => n + nodesOf.get(id)!.length, 0));
  }
  return most;
}

describe('an upgrade on the simulated lab', () => {
  it('a failing batch stops the rollout with quorum kept; the next run continues from that batch', async () => {
    const dir = stateDir();
    const before = deployedCloud();
    recordDeployed(dir, before);
    const plan = upgraded(before);
    const u = planUpgrade(before, plan);
    const deployment = compileUpgrade(u);
    const computeBatch2 = u.batches.filter((b) => b.role === 'Compute')[1];
    const runs = new Map(deployment.steps.filter((s) => s.kind === 'overcloud.upgrade-run').map((s) => [s.id, s.nodes]));

    const first = await simRun({ plan, deployment, stateDir: dir, onFailure: 'abort', faults: `upgrade-fail:${computeBatch2.nodes[1]}` });
    expect(await first.session.result).toBe('failed');
    const journal = readJournal(dir);
    const state = (id: string) => journal.steps.get(id)?.state;
    expect(state('overcloud.upgrade-run.compute.1')).toBe('done');
    expect(state('overcloud.upgrade-run.compute.2')).toBe('failed');
    expect(journal.steps.get('overcloud.upgrade-run.compute.2')!.error!.message).toBe(`openstack overcloud upgrade run exited with status 2: ${computeBatch2.nodes[1]} failed`);
    // The rest of the rollout never started.
    expect(state('overcloud.upgrade-run.compute.3')).toBeUndefined();
    expect(state('overcloud.upgrade-converge')).toBeUndefined();
    // Never more than one batch down: a controller alone, at most 3 of the 7 computes.
    expect(downAtOnce(first.events, runs)).toBe(3);
    const controllerSteps = new Map([...runs].filter(([id]) => id.includes('.controller.')));
    expect(downAtOnce(first.events, controllerSteps)).toBe(1);
    // The failed batch's command log names the server that failed.
    expect(first.events.some((e) => e.type === 'step-failed' && e.error.tail?.some((l) => l.includes(`fatal: [${computeBatch2.nodes[1]}]`)))).toBe(true);
    // Not upgraded yet: the deployed cloud is still on victoria.
    const still = readDeployed(dir);
    expect('record' in still && releaseOf(still.record.plan)).toBe('victoria');

    const second = await simRun({ plan, deployment, stateDir: dir, onFailure: 'abort' });
    expect(await second.session.result).toBe('done');
    const started = second.events.filter((e): e is Extract<DeployEvent, { type: 'step-started' }> => e.type === 'step-started').map((e) => e.step);
    expect(started).toEqual(['overcloud.upgrade-run.compute.2', 'overcloud.upgrade-run.compute.3', 'overcloud.upgrade-converge']);
    expect(second.session.notes.join('\n')).toMatch(/8 step\(s\) already done/);
    for (const [id, n] of completions(dir)) expect([id, n]).toEqual([id, 1]);
    const after = readDeployed(dir);
    expect('record' in after && releaseOf(after.record.plan)).toBe('wallaby');
  });

  it('the sim answers each tier with what its tools print', async () => {
    const dir = stateDir();
    const before = deployedCloud();
    const plan = upgraded(before);
    const { session, events } = await simRun({ plan, deployment: compileUpgrade(planUpgrade(before, plan)), stateDir: dir, onFailure: 'abort' });
    expect(await session.result).toBe('done');
    const log = (step: string) => events.filter((e): e is Extract<DeployEvent, { type: 'log' }> => e.type === 'log' && e.step === step).map((e) => e.line);
    expect(log('seed.upgrade')).toContain('INFO [alembic.runtime.migration] Running upgrade to the wallaby schema');
    expect(log('seed.upgrade').at(-1)).toMatch(/^the seed's Ironic at http:\/\/192\.168\.16\.1:6385 answers/);
    expect(log('undercloud.upgrade').at(-1)).toMatch(/^the undercloud's Ironic at http:\/\/192\.168\.16\.2:6385 answers/);
    expect(log('overcloud.upgrade-run.controller.1')).toContain('TASK [Run post_upgrade_tasks (rejoin the cluster)] ********************');
  });
});

describe('cloudseed plan and upgrade on an edited release', () => {
  async function setUp(release: 'ussuri' | 'victoria' | 'wallaby', deployedRelease: 'victoria' | 'wallaby' = 'victoria') {
    const dir = stateDir();
    const lab = labPlan('ha-lab');
    recordDeployed(dir, { ...lab, options: { ...lab.options, tripleoRelease: deployedRelease } }, new Date('2026-12-01T10:00:00Z'));
    const file = join(stateDir(), 'answers.yaml');
    saveAnswers(file, { ...lab, options: { ...lab.options, tripleoRelease: release } });
    return { dir, file };
  }

  it('plan FILE shows the upgrade as a dry run: the rollout, then each step', async () => {
    const { dir, file } = await setUp('wallaby');
    const r = await runCaptured(['plan', file, '--state-dir', dir]);
    expect(r.code).toBe(0);
    expect(r.out.slice(0, 12)).toEqual([
      `change from the cloud deployed at 2026-12-01T10:00:00.000Z (state in ${dir}):`,
      '  upgrade "overcloud": TripleO victoria -> wallaby (options.tripleoRelease)',
      '  seed: Ironic packages and database to wallaby, then its API is checked',
      '  undercloud: openstack undercloud upgrade, then its APIs are checked',
      '  overcloud: upgrade prepare, 3 rolling batches, converge',
      '    node-02, the only controller: the APIs are down while it is upgraded',
      '    2 Computes, 2 batches of up to 1: 1 of 2 stay up (below a majority of 2)',
      '  a failed batch stops the rollout; the same command resumes from it',
      '  8 steps:',
      '    seed.backup-upgrade: Back up the seed and undercloud state before the upgrade',
      "    seed.upgrade: Upgrade the seed's Ironic to wallaby",
      '    undercloud.upgrade: Upgrade the undercloud to wallaby',
    ]);
    expect(r.out).toContain(`backups: before the upgrade starts, of the seed and undercloud state, into ${join(dir, 'backups')} (keeping the last 10)`);
    const json = JSON.parse((await runCaptured(['plan', file, '--state-dir', dir, '--json'])).out.join('\n'));
    expect(json.change.upgrade.steps.map((s: { id: string }) => s.id)).toContain('overcloud.upgrade-run.compute.2');
  });

  it('a downgrade: plan says why with exit 1, upgrade refuses and changes nothing', async () => {
    const { dir, file } = await setUp('victoria', 'wallaby');
    const p = await runCaptured(['plan', file, '--state-dir', dir]);
    expect(p.code).toBe(1);
    expect(p.out[1]).toBe('  the upgrade cannot be made: options.tripleoRelease: wallaby -> victoria is a downgrade, which TripleO cannot do; set it back to wallaby (restore a backup to go back)');
    const u = await runCaptured(['upgrade', file, '--yes', '--state-dir', dir]);
    expect(u).toMatchObject({ code: 1, out: [] });
    expect(u.err).toEqual(['cloudseed: options.tripleoRelease: wallaby -> victoria is a downgrade, which TripleO cannot do; set it back to wallaby (restore a backup to go back)']);
    expect(readJournal(dir).state).toBe('none');
  });

  it('upgrade without a deployed cloud, without --yes off a terminal, or with a batch too large: a clear line each', async () => {
    const { dir, file } = await setUp('wallaby');
    expect((await runCaptured(['upgrade', file, '--state-dir', stateDir(), '--yes'])).err[0]).toMatch(/^cloudseed: no deployed cloud is recorded in .*: deploy the cloud first/);
    expect((await runCaptured(['upgrade', file, '--state-dir', dir])).err).toEqual(['cloudseed: upgrade asks before it starts; without a terminal, confirm with --yes']);
    expect((await runCaptured(['upgrade', file, '--state-dir', dir, '--yes', '--batch', '2'])).err).toEqual([
      'cloudseed: --batch 2: with 2 Compute servers at most 1 may be upgraded at once so that a majority (2) stays up',
    ]);
    expect((await runCaptured(['upgrade', file, '--state-dir', dir, '--yes', '--batch', 'two'])).err[0]).toMatch(/--batch takes a whole number of servers, 1 or more, not "two"/);
  });

  it('deploy is not an upgrade: it points to upgrade while the release differs or an upgrade is unfinished', async () => {
    const { dir, file } = await setUp('wallaby');
    expect((await runCaptured(['deploy', file, '--yes', '--state-dir', dir])).err).toEqual([
      `cloudseed: ${file} names TripleO wallaby (options.tripleoRelease), the deployed cloud runs victoria: a deployment would not upgrade it; use cloudseed upgrade ${file}`,
    ]);
    const compute = labPlan('ha-lab').nodes.find((n) => n.role === 'Compute')!.name;
    const failed = await runCaptured(['upgrade', file, '--yes', '--speed', 'max', '--faults', `upgrade-fail:${compute}`, '--state-dir', dir]);
    expect(failed.code).toBe(1);
    expect(failed.err[0]).toBe(`failed: overcloud.upgrade-run.compute.1: openstack overcloud upgrade run exited with status 2: ${compute} failed`);
    expect((await runCaptured(['status', '--state-dir', dir])).out[0]).toMatch(/^upgrade of "overcloud" started .*: failed at /);
    expect((await runCaptured(['deploy', file, '--yes', '--state-dir', dir])).err).toEqual([`cloudseed: an upgrade of "overcloud" is unfinished in ${dir} (failed): resume it first (cloudseed upgrade ${file}), then deploy`]);
    const resumed = await runCaptured(['upgrade', file, '--yes', '--speed', 'max', '--state-dir', dir]);
    expect(resumed.code).toBe(0);
    expect(resumed.out.at(-2)).toMatch(/^upgraded "overcloud" from victoria to wallaby in /);
    // Its first step backed up the state as it was on victoria (the failed run did; the resumed one did not again).
    const backups = readdirSync(join(dir, 'backups')).filter((n) => n.endsWith('-pre-upgrade'));
    expect(backups).toHaveLength(1);
    expect((await runCaptured(['status', '--state-dir', dir])).out.at(-1)).toMatch(new RegExp(`^last backup: \\S+ before the upgrade, in ${join(dir, 'backups', backups[0])}, verified`));
    // Upgraded: the same file now describes the deployed cloud.
    expect((await runCaptured(['plan', file, '--state-dir', dir])).out[1]).toBe('  nothing changes: the answers file describes the deployed cloud');
  });
});

describe('resuming with another batch size', () => {
  it('a batch id that now covers other servers runs again; no server is left on the old release', async () => {
    const dir = stateDir();
    const before = deployedCloud();
    recordDeployed(dir, before);
    const plan = upgraded(before);
    // Batches of 1, the second compute fails: compute.1 (one server) is done.
    const small = compileUpgrade(planUpgrade(before, plan, { batch: 1 }));
    const second = planUpgrade(before, plan, { batch: 1 }).batches.filter((b) => b.role === 'Compute')[1].nodes[0];
    const first = await simRun({ plan, deployment: small, stateDir: dir, onFailure: 'abort', faults: `upgrade-fail:${second}` });
    expect(await first.session.result).toBe('failed');
    // Resumed with batches of 3: compute.1 now holds three servers, two never upgraded: it runs again.
    const big = planUpgrade(before, plan, { batch: 3 });
    const resumed = await simRun({ plan, deployment: compileUpgrade(big), stateDir: dir, onFailure: 'abort' });
    expect(await resumed.session.result).toBe('done');
    expect(resumed.session.reruns.map((r) => r.id)).toEqual(['overcloud.upgrade-run.compute.1']);
    const upgradedServers = resumed.events.flatMap((e) => (e.type === 'step-started' && e.step.startsWith('overcloud.upgrade-run.compute') ? big.batches.find((b) => `overcloud.upgrade-run.compute.${b.index}` === e.step && b.role === 'Compute')!.nodes : []));
    expect(new Set(upgradedServers)).toEqual(new Set(big.batches.filter((b) => b.role === 'Compute').flatMap((b) => b.nodes)));
  });
});

describe('the simulated servers remember their release', () => {
  it('converge fails naming a server whose batch never ran', async () => {
    const before = deployedCloud();
    const plan = upgraded(before);
    const u = planUpgrade(before, plan);
    const skipped = u.batches.find((b) => b.role === 'Compute' && b.index === 2)!;
    const deployment = compileUpgrade({ ...u, batches: u.batches.filter((b) => b !== skipped) });
    const { session } = await simRun({ plan, deployment, onFailure: 'abort' });
    expect(await session.result).toBe('failed');
    const converge = readJournal(session.journalPath.replace(/\/deploy\/journal\.jsonl$/, '')).steps.get('overcloud.upgrade-converge')!;
    expect(converge.state).toBe('failed');
    expect(converge.error!.message).toBe(`openstack overcloud upgrade converge exited with status 1: ${skipped.nodes.join(', ')} still run the old release`);
  });
});
