// Upgrading from Your cloud: ha-lab deployed at victoria offers "Upgrade to wallaby"; the
// screen shows the rollout (tiers, batches, the controller's line), asks, then runs the
// upgrade in the deploy panels, and Your cloud shows the new release.
import { describe, expect, it, vi } from 'vitest';
import { deployScreenOptions } from '../../screens/deploy-run.js';
import { virtualClock } from '../../src/deploy/clock.js';
import { readFileSync } from 'node:fs';
import { journalPath, readJournal } from '../../src/deploy/journal.js';
import { startDeploy } from '../../src/deploy/session.js';
import type { Plan } from '../../src/plan/schema.js';
import { readDeployed } from '../../src/store/deployed.js';
import { completions, labPlan, simRun } from '../deploy/helpers.js';
import { after, before } from '../deploy/scale-out-lab.js';
import { deployScreensOnVirtualClock, flat, KEY, nonAscii, press, renderApp, widestLine } from './helpers.js';

deployScreensOnVirtualClock();

async function deployedAt(release: 'victoria' | 'wallaby'): Promise<string> {
  const plan = labPlan('ha-lab');
  const { session, dir } = await simRun({ plan: { ...plan, options: { ...plan.options, tripleoRelease: release } }, onFailure: 'abort' });
  expect(await session.result).toBe('done');
  return dir;
}

const within80x24Ascii = (frame: string) => {
  expect(widestLine(frame)).toBeLessThanOrEqual(80);
  expect(nonAscii(frame)).toEqual([]);
  expect(frame.split('\n').length).toBeLessThanOrEqual(24);
};

describe('Upgrade from Your cloud', () => {
  it('victoria: "Upgrade to wallaby" shows the rollout, asks, runs every tier in the panels, and Your cloud then says wallaby', async () => {
    const dir = await deployedAt('victoria');
    const r = renderApp(dir, { deployed: true, ui: { ascii: true } });
    await vi.waitFor(() => expect(r.lastFrame()).toContain('Upgrade to wallaby (from TripleO victoria, asks first)'), { timeout: 20_000 });
    expect(r.lastFrame()).toMatch(/Release +TripleO victoria \(wallaby is next\)/);
    within80x24Ascii(r.lastFrame()!);

    await press(r, KEY.down, KEY.down, KEY.enter);
    await vi.waitFor(() => expect(r.lastFrame()).toContain('Upgrade "overcloud" from TripleO victoria to wallaby'));
    const review = flat(r.lastFrame());
    expect(review).toContain('first the seed and undercloud state is backed up as it is on victoria');
    expect(review).toContain('seed: Ironic packages and database to wallaby, then its API is checked');
    expect(review).toContain('undercloud: openstack undercloud upgrade, then its APIs are checked');
    expect(review).toMatch(/overcloud: upgrade prepare, \d+ rolling batch(es)?, converge/);
    expect(review).toContain('node-02, the only controller: the APIs are down while it is upgraded');
    expect(review).toContain('a failed batch stops the rollout; it resumes from that batch');
    expect(review).toContain('Upgrade to wallaby now? y: yes, n: no, Esc: back');
    within80x24Ascii(r.lastFrame()!);

    // Esc is back on Your cloud, nothing run.
    await press(r, KEY.esc);
    await vi.waitFor(() => expect(r.lastFrame()).toContain('Add servers'));
    expect([...readJournal(dir).steps.keys()].some((id) => id.includes('upgrade'))).toBe(false);

    await press(r, KEY.enter);
    await vi.waitFor(() => expect(r.lastFrame()).toContain('Upgrade to wallaby now?'));
    await press(r, 'y');
    await vi.waitFor(() => expect(r.lastFrame()).toContain('Upgraded to TripleO wallaby'), { timeout: 60_000 });
    // The panels ran it: every tier, the undercloud's upgrade step among them.
    const panels = r.frames.find((f) => /Seed\s/.test(f) && /Undercloud\s/.test(f) && /Overcloud\s/.test(f));
    expect(panels).toBeDefined();
    within80x24Ascii(panels!);
    const after = r.lastFrame()!;
    expect(after).toMatch(/Release +TripleO wallaby \(the newest cloudseed knows\)/);
    expect(after).not.toContain('Upgrade to');
    within80x24Ascii(after);
    const deployed = readDeployed(dir);
    expect('record' in deployed && deployed.record.plan.options.tripleoRelease).toBe('wallaby');
    expect(readJournal(dir).steps.get('undercloud.upgrade')?.state).toBe('done');
    r.unmount();
  });

  it('a failed batch stops the upgrade; aborted, Enter resumes it from that batch to wallaby', async () => {
    const dir = await deployedAt('victoria');
    deployScreenOptions.faults = 'upgrade-fail:node-03';
    try {
      const r = renderApp(dir, { deployed: true, ui: { ascii: true } });
      await vi.waitFor(() => expect(r.lastFrame()).toContain('Upgrade to wallaby'), { timeout: 20_000 });
      await press(r, KEY.down, KEY.down, KEY.enter);
      await vi.waitFor(() => expect(r.lastFrame()).toContain('Upgrade to wallaby now?'));
      await press(r, 'y');
      await vi.waitFor(() => expect(r.lastFrame()).toMatch(/Failed: Upgrade node-03/), { timeout: 30_000 });
      within80x24Ascii(r.lastFrame()!);
      await press(r, 'a');
      await vi.waitFor(() => expect(r.lastFrame()).toContain('Abort the deployment?'));
      await press(r, 'y');
      await vi.waitFor(() => expect(r.lastFrame()).toContain('Enter: resume'));
      const stopped = readJournal(dir);
      expect(stopped.state).toBe('failed');
      expect(stopped.steps.get('undercloud.upgrade')?.state).toBe('done');
      const deployed = readDeployed(dir);
      expect('record' in deployed && deployed.record.plan.options.tripleoRelease).toBe('victoria');

      deployScreenOptions.faults = undefined;
      await press(r, KEY.enter);
      await vi.waitFor(() => expect(r.lastFrame()).toContain('Upgraded to TripleO wallaby'), { timeout: 60_000 });
      expect(readJournal(dir).state).toBe('done');
      // Resumed, not started again: the seed and the undercloud were upgraded once.
      const done = completions(dir);
      expect([done.get('seed.upgrade'), done.get('undercloud.upgrade')]).toEqual([1, 1]);
      r.unmount();
    } finally {
      deployScreenOptions.faults = undefined;
    }
  });

  it('an unfinished scale-out: the upgrade is refused, says why, and nothing runs', async () => {
    const victoria = (p: Plan): Plan => ({ ...p, options: { ...p.options, tripleoRelease: 'victoria' } });
    const { session: first, dir } = await simRun({ plan: victoria(before), onFailure: 'abort' });
    expect(await first.result).toBe('done');
    let cancel = () => {};
    const adding = await startDeploy({
      plan: victoria({ ...after, nodes: after.nodes.filter((n) => n.name !== 'node-06') }),
      scaleOutOf: victoria(before),
      stateDir: dir,
      onFailure: 'abort',
      clock: virtualClock(),
      sinks: [(e) => void (e.type === 'step-done' && e.step === 'overcloud.inspect.node-04' && cancel())],
    });
    cancel = () => adding.run.cancel();
    expect(await adding.result).toBe('interrupted');
    const journal = readFileSync(journalPath(dir), 'utf8');

    const r = renderApp(dir, { deployed: true, ui: { ascii: true } });
    await vi.waitFor(() => expect(r.lastFrame()).toContain('Upgrade to wallaby'), { timeout: 20_000 });
    await press(r, KEY.down, KEY.down);
    await vi.waitFor(() => expect(r.lastFrame()).toContain('> Upgrade to wallaby'));
    await press(r, KEY.enter);
    await vi.waitFor(() => expect(flat(r.lastFrame())).toContain('a scale-out of "overcloud" is unfinished'));
    expect(flat(r.lastFrame())).toContain('then upgrade');
    expect(flat(r.lastFrame())).toContain('Nothing was changed. Esc: back.');
    within80x24Ascii(r.lastFrame()!);
    await press(r, 'y');
    await press(r, KEY.esc);
    await vi.waitFor(() => expect(r.lastFrame()).toContain('Add servers'));
    expect(readFileSync(journalPath(dir), 'utf8')).toBe(journal);
    r.unmount();
  });

  it('wallaby, the newest release: no upgrade action', async () => {
    const dir = await deployedAt('wallaby');
    const r = renderApp(dir, { deployed: true, ui: { ascii: true } });
    await vi.waitFor(() => expect(r.lastFrame()).toContain('Replace a failed server'), { timeout: 20_000 });
    expect(r.lastFrame()).toMatch(/Release +TripleO wallaby \(the newest cloudseed knows\)/);
    expect(r.lastFrame()).not.toContain('Upgrade');
    r.unmount();
  });
});
