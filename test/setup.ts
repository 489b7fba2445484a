// Every test file: vi.waitFor polls for the state a test needs, and its 1 s default is shorter
// than a screen takes to render on a loaded 2-core machine (seen: a second `npm test` beside
// this one). Waits end as soon as the state is there, so a long bound costs nothing when it
// passes and still fails a test whose state never comes (a lost key, a wrong frame).
import { vi } from 'vitest';

const waitFor = vi.waitFor;
const WAIT = { timeout: 20_000, interval: 20 };

vi.waitFor = ((callback, options) =>
  waitFor(callback, typeof options === 'number' ? { ...WAIT, timeout: Math.max(options, WAIT.timeout) } : { ...WAIT, ...options, timeout: Math.max(options?.timeout ?? 0, WAIT.timeout) })) as typeof vi.waitFor;
