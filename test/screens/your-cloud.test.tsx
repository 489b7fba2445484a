// Your cloud: the installer on a state dir with a deployed cloud (ha-lab, node-04 unused).
// It opens there, says what the cloud is, adds a server through Servers, Roles and the
// change (running only its steps), backs up, and starts over only after asking.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { virtualClock } from '../../src/deploy/clock.js';
import { journalPath, readJournal } from '../../src/deploy/journal.js';
import { readDeployed } from '../../src/store/deployed.js';
import { startDeploy } from '../../src/deploy/session.js';
import { StateStore } from '../../src/store/state.js';
import { after, before, deployedLab } from '../deploy/scale-out-lab.js';
import { labPlan, simRun } from '../deploy/helpers.js';
import { deployScreensOnVirtualClock, flat, KEY, nonAscii, press, renderApp, widestLine } from './helpers.js';

deployScreensOnVirtualClock();

describe('Your cloud', () => {
  it('opens on the deployed cloud: tiers, servers per role, health; 80x24 ASCII, nothing cut off', async () => {
    const { dir } = await deployedLab();
    const r = renderApp(dir, { deployed: true, ui: { ascii: true } });
    await vi.waitFor(() => expect(r.lastFrame()).toContain('1/6 Your cloud'), { timeout: 20_000 });
    const frame = r.lastFrame()!;
    expect(frame).toContain('"overcloud" on the simulated lab ha-lab, deployed ');
    expect(frame).toContain('undercloud: server node-01');
    expect(frame).toContain('overcloud "overcloud": 1 controller, 1 compute');
    expect(frame).toMatch(/Controller +node-02/);
    expect(frame).toMatch(/Compute +node-03/);
    expect(frame).toMatch(/Unused +node-04/);
    expect(frame).toContain('[ok] last deployment: done');
    expect(frame).toContain('[ok] failed steps: none');
    expect(frame).toContain('> Add servers');
    expect(frame).toContain('Back up now');
    expect(frame).toContain('Start over (asks first)');
    expect(frame).toContain('Replace a failed server');
    expect(widestLine(frame)).toBeLessThanOrEqual(80);
    expect(nonAscii(frame)).toEqual([]);
    expect(frame.split('\n').length).toBeLessThan(24);
    await press(r, '?');
    await vi.waitFor(() => expect(r.lastFrame()).toContain('Help: Your cloud'));
    expect(widestLine(r.lastFrame()!)).toBeLessThanOrEqual(80);
    expect(nonAscii(r.lastFrame()!)).toEqual([]);
    r.unmount();
  });

  it('an all-in-one server\'s role and its name stay apart (Controller+Compute is longer than the other roles)', async () => {
    const { session, dir } = await simRun({ plan: labPlan('two-machine'), onFailure: 'abort' });
    expect(await session.result).toBe('done');
    const r = renderApp(dir, { deployed: true, ui: { ascii: true } });
    await vi.waitFor(() => expect(r.lastFrame()).toContain('1/6 Your cloud'), { timeout: 20_000 });
    expect(r.lastFrame()).toMatch(/Servers +Controller\+Compute +node-01/);
    r.unmount();
  });

  it('Replace a failed server opens the Replace screen in place on the deployed cloud\'s servers; Esc there is back on Your cloud', async () => {
    const { dir } = await deployedLab();
    const r = renderApp(dir, { deployed: true });
    await vi.waitFor(() => expect(r.lastFrame()).toContain('Replace a failed server'), { timeout: 20_000 });
    await press(r, KEY.down, KEY.enter);
    await vi.waitFor(() => expect(r.lastFrame()).toContain('Which server failed'));
    // The deployed cloud's servers, whatever plan the session holds: node-04 was left unused, so it is the spare.
    await press(r, KEY.down, KEY.down, KEY.enter);
    await vi.waitFor(() => expect(r.lastFrame()).toContain('Replace node-03 (Compute) with node-04'));
    await press(r, KEY.esc);
    await vi.waitFor(() => expect(r.lastFrame()).toContain('Which server failed'));
    await press(r, KEY.esc);
    await vi.waitFor(() => expect(r.lastFrame()).toContain('Add servers'));
    r.unmount();
  });

  it('Add servers: Servers, Roles, then only the change; confirmed, it runs only the new server and records it', async () => {
    const { dir } = await deployedLab();
    const first = readFileSync(journalPath(dir), 'utf8');
    const r = renderApp(dir, { deployed: true, ui: { ascii: true } });
    await vi.waitFor(() => expect(r.lastFrame()).toContain('> Add servers'), { timeout: 20_000 });
    await press(r, KEY.enter);
    await vi.waitFor(() => expect(r.lastFrame()).toContain('2/6 Servers'));
    await press(r, KEY.enter);
    // Roles gives the unused server a role (auto-assignment keeps the deployed ones).
    await vi.waitFor(() => expect(r.lastFrame()).toContain('3/6 Roles'));
    await press(r, KEY.enter);
    await vi.waitFor(() => expect(r.lastFrame()).toContain('4/6 The change'));
    expect(widestLine(r.lastFrame()!)).toBeLessThanOrEqual(80);
    expect(nonAscii(r.lastFrame()!)).toEqual([]);
    expect(r.lastFrame()!.split('\n').length).toBeLessThan(24);
    const change = r.lastFrame()!.replace(/\s*\n\s*/g, ' ');
    expect(change).toContain('1 server will be enrolled and deployed as Compute (node-04); nothing else changes');
    expect(change).toContain("a scale-out runs 5 of the plan's 33 steps");
    await press(r, KEY.enter);
    await vi.waitFor(() => expect(r.lastFrame()).toContain('Add 1 server to "overcloud"?'));
    await press(r, 'y');
    await vi.waitFor(() => expect(r.lastFrame()).toContain('6/6 Done'), { timeout: 30_000 });

    const journal = readJournal(dir, 'scale-out');
    expect(journal.state).toBe('done');
    expect([...journal.steps.keys()].sort()).toEqual(['overcloud.backup-scale-out', 'overcloud.configure.compute', 'overcloud.deploy.node-04', 'overcloud.enrol.node-04', 'overcloud.inspect.node-04', 'overcloud.match-roles']);
    expect(readFileSync(journalPath(dir), 'utf8')).toBe(first);
    const deployed = readDeployed(dir);
    expect('record' in deployed && deployed.record.plan.nodes.find((n) => n.name === 'node-04')?.role).toBe('Compute');
    r.unmount();
  });

  it('a scale-out stopped mid-way is resumed from Your cloud: the change again, then only what is left', async () => {
    const { dir } = await deployedLab();
    const edited = { ...after, nodes: after.nodes.filter((n) => n.name !== 'node-06') };
    let cancel = () => {};
    const session = await startDeploy({
      plan: edited,
      scaleOutOf: before,
      stateDir: dir,
      onFailure: 'abort',
      clock: virtualClock(),
      sinks: [(e) => void (e.type === 'step-done' && e.step === 'overcloud.inspect.node-04' && cancel())],
    });
    cancel = () => session.run.cancel();
    expect(await session.result).toBe('interrupted');
    StateStore.open(dir).savePlan(edited, 'deploy');

    const r = renderApp(dir, { deployed: true, ui: { ascii: true } });
    await vi.waitFor(() => expect(r.lastFrame()).toContain('> Resume adding node-04 (stopped before it finished)'), { timeout: 20_000 });
    expect(r.lastFrame()).toContain('last scale-out: interrupted');
    await press(r, KEY.enter);
    await vi.waitFor(() => expect(r.lastFrame()).toContain('4/6 The change'));
    expect(flat(r.lastFrame())).toContain('1 server will be enrolled and deployed as Compute (node-04); nothing else changes');
    await press(r, KEY.enter, 'y');
    await vi.waitFor(() => expect(r.lastFrame()).toContain('6/6 Done'), { timeout: 30_000 });
    const journal = readJournal(dir, 'scale-out');
    expect(journal.state).toBe('done');
    expect(journal.runs).toBe(2);
    for (const [id, step] of journal.steps) expect(step.completions, id).toBe(1);
    r.unmount();
  });

  it('the change refuses what is more than adding servers, and says so', async () => {
    const { dir } = await deployedLab();
    const r = renderApp(dir, { deployed: true, ui: { ascii: true } });
    await vi.waitFor(() => expect(r.lastFrame()).toContain('> Add servers'), { timeout: 20_000 });
    await press(r, KEY.enter);
    await vi.waitFor(() => expect(r.lastFrame()).toContain('2/6 Servers'));
    // node-03 (a deployed Compute) deleted on Servers.
    await press(r, KEY.down, KEY.down, 'd');
    await vi.waitFor(() => expect(r.lastFrame()).toMatch(/node-03/));
    await press(r, 'y');
    await vi.waitFor(() => expect(r.lastFrame()).not.toMatch(/> node-03/));
    await press(r, KEY.enter);
    await vi.waitFor(() => expect(r.lastFrame()).toContain('3/6 Roles'));
    await press(r, KEY.enter);
    await vi.waitFor(() => expect(r.lastFrame()).toContain('4/6 The change'));
    const frame = r.lastFrame()!.replace(/\s*\n\s*/g, ' ');
    expect(frame).toContain('cloudseed cannot make');
    expect(frame).toContain('removing node-03 (Compute)');
    expect(frame).toContain('Only adding servers runs from here');
    await press(r, KEY.enter);
    expect(r.lastFrame()).not.toContain('Add 1 server');
    expect(existsSync(journalPath(dir, 'scale-out'))).toBe(false);
    r.unmount();
  });

  it('Back up now writes a backup with its manifest; Start over asks, names what is lost, then sets the cloud aside', async () => {
    const { dir } = await deployedLab();
    const r = renderApp(dir, { deployed: true, ui: { ascii: true } });
    await vi.waitFor(() => expect(r.lastFrame()).toContain('> Add servers'), { timeout: 20_000 });
    // Beside the ones the deployment took after each tier (named with their tier).
    const auto = readdirSync(join(dir, 'backups'));
    await press(r, KEY.down, KEY.down, KEY.enter);
    await vi.waitFor(() => expect(r.lastFrame()).toContain('Backed up ('), { timeout: 20_000 });
    const [backup, ...more] = readdirSync(join(dir, 'backups')).filter((n) => !auto.includes(n));
    expect(more).toEqual([]);
    expect(backup).toMatch(/^cloudseed-backup-overcloud-\d{8}T\d{6}\.\d{3}Z$/);
    expect(readdirSync(join(dir, 'backups', backup))).toEqual(expect.arrayContaining(['manifest.json', 'SHA256SUMS']));

    await press(r, KEY.down, KEY.enter);
    await vi.waitFor(() => expect(r.lastFrame()!.replace(/\s*\n\s*/g, ' ')).toContain('Start over? cloudseed forgets the deployed cloud "overcloud" (3 servers)'));
    await press(r, 'n');
    await vi.waitFor(() => expect(r.lastFrame()).toContain('Start over (asks first)'));
    expect(existsSync(join(dir, 'deployed.json'))).toBe(true);
    await press(r, KEY.enter, 'y');
    await vi.waitFor(() => expect(r.lastFrame()).toContain('1/8 Welcome'));
    expect(existsSync(join(dir, 'deployed.json'))).toBe(false);
    const [aside] = readdirSync(join(dir, 'set-aside'));
    expect(readdirSync(join(dir, 'set-aside', aside)).sort()).toEqual(['deployed.json', 'journal.jsonl']);
    r.unmount();
  });
});
