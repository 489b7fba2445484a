import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    // Debian packages installed once, and this run's loopback octet claimed, before any worker starts.
    globalSetup: ['test/global-setup.ts'],
    // Waits that hold under load (test/setup.ts).
    setupFiles: ['test/setup.ts'],
    // ink-testing-library returns an empty last frame when CI=true (see shared/reference/ink-notes.md).
    env: { CI: 'false', FORCE_COLOR: '0' },
    testTimeout: 30_000,
    // A lab's beforeAll starts Ironics and BMCs: minutes on a loaded machine.
    hookTimeout: 300_000,
    pool: 'forks',
  },
});
