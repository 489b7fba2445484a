// Opens the wizard: renders <App> with Ink and resolves with the exit code once it has
// exited (the app exits from one effect, after its last frame).
import React from 'react';
import { render } from 'ink';
import type { TuiOptions } from '../src/cli-core.js';
import { App } from './app.js';
import { openSessionStore } from './session.js';

export async function openTui(options: TuiOptions): Promise<number> {
  const { ascii, color, skipChecks, stateDir, labName, signal } = options;
  let code = 0;
  const instance = render(
    <App ui={{ ascii, color, skipChecks, stateDir }} store={openSessionStore(stateDir)} labName={labName} signal={signal} onExit={(c) => (code = c)} />,
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
  await instance.waitUntilExit();
  return code;
}
