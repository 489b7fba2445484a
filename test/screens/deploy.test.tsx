import React from 'react';
import { render } from 'ink-testing-library';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { deploy, DeployPanels } from '../../screens/deploy.js';
import { deployScreenOptions, resetDeploy } from '../../screens/deploy-run.js';
import { done } from '../../screens/done.js';
import { review } from '../../screens/review.js';
import { welcome } from '../../screens/welcome.js';
import { openSessionStore } from '../../screens/session.js';
import { makeTheme, ThemeContext } from '../../screens/components/theme.js';
import { virtualClock } from '../../src/deploy/clock.js';
import { compile } from '../../src/deploy/compile.js';
import { planForLab } from '../../src/deploy/lab-plan.js';
import { loadLab } from '../../src/lab/load.js';
import { createProgressStore } from '../../src/deploy/progress-store.js';
import type { DeployRun } from '../../src/deploy/runner.js';
import type { NodeState } from '../../src/deploy/types.js';
import { KEY, flat, nonAscii, renderApp, renderScreen, tempStateDir, widestLine } from './helpers.js';


let state: ReturnType<typeof tempStateDir>;
beforeEach(() => {
  state = tempStateDir();
  resetDeploy();
  deployScreenOptions.clock = virtualClock();
  deployScreenOptions.faults = undefined;
});
afterEach(() => {
  state.remove();
  deployScreenOptions.clock = undefined;
});

/** The wizard on a saved plan of `lab`: Resume (the default) opens Review, whose default is Deploy: Enter, Enter. */
async function deployFromReview(lab: string) {
  openSessionStore(state.dir).save(planForLab(lab), 'deploy');
  const r = renderApp(state.dir, { screens: [welcome, review, deploy, done] });
  await vi.waitFor(() => expect(r.lastFrame()).toContain('Resume the saved installation'));
  r.stdin.write(KEY.enter);
  await vi.waitFor(() => expect(r.lastFrame()).toMatch(/❯ Deploy/));
  r.stdin.write(KEY.enter);
  return r;
}

describe('Deploy screen, end to end in the wizard', () => {
  it.each(['two-machine', 'ha-lab'])('%s: resume the saved installation, deploy through three tiers to Done', async (lab) => {
    const r = await deployFromReview(lab);
    await vi.waitFor(() => expect(r.lastFrame()).toContain('is deployed'), { timeout: 20_000 });
    const frame = r.lastFrame()!;
    expect(flat(frame)).toContain(`password in ${state.dir}/overcloudrc (mode 0600)`);
    expect(frame).toMatch(/is deployed, in \d+ h \d+ min \(seed/);
    expect(frame).toContain('deploy.log');
    expect(widestLine(frame)).toBeLessThanOrEqual(80);
    expect(frame.split('\n').length).toBeLessThan(24);
    r.unmount();
  });
});

describe('Deploy screen: resume', () => {
  it('starting the installer on an unfinished deployment offers to resume it, and it continues', async () => {
    const plan = planForLab('two-machine');
    openSessionStore(state.dir).save(plan, 'deploy');
    // A deployment that stopped half-way (as if cloudseed had been killed).
    const { startDeploy } = await import('../../src/deploy/session.js');
    const first = await startDeploy({ plan, stateDir: state.dir, onFailure: 'abort', clock: virtualClock(), faults: 'deploy-fail:node-01' });
    expect(await first.result).toBe('failed');
    const r = renderApp(state.dir, { screens: [welcome, review, deploy, done] });
    await vi.waitFor(() => expect(r.lastFrame()).toContain('at Deploy'));
    // Resume never restarts a deployment by itself: Review offers to continue it.
    r.stdin.write(KEY.enter);
    await vi.waitFor(() => expect(r.lastFrame()).toContain('❯ Resume the deployment'));
    r.stdin.write(KEY.enter);
    await vi.waitFor(() => expect(r.lastFrame()).toMatch(/is deployed|resuming the deployment/), { timeout: 20_000 });
    await vi.waitFor(() => expect(r.lastFrame()).toContain('is deployed'), { timeout: 20_000 });
    const { readJournal } = await import('../../src/deploy/journal.js');
    for (const [id, step] of readJournal(state.dir).steps) expect(step.completions, id).toBe(1);
    r.unmount();
  });
});

describe('Done screen', () => {
  it('shows a deployment an earlier run finished (from the journal)', async () => {
    const plan = planForLab('two-machine');
    const { startDeploy } = await import('../../src/deploy/session.js');
    const s = await startDeploy({ plan, stateDir: state.dir, onFailure: 'abort', clock: virtualClock() });
    expect(await s.result).toBe('done');
    resetDeploy();
    const r = renderScreen(done, { plan, ui: { stateDir: state.dir, ascii: true } });
    await vi.waitFor(() => expect(r.lastFrame()).toContain('(saved now, mode 0600)'));
    const frame = r.lastFrame()!;
    expect(frame).toMatch(/\[ok\] "overcloud" is deployed, in 1 h \d\d min \(seed \d+ min/);
    // The admin user and where its password is; the undercloud's shell and stackrc.
    expect(flat(frame)).toContain(`user admin, password in ${state.dir}/overcloudrc (mode 0600)`);
    expect(frame).toContain('ssh stack@192.168.24.2, then: source ~/stackrc');
    // The answers file, saved as YAML without being asked, and next steps.
    const answers = join(state.dir, 'cloudseed-answers.yaml');
    expect(frame).toContain(answers);
    expect(statSync(answers).mode & 0o777).toBe(0o600);
    expect(readFileSync(answers, 'utf8')).toMatch(/^name: overcloud$/m);
    for (const next of ['openstack image create', 'openstack flavor create', 'openstack network create', 'cloudseed add FILE']) expect(frame).toContain(next);
    expect(nonAscii(frame)).toEqual([]);
    expect(widestLine(frame)).toBeLessThanOrEqual(80);
    r.unmount();
  });
});

describe('Deploy screen: failures', () => {
  it('shows which step failed where, why and what to try; r retries and it goes on to Done', async () => {
    deployScreenOptions.faults = 'pxe-fail:node-01:3';
    const goTo = vi.fn();
    const r = renderScreen(deploy, { plan: planForLab('two-machine'), ui: { stateDir: state.dir }, app: { goTo } });
    await vi.waitFor(() => expect(r.lastFrame()).toContain('Failed: Inspect node-01 on node-01'), { timeout: 20_000 });
    const frame = r.lastFrame()!;
    expect(frame).toContain('did not PXE boot during inspection');
    expect(frame).toContain('Try: Put PXE first in its boot order');
    expect(frame).toContain('s skip (not safe here)');
    // The status line above waits for the person, not for the failed server, and counts no time.
    expect(frame).toContain('waiting for your decision on the failure below');
    expect(frame).not.toMatch(/waiting for node-01/);
    expect(widestLine(frame)).toBeLessThanOrEqual(80);
    expect(frame.split('\n').length).toBeLessThanOrEqual(19);
    // Skipping is refused where it is not safe; nothing moves on by itself.
    r.stdin.write('s');
    await vi.waitFor(() => expect(r.lastFrame()).toContain('cannot be skipped'));
    // The whole message, wrapped: not cut at the edge ("... Ret...").
    expect(flat(r.lastFrame())).toContain('cannot be skipped: what comes after needs it. Retry or abort.');
    expect(goTo).not.toHaveBeenCalled();
    r.stdin.write('r');
    await vi.waitFor(() => expect(goTo).toHaveBeenCalledWith('done'), { timeout: 20_000 });
    r.unmount();
  });

  it('skipping a failed network gate acknowledges it in the plan, and the deployment goes on', async () => {
    const world = loadLab('two-machine');
    world.network.rogueDhcp = true;
    const goTo = vi.fn();
    const r = renderScreen(deploy, { plan: planForLab('two-machine'), ui: { stateDir: state.dir }, app: { goTo, lab: world } });
    await vi.waitFor(() => expect(r.lastFrame()).toContain('Failed: Network gates'), { timeout: 20_000 });
    expect(r.lastFrame()).toContain('s skip (safe: a check)');
    r.stdin.write('s');
    await vi.waitFor(() => expect(r.seen.plan.options.acknowledged).toContain('gate.rogue-dhcp'));
    await vi.waitFor(() => expect(goTo).toHaveBeenCalledWith('done'), { timeout: 20_000 });
    r.unmount();
  });

  it('abort asks first and keeps the journal: finished steps stay done, the failed one is recorded', async () => {
    deployScreenOptions.faults = 'deploy-fail:node-01';
    const r = renderScreen(deploy, { plan: planForLab('two-machine'), ui: { stateDir: state.dir } });
    await vi.waitFor(() => expect(r.lastFrame()).toContain('Failed: Deploy node-01'), { timeout: 20_000 });
    r.stdin.write('a');
    await vi.waitFor(() => expect(r.lastFrame()).toContain('Abort the deployment?'));
    r.stdin.write('y');
    await vi.waitFor(() => expect(r.lastFrame()).toContain('Stopped after a failure (journal kept). Enter: resume'));
    // The reason stays on screen after the abort.
    expect(r.lastFrame()).toContain('Failed: Deploy node-01');
    expect(r.lastFrame()).toContain('Esc: back to the plan');
    const { readJournal } = await import('../../src/deploy/journal.js');
    const journal = readJournal(state.dir);
    expect(journal.state).toBe('failed');
    expect(journal.steps.get('overcloud.deploy.node-01')?.state).toBe('failed');
    expect(journal.steps.get('undercloud.check-apis')?.state).toBe('done');
    r.unmount();
  });

  it('after an abort Enter resumes the deployment from the journal, and it reaches Done', async () => {
    deployScreenOptions.faults = 'deploy-fail:node-01';
    const goTo = vi.fn();
    const r = renderScreen(deploy, { plan: planForLab('two-machine'), ui: { stateDir: state.dir }, app: { goTo } });
    await vi.waitFor(() => expect(r.lastFrame()).toContain('Failed: Deploy node-01'), { timeout: 20_000 });
    r.stdin.write('a');
    await vi.waitFor(() => expect(r.lastFrame()).toContain('Abort the deployment?'));
    r.stdin.write('y');
    await vi.waitFor(() => expect(r.lastFrame()).toContain('Enter: resume'));
    deployScreenOptions.faults = undefined;
    r.stdin.write(KEY.enter);
    await vi.waitFor(() => expect(goTo).toHaveBeenCalledWith('done'), { timeout: 20_000 });
    r.unmount();
  });

  it('while it runs, keys that do nothing say so', async () => {
    deployScreenOptions.clock = undefined; // real time: it is still running when the keys arrive
    const r = renderScreen(deploy, { plan: planForLab('two-machine'), ui: { stateDir: state.dir } });
    await vi.waitFor(() => expect(r.lastFrame()).toContain('running'), { timeout: 20_000 });
    r.stdin.write(KEY.enter);
    await vi.waitFor(() => expect(r.lastFrame()).toContain('The deployment is running; Done follows by itself. q stops it'));
    r.stdin.write('r');
    await vi.waitFor(() => expect(r.lastFrame()).toContain('r, s and a answer a failure; nothing has failed.'));
    expect(r.seen.shellKeys).toEqual([]);
    r.unmount();
  });

  it('while it runs the help bar names what the keys do: Enter and Esc do nothing, q stops (never "Esc back")', async () => {
    deployScreenOptions.clock = undefined; // real time: it is still running when the bar is read
    const r = await deployFromReview('two-machine');
    const bar = () => r.lastFrame()!.split('\n').at(-1)!;
    await vi.waitFor(() => expect(bar()).toContain('Enter/Esc nothing while it runs'), { timeout: 20_000 });
    expect(bar()).toContain('q stop (resume later)');
    expect(bar()).not.toContain('back');
    expect(widestLine(r.lastFrame()!)).toBeLessThanOrEqual(80);
    r.unmount();
  });

  it('after a failure the help bar offers r/s/a and says Enter/Esc wait for them; after abort: resume or back to the plan', async () => {
    deployScreenOptions.faults = 'deploy-fail:node-01';
    const r = await deployFromReview('two-machine');
    const bar = () => r.lastFrame()!.split('\n').at(-1)!;
    await vi.waitFor(() => expect(r.lastFrame()).toContain('Failed: Deploy node-01'), { timeout: 20_000 });
    await vi.waitFor(() => expect(bar()).toContain('r/s/a retry/skip/abort'));
    expect(bar()).toContain('Enter/Esc nothing until r/s/a');
    expect(bar()).not.toContain('back');
    r.stdin.write('a');
    await vi.waitFor(() => expect(r.lastFrame()).toContain('Abort the deployment?'));
    r.stdin.write('y');
    await vi.waitFor(() => expect(bar()).toContain('Enter resume'));
    expect(bar()).toContain('Esc back to the plan');
    r.unmount();
  });

  it('the log view scrolls and filters per server', async () => {
    const r = renderScreen(deploy, { plan: planForLab('ha-lab'), ui: { stateDir: state.dir } });
    await vi.waitFor(() => expect(r.lastFrame()).toContain('Deployed in'), { timeout: 20_000 });
    r.stdin.write('l');
    await vi.waitFor(() => expect(r.lastFrame()).toContain('Log (all servers)'));
    const shownUpTo = () => Number(/lines \d+-(\d+) of/.exec(r.lastFrame()!)?.[1]);
    const last = shownUpTo();
    expect(last).toBeGreaterThan(1);
    r.stdin.write(KEY.up);
    await vi.waitFor(() => expect(shownUpTo()).toBe(last - 1));
    r.stdin.write(KEY.right);
    await vi.waitFor(() => expect(r.lastFrame()).toMatch(/Log of \S+: lines/));
    expect(r.lastFrame()!.split('\n').length).toBeLessThanOrEqual(19);
    r.stdin.write('l');
    await vi.waitFor(() => expect(r.lastFrame()).toContain('Deployed in'));
    r.unmount();
  });
});

/** A run that never ends and takes no decisions: the panels alone, fed by hand. */
const idleRun = { decide: () => {}, failures: () => [], cancel: () => {}, result: new Promise(() => {}) } as unknown as DeployRun;

/** Panels for a plan with servers in mixed states, without running anything. */
function panels(lab: string, ascii: boolean) {
  const plan = planForLab(lab);
  const deployment = compile(plan);
  const store = createProgressStore(deployment, { tickMs: 0, speed: 60 });
  let at = 0;
  store.dispatch({ type: 'tier-started', at: at++, tier: 'seed' });
  for (const s of deployment.steps.filter((x) => x.tier !== 'overcloud' || x.kind === 'overcloud.images')) {
    store.dispatch({ type: 'step-started', at: at++, step: s.id, attempt: 1 });
    store.dispatch({ type: 'step-done', at: at++, step: s.id, state: 'done' });
  }
  store.dispatch({ type: 'tier-done', at: at++, tier: 'seed', state: 'done' });
  store.dispatch({ type: 'tier-done', at: at++, tier: 'undercloud', state: 'done' });
  store.dispatch({ type: 'tier-started', at: at++, tier: 'overcloud' });
  const states: NodeState[] = ['enroll', 'manageable', 'inspecting', 'available', 'deploying', 'active'];
  deployment.nodes!.filter((n) => n.tier === 'overcloud').forEach((n, i) => {
    store.dispatch({ type: 'step-started', at: at++, step: `overcloud.enrol.${n.name}`, attempt: 1 });
    store.dispatch({ type: 'node-state', at: at++, node: n.name, state: states[i % states.length] });
  });
  for (let i = 0; i < 50; i++) store.dispatch({ type: 'log', at: at++, node: 'node-01', level: 'info', line: `TASK [tripleo_firewall : Manage firewall rules] line ${i} ${'*'.repeat(60)}` });
  store.dispatch({ type: 'heartbeat', at: at++, waitingFor: 'node-03 to PXE boot', sinceMs: 42_000 });
  store.flush();
  const app = { columns: 80, bodyRows: 19, goTo: () => {}, next: () => {} };
  return render(
    <ThemeContext.Provider value={makeTheme({ ascii, color: false })}>
      <DeployPanels app={app} session={{ store, run: idleRun, logPath: "/var/lib/cloudseed/deploy/deploy.log" }} />
    </ThemeContext.Provider>,
  );
}

describe('Deploy panels fit 80x24', () => {
  it.each([
    ['two-machine', 2],
    ['ha-lab', 6],
    ['datacenter', 1000],
  ])('%s (%i servers): within 80 columns and the screen area, UTF-8 and ASCII', (lab) => {
    for (const ascii of [false, true]) {
      const r = panels(lab, ascii);
      const frame = r.lastFrame()!;
      expect(widestLine(frame)).toBeLessThanOrEqual(80);
      expect(frame.split('\n').length).toBeLessThanOrEqual(19);
      expect(frame).toMatch(/Seed\s/);
      expect(frame).toMatch(/Overcloud\s/);
      expect(frame).toContain('Overcloud servers');
      if (ascii) expect(nonAscii(frame)).toEqual([]);
      if (lab === 'datacenter') {
        expect(frame).toMatch(/servers \(991; \d+ per cell/);
        expect(frame).toMatch(/# active \d+/);
        expect(frame).toMatch(/e enrol \d+/);
      }
      r.unmount();
    }
  });

  it('a quiet deployment shows what it waits for and since when', () => {
    const deployment = compile(planForLab('two-machine'));
    const store = createProgressStore(deployment, { tickMs: 0 });
    store.dispatch({ type: 'step-started', at: 1000, step: 'seed.host-checks', attempt: 1 });
    store.dispatch({ type: 'heartbeat', at: 10_000, waitingFor: 'node-03 to PXE boot', sinceMs: 42_000 });
    store.flush();
      const r = render(
      <ThemeContext.Provider value={makeTheme({ ascii: true, color: false })}>
        <DeployPanels app={{ columns: 80, bodyRows: 19, goTo: () => {}, next: () => {} }} session={{ store, run: idleRun, logPath: "/x/deploy.log" }} />
      </ThemeContext.Provider>,
    );
    expect(r.lastFrame()).toContain('waiting for node-03 to PXE boot, 42 s');
    r.unmount();
  });

  it('a server can be picked with Up/Down to see its line and its log', async () => {
    const r = panels('datacenter', true);
    r.stdin.write(KEY.down);
    await vi.waitFor(() => expect(r.lastFrame()).toMatch(/> r01-node-0002/));
    expect(r.lastFrame()).toContain('Log of r01-node-0002');
    r.unmount();
  });
});
