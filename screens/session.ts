// The shell's view of the state store (src/store/state.ts): the saved plan and the screen
// the person was on, plus what to tell them about the state file.
import { StateStore } from '../src/store/state.js';
import { onLab } from '../src/lab/plan.js';
import { emptyPlan, type Plan } from '../src/plan/schema.js';
import { SCREEN_IDS, type ScreenId } from './types.js';

export interface SavedSession {
  plan: Plan;
  /** The screen the person was on. */
  screen: ScreenId;
  /** ISO time of the last save. */
  updatedAt: string;
}

export interface SessionStore {
  /** The state directory (shown to the person on quit). */
  dir: string;
  /** The saved session, if there is one. */
  load(): SavedSession | undefined;
  save(plan: Plan, screen: ScreenId): void;
  /** Something to tell the person once (a corrupt state file kept aside). */
  notice?: string;
}

export function openSessionStore(dir: string): SessionStore {
  const store = StateStore.open(dir);
  const first = store.notices[0];
  return {
    dir,
    notice: first && `${first.message}.`,
    load() {
      const saved = store.saved();
      if (!saved) return undefined;
      const screen = SCREEN_IDS.includes(saved.session.screen as ScreenId) ? (saved.session.screen as ScreenId) : 'welcome';
      return { plan: saved.plan, screen, updatedAt: saved.session.updatedAt };
    },
    save: (plan, screen) => store.savePlan(plan, screen),
  };
}

/** A new plan on the simulated lab `name` (discovery fills the servers in later). */
export function labPlan(name: string, base: Plan = emptyPlan()): Plan {
  return onLab(base, name);
}
