// Restore: a lost or damaged seed host gets its control state back from a backup. Nothing is
// written until the whole backup checks out (manifest and every checksum), no Ironic whose
// database comes back is running, and no present file would be overwritten unasked.
import { copyFileSync, chmodSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { CliError } from '../command.js';
import { FILE_KINDS, sha256File, verifyBackup, type FileEntry, type Manifest } from './manifest.js';

export interface Restored {
  entry: FileEntry;
  to: string;
  /** `restored`: written; `unchanged`: already there with the same content. */
  outcome: 'restored' | 'unchanged';
  /** The file that was there before, kept under this name (with --replace). */
  keptAs?: string;
}

/** What can be restored on its own: cloudseed's files, the answers file (with the password files it names), one Ironic's database. */
export const RESTORE_PARTS = ['state', 'answers', 'seed', 'undercloud'] as const;
export type RestorePart = (typeof RESTORE_PARTS)[number];

export function partOf(entry: FileEntry): RestorePart {
  if (entry.kind === 'ironic-db') return entry.tier ?? 'seed';
  return entry.kind === 'answers' || entry.kind === 'secret' ? 'answers' : 'state';
}

export interface RestoreOptions {
  dir: string;
  stateDir: string;
  /** Restore over present files that differ (each is kept aside first). */
  replace?: boolean;
  /** Only these parts (all when absent): one Ironic lost, the other still running. */
  only?: ReadonlySet<RestorePart>;
  now?: Date;
  /** Whether an Ironic answers at `url` (a running one must not have its database replaced). */
  ironicRunning?: (url: string) => Promise<boolean>;
}

/** An Ironic API answers at `url` (any HTTP answer counts). */
export async function ironicAnswers(url: string): Promise<boolean> {
  try {
    await fetch(`${url.replace(/\/+$/, '')}/v1`, { signal: AbortSignal.timeout(1_500) });
    return true;
  } catch {
    return false;
  }
}

const SAFE_RELATIVE = /^(?![\\/])(?!.*(^|[\\/])\.\.([\\/]|$)).+$/;

/** Where an entry goes back to; a manifest that points outside the state dir is refused. */
function target(entry: FileEntry, stateDir: string): string {
  if (entry.where === 'state-dir') {
    if (!SAFE_RELATIVE.test(entry.restoreTo)) throw new CliError(`the manifest sends ${entry.path} outside the state directory (${entry.restoreTo}): refusing this backup`, 1);
    return join(stateDir, entry.restoreTo);
  }
  if (!isAbsolute(entry.restoreTo)) throw new CliError(`the manifest gives ${entry.path} a relative place on this host (${entry.restoreTo}): refusing this backup`, 1);
  return entry.restoreTo;
}

/** SQLite's files beside a database: a stale one would be replayed onto the restored database. */
function sqliteSiblings(db: string): string[] {
  return ['-journal', '-wal', '-shm'].map((s) => db + s).filter((f) => existsSync(f));
}

function aside(file: string, stamp: string): string {
  const to = `${file}.before-restore-${stamp}`;
  renameSync(file, to);
  return to;
}

/** Checks the backup and where it goes, then writes it; throws a CliError saying why nothing was written. */
export async function restoreBackup(opts: RestoreOptions): Promise<{ manifest: Manifest; files: Restored[] }> {
  const { manifest, problems } = await verifyBackup(opts.dir);
  if (!manifest || problems.length) {
    throw new CliError(`the backup ${opts.dir} is damaged, nothing was restored:\n  ${problems.join('\n  ')}\nrestore from another backup`, 1);
  }
  const chosen = manifest.files.filter((f) => !opts.only || opts.only.has(partOf(f)));
  if (!chosen.length) throw new CliError(`the backup ${opts.dir} holds nothing of ${[...(opts.only ?? [])].join(', ')}; it holds ${[...new Set(manifest.files.map(partOf))].join(', ')}`, 1);
  const plan = await Promise.all(
    chosen.map(async (entry) => {
      const to = target(entry, opts.stateDir);
      const present = existsSync(to) ? await sha256File(to) : undefined;
      return { entry, to, present };
    }),
  );

  const running = opts.ironicRunning ?? ironicAnswers;
  for (const { entry } of plan) {
    if (entry.kind === 'ironic-db' && entry.ironicUrl && (await running(entry.ironicUrl))) {
      throw new CliError(`the ${entry.tier}'s Ironic at ${entry.ironicUrl} is running: stop it before its database is restored (it would overwrite or lose what is restored), then run restore again; nothing was restored`, 1);
    }
  }
  const conflicts = plan.filter((p) => p.present !== undefined && p.present !== p.entry.sha256);
  if (conflicts.length && !opts.replace) {
    throw new CliError(
      `these files exist and differ from the backup, nothing was restored:\n  ${conflicts.map((c) => `${c.to} (${FILE_KINDS[c.entry.kind]})`).join('\n  ')}\nadd --replace to restore anyway (each present file is kept as FILE.before-restore-TIME)`,
      1,
    );
  }

  const stamp = (opts.now ?? new Date()).toISOString().replace(/[:.]/g, '-');
  const files: Restored[] = [];
  for (const { entry, to, present } of plan) {
    if (present === entry.sha256) {
      files.push({ entry, to, outcome: 'unchanged' });
      continue;
    }
    mkdirSync(dirname(to), { recursive: true, mode: 0o700 });
    const temp = join(dirname(to), `.${basename(to)}.restore-${process.pid}.tmp`);
    try {
      copyFileSync(join(opts.dir, entry.path), temp);
      chmodSync(temp, 0o600);
      const keptAs = present !== undefined ? aside(to, stamp) : undefined;
      if (entry.kind === 'ironic-db') for (const f of sqliteSiblings(to)) aside(f, stamp);
      renameSync(temp, to);
      files.push({ entry, to, outcome: 'restored', ...(keptAs ? { keptAs } : {}) });
    } catch (e) {
      rmSync(temp, { force: true });
      const done = files.filter((f) => f.outcome === 'restored').map((f) => f.to);
      throw new CliError(`cannot restore ${to}: ${(e as Error).message}${done.length ? ` (already restored: ${done.join(', ')})` : ''}`, 1);
    }
  }
  return { manifest, files };
}
