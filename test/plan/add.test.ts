import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planForLab } from '../../src/deploy/lab-plan.js';
import { saveAnswers } from '../../src/plan/answers.js';
import type { Plan } from '../../src/plan/schema.js';
import { recordDeployed } from '../../src/store/deployed.js';
import { runCaptured } from '../cli/capture.js';
import { stateDir } from '../deploy/helpers.js';

const deployed = planForLab('ha-lab');

/** A state dir where ha-lab is deployed, and an answers file holding `plan`. */
function setUp(plan: Plan): { dir: string; file: string } {
  const dir = stateDir();
  recordDeployed(dir, deployed, new Date('2026-12-01T10:00:00Z'));
  const file = join(stateDir(), 'answers.yaml');
  saveAnswers(file, plan);
  return { dir, file };
}

function withComputes(n: number): Plan {
  const like = deployed.nodes.find((x) => x.name === 'node-03')!;
  const extra = Array.from({ length: n }, (_, i) => ({ ...like, name: `rack2-${i + 1}`, bmc: { ...like.bmc, address: `10.20.1.${i + 1}` }, macs: [`ac:1f:6b:00:02:0${i + 1}`] }));
  return { ...deployed, nodes: [...deployed.nodes, ...extra] };
}

describe('cloudseed plan and add on a deployed cloud', () => {
  it('plan FILE says the change first, then the whole plan as before', async () => {
    const { dir, file } = setUp(withComputes(2));
    const r = await runCaptured(['plan', file, '--state-dir', dir]);
    expect(r.code).toBe(0);
    expect(r.out.slice(0, 4)).toEqual([
      `change from the cloud deployed at 2026-12-01T10:00:00.000Z (state in ${dir}):`,
      '  2 servers will be enrolled and deployed as Compute (rack2-1, rack2-2); nothing else changes',
      expect.stringMatching(/^ {2}a scale-out runs 8 of the plan's \d+ steps: enrol, inspect and deploy of the 2 new servers, matching roles, then configuring compute services; then it backs up the seed and undercloud state$/),
      '',
    ]);
    const json = JSON.parse((await runCaptured(['plan', file, '--json', '--state-dir', dir])).out.join('\n'));
    expect(json.change.added).toEqual([{ name: 'rack2-1', role: 'Compute' }, { name: 'rack2-2', role: 'Compute' }]);
    expect(json.change.steps).toContain('overcloud.deploy.rack2-2');
    // Without a deployed cloud, plan is the first deployment's dry run only.
    const fresh = await runCaptured(['plan', file, '--state-dir', stateDir()]);
    expect(fresh.out.join('\n')).not.toContain('change from the cloud deployed');
  });

  it('add FILE prints the difference; it refuses changes it cannot make yet, naming each, and changes nothing', async () => {
    const moved = { ...withComputes(1), nodes: withComputes(1).nodes.filter((n) => n.name !== 'node-04') };
    const { dir, file } = setUp(moved);
    const r = await runCaptured(['add', file, '--state-dir', dir]);
    expect(r.code).toBe(1);
    expect(r.out).toEqual(['1 server will be enrolled and deployed as Compute (rack2-1)', 'node-04 (Compute) will be undeployed and removed from Ironic']);
    expect(r.err).toEqual(['add cannot make this change, so nothing was changed:', '  removing node-04 (Compute)', `put them back as deployed in ${file} to add servers only`]);
  });

  it('add asks before it runs; without a terminal it needs --yes, and with nothing to add it says so', async () => {
    const { dir, file } = setUp(withComputes(1));
    const r = await runCaptured(['add', file, '--state-dir', dir]);
    expect(r.code).toBe(2);
    expect(r.err[0]).toBe('cloudseed: add asks before it starts; without a terminal, confirm with --yes');

    const same = setUp(deployed);
    const none = await runCaptured(['add', same.file, '--state-dir', same.dir]);
    expect(none.code).toBe(0);
    expect(none.out).toEqual(['nothing changes: the answers file describes the deployed cloud']);
  });

  it('a file of another cloud is planned as a new cloud, and add refuses it', async () => {
    const { dir, file } = setUp({ ...withComputes(1), name: 'other' });
    const plan = await runCaptured(['plan', file, '--state-dir', dir]);
    expect(plan.out[0]).toBe(`note: the cloud deployed from ${dir} is "overcloud", this file describes "other": planned as a new cloud`);
    expect(plan.out.join('\n')).not.toContain('will be enrolled');
    const add = await runCaptured(['add', file, '--state-dir', dir]);
    expect(add.code).toBe(1);
    expect(add.err[0]).toContain("this file describes \"other\": add works on that cloud's own answers file");
  });

  it('add without a deployed cloud says where it looked and what to do', async () => {
    const { file } = setUp(deployed);
    const empty = stateDir();
    const r = await runCaptured(['add', file, '--state-dir', empty]);
    expect(r.code).toBe(1);
    expect(r.err[0]).toBe(`cloudseed: no deployed cloud is recorded in ${empty}: deploy it first (cloudseed deploy ${file}), or give the --state-dir it was deployed from`);
  });

  it('replace FILE SERVER --dry-run plans the replacement from the deployed cloud: the spare, quorum, the steps; it changes nothing', async () => {
    const spare = { ...withComputes(1).nodes.at(-1)!, role: undefined, roleSource: undefined };
    const { dir, file } = setUp({ ...deployed, nodes: [...deployed.nodes, spare] });
    const r = await runCaptured(['replace', file, 'node-02', '--dry-run', '--state-dir', dir]);
    expect(r.code).toBe(0);
    expect(r.out[1]).toBe("  node-02 (Controller, failed) leaves the cloud: maintenance on, undeployed, deleted from the undercloud's Ironic");
    expect(r.out[2]).toMatch(/^ {2}rack2-1 takes its role: enrolled, inspected and deployed as Controller -- the smallest unused server that fits Controller \(/);
    expect(r.out[4]).toBe("  one controller at a time: node-02 is the only controller: the cloud's APIs are down until the spare is deployed");
    const none = await runCaptured(['replace', file, 'node-03', '--spare', 'node-04', '--dry-run', '--state-dir', dir]);
    expect(none.err[0]).toBe('cloudseed: node-04 is not a spare: it is already Compute');
    const empty = stateDir();
    expect((await runCaptured(['replace', file, 'node-03', '--state-dir', empty])).err[0]).toBe(`cloudseed: no deployed cloud is recorded in ${empty} (a deployment records it when it finishes): there is no deployed server to replace`);
    const noTerminal = await runCaptured(['replace', file, 'node-03', '--state-dir', dir]);
    expect(noTerminal.err.at(-1)).toContain('replace asks before it starts; without a terminal, confirm with --yes');
  });
});
