// Taking a backup where the plan says (or where `--to` says): the one way the deployment's
// backup steps and `cloudseed backup` write one, check it, copy it to another host, keep the
// last N of the cloud there and record it for `status`. External commands (ssh, scp) go
// through `run`, so a deployment step plays them in the world it runs in.
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { basename, join, posix, resolve } from 'node:path';
import { CliError } from '../command.js';
import type { Plan } from '../plan/schema.js';
import { backupSources, isBackupOf, writeBackup } from './backup.js';
import { recordBackup } from './history.js';
import { verifyBackup, type BackupTier, type Manifest } from './manifest.js';
import { listCommand, parsePlace, placeProblem, pushCommands, remoteText, removeCommand, verifyCommand, type RemotePlace } from './remote.js';

/** Backups of one cloud kept at its place when the plan does not say. */
export const DEFAULT_KEEP = 10;
/** A backup for another host is built here first; a push cut short leaves it, the next backup removes it. */
export const STAGING_DIR = 'backup-staging';

export interface BackupPlace {
  /** As a person writes it: /srv/backups, backup@vault:/srv/backups. */
  text: string;
  local?: string;
  remote?: RemotePlace;
  /** Backups of the cloud kept there. */
  keep: number;
}

/**
 * Where backups go: `to` (with its ssh options), else the plan's `backups.to`, else `backups`
 * in the state directory. Throws a UsageError naming what is wrong with the place.
 */
export function backupPlace(plan: Plan | undefined, stateDir: string, to?: { text: string; port?: number; identityFile?: string }): BackupPlace {
  const settings = plan?.backups;
  const keep = settings?.keep ?? DEFAULT_KEEP;
  const text = to?.text ?? settings?.to ?? join(stateDir, 'backups');
  const remote = parsePlace(text, to ? { port: to.port, identityFile: to.identityFile } : { port: settings?.sshPort, identityFile: settings?.sshIdentity });
  if (remote) return { text: remoteText(remote), remote, keep };
  return { text: resolve(text), local: resolve(text), keep };
}

/** What `cloudseed plan` says about backups (a dry run: nothing is written). */
export function plannedBackups(plan: Plan, stateDir: string): { to: string; keep: number } | { problem: string } {
  const problem = plan.backups?.to ? placeProblem(plan.backups.to) : undefined;
  if (problem) return { problem };
  const place = backupPlace(plan, stateDir);
  return { to: place.text, keep: place.keep };
}

/** Runs one external command (argument array); resolves with its output lines, throws on failure. */
export type RunCommand = (argv: string[]) => Promise<string[]>;

export interface TakeOptions {
  stateDir: string;
  plan?: Plan;
  deployedAt?: string;
  answersFile?: string;
  place: BackupPlace;
  /** The tier just finished (the deployment's backup steps). */
  after?: BackupTier;
  run: RunCommand;
  /** Remove the cloud's backups there beyond `place.keep`. */
  prune: boolean;
  log?(line: string): void;
}

export interface Taken {
  /** Where the backup now is: a folder here, or USER@HOST:/DIR/NAME. */
  where: string;
  manifest: Manifest;
  bytes: number;
  /** Older backups of the cloud removed to keep the last N. */
  removed: string[];
}

/** Whole backups of `cloud` among `names`, oldest first. */
function backupsOf(names: string[], cloud: string | undefined): string[] {
  return names.filter((n) => isBackupOf(n, cloud)).sort();
}

/** Folders a backup cut short left (`NAME.partial` here, `.NAME.partial` there) of `cloud`. */
function partialsOf(names: string[], cloud: string | undefined): string[] {
  return names.filter((n) => /\.partial$/.test(n) && isBackupOf(n.replace(/^\./, '').replace(/\.partial$/, ''), cloud));
}

/** Removes what a cut-short backup of the cloud left, and its backups beyond `keep`. */
async function prune(place: BackupPlace, cloud: string | undefined, run: RunCommand): Promise<string[]> {
  const names = place.local ? (existsSync(place.local) ? readdirSync(place.local) : []) : (await run(listCommand(place.remote!))).map((l) => l.trim());
  const whole = backupsOf(names, cloud);
  const old = whole.slice(0, Math.max(0, whole.length - place.keep));
  const gone = [...old, ...partialsOf(names, cloud)];
  if (!gone.length) return old;
  if (place.local) for (const n of gone) rmSync(join(place.local, n), { recursive: true, force: true });
  else await run(removeCommand(place.remote!, gone));
  return old;
}

/** Writes, checks and (for another host) copies one backup; then keeps the last N and records it. */
export async function takeBackup(o: TakeOptions): Promise<Taken> {
  const sources = backupSources(o.stateDir, o.plan, o.answersFile);
  if (!sources.length) throw new CliError(`nothing to back up in ${o.stateDir}: no saved plan, journal or deployed cloud (is --state-dir right?)`, 1);
  const cloud = o.plan?.name;
  const staging = join(o.stateDir, STAGING_DIR);
  rmSync(staging, { recursive: true, force: true });
  const written = await writeBackup({
    parent: o.place.local ?? staging,
    sources,
    stateDir: o.stateDir,
    plan: o.plan ? { name: o.plan.name, deployedAt: o.deployedAt } : undefined,
    after: o.after,
  });
  const bytes = written.manifest.files.reduce((n, f) => n + f.bytes, 0);
  let where = written.dir;
  try {
    // Read back before it counts as a backup: a disk that lies is found now, not at restore.
    const { problems } = await verifyBackup(written.dir);
    if (problems.length) throw new CliError(`the backup ${written.dir} does not read back as written: ${problems.join('; ')}`, 1);
    if (o.place.remote) {
      for (const c of pushCommands(written.dir, o.place.remote)) {
        o.log?.(`$ ${c.argv.join(' ')}`);
        await o.run(c.argv);
      }
      where = remoteText({ ...o.place.remote, path: posix.join(o.place.remote.path, basename(written.dir)) });
    }
  } catch (e) {
    if (!o.place.remote) rmSync(written.dir, { recursive: true, force: true });
    throw e;
  } finally {
    if (o.place.remote) rmSync(staging, { recursive: true, force: true });
  }
  const removed = o.prune ? await prune(o.place, cloud, o.run) : [];
  for (const r of removed) o.log?.(`removed the older backup ${r} (keeping the last ${o.place.keep})`);
  recordBackup(o.stateDir, { at: written.manifest.createdAt, where, ...(cloud ? { cloud } : {}), ...(o.after ? { after: o.after } : {}), files: written.manifest.files.length, bytes, verified: true });
  return { where, manifest: written.manifest, bytes, removed };
}

export interface Listed {
  name: string;
  /** `whole`, or what is wrong. */
  check: string;
  ok: boolean;
  manifest?: Manifest;
}

/** Every backup folder at the place (any cloud), oldest first, each checked against its checksums. */
export async function listBackups(place: BackupPlace, run: RunCommand): Promise<Listed[]> {
  if (place.local) {
    if (!existsSync(place.local)) return [];
    const names = readdirSync(place.local)
      .filter((n) => /^cloudseed-backup-/.test(n) && !n.endsWith('.partial') && statSync(join(place.local!, n)).isDirectory())
      .sort();
    return Promise.all(
      names.map(async (name) => {
        const { manifest, problems } = await verifyBackup(join(place.local!, name));
        return { name, manifest, ok: !problems.length, check: problems.length ? problems.join('; ') : 'whole' };
      }),
    );
  }
  const remote = place.remote!;
  const names = (await run(listCommand(remote))).map((l) => l.trim()).filter((n) => /^cloudseed-backup-/.test(n) && !n.endsWith('.partial')).sort();
  const out: Listed[] = [];
  for (const name of names) {
    try {
      await run(verifyCommand(remote.target, posix.join(remote.path, name)));
      out.push({ name, ok: true, check: `whole (checked on ${remote.target.host})` });
    } catch (e) {
      out.push({ name, ok: false, check: (e as Error).message.split('\n')[0] });
    }
  }
  return out;
}
