// The Replace screen on a deployed simulated lab: pick the failed server, see the spare and
// why (and the quorum line for a controller), confirm, watch the panels until it is done.
import React from 'react';
import { render } from 'ink-testing-library';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { KeyRouter } from '../../screens/components/keys.js';
import { makeTheme, ThemeContext } from '../../screens/components/theme.js';
import { ReplaceScreen, type ReplaceScreenProps } from '../../screens/replace.js';
import { readJournal } from '../../src/deploy/journal.js';
import { loadLab } from '../../src/lab/load.js';
import type { Node, Plan } from '../../src/plan/schema.js';
import { readDeployed } from '../../src/store/deployed.js';
import { labPlan, simRun } from '../deploy/helpers.js';
import { deployScreensOnVirtualClock, flat, KEY, nonAscii, tempStateDir, uiOptions, widestLine } from './helpers.js';

function withSpare(plan: Plan): Plan {
  const s = loadLab('ha-lab', 1).servers.find((x) => x.name === 'node-06')!;
  const spare: Node = { name: 'node-06', bmc: { type: 'ipmi', address: s.bmc.address, user: 'admin', password: 'calvin' }, macs: [s.nics.find((n) => n.pxe)!.mac], cpu: 40, memoryMiB: s.memoryMiB, diskGiB: 1920, arch: 'x86_64', source: 'lab' };
  return { ...plan, nodes: [...plan.nodes, spare] };
}

let state: ReturnType<typeof tempStateDir>;
deployScreensOnVirtualClock();
beforeEach(() => {
  state = tempStateDir();
});
afterEach(() => {
  state.remove();
});

async function deployedLab(plan: Plan): Promise<void> {
  const { session } = await simRun({ plan, stateDir: state.dir, onFailure: 'abort' });
  expect(await session.result).toBe('done');
}

function screen(plan: Plan, props: Partial<ReplaceScreenProps> = {}, ascii = false) {
  const seen: { plan: Plan; done?: Plan; cancelled: boolean } = { plan, cancelled: false };
  const app: ReplaceScreenProps['app'] = {
    plan,
    setPlan: (update) => void (seen.plan = update(seen.plan)),
    ui: uiOptions(state.dir, { ascii }),
    lab: loadLab('ha-lab', 1),
    columns: 80,
    bodyRows: 19,
    goTo: () => {},
    next: () => {},
  };
  const r = render(
    <ThemeContext.Provider value={makeTheme({ ascii, color: false })}>
      <KeyRouter isActive onKey={() => {}}>
        <ReplaceScreen app={app} onDone={(p) => void (seen.done = p)} onCancel={() => void (seen.cancelled = true)} {...props} />
      </KeyRouter>
    </ThemeContext.Provider>,
  );
  return { ...r, seen };
}

describe('Replace screen', () => {
  it('pick node-03, see node-06 and why, confirm, and the panels run the replacement to done', async () => {
    const plan = withSpare(labPlan('ha-lab'));
    await deployedLab(plan);
    const r = screen(plan);
    await vi.waitFor(() => expect(r.lastFrame()).toContain('Which server failed'));
    expect(r.lastFrame()).toMatch(/node-02\s+Controller/);
    r.stdin.write(KEY.down);
    await vi.waitFor(() => expect(r.lastFrame()).toMatch(/❯ node-03/));
    r.stdin.write(KEY.enter);
    await vi.waitFor(() => expect(r.lastFrame()).toContain('Replace node-03 (Compute) with node-06'));
    const review = flat(r.lastFrame());
    expect(review).toContain('Spare: node-06');
    expect(review).toContain('why: the smallest unused server that fits Compute (384 GiB, 40 CPUs, 1920 GiB disk)');
    expect(review).toContain("node-03 (Compute, failed) leaves the cloud: maintenance on, undeployed, deleted from the undercloud's Ironic");
    expect(review).toContain('Replace node-03 with node-06 now? y: yes, n: no, Esc: back');
    expect(widestLine(r.lastFrame()!)).toBeLessThanOrEqual(80);
    expect(r.lastFrame()!.split('\n').length).toBeLessThanOrEqual(19);

    r.stdin.write('y');
    await vi.waitFor(() => expect(r.seen.done).toBeDefined(), { timeout: 60_000 });
    expect(r.lastFrame()).toMatch(/Overcloud\s/);
    // Only the tier it works on: seed and undercloud are left alone.
    expect(r.lastFrame()).not.toMatch(/Seed\s|Undercloud\s/);
    expect(r.seen.plan.nodes.find((n) => n.name === 'node-06')?.role).toBe('Compute');
    expect(r.seen.plan.nodes.find((n) => n.name === 'node-03')?.outOfService?.state).toBe('failed');
    expect(readJournal(state.dir).steps.get('overcloud.retire.node-03')?.state).toBe('done');
    // deployed.json is written as the run ends, just after the panels show it done.
    await vi.waitFor(() => {
      const record = readDeployed(state.dir);
      expect('record' in record && record.record.plan.nodes.find((n) => n.name === 'node-06')?.role).toBe('Compute');
    });
    r.unmount();
  });

  it('a controller of three, opened on it from "Your cloud": the quorum line, in ASCII within 80x24; no spare: says why and changes nothing', async () => {
    const base = labPlan('ha-lab');
    const plan = withSpare({ ...base, roles: { ...base.roles, allInOne: true }, nodes: base.nodes.map((n) => (['node-02', 'node-03', 'node-04'].includes(n.name) ? { ...n, role: 'Controller' as const, roleSource: 'manual' as const } : n)) });
    await deployedLab(plan);
    const r = screen(plan, { server: 'node-03' }, true);
    await vi.waitFor(() => expect(r.lastFrame()).toContain('Replace node-03 (Controller) with node-06'));
    const frame = r.lastFrame()!;
    expect(flat(frame)).toContain('Quorum: the control plane keeps quorum: 2 of 3 controllers stay up while node-03 is replaced, one at a time (a majority is 2)');
    expect(nonAscii(frame)).toEqual([]);
    expect(widestLine(frame)).toBeLessThanOrEqual(80);
    expect(frame.split('\n').length).toBeLessThanOrEqual(19);
    r.stdin.write('n');
    await vi.waitFor(() => expect(r.seen.cancelled).toBe(true));
    r.unmount();

    // With node-06 taken by hand as a compute, nothing is left to be a controller.
    const full = { ...plan, nodes: plan.nodes.map((n) => (n.name === 'node-06' ? { ...n, role: 'Compute' as const } : n)) };
    const none = screen(full, { server: 'node-03' });
    await vi.waitFor(() => expect(none.lastFrame()).toContain('Replace node-03'));
    expect(flat(none.lastFrame())).toContain('no spare can be Controller: every server has a role; add a server (cloudseed add) and plan the replacement again');
    expect(flat(none.lastFrame())).toContain('Nothing was changed. Esc: back.');
    none.stdin.write(KEY.esc);
    await vi.waitFor(() => expect(none.seen.cancelled).toBe(true));
    expect(readJournal(state.dir).state).toBe('done');
    none.unmount();
  });
});
