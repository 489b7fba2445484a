// Helpers for screen tests: the whole app on a temporary state directory, a terminal size,
// keys, and a way to render one screen in a minimal shell.
import React, { useMemo, useState } from 'react';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { render } from 'ink-testing-library';
import { afterEach, beforeEach } from 'vitest';
import { App, type AppProps } from '../../screens/app.js';
import { KeyRouter } from '../../screens/components/keys.js';
import { makeTheme, ThemeContext } from '../../screens/components/theme.js';
import { deployScreenOptions, resetDeploy } from '../../screens/deploy-run.js';
import { openSessionStore } from '../../screens/session.js';
import { virtualClock } from '../../src/deploy/clock.js';
import type { AppContext, ScreenDef, UiOptions } from '../../screens/types.js';
import { validate } from '../../src/plan/validate.js';
import { emptyPlan, type Plan } from '../../src/plan/schema.js';

export const KEY = {
  up: '\u001B[A',
  down: '\u001B[B',
  right: '\u001B[C',
  left: '\u001B[D',
  enter: '\r',
  esc: '\u001B',
  tab: '\t',
  backspace: '\u007F',
  ctrlC: '\u0003',
} as const;

/** A fresh state directory; remove it with the returned function. */
export function tempStateDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'cs-screens-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

type Rendered = ReturnType<typeof render>;

// ink-testing-library's terminal is 100 columns and has no rows. Make every test terminal
// 80x24 from its first frame (the size cloudseed promises to fit); resize() changes one.
{
  const probe = render(<></>);
  const proto = Object.getPrototypeOf(probe.stdout) as object;
  probe.unmount();
  Object.defineProperty(proto, 'columns', { configurable: true, get: () => 80 });
  Object.defineProperty(proto, 'rows', { configurable: true, get: () => 24 });
}

/** Sets the fake terminal's size and tells Ink and the app (a 'resize' event). */
export function resize(r: Rendered, columns: number, rows: number): void {
  Object.defineProperty(r.stdout, 'columns', { value: columns, configurable: true });
  Object.defineProperty(r.stdout, 'rows', { value: rows, configurable: true });
  r.stdout.emit('resize');
}

export function uiOptions(stateDir: string, over: Partial<UiOptions> = {}): UiOptions {
  return { ascii: false, color: false, skipChecks: false, stateDir, ...over };
}

/** The whole app at 80x24 (unless given) on `stateDir`. */
export function renderApp(stateDir: string, props: Partial<Omit<AppProps, 'ui'>> & { ui?: Partial<UiOptions>; columns?: number; rows?: number } = {}) {
  const { ui, columns = 80, rows = 24, ...rest } = props;
  const exits: number[] = [];
  const r = render(<App ui={uiOptions(stateDir, ui)} store={openSessionStore(stateDir)} onExit={(c) => exits.push(c)} {...rest} />);
  if (columns !== 80 || rows !== 24) resize(r, columns, rows);
  return { ...r, exits };
}

/** Every line of a frame is at most `width` columns (code points; the UI uses no wide glyphs). */
export function widestLine(frame: string): number {
  return Math.max(0, ...frame.split('\n').map((l) => [...l].length));
}

/** Types keys one at a time, with a pause so the screen takes each before the next. */
export async function press(r: { stdin: { write(s: string): void } }, ...keys: string[]): Promise<void> {
  for (const k of keys) {
    r.stdin.write(k);
    await new Promise((res) => setTimeout(res, 20));
  }
}

/** The frame as one line: text the screen wrapped reads as it was written. */
export function flat(frame: string | undefined): string {
  return (frame ?? '').replace(/\s*\n\s*/g, ' ');
}

/** The characters of a frame that are not ASCII. */
export function nonAscii(frame: string): string[] {
  return [...frame].filter((ch) => ch.codePointAt(0)! >= 0x80);
}

export interface ScreenHarnessOptions {
  plan?: Plan;
  ui?: Partial<UiOptions>;
  /** Overrides of the context (a lab world, a goTo spy, ...). */
  app?: Partial<AppContext>;
}

/**
 * One screen in a minimal shell: plan state, validate(plan), theme and key router. Keys no
 * widget used land in `shellKeys`; `plan()` is the plan now.
 */
export function renderScreen(screen: ScreenDef, options: ScreenHarnessOptions = {}) {
  const seen: { plan: Plan; shellKeys: string[] } = { plan: options.plan ?? emptyPlan(), shellKeys: [] };
  const ui = uiOptions('/nonexistent', options.ui);
  function Harness() {
    const [plan, setPlanState] = useState(seen.plan);
    seen.plan = plan;
    const findings = useMemo(() => validate(plan), [plan]);
    const app: AppContext = {
      plan,
      setPlan: (update) => setPlanState((p) => update(p)),
      findings,
      ui,
      columns: 80,
      rows: 24,
      bodyRows: 19,
      started: true,
      begin: (p) => setPlanState(p),
      resume: () => {},
      next: () => {},
      back: () => {},
      goTo: () => {},
      setCapture: () => {},
      setBlocked: () => {},
      quit: () => {},
      ...options.app,
    };
    const Screen = screen.component;
    return (
      <ThemeContext.Provider value={makeTheme(ui)}>
        <KeyRouter isActive onKey={(input, key) => seen.shellKeys.push(key.return ? 'Enter' : key.escape ? 'Esc' : input)}>
          <Screen app={app} />
        </KeyRouter>
      </ThemeContext.Provider>
    );
  }
  const r = render(<Harness />);
  return { ...r, seen };
}

/** Every test of the calling file: the deploy screens' runs on a virtual clock, none left from the test before. */
export function deployScreensOnVirtualClock(): void {
  beforeEach(() => {
    resetDeploy();
    deployScreenOptions.clock = virtualClock();
  });
  afterEach(() => {
    deployScreenOptions.clock = undefined;
  });
}
