// What every wizard screen gets from the shell (screens/app.tsx).
// Writing a screen: take keys with useKeys (screens/components/keys.tsx) and return true for
// the keys you use (the shell gets the rest: Enter/Right next, Esc/Left back, ? help, q quit);
// fit in `bodyRows` x `columns`; take glyphs and colours from useTheme(); register the
// screen with one line in screens/index.ts. test/screens/helpers.tsx renders one screen
// (renderScreen) or the whole app (renderApp) on a temporary state directory.
import type { FC } from 'react';
import type { Finding } from '../src/plan/findings.js';
import type { Plan } from '../src/plan/schema.js';
import type { LabWorld } from '../src/lab/world.js';

/** Every screen's id, in the wizard's order (a saved session names one of them). */
export const SCREEN_IDS = ['welcome', 'host', 'servers', 'network', 'roles', 'review', 'deploy', 'done', 'your-cloud', 'change'] as const;
export type ScreenId = (typeof SCREEN_IDS)[number];

export interface KeyHelp {
  keys: string;
  action: string;
}

export interface UiOptions {
  /** No box drawing, no emoji, no braille: Linux console, serial lines, non-UTF-8 locales. */
  ascii: boolean;
  /** NO_COLOR / --no-color turn colour off; the layout stays the same. */
  color: boolean;
  /** Started with --skip-checks: failed host checks do not block, and every screen says so. */
  skipChecks: boolean;
  stateDir: string;
}

export interface AppContext {
  plan: Plan;
  /** Changes the plan; the shell saves it to the state directory. */
  setPlan(update: (plan: Plan) => Plan): void;
  /** validate(plan), recomputed when the plan changes. */
  findings: Finding[];
  /** The simulated lab's world when the driver is `sim`. */
  lab?: LabWorld;
  ui: UiOptions;
  /** Terminal size now. */
  columns: number;
  rows: number;
  /** Rows the screen's own area has (the terminal less the shell's header and bars). */
  bodyRows: number;
  /** `--lab NAME` from the command line: the simulated lab is already chosen. */
  labName?: string;
  /** The session saved by an earlier run, found at start (Welcome offers to resume it). */
  saved?: { updatedAt: string; screen: ScreenId; servers?: number };
  /** A session is under way (Welcome chose new / resume / answers / lab); saving is on. */
  started: boolean;
  /**
   * Starts a session with this plan (a new one, a loaded answers file) and goes to `at`
   * (default: the next screen). `resume` continues the saved session where it was left.
   */
  begin(plan: Plan, at?: ScreenId): void;
  resume(): void;
  next(): void;
  back(): void;
  goTo(id: ScreenId): void;
  /** The screens in this build, in order (a later issue's screen may not exist yet). */
  screenIds?: ScreenId[];
  /**
   * While a screen edits text (or runs a modal), it claims the keyboard: the shell then
   * ignores Enter/Esc/arrows/q/? and the screen handles them itself.
   */
  setCapture(on: boolean): void;
  /** Blocks moving on with a reason the help bar shows (undefined: not blocked). */
  setBlocked(reason: string | undefined): void;
  /** Asks to quit (confirm, save the plan, exit). */
  quit(): void;
  /**
   * A deployment is running (the Deploy screen says so): quitting asks about stopping it
   * and exits 130, as an interrupted `cloudseed deploy` does.
   */
  setRunning?(running: boolean): void;
  /**
   * A cloud is deployed from the state dir: the installer opened on "Your cloud", and the
   * screens go Your cloud → Servers → Roles → the change → Deploy → Done.
   */
  dayTwo?: boolean;
  /** Adding servers: the plan of the deployed cloud, which the change is measured against. */
  scaleOutOf?: Plan;
  /**
   * "Add servers": edits a copy of the deployed plan on Servers and Roles. With `edited` (the
   * plan of an unfinished scale-out), goes straight to the change to resume it.
   */
  addServers?(deployed: Plan, edited?: Plan): void;
  /** "Start over": the wizard from Welcome, as on a state dir without a cloud. */
  startOver?(): void;
  /**
   * While a mode changes what the keys do (a deployment running), the help bar names exactly
   * these (and "? help"); undefined gives the bar back. Moving to another screen resets it.
   */
  setModeKeys?(keys: KeyHelp[] | undefined): void;
}

export interface ScreenProps {
  app: AppContext;
}

export interface ScreenDef {
  id: ScreenId;
  title: string;
  component: FC<ScreenProps>;
  /** This screen's keys for the help bar and the `?` overlay (the shell adds its own). */
  keys: KeyHelp[];
  /** A few lines for the `?` overlay: what this screen is for. */
  help: string;
  /**
   * Goes on only through its own menu (Welcome's choices, Review's Deploy). Otherwise a
   * screen whose keys give Enter another meaning gets "→ next" pinned in the help bar.
   */
  goesOnByMenu?: boolean;
}
