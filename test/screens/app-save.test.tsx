// Saving can fail (a read-only state dir, a file where the folder was): the shell then never
// says "The plan is saved" -- neither in the quit question nor in its goodbye.
import React from 'react';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Text } from 'ink';
import type { ScreenDef } from '../../screens/types.js';
import { welcome } from '../../screens/welcome.js';
import { KEY, renderApp, tempStateDir } from './helpers.js';

let state: ReturnType<typeof tempStateDir>;
beforeEach(() => {
  state = tempStateDir();
});
afterEach(() => state.remove());

const plain: ScreenDef = { id: 'host', title: 'Plain', component: () => <Text>plain screen</Text>, keys: [], help: '' };
const other: ScreenDef = { id: 'servers', title: 'Other', component: () => <Text>other screen</Text>, keys: [], help: '' };

describe('the shell when the plan cannot be saved', () => {
  it('quit and goodbye say the plan could not be saved, and why', async () => {
    const { lastFrame, stdin, exits, unmount } = renderApp(state.dir, { screens: [welcome, plain, other] });
    await vi.waitFor(() => expect(lastFrame()).toContain('Start a new installation'), { timeout: 10_000 });
    stdin.write(KEY.enter);
    await vi.waitFor(() => expect(lastFrame()).toContain('plain screen'), { timeout: 10_000 });
    // The state dir becomes a file: every save from here fails, as on a read-only disk.
    rmSync(state.dir, { recursive: true, force: true });
    writeFileSync(state.dir, 'not a folder');
    stdin.write(KEY.right);
    await vi.waitFor(() => expect(lastFrame()).toContain('Could not save the plan'), { timeout: 10_000 });
    stdin.write('q');
    await vi.waitFor(() => expect(lastFrame()).toContain('Quit? The plan could NOT be saved (see above): it is lost. y/n'), { timeout: 10_000 });
    stdin.write('y');
    await vi.waitFor(() => expect(exits).toEqual([0]), { timeout: 10_000 });
    expect(lastFrame()).toContain(`The plan could not be saved in ${state.dir}`);
    expect(lastFrame()).not.toContain('The plan is saved');
    unmount();
    rmSync(state.dir, { force: true });
    mkdirSync(state.dir);
  });
});
