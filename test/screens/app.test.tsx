import React, { useEffect, useState } from 'react';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Text } from 'ink';
import { useKeys } from '../../screens/components/keys.js';
import { TextField } from '../../screens/components/text-field.js';
import { review } from '../../screens/review.js';
import type { ScreenDef, ScreenProps } from '../../screens/types.js';
import { welcome } from '../../screens/welcome.js';
import { screens as entries } from '../../screens/index.js';
import { lazyScreen, loadScreen } from '../../screens/lazy.js';
import { StateStore } from '../../src/store/state.js';
import { labPlan as withLabNodes } from '../roles/fixtures.js';
import { KEY, flat, nonAscii, renderApp, resize, tempStateDir, widestLine } from './helpers.js';

// The shell's AsciiBox turns any character that is not ASCII into one that is, so a frame seen
// through it is ASCII whatever the screens drew. Here it rewrites only Ink's own truncation
// mark (no screen controls it): a glyph a screen did not take from the theme fails the checks.
vi.mock('../../screens/components/ascii.js', () => ({
  AsciiBox: ({ enabled, children }: { enabled: boolean; children: React.ReactNode }) =>
    enabled ? React.createElement('ink-box', { style: { flexDirection: 'column' }, internal_transform: (line: string) => line.replaceAll('\u2026', '.') } as never, children) : children,
}));

// Every screen of the list, loaded (all but Welcome are loaded on use).
const screens = await Promise.all(entries.map(loadScreen));
// Your cloud and the change are on the way only after a deployment (test/screens/your-cloud.test.tsx).
const wizard = screens.filter((s) => s.id !== 'your-cloud' && s.id !== 'change');

let state: ReturnType<typeof tempStateDir>;
beforeEach(() => {
  state = tempStateDir();
});
afterEach(() => state.remove());

/** A screen that edits the cloud's name, to see Back keep what was typed. */
function NameScreen({ app }: ScreenProps) {
  return <TextField label="Cloud name" value={app.plan.name} onChange={(name) => app.setPlan((p) => ({ ...p, name }))} focus={false} />;
}
function NameEditor({ app }: ScreenProps) {
  return <TextField label="Cloud name" value={app.plan.name} onChange={(name) => app.setPlan((p) => ({ ...p, name }))} onSubmit={() => app.next()} onCancel={() => app.back()} />;
}
const nameScreen: ScreenDef = { id: 'host', title: 'Name', component: NameEditor, keys: [], help: 'Name the cloud.' };
const shownName: ScreenDef = { id: 'servers', title: 'Shown', component: NameScreen, keys: [], help: 'Shows the name.' };

const lines = (frame: string) => frame.split('\n');

/** The whole app on this test's state directory, once Welcome's menu is drawn. */
async function openApp(props: Parameters<typeof renderApp>[1] = {}) {
  const r = renderApp(state.dir, props);
  await vi.waitFor(() => expect(r.lastFrame()).toContain('Start a new installation'));
  return r;
}

/** A screen in a mode of its own (a form): it claims the keyboard with setCapture. */
function CapturingScreen({ app }: ScreenProps) {
  const [seen, setSeen] = useState(0);
  useEffect(() => app.setCapture(true), []); // eslint-disable-line react-hooks/exhaustive-deps
  // Counts keys without using them, so the shell gets each one after.
  useKeys(() => {
    setSeen((n) => n + 1);
    return false;
  });
  return <Text>busy with a form, {seen} keys seen</Text>;
}
const capturing: ScreenDef = { id: 'servers', title: 'Form', component: CapturingScreen, keys: [], help: 'A form.' };

describe('the wizard shell', () => {
  it('opens on Welcome with the three tiers, the step and the help bar, within 80x24', async () => {
    const { lastFrame, unmount } = await openApp();
    const frame = lastFrame()!;
    // The wizard's screens: Your cloud and the change come only after a deployment.
    expect(frame).toMatch(new RegExp(`1/${wizard.length} Welcome`));
    for (const word of ['Seed', 'Undercloud', 'Overcloud', 'Load an answers file', 'Try the simulated lab', '? help', 'q quit']) expect(frame).toContain(word);
    expect(frame).not.toContain('Resume');
    expect(widestLine(frame)).toBeLessThanOrEqual(80);
    // The live area stays shorter than the terminal (else Ink redraws everything each frame).
    expect(lines(frame).length).toBeLessThan(24);
    unmount();
  });

  it('goes forward and back, keeping what was entered', async () => {
    const { lastFrame, stdin, unmount } = await openApp({ screens: [welcome, nameScreen, shownName, review] });
    stdin.write(KEY.enter);
    await vi.waitFor(() => expect(lastFrame()).toContain('2/4 Name'));
    stdin.write(`${KEY.backspace.repeat(9)}lab-one`);
    await vi.waitFor(() => expect(lastFrame()).toContain('Cloud name: lab-one'));
    stdin.write(KEY.enter);
    await vi.waitFor(() => expect(lastFrame()).toContain('3/4 Shown'));
    expect(lastFrame()).toContain('Cloud name: lab-one');
    stdin.write(KEY.right);
    await vi.waitFor(() => expect(lastFrame()).toContain('4/4 Review'));
    expect(lastFrame()).toContain('lab-one');
    stdin.write(KEY.esc);
    await vi.waitFor(() => expect(lastFrame()).toContain('3/4 Shown'));
    stdin.write(KEY.left);
    await vi.waitFor(() => expect(lastFrame()).toContain('2/4 Name'));
    expect(lastFrame()).toContain('Cloud name: lab-one');
    unmount();
  });

  it('back on Welcome, continuing is the first choice and starting over says what it costs', async () => {
    const { lastFrame, stdin, unmount } = await openApp({ screens: [welcome, nameScreen, review] });
    stdin.write(KEY.enter);
    await vi.waitFor(() => expect(lastFrame()).toContain('2/3 Name'));
    stdin.write(`${KEY.backspace.repeat(9)}mine`);
    await vi.waitFor(() => expect(lastFrame()).toContain('Cloud name: mine'));
    stdin.write(KEY.esc);
    await vi.waitFor(() => expect(lastFrame()).toContain('Continue with this installation'));
    expect(lastFrame()).toContain('Start over (the plan so far is forgotten)');
    stdin.write(KEY.enter);
    await vi.waitFor(() => expect(lastFrame()).toContain('Cloud name: mine'));
    unmount();
  });

  it('a screen that uses Enter for itself still shows how to go on', async () => {
    const picker: ScreenDef = { id: 'roles', title: 'Picker', component: () => <Text>pick</Text>, keys: [{ keys: 'Enter', action: 'pick a role' }], help: 'Picks.' };
    const { lastFrame, stdin, unmount } = await openApp({ screens: [welcome, picker, review] });
    // Welcome and Review take Enter too, but go on only through their own menus.
    expect(lines(lastFrame()!).at(-1)).not.toContain('next');
    stdin.write(KEY.enter);
    await vi.waitFor(() => expect(lastFrame()).toContain('2/3 Picker'));
    const bar = lines(lastFrame()!).at(-1)!;
    expect(bar).toContain('Enter pick a role');
    expect(bar).toContain('→ next');
    stdin.write(KEY.right);
    await vi.waitFor(() => expect(lastFrame()).toContain('3/3 Review'));
    expect(lines(lastFrame()!).at(-1)).toContain('Enter pick');
    expect(lines(lastFrame()!).at(-1)).not.toContain('next');
    unmount();
  });

  it('typed-ahead Enter Enter goes through Welcome and the next screen', async () => {
    const { lastFrame, stdin, unmount } = await openApp({ screens: [welcome, shownName, review] });
    stdin.write(`${KEY.enter}${KEY.enter}`);
    await vi.waitFor(() => expect(lastFrame()).toContain('3/3 Review'));
    unmount();
  });

  it('does not leave Welcome before a choice is made, and says why', async () => {
    const { lastFrame, stdin, unmount } = await openApp();
    stdin.write(KEY.right);
    await vi.waitFor(() => expect(lastFrame()).toContain('Pick one of the choices to begin.'));
    expect(lastFrame()).toContain('Welcome');
    unmount();
  });

  it('? shows the help overlay with this screen\'s keys and the shell\'s; any key closes it', async () => {
    const { lastFrame, stdin, unmount } = await openApp();
    stdin.write('?');
    await vi.waitFor(() => expect(lastFrame()).toContain('Help: Welcome'));
    const frame = lastFrame()!;
    for (const word of ['On this screen', 'Up/Down', 'Everywhere', 'Esc, Left', 'q, Ctrl-C']) expect(frame).toContain(word);
    expect(frame).not.toContain('Load an answers file');
    expect(widestLine(frame)).toBeLessThanOrEqual(80);
    expect(lines(frame).length).toBeLessThan(24);
    stdin.write(KEY.down); // closes the help; the menu under it does not move
    await vi.waitFor(() => expect(lastFrame()).toContain('Load an answers file'));
    expect(lastFrame()).toMatch(/[❯>] Start a new installation/);
    unmount();
  });

  it('a screen that claims the keyboard keeps Esc, q and ?; Ctrl-C still asks to quit', async () => {
    const { lastFrame, stdin, unmount } = await openApp({ screens: [welcome, capturing, review] });
    stdin.write(KEY.enter);
    await vi.waitFor(() => expect(lastFrame()).toContain('busy with a form'));
    let n = 0;
    for (const key of [KEY.esc, 'q', '?', KEY.right, KEY.left]) {
      stdin.write(key);
      n += 1;
      await vi.waitFor(() => expect(lastFrame()).toContain(`${n} keys seen`));
    }
    stdin.write(KEY.ctrlC);
    await vi.waitFor(() => expect(lastFrame()).toContain('Quit?'));
    expect(lastFrame()).toContain('2/3 Form');
    expect(lastFrame()).not.toContain('Help:');
    unmount();
  });

  it('q asks before quitting; n stays; y saves and exits once', async () => {
    const { lastFrame, stdin, exits, unmount } = await openApp({ screens: [welcome, nameScreen, review] });
    stdin.write(KEY.enter);
    await vi.waitFor(() => expect(lastFrame()).toContain('2/3 Name'));
    stdin.write(`${KEY.enter}q`);
    await vi.waitFor(() => expect(lastFrame()).toContain('Quit? The plan is saved; `cloudseed` resumes. y/n'));
    stdin.write('n');
    await vi.waitFor(() => expect(lastFrame()).not.toContain('Quit?'));
    expect(lastFrame()).toContain('3/3 Review');
    stdin.write(KEY.ctrlC);
    await vi.waitFor(() => expect(lastFrame()).toContain('Quit?'));
    stdin.write('y');
    await vi.waitFor(() => expect(exits).toEqual([0]));
    expect(lastFrame()).toContain(`The plan is saved in ${state.dir}`);
    const saved = StateStore.open(state.dir).saved();
    expect(saved?.session.screen).toBe('review');
    expect(saved?.plan.driver).toBe('real');
    unmount();
  });

  it('quitting before anything started keeps an earlier session', async () => {
    const { lastFrame, stdin, exits, unmount } = await openApp();
    stdin.write('q');
    await vi.waitFor(() => expect(lastFrame()).toContain('Quit? Nothing was started. y/n'));
    stdin.write('y');
    await vi.waitFor(() => expect(exits).toEqual([0]));
    expect(StateStore.open(state.dir).saved()).toBeUndefined();
    unmount();
  });

  it('offers to resume after a restart, with the date and the screen reached, and goes there', async () => {
    const first = await openApp({ screens: [welcome, nameScreen, shownName, review] });
    first.stdin.write(KEY.enter);
    await vi.waitFor(() => expect(first.lastFrame()).toContain('2/4 Name'));
    first.stdin.write(`${KEY.backspace.repeat(9)}kept${KEY.enter}`);
    await vi.waitFor(() => expect(first.lastFrame()).toContain('3/4 Shown'));
    first.stdin.write('qy');
    await vi.waitFor(() => expect(first.exits).toEqual([0]));
    first.unmount();

    const second = renderApp(state.dir, { screens: [welcome, nameScreen, shownName, review] });
    await vi.waitFor(() => expect(second.lastFrame()).toContain('Resume the saved installation'));
    expect(second.lastFrame()).toMatch(/\(\d{4}-\d\d-\d\d \d\d:\d\d, at Servers, 0 servers\)/);
    // Resume is the default: one Enter continues the saved work.
    expect(second.lastFrame()).toMatch(/❯ Resume the saved installation/);
    second.stdin.write(KEY.enter);
    await vi.waitFor(() => expect(second.lastFrame()).toContain('3/4 Shown'));
    expect(second.lastFrame()).toContain('Cloud name: kept');
    second.unmount();
  });

  it('starting anew over a saved installation asks first and names what is lost; n keeps it', async () => {
    const first = await openApp({ screens: [welcome, nameScreen, shownName, review] });
    first.stdin.write(KEY.enter);
    await vi.waitFor(() => expect(first.lastFrame()).toContain('2/4 Name'));
    first.stdin.write(`${KEY.enter}qy`);
    await vi.waitFor(() => expect(first.exits).toEqual([0]));
    first.unmount();

    const second = renderApp(state.dir, { screens: [welcome, nameScreen, shownName, review] });
    await vi.waitFor(() => expect(second.lastFrame()).toContain('Start a new installation (asks first)'));
    second.stdin.write(`${KEY.down}${KEY.enter}`);
    await vi.waitFor(() => expect(flat(second.lastFrame())).toMatch(/Start anew\? This forgets the saved installation \(\d{4}-\d\d-\d\d \d\d:\d\d, at Servers, 0 servers\)/));
    second.stdin.write('n');
    await vi.waitFor(() => expect(second.lastFrame()).not.toContain('Start anew?'));
    expect(second.lastFrame()).toContain('1/4 Welcome');
    expect(StateStore.open(state.dir).saved()?.session.screen).toBe('servers');
    second.stdin.write(KEY.enter); // the cursor is still on "Start a new installation"
    await vi.waitFor(() => expect(second.lastFrame()).toContain('Start anew?'));
    second.stdin.write('y');
    await vi.waitFor(() => expect(second.lastFrame()).toContain('2/4 Name'));
    second.unmount();
  });

  it('quitting names the command line it was started with; mid-deploy it exits 130', async () => {
    function Running({ app }: ScreenProps) {
      useEffect(() => app.setRunning?.(true), []); // eslint-disable-line react-hooks/exhaustive-deps
      return <Text>deploying</Text>;
    }
    const running: ScreenDef = { id: 'deploy', title: 'Running', component: Running, keys: [], help: 'Runs.' };
    const command = 'cloudseed --lab ha-lab --state-dir /tmp/elsewhere';
    const { lastFrame, stdin, exits, unmount } = await openApp({ screens: [welcome, running], labName: 'ha-lab', command });
    stdin.write(KEY.enter);
    await vi.waitFor(() => expect(lastFrame()).toContain('deploying'));
    stdin.write('q');
    await vi.waitFor(() => expect(flat(lastFrame())).toContain(`Quit? The deployment stops (journal kept); \`${command}\` resumes it. y/n`));
    stdin.write('y');
    await vi.waitFor(() => expect(exits).toEqual([130]));
    expect(flat(lastFrame())).toContain(`Run \`${command}\` to resume.`);
    unmount();
  });

  it('says so when the saved state was corrupt, and starts afresh', async () => {
    writeFileSync(join(state.dir, 'config.json'), '{ not json');
    const { lastFrame, unmount } = renderApp(state.dir);
    await vi.waitFor(() => expect(lastFrame()).toContain('the saved state could not be used'));
    expect(lastFrame()).not.toContain('Resume');
    const kept = readdirSync(state.dir).find((f) => f.startsWith('config.json.corrupt-'));
    expect(kept).toBeDefined();
    // The whole notice, wrapped: where the unreadable file was kept is not cut off.
    expect(flat(lastFrame())).toContain(kept);
    expect(lastFrame()).not.toMatch(/…$/m);
    unmount();
  });

  it('tries the simulated lab: picks the lab and shows it in the header', async () => {
    const { lastFrame, stdin, unmount } = renderApp(state.dir, { screens: [welcome, review] });
    await vi.waitFor(() => expect(lastFrame()).toContain('Try the simulated lab'));
    stdin.write(`${KEY.down}${KEY.down}${KEY.enter}`);
    await vi.waitFor(() => expect(lastFrame()).toContain('Which simulated lab?'));
    expect(lastFrame()).toContain('ha-lab');
    stdin.write(KEY.enter);
    await vi.waitFor(() => expect(lastFrame()).toContain('2/2 Review'));
    expect(lastFrame()).toContain('simulated lab: two-machine');
    unmount();
  });

  it('with --lab the lab is already chosen', async () => {
    const { lastFrame, stdin, unmount } = renderApp(state.dir, { screens: [welcome, review], labName: 'ha-lab' });
    await vi.waitFor(() => expect(lastFrame()).toContain('Start a new installation on the simulated lab "ha-lab"'));
    expect(lastFrame()).not.toContain('Try the simulated lab');
    stdin.write(KEY.enter);
    await vi.waitFor(() => expect(lastFrame()).toContain('simulated lab ha-lab'));
    unmount();
  });

  it('loads an answers file, and names file:line when it is broken', async () => {
    const bad = join(state.dir, 'bad.yaml');
    writeFileSync(bad, 'version: 1\nnodes:\n  - name: a\n    bmcc: {}\n');
    const good = join(state.dir, 'good.yaml');
    writeFileSync(good, 'version: 1\nname: from-file\ndriver: real\n');
    const { lastFrame, stdin, unmount } = renderApp(state.dir, { screens: [welcome, shownName, review] });
    await vi.waitFor(() => expect(lastFrame()).toContain('Load an answers file'));
    stdin.write(`${KEY.down}${KEY.enter}`);
    await vi.waitFor(() => expect(lastFrame()).toContain('Answers file:'));
    stdin.write(`${bad}${KEY.enter}`);
    await vi.waitFor(() => expect(lastFrame()).toContain(`${bad}:4:`));
    expect(widestLine(lastFrame()!)).toBeLessThanOrEqual(80);
    stdin.write(`${'\u0015'}${good}${KEY.enter}`);
    await vi.waitFor(() => expect(lastFrame()).toContain('3/3 Review'));
    expect(lastFrame()).toContain('from-file');
    unmount();
  });

  it('--skip-checks puts a red line on every screen', async () => {
    const { lastFrame, stdin, unmount } = renderApp(state.dir, { screens: [welcome, review], ui: { skipChecks: true } });
    await vi.waitFor(() => expect(lastFrame()).toContain('--skip-checks'));
    stdin.write(KEY.enter);
    await vi.waitFor(() => expect(lastFrame()).toContain('2/2 Review'));
    expect(lastFrame()).toContain('--skip-checks');
    expect(lines(lastFrame()!).length).toBeLessThan(24);
    unmount();
  });

  it('smaller than 80x24 says the size needed, and redraws on resize', async () => {
    const r = renderApp(state.dir, { columns: 70, rows: 20 });
    await vi.waitFor(() => expect(r.lastFrame()).toContain('at least 80x24; this one is 70x20'));
    expect(r.lastFrame()).not.toContain('Start a new installation');
    resize(r, 80, 24);
    await vi.waitFor(() => expect(r.lastFrame()).toContain('Start a new installation'));
    resize(r, 100, 23);
    await vi.waitFor(() => expect(r.lastFrame()).toContain('this one is 100x23'));
    r.unmount();
  });

  it('a resize too small and back keeps what the screen had, and its keys wait', async () => {
    const r = await openApp({ screens: [welcome, nameScreen, review] });
    r.stdin.write(KEY.enter);
    await vi.waitFor(() => expect(r.lastFrame()).toContain('2/3 Name'));
    r.stdin.write(`${KEY.backspace.repeat(9)}half`);
    await vi.waitFor(() => expect(r.lastFrame()).toContain('Cloud name: half'));
    resize(r, 60, 20);
    await vi.waitFor(() => expect(r.lastFrame()).toContain('60x20'));
    r.stdin.write('typed');
    r.stdin.write('q');
    await vi.waitFor(() => expect(r.lastFrame()).toContain('Quit?'));
    r.stdin.write('n');
    resize(r, 80, 24);
    await vi.waitFor(() => expect(r.lastFrame()).toContain('Cloud name: half'));
    expect(r.lastFrame()).not.toContain('typed');
    r.unmount();
  });
});

describe('screens loaded on use', () => {
  it('goes to a screen once its module is loaded, with its title and keys', async () => {
    const later = lazyScreen('review', () => import('../../screens/review.js').then((m) => m.review));
    expect(later.loaded).toBeUndefined();
    const { lastFrame, stdin, unmount } = await openApp({ screens: [welcome, later] });
    stdin.write(KEY.enter);
    await vi.waitFor(() => expect(lastFrame()).toContain('2/2 Review'));
    expect(lastFrame()).toContain('Save the answers file');
    unmount();
  });

  it('a screen that cannot be loaded is named, and Welcome stays', async () => {
    const broken = lazyScreen('review', () => Promise.reject(new Error('chunk missing')));
    const { lastFrame, stdin, unmount } = await openApp({ screens: [welcome, broken] });
    stdin.write(KEY.enter);
    await vi.waitFor(() => expect(lastFrame()).toContain('Could not open the review screen: chunk missing'));
    expect(lastFrame()).toContain('1/2 Welcome');
    unmount();
  });
});

describe('every screen at 80x24', () => {
  // Each screen with a fresh plan on the two-machine lab: width, height and ASCII mode.
  it.each(wizard.map((s) => [s.id, s] as const))('%s fits and is pure ASCII in ASCII mode', async (_id, screen) => {
    for (const ascii of [false, true]) {
      rmSync(join(state.dir, 'config.json'), { force: true }); // a new installation each time
      const { lastFrame, stdin, unmount } = await openApp({ screens: [welcome, screen], labName: 'two-machine', ui: { ascii } });
      if (ascii) expect(nonAscii(lastFrame()!)).toEqual([]);
      stdin.write(KEY.enter);
      await vi.waitFor(() => expect(lastFrame()).toContain(`2/2 ${screen.title}`));
      const frame = lastFrame()!;
      expect(widestLine(frame)).toBeLessThanOrEqual(80);
      expect(lines(frame).length).toBeLessThan(24);
      if (ascii) expect(nonAscii(frame)).toEqual([]);
      stdin.write('?');
      await vi.waitFor(() => expect(lastFrame()).toContain(`Help: ${screen.title}`));
      expect(widestLine(lastFrame()!)).toBeLessThanOrEqual(80);
      if (ascii) expect(nonAscii(lastFrame()!)).toEqual([]);
      unmount();
    }
  });
});

describe('every screen with the servers of a lab, resumed at 80x24', () => {
  // Deploy and Done run a deployment when shown; their own tests cover them.
  const shown = wizard.filter((s) => s.id !== 'welcome' && s.id !== 'deploy' && s.id !== 'done');
  const cases = shown.flatMap((s) => ['ha-lab', 'datacenter-300'].map((lab) => [s.id, lab, s] as const));
  // A screen after it, so that going on has somewhere to go.
  const after: ScreenDef = { id: 'done', title: 'After', component: () => <Text>after</Text>, keys: [], help: 'After.' };
  it.each(cases)('%s on %s fits, UTF-8 and ASCII', async (_id, lab, screen) => {
    const plan = { ...withLabNodes(lab), driver: 'sim' as const, sim: { lab, speed: 60, seed: 1, faults: [] } };
    for (const ascii of [false, true]) {
      StateStore.open(state.dir).savePlan(plan, screen.id);
      const { lastFrame, stdin, unmount } = renderApp(state.dir, { screens: [welcome, screen, after], ui: { ascii } });
      await vi.waitFor(() => expect(lastFrame()).toContain('Resume the saved installation'));
      stdin.write(KEY.enter);
      await vi.waitFor(() => expect(lastFrame()).toContain(`2/3 ${screen.title}`));
      const frame = lastFrame()!;
      expect(widestLine(frame)).toBeLessThanOrEqual(80);
      expect(lines(frame).length).toBeLessThan(24);
      if (ascii) expect(nonAscii(frame)).toEqual([]);
      // The help bar names the key that goes on, whatever else it has to leave out.
      const bar = lines(frame).filter((l) => l.trim()).at(-1)!;
      expect(bar, bar).toMatch(/(Enter next|Enter pick|(→|Right) next)/);
      if (screen.id === 'servers') expect(bar).toContain('c/n check/inspect');
      unmount();
    }
  });
});

describe('Review', () => {
  it('summarises the plan, groups findings by screen and saves the answers file with mode 0600', async () => {
    const cwd = process.cwd();
    process.chdir(state.dir);
    try {
      const { lastFrame, stdin, unmount } = await openApp({ screens: [welcome, review] });
      stdin.write(KEY.enter);
      await vi.waitFor(() => expect(lastFrame()).toContain('2/2 Review'));
      const frame = lastFrame()!;
      for (const word of ['Cloud', 'This host', 'Servers', 'Network', 'Roles', 'Options', '192.168.24.0/24', 'Save the answers file']) expect(frame).toContain(word);
      // Move to "Save the answers file" (the last item) and save to the default path.
      stdin.write(`${'\u001B[F'}${KEY.enter}`);
      await vi.waitFor(() => expect(lastFrame()).toContain('Save answers to: ./cloudseed-answers.yaml'));
      stdin.write(KEY.enter);
      const file = join(state.dir, 'cloudseed-answers.yaml');
      await vi.waitFor(() => expect(lastFrame()).toContain(`Saved to ${file}`));
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(readFileSync(file, 'utf8')).toContain('driver: real');
      unmount();
    } finally {
      process.chdir(cwd);
    }
  });
});
