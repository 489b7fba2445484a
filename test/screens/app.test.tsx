import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { KEY, renderApp, tempStateDir, widestLine } from './helpers.js';

let state: ReturnType<typeof tempStateDir>;
beforeEach(() => {
  state = tempStateDir();
});
afterEach(() => state.remove());

describe('the wizard shell', () => {
  it('opens on Welcome with the three tiers, the step and the help bar', async () => {
    const { lastFrame, unmount } = renderApp(state.dir);
    await vi.waitFor(() => expect(lastFrame()).toContain('Start a new installation'));
    const frame = lastFrame()!;
    expect(frame).toMatch(/1\/\d Welcome/);
    expect(frame.split('\n').length).toBeLessThan(24);
    expect(frame).toContain('Seed');
    expect(frame).toContain('Undercloud');
    expect(frame).toContain('Overcloud');
    expect(frame).toContain('? help');
    expect(widestLine(frame)).toBeLessThanOrEqual(80);
    console.log(frame);
    unmount();
  });
});
