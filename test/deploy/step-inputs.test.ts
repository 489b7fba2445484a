// A plan changed between a stopped run and its resume: exactly the finished steps whose
// inputs changed run again (and the notes say which and why); a journal of another
// deployment is kept aside, never resumed.
import { existsSync, readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/deploy/compile.js';
import { journalPath, readJournal } from '../../src/deploy/journal.js';
import { changedSteps, stepInputs } from '../../src/deploy/step-inputs.js';
import type { Plan } from '../../src/plan/schema.js';
import { runCaptured } from '../cli/capture.js';
import { labPlan, simRun, stateDir } from './helpers.js';

const finished = (dir: string) => new Set([...readJournal(dir).steps].filter(([, r]) => r.state === 'done' || r.state === 'skipped').map(([id]) => id));

/** Runs `plan` until step `stopAfter` is done (or `started` starts), then stops it (Ctrl-C). */
async function runUntil(dir: string, plan: Plan, stopAfter: string, on: 'step-done' | 'step-started' = 'step-done') {
  let stop = false;
  let cancel: () => void = () => void (stop = true);
  const { session } = await simRun({ stateDir: dir, plan, sinks: [(e) => void (e.type === on && e.step === stopAfter && cancel())] });
  // The step may start before startDeploy returns.
  cancel = () => session.run.cancel();
  if (stop) cancel();
  expect(await session.result).toBe('interrupted');
}

/** Resumes with `plan` to the end; returns the steps it started and its notes. */
async function resume(dir: string, plan: Plan) {
  const started = new Set<string>();
  const { session } = await simRun({ stateDir: dir, plan, sinks: [(e) => void (e.type === 'step-started' && started.add(e.step))] });
  expect(await session.result).toBe('done');
  return { started, notes: session.notes, reruns: session.reruns };
}

const withMac = (plan: Plan, name: string, mac: string): Plan => ({ ...plan, nodes: plan.nodes.map((n) => (n.name === name ? { ...n, macs: [mac] } : n)) });

describe('step inputs', () => {
  it('a server changed between a stopped run and its resume: exactly its finished steps run again', async () => {
    const dir = stateDir();
    const plan = labPlan('ha-lab');
    await runUntil(dir, plan, 'overcloud.match-roles');
    const before = finished(dir);
    expect(before).toContain('overcloud.inspect.node-03');
    const changed = withMac(plan, 'node-03', 'ac:1f:6b:00:00:33');
    const { started, notes, reruns } = await resume(dir, changed);
    const all = compile(changed).steps.map((s) => s.id);
    const expected = new Set([...all.filter((id) => !before.has(id)), 'overcloud.enrol.node-03', 'overcloud.inspect.node-03']);
    expect([...started].sort()).toEqual([...expected].sort());
    expect(reruns.map((r) => r.id).sort()).toEqual(['overcloud.enrol.node-03', 'overcloud.inspect.node-03']);
    expect(notes[0]).toBe('2 step(s) run again, their inputs changed: overcloud.enrol.node-03 (server node-03), overcloud.inspect.node-03 (server node-03)');
    expect(notes[1]).toMatch(/^resuming the deployment started .*: \d+ step\(s\) already done$/);
    // Each re-run step finished twice; every other step once.
    for (const [id, r] of readJournal(dir).steps) expect(r.completions, id).toBe(id.endsWith('node-03') && !id.includes('deploy') ? 2 : 1);
  });

  it('an unchanged plan resumes without re-running anything', async () => {
    const dir = stateDir();
    const plan = labPlan('ha-lab');
    await runUntil(dir, plan, 'undercloud.configure');
    const before = finished(dir);
    const { started, reruns } = await resume(dir, plan);
    expect(reruns).toEqual([]);
    for (const id of started) expect(before.has(id), id).toBe(false);
  });

  it('the journal of another lab under the same plan name is kept aside, and the deployment starts over', async () => {
    const dir = stateDir();
    await runUntil(dir, labPlan('ha-lab'), 'seed.image');
    const other = labPlan('two-machine');
    expect(other.name).toBe(labPlan('ha-lab').name);
    const { saveAnswers } = await import('../../src/plan/answers.js');
    saveAnswers(`${dir}/answers.yaml`, other);
    const dry = await runCaptured(['plan', `${dir}/answers.yaml`, '--state-dir', dir]);
    expect(dry.out).toContain('the unfinished journal in the state directory is of another deployment (plan "overcloud" on the simulated lab ha-lab): deploy keeps it aside and starts over');
    const { started, notes } = await resume(dir, other);
    expect(started).toContain('seed.host-checks');
    expect(started).toContain('seed.network-gates');
    expect(notes[0]).toMatch(/the unfinished journal is of another deployment \(plan "overcloud" on the simulated lab ha-lab\).*kept as .*journal-.*\.jsonl and this deployment starts over/);
    const kept = readdirSync(dirname(journalPath(dir))).filter((f) => f.startsWith('journal-'));
    expect(kept).toHaveLength(1);
    expect(existsSync(journalPath(dir))).toBe(true);
  });

  it('the network: a changed provisioning NIC re-runs the seed steps that use it, not the servers', () => {
    const plan = labPlan('ha-lab');
    const deployment = compile(plan);
    const a = stepInputs(plan, deployment);
    const moved: Plan = { ...plan, network: { ...plan.network, provisioning: { ...plan.network.provisioning, nic: 'eno9' } } };
    const b = stepInputs(moved, compile(moved));
    const differ = [...a.steps].filter(([id, d]) => b.steps.get(id) !== d).map(([id]) => id);
    expect(differ).toContain('seed.bridge');
    expect(differ).toContain('overcloud.inspect.node-03');
    expect(differ).not.toContain('seed.image');
    expect(differ).not.toContain('overcloud.credentials');
    // Passwords are not inputs: the journal holds nothing derived from them.
    const secret: Plan = { ...plan, nodes: plan.nodes.map((n) => ({ ...n, bmc: { ...n.bmc, password: 'other' } })) };
    expect(stepInputs(secret, compile(secret)).steps).toEqual(a.steps);
  });

  it('status and plan say which steps run again and why', async () => {
    const dir = stateDir();
    const plan = labPlan('ha-lab');
    await runUntil(dir, plan, 'overcloud.match-roles');
    const changed = withMac(plan, 'node-04', 'f8:bc:12:00:00:44');
    const { saveAnswers } = await import('../../src/plan/answers.js');
    const file = `${dir}/answers.yaml`;
    saveAnswers(file, changed);
    const dry = await runCaptured(['plan', file, '--state-dir', dir]);
    expect(dry.out.join('\n')).toMatch(/deploy resumes the unfinished deployment: \d+ of 33 step\(s\) already done/);
    expect(dry.out.join('\n')).toContain('2 step(s) run again, their inputs changed: overcloud.enrol.node-04 (server node-04), overcloud.inspect.node-04 (server node-04)');
    // A resume that is stopped before it reached them: status still lists them.
    expect(changedSteps(readJournal(dir), stepInputs(changed, compile(changed))).map((r) => r.id)).toEqual(['overcloud.enrol.node-04', 'overcloud.inspect.node-04']);
    await runUntil(dir, changed, 'overcloud.enrol.node-04', 'step-started');
    const status = await runCaptured(['status', '--state-dir', dir]);
    expect(status.out.join('\n')).toContain('on resume, 1 step(s) run again, their inputs changed: overcloud.inspect.node-04 (server node-04)');
  });
});
