// The real driver against real peers: two standalone Ironics (seed's and undercloud's) and
// ipmi_sim BMCs on loopback, started once for this file. Servers really go enroll →
// manageable → available → active, and their BMCs really get power on + PXE boot.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { compile } from '../../../src/deploy/compile.js';
import { createRealDriver } from '../../../src/deploy/drivers/real/index.js';
import { journalPath, readJournal } from '../../../src/deploy/journal.js';
import { StepError, type StepContext } from '../../../src/deploy/types.js';
import { IpmitoolClient } from '../../../src/inventory/ipmi.js';
import type { Plan } from '../../../src/plan/schema.js';
import { labNet } from '../../lab/test-net.js';
import { freePort, startIronic, startIronicLab, type IronicInstance, type IronicLab } from '../../lab/ironic-lab.js';
import { deploy, ironicNodes, planFor, statesOf } from './lab-helpers.js';

/** Runs one compiled step through a fresh real driver (as the runner would, minus the journal). */
/** Runs one step through the real driver; `logs` fills as the step logs (a test can wait on it). */
async function runStep(plan: Plan, stepId: string, states: string[] = [], logs: string[] = []): Promise<{ error?: StepError; logs: string[] }> {
  const step = compile(plan).steps.find((s) => s.id === stepId);
  if (!step) throw new Error(`no step ${stepId}`);
  const ctx: StepContext = {
    plan,
    step,
    attempt: 1,
    signal: AbortSignal.timeout(120_000),
    log: (line) => void logs.push(line),
    progress: () => undefined,
    nodeState: (_node, state) => void (states.at(-1) !== state && states.push(state)),
    waitingFor: () => undefined,
  };
  const driver = createRealDriver({ yes: true, pollMaxMs: 500 });
  try {
    await driver.run(ctx);
    return { logs };
  } catch (err) {
    if (err instanceof StepError) return { error: err, logs };
    throw err;
  } finally {
    await driver.close();
  }
}

let lab: IronicLab;

beforeAll(async () => {
  // BMC 3 has another password than the plan will say (fixed later in the test).
  // Free ports and a BMC /24 of this process: apart from `npm run lab:up` and from other test runs.
  lab = await startIronicLab({ servers: 11, seedPort: 0, undercloudPort: 0, bmcNet: labNet(50), bmcOverrides: { 3: { password: 'other-secret' } } });
});

afterAll(async () => {
  await lab?.stop();
});

describe('real driver, local Ironic lab', () => {
  it('deploys servers to active through the undercloud Ironic; the BMCs power on and boot from PXE', async () => {
    const ipmi = new IpmitoolClient();
    const target = (i: number) => ({ type: 'ipmi' as const, address: lab.bmcs.bmcs[i].address, user: 'admin', password: 'password' });
    expect(await ipmi.powerStatus(target(0))).toBe('off');

    const plan = planFor(lab, [0, 1, 2]);
    const run = await deploy(plan);
    expect(run.failures).toEqual([]);
    expect(run.state).toBe('done');

    for (const name of ['node-01', 'node-02', 'node-03']) {
      const seen = statesOf(run.events, name);
      for (const s of ['enroll', 'manageable', 'available', 'active']) expect(seen).toContain(s);
      expect(seen.indexOf('manageable')).toBeLessThan(seen.indexOf('available'));
      expect(seen.at(-1)).toBe('active');
    }
    const nodes = await ironicNodes(lab.undercloud.url);
    expect(nodes.map((n) => [n.name, n.provision_state]).sort()).toEqual([
      ['node-01', 'active'],
      ['node-02', 'active'],
      ['node-03', 'active'],
    ]);
    for (const i of [0, 1, 2]) {
      expect(await ipmi.powerStatus(target(i))).toBe('on');
      expect(await ipmi.bootDevice(target(i))).toBe('pxe');
    }
  }, 120_000);

  it("the undercloud's server goes through the seed's Ironic: enrol, manage, inspect, provide, deploy, active", async () => {
    const plan = planFor(lab, [10], {
      roles: { undercloud: { placement: 'server', node: 'node-11' }, targets: {}, allInOne: false },
      seed: { mode: 'adopt', ironic: { url: lab.seed.url }, images: lab.images },
      undercloud: { mode: 'build', ironic: { url: lab.undercloud.url } },
    });
    plan.nodes[0].role = 'Undercloud';
    const ids = compile(plan).steps.filter((s) => s.nodes.includes('node-11')).map((s) => s.id);
    expect(ids).toEqual([
      'seed.enrol-undercloud.node-11',
      'undercloud.manage.node-11',
      'undercloud.inspect.node-11',
      'undercloud.provide.node-11',
      'undercloud.deploy.node-11',
      'undercloud.wait-active.node-11',
    ]);
    const states: string[] = [];
    for (const id of ids) expect((await runStep(plan, id, states)).error).toBeUndefined();
    // Transient states (verifying, cleaning) may pass between two polls; the settled ones may not.
    expect(states.filter((st) => !['verifying', 'cleaning'].includes(st))).toEqual(['enroll', 'manageable', 'available', 'deploying', 'active']);
    const nodes = (await ironicNodes(lab.seed.url)).filter((n) => n.name === 'node-11');
    expect(nodes.map((n) => [n.provision_state, n.power_state])).toEqual([['active', 'power on']]);
    const bmc = lab.bmcs.bmcs[10];
    const target = { type: 'ipmi' as const, address: bmc.address, user: 'admin', password: 'password' };
    expect(await new IpmitoolClient().bootDevice(target)).toBe('pxe');
  }, 120_000);

  it('a BMC with a wrong password: the failure names the server and Ironic\'s reason; fixed in the plan, a retry succeeds', async () => {
    const wrong = planFor(lab, [3]);
    wrong.nodes[0].bmc.password = 'password'; // the BMC wants other-secret
    // The gates catch it first, naming the server.
    const first = await deploy(wrong);
    expect(first.state).toBe('failed');
    expect(first.failures[0].step).toBe('seed.network-gates');
    expect(first.failures[0].message).toContain('node-04');
    // Ironic's own reason, from the enrol step (manage verifies the BMC).
    const { error } = await runStep(wrong, 'overcloud.enrol.node-04');
    expect(error?.kind).toBe('state');
    expect(error?.message).toContain('node-04');
    expect(error?.message).toMatch(/IPMI call failed|power state/i);
    expect(error?.message).toContain(`BMC ${wrong.nodes[0].bmc.address}`);
    expect(error?.hint).toMatch(/BMC address, user and password of node-04/);
    // The person fixes the password and deploys again from the same state dir: it resumes.
    const fixed = planFor(lab, [3]);
    fixed.nodes[0].bmc.password = 'other-secret';
    const again = await deploy(fixed, first.stateDir);
    expect(again.failures).toEqual([]);
    expect(again.state).toBe('done');
    const nodes = (await ironicNodes(lab.undercloud.url)).filter((n) => n.name === 'node-04');
    expect(nodes.map((n) => n.provision_state)).toEqual(['active']);
  }, 150_000);

  it('killed (SIGKILL) in the middle of the overcloud tier, started again: continues, nobody enrolled twice, all active', async () => {
    // Servers 5–7 deploy through the seed's Ironic here, so this test starts from an empty Ironic.
    const plan = planFor(lab, [4, 5, 6], { undercloud: { mode: 'adopt', ironic: { url: lab.seed.url }, images: lab.images } });
    const stateDir = mkdtempSync(join(tmpdir(), 'cs-real-kill-'));
    const planFile = join(stateDir, 'plan.json');
    writeFileSync(planFile, JSON.stringify(plan));
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'run-deploy.ts'), planFile, stateDir], { stdio: 'ignore' });
    try {
      // Kill it once a deploy step of the overcloud is under way.
      await vi.waitFor(
        () => {
          const path = journalPath(stateDir);
          expect(existsSync(path) && /"id":"overcloud\.deploy\.[^"]+","state":"running"/.test(readFileSync(path, 'utf8'))).toBe(true);
        },
        { timeout: 60_000, interval: 100 },
      );
    } finally {
      child.kill('SIGKILL');
    }
    await new Promise((r) => child.once('exit', r));
    expect(readJournal(stateDir).state).toBe('running');

    const resumed = await deploy(plan, stateDir);
    expect(resumed.failures).toEqual([]);
    expect(resumed.state).toBe('done');
    const all = await ironicNodes(lab.seed.url);
    expect(new Set(all.map((n) => n.name)).size).toBe(all.length);
    const nodes = all.filter((n) => ['node-05', 'node-06', 'node-07'].includes(n.name ?? ''));
    expect(nodes.map((n) => [n.name, n.provision_state]).sort()).toEqual([
      ['node-05', 'active'],
      ['node-06', 'active'],
      ['node-07', 'active'],
    ]);
    const summary = readJournal(stateDir);
    for (const [id, rec] of summary.steps) if (id.startsWith('overcloud.enrol.')) expect(rec.completions).toBe(1);
  }, 180_000);

  it('a server whose deploy failed is undeployed and deployed again when its step runs again', async () => {
    // A kernel outside Ironic's allowed path: Ironic accepts the deploy, then fails it.
    const bad = planFor(lab, [9], { undercloud: { mode: 'adopt', ironic: { url: lab.undercloud.url }, images: { ...lab.images, kernel: 'file:///etc/hostname' } } });
    for (const id of ['overcloud.enrol.node-10', 'overcloud.inspect.node-10']) expect((await runStep(bad, id)).error).toBeUndefined();
    const failed = await runStep(bad, 'overcloud.deploy.node-10');
    expect(failed.error?.kind).toBe('state');
    expect(failed.error?.message).toMatch(/^node-10: deploy failed: /);
    const good = planFor(lab, [9]);
    const again = await runStep(good, 'overcloud.deploy.node-10');
    expect(again.error).toBeUndefined();
    expect(again.logs.some((l) => /last deploy failed .*undeploying before a new attempt/.test(l))).toBe(true);
    const nodes = (await ironicNodes(lab.undercloud.url)).filter((n) => n.name === 'node-10');
    expect(nodes.map((n) => n.provision_state)).toEqual(['active']);
  }, 120_000);

  describe('Ironic not running, or stopped mid-way', () => {
    let third: IronicInstance | undefined;
    let port: number;
    let url: string;
    beforeAll(async () => {
      port = await freePort('127.0.0.3');
      url = `http://127.0.0.3:${port}`;
    });
    afterAll(async () => {
      await third?.stop();
    });

    it('not running: "cannot reach Ironic at …"; once it runs, the retry works', async () => {
      const plan = planFor(lab, [7], { undercloud: { mode: 'adopt', ironic: { url }, images: lab.images } });
      const { error } = await runStep(plan, 'undercloud.adopt-check');
      expect(error?.kind).toBe('unreachable');
      expect(error?.message).toBe(`cannot reach Ironic at ${url}: connection refused`);
      third = await startIronic({ host: '127.0.0.3', port, imagesDir: lab.seed.imagesDir });
      expect((await runStep(plan, 'undercloud.adopt-check')).error).toBeUndefined();
    }, 60_000);

    it("a seed cloudseed builds: its Ironic step waits until the API comes up", async () => {
      const host = '127.0.0.4';
      const p4 = await freePort(host);
      const plan = planFor(lab, [7], { seed: { mode: 'build', ironic: { url: `http://${host}:${p4}` } } });
      const seen: string[] = [];
      const waiting = runStep(plan, 'seed.ironic', [], seen);
      // Started only once the step has found it down and said it waits.
      await vi.waitFor(() => expect(seen[0]).toContain('waiting for it to start'));
      const fourth = await startIronic({ host, port: p4 });
      try {
        const { error, logs } = await waiting;
        expect(error).toBeUndefined();
        expect(logs[0]).toBe(`cannot reach Ironic at http://${host}:${p4}: connection refused; waiting for it to start`);
        expect(logs.at(-1)).toMatch(/the seed's Ironic at .* answers \(API 1\.1 to 1\.82\)/);
      } finally {
        await fourth.stop();
      }
    }, 60_000);

    it('killed while servers deploy: the step fails with "cannot reach Ironic"; after a restart, resume brings them to active', async () => {
      const plan = planFor(lab, [7, 8], { undercloud: { mode: 'adopt', ironic: { url }, images: lab.images } });
      third ??= await startIronic({ host: '127.0.0.3', port, imagesDir: lab.seed.imagesDir });
      const stateDir = mkdtempSync(join(tmpdir(), 'cs-real-stop-'));
      const running = deploy(plan, stateDir);
      await vi.waitFor(
        () => {
          const path = journalPath(stateDir);
          expect(existsSync(path) && /"id":"overcloud\.deploy\.[^"]+","state":"running"/.test(readFileSync(path, 'utf8'))).toBe(true);
        },
        { timeout: 60_000, interval: 100 },
      );
      // Killed outright: a graceful stop would let Ironic finish the deploy first.
      await third!.kill();
      const failed = await running;
      expect(failed.state).toBe('failed');
      expect(failed.failures.map((f) => f.message).join('\n')).toContain(`cannot reach Ironic at ${url}`);

      third = await startIronic({ host: '127.0.0.3', port, dir: third!.dir, imagesDir: lab.seed.imagesDir });
      const resumed = await deploy(plan, stateDir);
      expect(resumed.failures).toEqual([]);
      expect(resumed.state).toBe('done');
      const nodes = await ironicNodes(url);
      expect(nodes.map((n) => [n.name, n.provision_state]).sort()).toEqual([
        ['node-08', 'active'],
        ['node-09', 'active'],
      ]);
    }, 180_000);
  });
});
