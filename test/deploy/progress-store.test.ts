import { describe, expect, it, vi } from 'vitest';
import { compile } from '../../src/deploy/compile.js';
import { createProgressStore } from '../../src/deploy/progress-store.js';
import { createRedactor, formatLogLine } from '../../src/deploy/sinks.js';
import { labPlan } from './helpers.js';

describe('progress store', () => {
  it('coalesces a flood of events into a few notifications with a bounded view', async () => {
    const d = compile(labPlan('two-machine'));
    const store = createProgressStore(d, { intervalMs: 50, logCapacity: 500, tailLines: 20, tickMs: 0 });
    const listener = vi.fn();
    store.subscribe(listener);
    store.dispatch({ type: 'step-started', at: 1, step: 'seed.host-checks', attempt: 1 });
    for (let i = 0; i < 100_000; i++) store.dispatch({ type: 'log', at: 2 + i, step: 'seed.host-checks', level: 'info', line: `line ${i}` });
    expect(listener).not.toHaveBeenCalled();
    await vi.waitFor(() => expect(listener).toHaveBeenCalledTimes(1));
    const v = store.getSnapshot();
    expect(v.logTotal).toBe(100_000);
    expect(v.log).toHaveLength(20);
    expect(v.log.at(-1)?.line).toBe('line 99999');
    expect(store.logLines()).toHaveLength(500);
    expect(v.tiers[0]).toMatchObject({ state: 'running', running: 1 });
    // The same snapshot object until something changes (useSyncExternalStore relies on it).
    expect(store.getSnapshot()).toBe(v);
    store.close();
  });

  it('tracks servers, failures and estimates per tier', () => {
    const d = compile(labPlan('two-machine'));
    const store = createProgressStore(d, { speed: 60, tickMs: 0 });
    store.dispatch({ type: 'step-started', at: 0, step: 'undercloud.deploy.undercloud', attempt: 1 });
    store.dispatch({ type: 'node-state', at: 1, node: 'undercloud', state: 'deploying', step: 'undercloud.deploy.undercloud' });
    store.dispatch({ type: 'step-failed', at: 2, step: 'undercloud.deploy.undercloud', error: { kind: 'state', message: 'deploy failed' }, willRetry: false });
    store.flush();
    const v = store.getSnapshot();
    expect(v.nodes.find((n) => n.name === 'undercloud')).toMatchObject({ state: 'deploying', stepState: 'failed', role: 'Undercloud' });
    expect(v.failures[0]).toMatchObject({ step: 'undercloud.deploy.undercloud', skippable: false });
    expect(v.tiers[1].failed).toBe(1);
    expect(v.tiers[2].etaMs).toBeGreaterThan(0);
    // Retried and done: counted once as done, no longer failed or running; the server shows the step's end state.
    store.dispatch({ type: 'step-started', at: 3, step: 'undercloud.deploy.undercloud', attempt: 2 });
    expect(store.getSnapshot().tiers[1]).toMatchObject({ failed: 1, running: 0 });
    store.flush();
    expect(store.getSnapshot().tiers[1]).toMatchObject({ failed: 0, running: 1 });
    store.dispatch({ type: 'step-done', at: 4, step: 'undercloud.deploy.undercloud', state: 'done' });
    store.flush();
    const after = store.getSnapshot();
    expect(after.tiers[1]).toMatchObject({ failed: 0, running: 0, done: 1 });
    expect(after.failures).toEqual([]);
    expect(after.nodes.find((n) => n.name === 'undercloud')).toMatchObject({ state: 'wait call-back', stepState: 'done', since: 4 });
  });
});

describe('log sinks', () => {
  it('redact the plan secrets and password= forms', () => {
    const plan = labPlan('two-machine');
    const redact = createRedactor(plan);
    expect(redact(`ipmitool -P ${plan.nodes[0].bmc.password} power status`)).not.toContain(plan.nodes[0].bmc.password!);
    expect(redact('export OS_PASSWORD=s3cret-Value')).toBe('export OS_PASSWORD=****');
    const line = formatLogLine({ type: 'log', at: 0, node: 'node-01', level: 'warn', line: 'hello' }, new Map());
    expect(line).toBe('1970-01-01T00:00:00.000Z WARN  [node-01] hello');
  });
});
