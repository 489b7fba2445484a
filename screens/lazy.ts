// Loading on use, so the first frame (Welcome) comes sooner: a screen after Welcome is a
// chunk of the bundle loaded when the shell first goes to it (or in the background once
// Welcome is drawn), and so is `later` (./later.ts: the schema, rules, labs, state store).
// The shell shows a screen only once its module and `later` are both loaded.
import type { ScreenDef, ScreenId } from './types.js';

/** A screen whose module is loaded on first use; its id is known at once. */
export interface LazyScreen {
  id: ScreenId;
  load(): Promise<ScreenDef>;
  /** Set once loaded. */
  loaded?: ScreenDef;
}

/** An entry of the screen list: a screen already imported, or one loaded on use. */
export type ScreenEntry = ScreenDef | LazyScreen;

/** `lazyScreen('host', () => import('./host.js').then((m) => m.host))` */
export function lazyScreen(id: ScreenId, load: () => Promise<ScreenDef>): LazyScreen {
  let pending: Promise<ScreenDef> | undefined;
  const entry: LazyScreen = {
    id,
    load: () =>
      (pending ??= load().then(
        (def) => (entry.loaded = def),
        (e: unknown) => {
          pending = undefined; // a later visit tries again
          throw e;
        },
      )),
  };
  return entry;
}

function isLazy(entry: ScreenEntry): entry is LazyScreen {
  return !('component' in entry);
}

/** The screen when it can be shown now; undefined while its module is still to load. */
export function loadedScreen(entry: ScreenEntry): ScreenDef | undefined {
  return isLazy(entry) ? entry.loaded : entry;
}

export function loadScreen(entry: ScreenEntry): Promise<ScreenDef> {
  return isLazy(entry) ? entry.load() : Promise.resolve(entry);
}

export type Later = typeof import('./later.js');
let later: Later | undefined;
let laterPending: Promise<Later> | undefined;

/** Loads ./later.ts once. */
export function loadLater(): Promise<Later> {
  return (laterPending ??= import('./later.js').then(
    (m) => (later = m),
    (e: unknown) => {
      laterPending = undefined;
      throw e;
    },
  ));
}

/** ./later.ts when loaded, else undefined. */
export function laterNow(): Later | undefined {
  return later;
}

/** ./later.ts, for code that runs only after it was loaded (any screen but Welcome's first frame). */
export function needLater(): Later {
  if (!later) throw new Error('internal: the plan modules are used before they were loaded (screens/lazy.ts)');
  return later;
}
