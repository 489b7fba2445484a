// The first run the README walks through: the two-machine lab on the Linux console (ASCII,
// 80x24), from Welcome to Done on Enter alone: eight keystrokes.
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { loadLab } from '../../src/lab/load.js';
import { deployScreensOnVirtualClock, KEY, nonAscii, renderApp, tempStateDir, widestLine } from './helpers.js';

let state: ReturnType<typeof tempStateDir>;
deployScreensOnVirtualClock();
beforeEach(() => {
  state = tempStateDir();
});
afterEach(() => {
  state.remove();
});

it('two-machine on the Linux console: eight Enters from Welcome reach Done, every frame within 80x24 and ASCII', async () => {
  const r = renderApp(state.dir, { labName: 'two-machine', lab: loadLab('two-machine'), sim: { speed: 6000 }, ui: { ascii: true } });
  const frames: string[] = [];
  let enters = 0;
  // Waits for what the screen must show, then presses Enter as the help bar says.
  const enterWhen = async (shown: string | RegExp, timeout = 10_000) => {
    await vi.waitFor(() => expect(r.lastFrame()).toMatch(shown), { timeout });
    frames.push(r.lastFrame()!);
    r.stdin.write(KEY.enter);
    enters++;
  };
  await enterWhen('> Start a new installation on the simulated lab "two-machine"');
  await enterWhen(/2\/8 This host[\s\S]*this host is ready to be the seed host[\s\S]*Enter next/);
  await enterWhen(/3\/8 Servers[\s\S]*Enter scans a BMC range/);
  await enterWhen('Enter: scan.');
  await enterWhen(/inspected 1 of 1 servers[\s\S]*Enter next/);
  await enterWhen(/4\/8 Network[\s\S]*networks suggested for this host[\s\S]*Enter next/);
  await enterWhen(/5\/8 Roles[\s\S]*all-in-one: node-01 is controller and compute[\s\S]*Enter next/);
  await enterWhen(/6\/8 Review[\s\S]*> Deploy simulated lab two-machine/);
  await vi.waitFor(() => expect(r.lastFrame()).toContain('"overcloud" is deployed'), { timeout: 30_000 });
  frames.push(r.lastFrame()!);
  expect(r.lastFrame()).toContain('8/8 Done');
  expect(enters).toBe(8);
  for (const frame of frames) {
    expect(widestLine(frame)).toBeLessThanOrEqual(80);
    expect(frame.split('\n').length).toBeLessThanOrEqual(24);
    expect(nonAscii(frame)).toEqual([]);
  }
  r.unmount();
});
