import { hostname } from 'node:os';
import { describe, expect, it, vi } from 'vitest';
import { host } from '../../screens/host.js';
import { planForLab } from '../../src/deploy/lab-plan.js';
import { checkPlanHost } from '../../src/deploy/steps/host-checks.js';
import { hostFactsFromLab, hostProbe } from '../../src/inventory/probe.js';
import { loadLab } from '../../src/lab/load.js';
import type { LabWorld } from '../../src/lab/world.js';
import { KEY, nonAscii, renderScreen, widestLine } from './helpers.js';

/** ha-lab with a seed host of 2 cores (a fail) and no ipmitool (a warning: a plan without servers runs none). */
function weakLab(): LabWorld {
  const lab = structuredClone(loadLab('ha-lab'));
  lab.seedHost.cpu.cores = 2;
  lab.seedHost.tools = lab.seedHost.tools.filter((t) => t !== 'ipmitool');
  return lab;
}

describe('This host screen', () => {
  it('shows the facts, a failed check that blocks, and a warning that can be acknowledged', async () => {
    const blocked: (string | undefined)[] = [];
    const { lastFrame, stdin, seen, unmount } = renderScreen(host, { app: { lab: weakLab(), setBlocked: (r) => blocked.push(r) } });
    await vi.waitFor(() => expect(lastFrame()).toContain('Checks'));
    const frame = lastFrame()!;
    expect(frame).toContain('seed-host');
    expect(frame).toContain('enp65s0f0');
    expect(frame).toContain('your session');
    expect(frame).toMatch(/✘ CPU cores\s+2 cores/);
    expect(frame).toMatch(/▲ Tools\s+missing: ipmitool/);
    expect(frame).toContain('1 failed: fix them to go on, or start with --skip-checks');
    expect(blocked.at(-1)).toMatch(/1 check failed/);
    expect(widestLine(frame)).toBeLessThanOrEqual(80);

    // the cursor starts on the first check; the tools warning is the last
    stdin.write(KEY.down.repeat(6));
    await vi.waitFor(() => expect(lastFrame()).toContain('sudo apt-get install ipmitool'));
    stdin.write('a');
    await vi.waitFor(() => expect(lastFrame()).toContain('(acknowledged)'));
    expect(seen.plan.options.acknowledged).toEqual(['host.tools']);
    expect(seen.plan.seedHost.hostname).toBe('seed-host');
    unmount();
  });

  it('a tool the plan runs and the host lacks fails here, as in `cloudseed probe` and the deployment', async () => {
    // A seed host without vbmc: an undercloud VM needs one.
    const lab = structuredClone(loadLab('ha-lab'));
    lab.seedHost.tools = lab.seedHost.tools.filter((t) => t !== 'vbmc');
    const base = planForLab('ha-lab');
    const nodes = base.nodes.map(({ role, ...n }) => (role === 'Undercloud' ? n : { ...n, role }));
    const plan = { ...base, nodes, roles: { ...base.roles, undercloud: { placement: 'vm' as const } } };
    const blocked: (string | undefined)[] = [];
    const { lastFrame, unmount } = renderScreen(host, { plan, app: { lab, setBlocked: (r) => blocked.push(r) } });
    await vi.waitFor(() => expect(lastFrame()).toContain('Checks'));
    expect(lastFrame()).toMatch(/✘ Plan tools\s+not installed: vbmc/);
    expect(blocked.at(-1)).toMatch(/1 check failed/);
    expect(checkPlanHost(plan, hostFactsFromLab(lab), hostProbe(lab).has).filter((c) => c.status === 'fail').map((c) => c.reason)).toEqual([
      'not installed: vbmc',
    ]);
    unmount();
  });

  it('with --skip-checks a failed check does not block, and it says so', async () => {
    const blocked: (string | undefined)[] = [];
    const { lastFrame, unmount } = renderScreen(host, { ui: { skipChecks: true }, app: { lab: weakLab(), setBlocked: (r) => blocked.push(r) } });
    await vi.waitFor(() => expect(lastFrame()).toContain('(ignored: --skip-checks)'));
    // unblocked by the screen itself, not merely never told
    expect(blocked.length).toBeGreaterThan(0);
    expect(blocked.at(-1)).toBeUndefined();
    unmount();
  });

  it('without a lab it probes this machine, and p probes again', async () => {
    // the probe can finish before a frame shows it running: count what the screen told the shell
    const blocked: (string | undefined)[] = [];
    const probing = () => blocked.filter((b) => b === 'Looking at this host...').length;
    const { lastFrame, stdin, seen, unmount } = renderScreen(host, { app: { setBlocked: (r) => blocked.push(r) } });
    await vi.waitFor(() => expect(lastFrame()).toContain('Checks'), { timeout: 10_000 });
    expect(lastFrame()).toContain(hostname());
    await vi.waitFor(() => expect(seen.plan.seedHost.hostname).toBe(hostname()));
    expect(lastFrame()).not.toContain('(simulated)');
    expect(probing()).toBe(1);
    stdin.write('p');
    await vi.waitFor(() => expect(probing()).toBe(2));
    await vi.waitFor(() => expect(lastFrame()).toContain('Checks'), { timeout: 10_000 });
    unmount();
  });

  it('ASCII mode: only ASCII characters', async () => {
    const { lastFrame, unmount } = renderScreen(host, { ui: { ascii: true }, app: { lab: weakLab() } });
    await vi.waitFor(() => expect(lastFrame()).toMatch(/ERR\s+CPU cores/));
    expect(nonAscii(lastFrame()!)).toEqual([]);
    unmount();
  });
});
