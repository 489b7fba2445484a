// Opens the wizard: renders <App> with Ink and resolves with the exit code once it has
// exited (the app exits from one effect, after its last frame). The first frame comes
// before the rest of cloudseed is loaded: the screens after Welcome, the plan modules and,
// when nothing is saved yet, the state store load just after it (screens/lazy.ts).
import React from 'react';
import { closeSync, existsSync } from 'node:fs';
import { render } from 'ink';
import type { TuiOptions } from '../src/cli-core.js';
import { join } from 'node:path';
import { DEPLOYED_FILE, stateFile } from '../src/store/paths.js';
import { App } from './app.js';
import { screens } from './index.js';
import { loadLater, loadScreen, needLater } from './lazy.js';
import type { SessionStore } from './session.js';

export async function openTui(options: TuiOptions): Promise<number> {
  const { ascii, color, skipChecks, stateDir, labName, signal, command, sim } = options;
  let code = 0;
  const hangUp = terminalGone(signal);
  const instance = render(
    <App ui={{ ascii, color, skipChecks, stateDir }} store={await sessionStore(stateDir)} labName={labName} sim={sim} command={command} signal={hangUp.signal} onExit={(c) => (code = c)} deployed={existsSync(join(stateDir, DEPLOYED_FILE))} />,
    {
      exitOnCtrlC: false,
      // Stray console output goes above the live area instead of tearing it.
      patchConsole: true,
      maxFps: 30,
      // Off: Ink 6.8.0's incremental mode writes a changed line one row too low in a real
      // terminal (tmux: a 5-line frame with its 4th line changed overwrites the 5th).
      incrementalRendering: false,
    },
  );
  // Welcome is on screen: load the rest in the background, so that moving on is instant.
  setTimeout(() => {
    loadLater()
      .then(async () => {
        for (const entry of screens) await loadScreen(entry);
      })
      .catch(() => {
        // The shell says so if the person goes to a screen that cannot be loaded.
      });
  }, 0);
  await instance.waitUntilExit();
  return hangUp.gone() ? hangUp.leave() : code;
}

/**
 * A hung-up terminal (SSH dropped, window closed): SIGHUP, then every write or read fails
 * with EIO. The shell saves on the abort signal and exits; nothing is printed, as nobody
 * can read it, and no write error becomes a stack trace.
 */
function terminalGone(signal: AbortSignal): { signal: AbortSignal; gone(): boolean; leave(): number } {
  const stop = new AbortController();
  let gone = false;
  const forward = () => {
    if ((signal.reason as Error | undefined)?.message?.includes('SIGHUP')) gone = true;
    stop.abort(signal.reason);
  };
  if (signal.aborted) forward();
  else signal.addEventListener('abort', forward, { once: true });
  const onError = (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EIO' && e.code !== 'EPIPE' && e.code !== 'EBADF') throw e;
    gone = true;
    stop.abort(e);
  };
  for (const stream of [process.stdin, process.stdout, process.stderr]) stream.on('error', onError);
  return {
    signal: stop.signal,
    gone: () => gone,
    leave() {
      // Node restores the terminal's modes as it exits and aborts (a native assertion) when
      // the terminal is gone: closed descriptors are skipped.
      for (const fd of [0, 1, 2]) {
        try {
          closeSync(fd);
        } catch {
          /* already closed */
        }
      }
      return 129;
    },
  };
}

/**
 * A saved session is read before the first frame (Welcome offers to resume it). Without a
 * state file there is nothing to read: the store (conf, zod) opens on the first save.
 */
async function sessionStore(stateDir: string): Promise<SessionStore> {
  if (existsSync(stateFile(stateDir))) return (await import('./session.js')).openSessionStore(stateDir);
  let store: SessionStore | undefined;
  return {
    dir: stateDir,
    load: () => undefined,
    // The first save comes after a session began, which needs ./later.ts loaded.
    save: (plan, screen) => (store ??= needLater().openSessionStore(stateDir)).save(plan, screen),
  };
}
