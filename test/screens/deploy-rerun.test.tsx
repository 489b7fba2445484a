// The Deploy screen resuming a journal whose plan changed since: its first line says which
// finished steps run again and why.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { deploy } from '../../screens/deploy.js';
import { planForLab } from '../../src/deploy/lab-plan.js';
import type { Plan } from '../../src/plan/schema.js';
import { simRun } from '../deploy/helpers.js';
import { deployScreensOnVirtualClock, renderScreen, tempStateDir } from './helpers.js';

let state: ReturnType<typeof tempStateDir>;
deployScreensOnVirtualClock();
beforeEach(() => {
  state = tempStateDir();
});
afterEach(() => {
  state.remove();
});

describe('Deploy screen: a changed plan', () => {
  it('says which finished steps run again, and why', async () => {
    const plan = planForLab('ha-lab');
    let stop = false;
    let cancel: () => void = () => void (stop = true);
    const { session } = await simRun({ stateDir: state.dir, plan, sinks: [(e) => void (e.type === 'step-done' && e.step === 'overcloud.match-roles' && cancel())] });
    cancel = () => session.run.cancel();
    if (stop) cancel();
    expect(await session.result).toBe('interrupted');
    const changed: Plan = { ...plan, nodes: plan.nodes.map((n) => (n.name === 'node-03' ? { ...n, macs: ['ac:1f:6b:00:00:33'] } : n)) };
    const r = renderScreen(deploy, { plan: changed, ui: { stateDir: state.dir } });
    await vi.waitFor(() => expect(r.lastFrame()).toContain('2 step(s) run again, their inputs changed: overcloud.enrol.node-03'), { timeout: 20_000 });
    r.unmount();
  });
});
