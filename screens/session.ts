// The shell's view of the state store: the saved plan and where the person was. Stands in
// for src/store's StateStore until it lands (then this file adapts it, nothing else changes).
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { emptyPlan, PlanSchema, type Plan } from '../src/plan/schema.js';
import type { ScreenId } from './types.js';

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
  const file = join(dir, 'session.json');
  let notice: string | undefined;
  return {
    dir,
    get notice() {
      return notice;
    },
    load() {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        return undefined;
      }
      try {
        const raw = JSON.parse(text) as { plan: unknown; screen: ScreenId; updatedAt: string };
        return { plan: PlanSchema.parse(raw.plan), screen: raw.screen, updatedAt: raw.updatedAt };
      } catch {
        const aside = `${file}.corrupt-${Date.now()}`;
        renameSync(file, aside);
        notice = `The saved session was unreadable; it was kept as ${aside}.`;
        return undefined;
      }
    },
    save(plan, screen) {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const temp = `${file}.${process.pid}.tmp`;
      writeFileSync(temp, JSON.stringify({ plan, screen, updatedAt: new Date().toISOString() }), { mode: 0o600 });
      renameSync(temp, file);
    },
  };
}

/** A new plan on the simulated lab `name` (discovery fills the servers in later). */
export function labPlan(name: string, base: Plan = emptyPlan()): Plan {
  return { ...base, driver: 'sim', sim: { lab: name, speed: base.sim?.speed ?? 60, seed: base.sim?.seed ?? 1, faults: base.sim?.faults ?? [] } };
}
