import { hostname } from 'node:os';
import { describe, expect, it, vi } from 'vitest';
import { host } from '../../screens/host.js';
import { loadLab } from '../../src/lab/load.js';
import type { LabWorld } from '../../src/lab/world.js';
import { KEY, nonAscii, renderScreen, widestLine } from './helpers.js';

/** ha-lab with a seed host of 2 cores (a fail) and no virt-install (a warning). */
function weakLab(): LabWorld {
  const lab = structuredClone(loadLab('ha-lab'));
  lab.seedHost.cpu.cores = 2;
  lab.seedHost.tools = lab.seedHost.tools.filter((t) => t !== 'virt-install');
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
    expect(frame).toMatch(/▲ Tools\s+missing: virt-install/);
    expect(frame).toContain('1 failed: fix them to go on, or start with --skip-checks');
    expect(blocked.at(-1)).toMatch(/1 check failed/);
    expect(widestLine(frame)).toBeLessThanOrEqual(80);

    // the cursor starts on the first check; the tools warning is the last
    stdin.write(KEY.down.repeat(6));
    await vi.waitFor(() => expect(lastFrame()).toContain('sudo apt-get install virtinst'));
    stdin.write('a');
    await vi.waitFor(() => expect(lastFrame()).toContain('(acknowledged)'));
    expect(seen.plan.options.acknowledged).toEqual(['host.tools']);
    expect(seen.plan.seedHost.hostname).toBe('seed-host');
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
