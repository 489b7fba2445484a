// The deploy lock: one cloudseed deploys from a state directory at a time. The lock file
// names its holder (pid, host, since when, what it does); a lock whose process is gone is
// stale and taken over, with a note saying so.
import { hostname } from 'node:os';
import { linkSync, lstatSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CliError } from '../command.js';
import { fsProblem } from './fs-problem.js';

export interface LockHolder {
  pid: number;
  host: string;
  since: string;
  purpose: string;
}

export class LockHeldError extends Error {
  override name = 'LockHeldError';
  constructor(readonly holder: LockHolder) {
    super(
      `another cloudseed (pid ${holder.pid} on ${holder.host}, ${holder.purpose} since ${holder.since}) holds this state directory -- wait for it to finish or stop it`,
    );
  }
}

export interface Lock {
  path: string;
  /** Set when a stale lock was taken over: say so to the person. */
  note?: string;
  release(): void;
}

export function lockPath(stateDir: string): string {
  return join(stateDir, 'deploy.lock');
}

/** A process with this PID runs on this host (EPERM: it exists but belongs to someone else). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Its process still runs (on this host; another host's cannot be checked and counts as running). */
function running(holder: LockHolder): boolean {
  return holder.host !== hostname() || alive(holder.pid);
}

/** The lock's holder when its process still runs. */
export function liveHolder(stateDir: string): LockHolder | undefined {
  const holder = readLock(stateDir);
  return holder && running(holder) ? holder : undefined;
}

export function readLock(stateDir: string): LockHolder | undefined {
  try {
    return JSON.parse(readFileSync(lockPath(stateDir), 'utf8')) as LockHolder;
  } catch {
    return undefined;
  }
}

/**
 * Takes the lock or throws LockHeldError. The lock file appears atomically with its
 * content (written aside, then hard-linked into place, which fails if one exists).
 */
export function acquireLock(stateDir: string, purpose = 'deploying'): Lock {
  const path = lockPath(stateDir);
  const me: LockHolder = { pid: process.pid, host: hostname(), since: new Date().toISOString(), purpose };
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    writeFileSync(tmp, JSON.stringify(me) + '\n', { mode: 0o600 });
  } catch (e) {
    throw new CliError(`cannot take the deploy lock: ${fsProblem(e, stateDir)}`);
  }
  let note: string | undefined;
  try {
    for (let tries = 0; ; tries++) {
      try {
        linkSync(tmp, path);
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || tries > 3) throw new CliError(`cannot take the deploy lock: ${fsProblem(e, path)}`);
      }
      // Only a file is ever a lock: anything else at its place is left exactly as it is.
      const found = lstatSync(path, { throwIfNoEntry: false });
      if (found && !found.isFile()) {
        throw new CliError(`cannot take the deploy lock: ${fsProblem(Object.assign(new Error('not a file'), { code: 'EISDIR' }), path)}`);
      }
      const holder = readLock(stateDir);
      if (holder && running(holder)) throw new LockHeldError(holder);
      // Stale (its process is gone) or unreadable: move it aside and try again. Renaming
      // only succeeds for one of two racing takers; the other then finds the new lock.
      const stale = `${path}.stale.${process.pid}`;
      try {
        renameSync(path, stale);
      } catch {
        continue;
      }
      let moved: LockHolder | undefined;
      try {
        moved = JSON.parse(readFileSync(stale, 'utf8')) as LockHolder;
      } catch {
        /* unreadable: it was the stale one */
      }
      if (moved && holder && moved.pid !== holder.pid && alive(moved.pid)) {
        // Another taker won the race between our read and our rename: put its lock back.
        try {
          linkSync(stale, path);
        } catch {
          /* a third one took it */
        }
        unlinkSync(stale);
        throw new LockHeldError(moved);
      }
      unlinkSync(stale);
      note = holder
        ? `took over a stale lock from pid ${holder.pid} (${holder.purpose} since ${holder.since}), which is no longer running`
        : 'took over an unreadable lock file';
    }
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      /* already gone */
    }
  }
  let released = false;
  return {
    path,
    note,
    release() {
      if (released) return;
      released = true;
      const holder = readLock(stateDir);
      if (holder?.pid === process.pid) unlinkSync(path);
    },
  };
}
