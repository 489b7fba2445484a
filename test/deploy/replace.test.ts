// Replacing a failed server of a deployed simulated lab, through `cloudseed replace`: the old
// server leaves the lab's Ironic, the spare is deployed in its role, the journal, `status`,
// deployed.json and the answers file say so; a controller goes with the cluster keeping quorum.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJournal } from '../../src/deploy/journal.js';
import type { DeployEvent } from '../../src/deploy/types.js';
import { loadLab } from '../../src/lab/load.js';
import { loadAnswers, saveAnswers } from '../../src/plan/answers.js';
import type { Node, Plan } from '../../src/plan/schema.js';
import { validate } from '../../src/plan/validate.js';
import { readDeployed } from '../../src/store/deployed.js';
import { runCaptured } from '../cli/capture.js';
import { labPlan, simRun, stateDir } from './helpers.js';

/** ha-lab's node-06, whose BMC has another password than the lab's usual one: the spare. */
function spareNode06(): Node {
  const s = loadLab('ha-lab', 1).servers.find((x) => x.name === 'node-06')!;
  return {
    name: 'node-06',
    bmc: { type: 'ipmi', address: s.bmc.address, user: 'admin', password: 'calvin' },
    macs: s.nics.filter((n) => n.pxe).map((n) => n.mac),
    cpu: s.cpu.cores,
    memoryMiB: s.memoryMiB,
    diskGiB: 1920,
    arch: 'x86_64',
    source: 'lab',
  };
}

/** ha-lab deployed (virtual time) from an answers file, with `plan`. */
async function deployed(plan: Plan): Promise<{ dir: string; file: string }> {
  const { session, dir } = await simRun({ plan, onFailure: 'abort' });
  expect(await session.result).toBe('done');
  const file = join(dir, 'answers.yaml');
  saveAnswers(file, plan);
  return { dir, file };
}

const withSpare = (plan: Plan): Plan => ({ ...plan, nodes: [...plan.nodes, spareNode06()] });

/** Three controllers (all in one: each a compute too), node-06 spare. */
function threeControllers(): Plan {
  const base = labPlan('ha-lab');
  const nodes = base.nodes.map((n) => (['node-02', 'node-03', 'node-04'].includes(n.name) ? { ...n, role: 'Controller' as const, roleSource: 'manual' as const } : n));
  return withSpare({ ...base, nodes, roles: { ...base.roles, allInOne: true } });
}

const replace = (file: string, dir: string, ...more: string[]) => runCaptured(['replace', file, ...more, '--state-dir', dir]);

describe('cloudseed replace on the simulated lab', () => {
  it('a failed compute: node-03 leaves Ironic, node-06 is deployed as Compute; status, deployed.json and the answers file say so', async () => {
    const { dir, file } = await deployed(withSpare(labPlan('ha-lab')));

    const dry = await replace(file, dir, 'node-03', '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.out[1]).toBe("  node-03 (Compute, failed) leaves the cloud: maintenance on, undeployed, deleted from the undercloud's Ironic");
    expect(dry.out[2]).toMatch(/^ {2}node-06 takes its role: enrolled, inspected and deployed as Compute -- the smallest unused server that fits Compute/);
    expect(readJournal(dir).state).toBe('done');

    const events: string[] = [];
    const r = await replace(file, dir, 'node-03', '--yes', '--speed', 'max', '--reason', 'disk controller died', '--json');
    expect(r.err.filter((l) => l.startsWith('failed'))).toEqual([]);
    expect(r.code).toBe(0);
    for (const line of r.out) events.push(line);
    const parsed = events.map((l) => JSON.parse(l) as DeployEvent);
    const states = (node: string) => parsed.flatMap((e) => (e.type === 'node-state' && e.node === node ? [e.state] : []));
    expect(states('node-03')).toEqual(expect.arrayContaining(['active', 'deleting']));
    expect(states('node-06').at(-1)).toBe('active');
    const logs = parsed.flatMap((e) => (e.type === 'log' && e.node === 'node-03' ? [e.line] : []));
    expect(logs).toContain('node-03: maintenance on (failed since ' + new Date().toISOString().slice(0, 10) + ': disk controller died (cloudseed replace))');
    expect(logs.some((l) => l.startsWith('node-03: deleted from Ironic at '))).toBe(true);
    // Only the replacement's steps ran.
    expect([...readJournal(dir).steps.keys()]).toEqual(['overcloud.retire.node-03', 'overcloud.enrol.node-06', 'overcloud.inspect.node-06', 'overcloud.deploy.node-06', 'overcloud.configure.compute', 'overcloud.backup-replacement']);

    const status = await runCaptured(['status', '--state-dir', dir]);
    expect(status.out[0]).toMatch(/^replacement of node-03 in "overcloud" started .*: done at /);
    expect(status.out.slice(1, -1)).toEqual(['overcloud  6 done']);
    // Its last step backed up the seed and undercloud state, with node-06 in the role.
    expect(status.out.at(-1)).toMatch(new RegExp(`^last backup: \\S+ after the replacement, in ${join(dir, 'backups')}/cloudseed-backup-overcloud-\\S+-replacement, verified`));

    const record = readDeployed(dir);
    if (!('record' in record)) throw new Error(record.missing);
    const roleOf = (p: Plan, name: string) => p.nodes.find((n) => n.name === name);
    expect(roleOf(record.record.plan, 'node-06')?.role).toBe('Compute');
    expect(roleOf(record.record.plan, 'node-03')?.role).toBeUndefined();
    const saved = loadAnswers(file).plan!;
    expect(roleOf(saved, 'node-03')?.outOfService).toEqual({ state: 'failed', since: new Date().toISOString().slice(0, 10), reason: 'disk controller died', role: 'Compute' });
    expect(roleOf(saved, 'node-06')?.role).toBe('Compute');
    expect(validate(saved).filter((f) => f.severity === 'error')).toEqual([]);

    // Done is done: node-03 has no role left to move.
    const again = await replace(file, dir, 'node-03', '--dry-run');
    expect(again.code).toBe(1);
    expect(again.err[0]).toBe('cloudseed: node-03 is not a server of the deployed cloud "overcloud" (it has no role there)');
    // A finished replacement is no obstacle to deploying the answers file again.
    expect((await runCaptured(['deploy', file, '--yes', '--speed', 'max', '--state-dir', dir])).code).toBe(0);
  });

  it('a failed controller of three: the confirmation says quorum is kept, and the spare is deployed only once the old one is out', async () => {
    const { dir, file } = await deployed(threeControllers());
    const r = await replace(file, dir, 'node-03', '--yes', '--speed', 'max');
    expect(r.code).toBe(0);
    expect(r.out).toContain('  one controller at a time: the control plane keeps quorum: 2 of 3 controllers stay up while node-03 is replaced, one at a time (a majority is 2)');
    const order = r.out.filter((l) => / overcloud\.\S+ +(done|running)$/.test(l)).map((l) => l.split(/\s+/).slice(3).join(' '));
    expect(order.indexOf('overcloud.retire.node-03 done')).toBeLessThan(order.indexOf('overcloud.deploy.node-06 running'));
    expect(order.slice(-3)).toEqual(['overcloud.configure.controller-compute done', 'overcloud.backup-replacement running', 'overcloud.backup-replacement done']);
    const record = readDeployed(dir);
    if (!('record' in record)) throw new Error(record.missing);
    expect(record.record.plan.nodes.filter((n) => n.role === 'Controller').map((n) => n.name)).toEqual(['node-02', 'node-04', 'node-06']);
  });

  it("a failed server whose BMC no longer answers: its tear down ends in error, and it is deleted all the same (it is in maintenance)", async () => {
    const { dir, file } = await deployed(withSpare(labPlan('ha-lab')));
    const r = await replace(file, dir, 'node-03', '--yes', '--speed', 'max', '--faults', 'bmc-timeout:node-03', '--json');
    expect(r.code).toBe(0);
    const events = r.out.map((l) => JSON.parse(l) as DeployEvent);
    expect(events.flatMap((e) => (e.type === 'node-state' && e.node === 'node-03' ? [e.state] : []))).toEqual(['active', 'deleting', 'error']);
    const warned = events.find((e) => e.type === 'log' && e.level === 'warn' && e.node === 'node-03');
    expect(warned && 'line' in warned && warned.line).toMatch(/^node-03: tear down ended in "error" \(Failed to tear down .*: power off: IPMI .* timed out \(power status\)\); it is deleted all the same, being in maintenance$/);
    expect(events.some((e) => e.type === 'log' && e.line.startsWith('node-03: deleted from Ironic'))).toBe(true);
  });

  it('no spare fits: a clear error, and nothing changes', async () => {
    const { dir, file } = await deployed(labPlan('ha-lab'));
    const r = await replace(file, dir, 'node-04', '--yes', '--speed', 'max');
    expect(r.code).toBe(1);
    expect(r.err).toEqual(['cloudseed: no spare can be Compute: every server has a role; add a server (cloudseed add) and plan the replacement again']);
    expect(readJournal(dir).state).toBe('done');
    expect(loadAnswers(file).plan!.nodes.find((n) => n.name === 'node-04')?.role).toBe('Compute');
  });

  it('marking a server failed in the answers file is a finding until it is replaced; two controllers at once break quorum', () => {
    const plan = threeControllers();
    const mark = (names: string[]): Plan => ({ ...plan, nodes: plan.nodes.map((n) => (names.includes(n.name) ? { ...n, outOfService: { state: 'failed' as const, since: '2026-12-04' } } : n)) });
    expect(validate(mark(['node-03'])).filter((f) => f.rule.startsWith('plan.'))).toEqual([
      {
        severity: 'error',
        rule: 'plan.out-of-service-role',
        where: 'nodes[2].role',
        message: 'node-03 is marked failed (since 2026-12-04) but is still Controller',
        fix: 'move its role to a spare: cloudseed replace FILE node-03 (or remove its role)',
        screen: 'roles',
      },
    ]);
    const two = validate(mark(['node-02', 'node-03'])).find((f) => f.rule === 'plan.replace-quorum');
    expect(two?.message).toBe('2 of 3 controller(s) are out of service: the control plane has lost quorum: 1 of 3 controllers up, a majority is 2; the APIs answer again once the spare has joined');
    expect(two?.fix).toBe('replace the controllers one at a time, each once the last has joined');
  });
});
