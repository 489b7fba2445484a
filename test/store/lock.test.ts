import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { acquireLock, LockHeldError, lockPath, readLock } from '../../src/store/lock.js';
import { stateDir } from '../deploy/helpers.js';

describe('deploy lock', () => {
  it('refuses a second holder and says which process holds it since when', async () => {
    const dir = stateDir();
    // Another process takes the lock and keeps it.
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', `import('${process.cwd()}/src/store/lock.ts').then(m => { m.acquireLock(${JSON.stringify(dir)}, 'deploying overcloud'); console.log('held'); setInterval(() => {}, 1000); })`], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await new Promise<void>((resolve) => child.stdout!.on('data', (d: Buffer) => d.toString().includes('held') && resolve()));
      let error: unknown;
      try {
        acquireLock(dir);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(LockHeldError);
      expect((error as Error).message).toContain(`pid ${child.pid}`);
      expect((error as Error).message).toMatch(/deploying overcloud since \d{4}-\d\d-\d\dT/);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('takes over a stale lock (its process is gone) with a note, and releases it', () => {
    const dir = stateDir();
    writeFileSync(lockPath(dir), JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname(), since: '2026-11-25T10:00:00.000Z', purpose: 'deploying overcloud' }));
    const lock = acquireLock(dir);
    expect(lock.note).toContain('stale lock from pid 4206649');
    expect(readLock(dir)?.pid).toBe(process.pid);
    lock.release();
    expect(readLock(dir)).toBeUndefined();
    // Free again.
    acquireLock(dir).release();
  });

  it("never takes over another host's lock: its process cannot be checked from here", () => {
    const dir = stateDir();
    writeFileSync(lockPath(dir), JSON.stringify({ pid: 2 ** 22 + 12345, host: `not-${hostname()}`, since: '2026-11-25T10:00:00.000Z', purpose: 'deploying overcloud' }));
    expect(() => acquireLock(dir)).toThrow(LockHeldError);
    expect(readLock(dir)?.host).toBe(`not-${hostname()}`);
  });
});
