import { statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { virtualClock } from '../../src/deploy/clock.js';
import { compile } from '../../src/deploy/compile.js';
import { Journal, readJournal } from '../../src/deploy/journal.js';
import { startRun } from '../../src/deploy/runner.js';
import { StepError, type DeployDriver, type DeployEvent } from '../../src/deploy/types.js';
import { loadLab } from '../../src/lab/load.js';
import { completions, labPlan, simRun, stateDir, untilFailureOrEnd } from './helpers.js';

describe('deploying the simulated labs at maximum speed', () => {
  it.each(['two-machine', 'ha-lab'])('%s deploys through three tiers, each step journalled done once', async (lab) => {
    const { session, events, dir } = await simRun({ lab });
    expect(await session.result).toBe('done');
    const tiers = events.filter((e) => e.type === 'tier-done').map((e) => e.type === 'tier-done' && `${e.tier}:${e.state}`);
    expect(tiers).toEqual(['seed:done', 'undercloud:done', 'overcloud:done']);
    const done = completions(dir);
    expect(done.size).toBe(session.deployment.steps.length);
    for (const [id, n] of done) expect(n, id).toBe(1);
    // The admin credentials file is private.
    expect(statSync(`${dir}/overcloudrc`).mode & 0o777).toBe(0o600);
    // Servers went through Ironic's states to active.
    const states = events.filter((e): e is Extract<DeployEvent, { type: 'node-state' }> => e.type === 'node-state').map((e) => e.state);
    for (const s of ['enroll', 'verifying', 'manageable', 'inspecting', 'inspect wait', 'cleaning', 'available', 'deploying', 'wait call-back', 'active'] as const) expect(states).toContain(s);
    expect(session.store.getSnapshot().nodes.every((n) => n.state === 'active')).toBe(true);
  });

  it('plays the same run for the same seed and faults', async () => {
    const shape = (r: { events: DeployEvent[]; dir: string }) => r.events.filter((e) => e.type !== 'heartbeat').map((e) => JSON.stringify(e).split(r.dir).join('STATE'));
    const a = await simRun({ lab: 'ha-lab', faults: 'pxe-fail:node-03:2', seed: 7 });
    await a.session.result;
    const b = await simRun({ lab: 'ha-lab', faults: 'pxe-fail:node-03:2', seed: 7 });
    await b.session.result;
    expect(shape(b)).toEqual(shape(a));
    const c = await simRun({ lab: 'ha-lab', faults: 'pxe-fail:node-03:2', seed: 8 });
    await c.session.result;
    expect(shape(c)).not.toEqual(shape(a));
  });

  it('a fault that fails fewer times than the retry policy allows is retried by itself', async () => {
    const { session, events } = await simRun({ lab: 'ha-lab', faults: 'pxe-fail:node-03:2' });
    expect(await session.result).toBe('done');
    const retries = events.filter((e) => e.type === 'step-failed' && e.step === 'overcloud.inspect.node-03');
    expect(retries).toHaveLength(2);
    expect(retries.every((e) => e.type === 'step-failed' && e.willRetry)).toBe(true);
  });
});

describe('failures wait for a decision', () => {
  const cases: Array<[string, string, string, string]> = [
    ['bmc-timeout:node-02', 'overcloud.enrol.node-02', 'timeout', 'timed out'],
    ['pxe-fail:node-03', 'overcloud.inspect.node-03', 'timeout', 'did not PXE boot'],
    ['deploy-fail:node-04', 'overcloud.deploy.node-04', 'state', 'deploy failed'],
    ['slow:overcloud.deploy:10', 'overcloud.deploy.node-02', 'timeout', 'took longer than'],
  ];
  it.each(cases)('%s reaches the failure state on %s', async (faults, step, kind, words) => {
    const { session } = await simRun({ lab: 'ha-lab', faults });
    await untilFailureOrEnd(session.run);
    const [f] = session.run.failures();
    expect(f?.step.id).toBe(step);
    expect(f.error.kind).toBe(kind);
    expect(f.error.message).toContain(words);
    expect(f.error.hint).toBeTruthy();
    const view = session.store.getSnapshot();
    session.store.flush();
    expect(session.store.getSnapshot().failures[0]?.step).toBe(step);
    expect(view.runState).toBe('running');
    session.run.decide(step, 'abort');
    expect(await session.result).toBe('failed');
  });

  it("the lab's own faults fail too: a BMC with other credentials goes into maintenance", async () => {
    const plan = labPlan('ha-lab');
    const world = loadLab('ha-lab');
    const node06 = world.servers.find((s) => s.name === 'node-06')!;
    const withNode06 = { ...plan, nodes: [...plan.nodes, { ...plan.nodes[3], name: 'node-06', bmc: { ...plan.nodes[3].bmc, address: node06.bmc.address }, macs: node06.nics.filter((n) => n.pxe).map((n) => n.mac), role: 'Compute' as const }] };
    const { session } = await simRun({ plan: withNode06, world });
    await untilFailureOrEnd(session.run);
    // The network gate finds it first; skipping the gate (acknowledging it) meets it at enrolment.
    const [gate] = session.run.failures();
    expect(gate.step.id).toBe('seed.network-gates');
    expect(gate.error.message).toContain('node-06');
    session.run.decide(gate.step.id, 'skip');
    await untilFailureOrEnd(session.run);
    const [f] = session.run.failures();
    expect(f.step.id).toBe('overcloud.enrol.node-06');
    expect(f.error.kind).toBe('auth');
    expect(f.error.message).toContain('rejected the credentials');
    // Named by its address, as `cloudseed gates` names it.
    expect(f.error.message).toContain(node06.bmc.address);
    session.run.decide(f.step.id, 'abort');
    await session.result;
  });

  it('retry after a failure succeeds once the fault is gone', async () => {
    const { session, dir } = await simRun({ lab: 'ha-lab', faults: 'pxe-fail:node-02:3' });
    await untilFailureOrEnd(session.run);
    expect(session.run.failures()[0].step.id).toBe('overcloud.inspect.node-02');
    session.run.decide('overcloud.inspect.node-02', 'retry');
    expect(await session.result).toBe('done');
    expect(completions(dir).get('overcloud.inspect.node-02')).toBe(1);
  });

  it('skips only where it is safe', async () => {
    const world = loadLab('two-machine');
    world.network.rogueDhcp = true;
    const { session, events } = await simRun({ world });
    await untilFailureOrEnd(session.run);
    const [gate] = session.run.failures();
    expect(gate.step.id).toBe('seed.network-gates');
    expect(gate.step.skippable).toBe(true);
    session.run.decide(gate.step.id, 'skip');
    expect(await session.result).toBe('done');
    expect(events.some((e) => e.type === 'step-done' && e.step === 'seed.network-gates' && e.state === 'skipped')).toBe(true);

    const second = await simRun({ lab: 'ha-lab', faults: 'deploy-fail:node-03' });
    await untilFailureOrEnd(second.session.run);
    const [deploy] = second.session.run.failures();
    expect(deploy.step.skippable).toBe(false);
    expect(() => second.session.run.decide(deploy.step.id, 'skip')).toThrow(/cannot be skipped/);
    expect(second.session.run.failures()).toHaveLength(1);
    second.session.run.decide(deploy.step.id, 'abort');
    expect(await second.session.result).toBe('failed');
  });
});

describe('heartbeat', () => {
  it('says what a quiet step waits for and for how long', async () => {
    const plan = labPlan('two-machine');
    const events: DeployEvent[] = [];
    // The quiet step ends once it has heard three heartbeats, however slow the machine is.
    let thirdBeat!: () => void;
    const threeBeats = new Promise<void>((resolve) => (thirdBeat = resolve));
    const driver: DeployDriver = {
      name: 'sim',
      async run(ctx) {
        if (ctx.step.kind !== 'seed.host-checks') return;
        ctx.waitingFor('node-03 to PXE boot');
        await threeBeats;
      },
      async close() {},
    };
    const onEvent = (e: DeployEvent) => {
      events.push(e);
      if (events.filter((x) => x.type === 'heartbeat').length === 3) thirdBeat();
    };
    const run = startRun({ deployment: compile(plan), plan, driver, journal: Journal.open(stateDir()), heartbeatMs: 100, onEvent });
    expect(await run.result).toBe('done');
    const beats = events.filter((e): e is Extract<DeployEvent, { type: 'heartbeat' }> => e.type === 'heartbeat');
    expect(beats.length).toBeGreaterThanOrEqual(2);
    expect(beats[0].waitingFor).toBe('node-03 to PXE boot');
    expect(beats.at(-1)!.sinceMs).toBeGreaterThan(beats[0].sinceMs);
  });
});

describe('cancellation and resume', () => {
  it('Ctrl-C records "interrupted"; the next run resumes and finishes, each step done once', async () => {
    const dir = stateDir();
    // Stopped the moment its tenth step is done.
    let tenthDone!: () => void;
    const tenDone = new Promise<void>((resolve) => (tenthDone = resolve));
    let done = 0;
    const first = await simRun({ lab: 'ha-lab', stateDir: dir, sinks: [(e) => void (e.type === 'step-done' && ++done === 10 && tenthDone())] });
    await tenDone;
    first.session.run.cancel();
    expect(await first.session.result).toBe('interrupted');
    const j = readJournal(dir);
    expect(j.state).toBe('interrupted');
    expect([...j.steps.values()].some((s) => s.state === 'interrupted')).toBe(true);

    const second = await simRun({ lab: 'ha-lab', stateDir: dir });
    expect(second.session.resumed).toBe(true);
    expect(await second.session.result).toBe('done');
    // Completed steps did not run again.
    const rerun = second.events.filter((e) => e.type === 'step-started').map((e) => e.type === 'step-started' && e.step);
    for (const [id, r] of j.steps) if (r.state === 'done') expect(rerun).not.toContain(id);
    for (const [id, n] of completions(dir)) expect(n, id).toBe(1);
  });

  it('cancelling stops steps that are waiting (their signal aborts) and closes the driver', async () => {
    const dir = stateDir();
    const plan = labPlan('two-machine');
    let closed = false;
    let aborted = 0;
    const driver: DeployDriver = {
      name: 'sim',
      async run(ctx) {
        await new Promise((_, reject) => ctx.signal.addEventListener('abort', () => (aborted++, reject(new StepError('interrupted', 'stopped')))));
      },
      async close() {
        closed = true;
      },
    };
    // Cancelled once the first step is under way.
    let stepStarted!: () => void;
    const started = new Promise<void>((resolve) => (stepStarted = resolve));
    const run = startRun({ deployment: compile(plan), plan, driver, journal: Journal.open(dir), clock: virtualClock(), onEvent: (e) => void (e.type === 'step-started' && stepStarted()) });
    await started;
    run.cancel();
    expect(await run.result).toBe('interrupted');
    expect(aborted).toBe(1);
    expect(closed).toBe(true);
  });
});
