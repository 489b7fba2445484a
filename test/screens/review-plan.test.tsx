import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { suggestNetwork } from '../../src/network/suggest.js';
import { hostFactsFromLab } from '../../src/inventory/probe.js';
import { loadLab } from '../../src/lab/load.js';
import type { Plan } from '../../src/plan/schema.js';
import { autoAssign } from '../../src/roles/assign.js';
import { review } from '../../screens/review.js';
import { labPlan } from '../roles/fixtures.js';
import { KEY, flat, renderScreen, widestLine } from './helpers.js';

/** ha-lab on its defaults: roles assigned, the network suggested for the lab's seed host. */
function haPlan(): Plan {
  const plan = autoAssign(labPlan('ha-lab')).plan;
  return { ...plan, seedHost: { hostname: 'seed-host' }, network: suggestNetwork({ plan, hostFacts: hostFactsFromLab(loadLab('ha-lab')) }).network };
}


let cwd: string;
let dir: string;
beforeAll(() => {
  cwd = process.cwd();
  dir = mkdtempSync(join(tmpdir(), 'cs-review-plan-'));
  process.chdir(dir);
});
afterAll(() => {
  process.chdir(cwd);
  rmSync(dir, { recursive: true, force: true });
});

describe('Review: the plan per tier', () => {
  it('says per tier what happens to which host, and the files', async () => {
    const { lastFrame, unmount } = renderScreen(review, { plan: haPlan() });
    await vi.waitFor(() => expect(lastFrame()).toMatch(/seed: VM on this host \(seed-host\), 192\.168\.24\.1 on \S+ \(bridge brbm\)/));
    expect(lastFrame()).toContain('undercloud: server node-01 (IPMI 10.20.0.1)');
    expect(lastFrame()).toContain('3 controllers, 2 computes');
    expect(lastFrame()).toContain('v: view the plan per host and each file');
    expect(widestLine(lastFrame() ?? '')).toBeLessThanOrEqual(80);
    unmount();
  });

  it('v shows the plan per host, scrolls, pages through the files with passwords masked, w writes one', async () => {
    const { lastFrame, stdin, unmount } = renderScreen(review, { plan: haPlan() });
    await vi.waitFor(() => expect(lastFrame()).toContain('v: view'));
    stdin.write('v');
    await vi.waitFor(() => expect(lastFrame()).toContain('1/16 plan per host'));
    // The view takes the screen below Review's summary; the menu comes back on Esc.
    expect(lastFrame()).not.toContain('Save the answers file');
    expect((lastFrame() ?? '').split('\n').length).toBeLessThanOrEqual(19);
    expect(lastFrame()).toMatch(/node-02 {2}Controller {2}IPMI 10\.20\.0\.2/);
    stdin.write(`${KEY.down}${KEY.down}`);
    await vi.waitFor(() => expect(lastFrame()).toMatch(/lines 3-\d+ of \d+/));
    stdin.write(KEY.right);
    await vi.waitFor(() => expect(lastFrame()).toContain('2/16 instackenv.json (passwords masked)'));
    expect(lastFrame()).toContain('"pm_password": "********"');
    expect(lastFrame()).not.toContain('"pm_password": "password"');
    // Helion's file for six servers: shown, and why the export would not write it
    stdin.write(KEY.right);
    await vi.waitFor(() => expect(lastFrame()).toContain('3/16 baremetal.csv'));
    expect(lastFrame()).toContain('baremetal.csv not written: Helion takes 7 to 100');
    stdin.write(KEY.left);
    await vi.waitFor(() => expect(lastFrame()).toContain('2/16 instackenv.json'));
    stdin.write('w');
    await vi.waitFor(() => expect(lastFrame()).toContain('wrote cloudseed-files/instackenv.json (mode 0600, with the passwords)'));
    const written = join(dir, 'cloudseed-files', 'instackenv.json');
    expect(statSync(written).mode & 0o777).toBe(0o600);
    expect(readFileSync(written, 'utf8')).toContain('"pm_password": "password"');
    stdin.write(`${KEY.right}${KEY.right}`);
    await vi.waitFor(() => expect(lastFrame()).toContain('4/16 undercloud.conf'));
    expect(lastFrame()).toContain('local_ip=192.168.24.2/24');
    stdin.write(KEY.esc);
    await vi.waitFor(() => expect(lastFrame()).toContain('v: view the plan per host'));
    expect(lastFrame()).toContain('Save the answers file');
    unmount();
  });
});

describe('Review: confirming a real deployment', () => {
  it('asks for the cloud name before deploying real servers; a wrong name does not deploy', async () => {
    const went: string[] = [];
    const plan: Plan = { ...haPlan(), driver: 'real', name: 'labcloud' };
    const { lastFrame, stdin, seen, unmount } = renderScreen(review, { plan, app: { goTo: (id) => went.push(id) } });
    await vi.waitFor(() => expect(lastFrame()).toContain('Deploy'));
    stdin.write(KEY.down.repeat(8));
    stdin.write(KEY.enter);
    // Every server it will write to is named before anything is powered on.
    await vi.waitFor(() => expect(lastFrame()).toContain('This powers on, PXE boots and writes to 6 servers (node-01, node-02, node-03,'));
    expect(lastFrame()).toContain('node-05 and node-06).');
    stdin.write(`overcloud${KEY.enter}`);
    await vi.waitFor(() => expect(lastFrame()).toContain('that is not "labcloud"'));
    expect(went).toEqual([]);
    expect(seen.plan.options.confirmedAt).toBeUndefined();
    stdin.write(`${KEY.backspace.repeat(9)}labcloud${KEY.enter}`);
    await vi.waitFor(() => expect(went).toEqual(['deploy']));
    expect(seen.plan.options.confirmedAt).toBeDefined();
    unmount();
  });

  it('the simulated lab deploys without typing a name', async () => {
    const went: string[] = [];
    const { lastFrame, stdin, unmount } = renderScreen(review, { plan: haPlan(), app: { goTo: (id) => went.push(id) } });
    await vi.waitFor(() => expect(lastFrame()).toContain('Deploy'));
    stdin.write(KEY.down.repeat(8));
    stdin.write(KEY.enter);
    await vi.waitFor(() => expect(went).toEqual(['deploy']));
    unmount();
  });

  it('every finding can be read: "+N more" says f lists them all, and f scrolls through each', async () => {
    const base = haPlan();
    const plan: Plan = { ...base, nodes: base.nodes.map((n) => ({ ...n, macs: [], discovered: { ...n.discovered, macs: [] } })) };
    const { lastFrame, stdin, unmount } = renderScreen(review, { plan });
    await vi.waitFor(() => expect(lastFrame()).toMatch(/\+\d+ more.*: f lists every one/));
    stdin.write('f');
    await vi.waitFor(() => expect(lastFrame()).toMatch(/Findings: .*, lines 1-/));
    const seen = new Set<string>();
    for (let i = 0; i < 40; i++) {
      for (const m of lastFrame()!.matchAll(/(node-0\d): no PXE MAC known/g)) seen.add(m[1]);
      stdin.write(KEY.down);
    }
    await vi.waitFor(() => expect([...lastFrame()!.matchAll(/(node-0\d): no PXE MAC known/g)].length).toBeGreaterThan(0));
    for (const m of lastFrame()!.matchAll(/(node-0\d): no PXE MAC known/g)) seen.add(m[1]);
    expect([...seen].sort()).toEqual(['node-01', 'node-02', 'node-03', 'node-04', 'node-05', 'node-06']);
    expect(widestLine(lastFrame()!)).toBeLessThanOrEqual(80);
    stdin.write(KEY.esc);
    await vi.waitFor(() => expect(lastFrame()).toContain('Save the answers file'));
    unmount();
  });

  it('an all-in-one server is summarised as controller and compute', async () => {
    const plan = autoAssign(labPlan('two-machine')).plan;
    const { lastFrame, unmount } = renderScreen(review, { plan });
    await vi.waitFor(() => expect(lastFrame()).toContain('Servers    1: 1 Controller+Compute (all-in-one)'));
    unmount();
  });

  it('on a clean plan the cursor starts on Deploy: one Enter goes on', async () => {
    const went: string[] = [];
    const { lastFrame, stdin, unmount } = renderScreen(review, { plan: haPlan(), app: { goTo: (id) => went.push(id) } });
    await vi.waitFor(() => expect(lastFrame()).toMatch(/❯ Deploy/));
    stdin.write(KEY.enter);
    await vi.waitFor(() => expect(went).toEqual(['deploy']));
    unmount();
  });

  it('after saving the answers file the cursor is on Deploy, not on Save again', async () => {
    const went: string[] = [];
    const { lastFrame, stdin, unmount } = renderScreen(review, { plan: haPlan(), app: { goTo: (id) => went.push(id) } });
    await vi.waitFor(() => expect(lastFrame()).toContain('Save the answers file'));
    stdin.write('\u001B[F'); // End: the last item
    stdin.write(KEY.up); // Save the answers file
    stdin.write(KEY.enter);
    await vi.waitFor(() => expect(lastFrame()).toContain('Save answers to:'));
    stdin.write(KEY.enter);
    await vi.waitFor(() => expect(lastFrame()).toContain('Saved to'));
    expect(lastFrame()).toMatch(/❯ Deploy/);
    stdin.write(KEY.enter);
    await vi.waitFor(() => expect(went).toEqual(['deploy']));
    unmount();
  });

  it('servers powered on now are named and the lab asks y/n before deploying', async () => {
    const went: string[] = [];
    const base = haPlan();
    const plan: Plan = { ...base, nodes: base.nodes.map((n) => (n.name === 'node-03' ? { ...n, discovered: { ...n.discovered, power: 'on' as const } } : n)) };
    const { lastFrame, stdin, unmount } = renderScreen(review, { plan, app: { goTo: (id) => went.push(id) } });
    await vi.waitFor(() => expect(lastFrame()).toMatch(/❯ Deploy/));
    stdin.write(KEY.enter);
    await vi.waitFor(() => expect(flat(lastFrame())).toContain('Powered on now, their running systems are lost: node-03.'));
    expect(flat(lastFrame())).toContain('writes to 6 servers');
    stdin.write('n');
    await vi.waitFor(() => expect(lastFrame()).not.toContain('Powered on now'));
    expect(went).toEqual([]);
    stdin.write(KEY.enter);
    await vi.waitFor(() => expect(lastFrame()).toContain('Powered on now'));
    stdin.write('y');
    await vi.waitFor(() => expect(went).toEqual(['deploy']));
    unmount();
  });

  it('a deployed cloud is shown as deployed; Redeploy lists what it wipes and wants the name typed', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'cs-review-deployed-'));
    try {
      mkdirSync(join(stateDir, 'deploy'));
      const records = [{ t: 'run', at: 1, pid: 1, plan: 'overcloud', steps: 1 }, { t: 'step', at: 2, id: 'seed.vm', state: 'done', tier: 'seed' }, { t: 'end', at: 3, state: 'done' }];
      writeFileSync(join(stateDir, 'deploy', 'journal.jsonl'), records.map((r) => JSON.stringify(r)).join('\n') + '\n');
      const went: string[] = [];
      const { lastFrame, stdin, unmount } = renderScreen(review, { plan: haPlan(), ui: { stateDir }, app: { goTo: (id) => went.push(id) } });
      await vi.waitFor(() => expect(lastFrame()).toContain('"overcloud" is deployed'));
      expect(lastFrame()).toContain('Redeploy (wipes the deployed cloud)');
      stdin.write(KEY.enter);
      await vi.waitFor(() => expect(flat(lastFrame())).toContain('Redeploying wipes and reinstalls 6 servers (node-01,'));
      stdin.write(`nope${KEY.enter}`);
      await vi.waitFor(() => expect(lastFrame()).toContain('that is not "overcloud"'));
      expect(went).toEqual([]);
      stdin.write(`${KEY.backspace.repeat(4)}overcloud${KEY.enter}`);
      await vi.waitFor(() => expect(went).toEqual(['deploy']));
      unmount();
    } finally {
      rmSync(stateDir, { recursive: true, force: true });
    }
  });
});
