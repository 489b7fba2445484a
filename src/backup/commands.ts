// `cloudseed backup` and `cloudseed restore`: the control tiers' state (what a lost seed host
// needs to manage the cloud again) into a folder here or on another host, and back.
import { resolve } from 'node:path';
import { CliError, UsageError, type Command, type CommandContext } from '../command.js';
import type { Plan } from '../plan/schema.js';
import { readDeployed } from '../store/deployed.js';
import { acquireLock, LockHeldError, type Lock } from '../store/lock.js';
import { StateStore } from '../store/state.js';
import { recordBackup, size } from './history.js';
import { backupWhen, FILE_KINDS } from './manifest.js';
import { fetchBackup, parsePlace, remoteText, runCommand } from './remote.js';
import { RESTORE_PARTS, restoreBackup, type RestorePart } from './restore.js';
import { backupPlace, listBackups, takeBackup, type BackupPlace } from './take.js';

const sshOptions = { 'ssh-port': { type: 'string' }, 'ssh-identity': { type: 'string' } } as const;

function sshFlags(ctx: CommandContext): { port?: number; identityFile?: string } {
  const port = ctx.flags['ssh-port'];
  const identity = ctx.flags['ssh-identity'];
  const n = Number(port);
  if (port !== undefined && (typeof port !== 'string' || !Number.isInteger(n) || n < 1 || n > 65535)) throw new UsageError(`--ssh-port takes a port number (1-65535), not "${String(port)}"`);
  if (identity !== undefined && (typeof identity !== 'string' || !identity || identity.startsWith('-'))) throw new UsageError('--ssh-identity takes the path of a private key file');
  return { ...(port !== undefined ? { port: n } : {}), ...(typeof identity === 'string' ? { identityFile: identity } : {}) };
}

function lock(ctx: CommandContext, purpose: string): Lock {
  try {
    return acquireLock(ctx.stateDir, purpose);
  } catch (e) {
    if (e instanceof LockHeldError) throw new CliError(e.message, 1);
    throw e;
  }
}

/** The plan whose state is backed up: the deployed one, else the one being edited (it still names the Ironics). */
function currentPlan(stateDir: string) {
  const deployed = readDeployed(stateDir);
  const record = 'record' in deployed ? deployed.record : undefined;
  return { plan: record?.plan ?? StateStore.open(stateDir).saved()?.plan, deployedAt: record?.deployedAt };
}

function placeOf(ctx: CommandContext, plan: Plan | undefined): BackupPlace {
  const to = ctx.flags.to;
  if (to !== undefined && (typeof to !== 'string' || !to)) throw new UsageError(`--to takes a folder or USER@HOST:/DIR: ${backupUsage}`);
  return backupPlace(plan, ctx.stateDir, typeof to === 'string' ? { text: to, ...sshFlags(ctx) } : undefined);
}

async function list(ctx: CommandContext, plan: Plan | undefined): Promise<number> {
  const place = placeOf(ctx, plan);
  const listed = await listBackups(place, (argv) => runCommand(argv, ctx.signal));
  if (ctx.json) {
    ctx.out(JSON.stringify({ place: place.text, backups: listed.map((b) => ({ name: b.name, ok: b.ok, check: b.check, createdAt: b.manifest?.createdAt, cloud: b.manifest?.cloud, after: b.manifest?.after })) }));
    return listed.every((b) => b.ok) ? 0 : 1;
  }
  if (!listed.length) ctx.out(`no backups in ${place.text}`);
  else ctx.out(`backups in ${place.text}${plan && ctx.flags.to === undefined ? ` (the plan keeps the last ${place.keep} of "${plan.name}")` : ''}:`);
  for (const b of listed) {
    const m = b.manifest;
    const what = m ? `  ${m.after ? backupWhen(m.after) : 'on demand'}, ${m.files.length} files, ${size(m.files.reduce((n, f) => n + f.bytes, 0))}` : '';
    ctx.out(`  ${b.name}${what}: ${b.ok ? b.check : `DAMAGED: ${b.check}`}`);
  }
  return listed.every((b) => b.ok) ? 0 : 1;
}

const backupUsage = 'cloudseed backup [--to DIR|USER@HOST:/DIR] [--list] [--answers FILE] [--ssh-port N] [--ssh-identity FILE] [--json]';
const backupCommand: Command = {
  name: 'backup',
  summary: 'back up the seed and undercloud state (Ironic databases, plan, journal, exports) with checksums; --list checks them',
  usage: backupUsage,
  options: { to: { type: 'string' }, list: { type: 'boolean' }, answers: { type: 'string' }, ...sshOptions },
  async run(ctx) {
    if (ctx.args.length) throw new UsageError(`backup takes no arguments (say where with --to): ${backupUsage}`);
    const answers = typeof ctx.flags.answers === 'string' ? ctx.flags.answers : undefined;
    const { plan, deployedAt } = currentPlan(ctx.stateDir);
    if (ctx.flags.list === true) return list(ctx, plan);
    const place = placeOf(ctx, plan);
    const held = lock(ctx, 'backing up');
    try {
      // The plan's own place keeps its last N; a folder named with --to is left as it is.
      const taken = await takeBackup({ stateDir: ctx.stateDir, plan, deployedAt, answersFile: answers, place, run: (argv) => runCommand(argv, ctx.signal), prune: ctx.flags.to === undefined });
      const { manifest } = taken;
      if (ctx.json) ctx.out(JSON.stringify({ backup: taken.where, manifest, removed: taken.removed }));
      else {
        for (const f of manifest.files) ctx.out(`  ${f.path}  ${FILE_KINDS[f.kind]}${f.tier ? ` (${f.tier})` : ''}, ${size(f.bytes)}`);
        if (!plan?.seed.ironic?.database && !plan?.undercloud.ironic?.database) ctx.out('  no Ironic database: the plan names none (seed.ironic.database, undercloud.ironic.database)');
        for (const r of taken.removed) ctx.out(`  removed the older backup ${r} (keeping the last ${place.keep})`);
        ctx.out(`backup: ${taken.where} (${manifest.files.length} files, ${size(taken.bytes)}; manifest.json and SHA256SUMS, verified)`);
        ctx.out(`restore with: cloudseed restore ${taken.where}`);
      }
      return 0;
    } finally {
      held.release();
    }
  },
};

/** `--only seed,undercloud` → the parts to restore. */
function parseOnly(value: unknown): Set<RestorePart> | undefined {
  if (value === undefined) return undefined;
  const parts = String(value).split(',').map((p) => p.trim()).filter(Boolean);
  const wrong = parts.filter((p) => !(RESTORE_PARTS as readonly string[]).includes(p));
  if (typeof value !== 'string' || !parts.length || wrong.length) throw new UsageError(`--only takes some of ${RESTORE_PARTS.join(', ')} (comma-separated)${wrong.length ? `, not "${wrong.join(', ')}"` : ''}`);
  return new Set(parts as RestorePart[]);
}

const restoreUsage = 'cloudseed restore BACKUP|USER@HOST:/BACKUP [--only state,answers,seed,undercloud] [--replace] [--ssh-port N] [--ssh-identity FILE] [--json]';
const restoreCommand: Command = {
  name: 'restore',
  summary: 'restore the seed and undercloud state from a backup (checks every checksum first)',
  usage: restoreUsage,
  options: { replace: { type: 'boolean' }, only: { type: 'string' }, ...sshOptions },
  async run(ctx) {
    const [from, ...extra] = ctx.args;
    if (!from) throw new UsageError(`name the backup folder: ${restoreUsage}`);
    if (extra.length) throw new UsageError(`one backup only (got ${ctx.args.join(' ')}): ${restoreUsage}`);
    const remote = parsePlace(from, sshFlags(ctx));
    const only = parseOnly(ctx.flags.only);
    const held = lock(ctx, 'restoring a backup');
    let fetched: Awaited<ReturnType<typeof fetchBackup>> | undefined;
    try {
      if (remote) fetched = await fetchBackup(remote, ctx.signal);
      const { manifest, files } = await restoreBackup({ dir: fetched?.dir ?? from, stateDir: ctx.stateDir, replace: ctx.flags.replace === true, only });
      const restored = files.filter((f) => f.outcome === 'restored');
      // Checked whole just now: the backup `status` names from here on.
      recordBackup(ctx.stateDir, {
        at: manifest.createdAt,
        where: remote ? remoteText(remote) : resolve(from),
        ...(manifest.cloud ? { cloud: manifest.cloud } : {}),
        ...(manifest.after ? { after: manifest.after } : {}),
        files: manifest.files.length,
        bytes: manifest.files.reduce((n, f) => n + f.bytes, 0),
        verified: true,
        restoredAt: new Date().toISOString(),
      });
      if (ctx.json) ctx.out(JSON.stringify({ backup: from, stateDir: ctx.stateDir, files: files.map((f) => ({ path: f.entry.path, to: f.to, outcome: f.outcome, keptAs: f.keptAs })) }));
      else {
        for (const f of files) {
          ctx.out(`  ${f.outcome === 'restored' ? 'restored ' : 'unchanged'} ${f.to}  ${FILE_KINDS[f.entry.kind]}${f.entry.tier ? ` (${f.entry.tier})` : ''}`);
          if (f.keptAs) ctx.out(`    the file that was there is kept as ${f.keptAs}`);
        }
        ctx.out(`restored ${restored.length} of ${files.length} files from the backup of ${manifest.createdAt}${manifest.cloud ? ` (cloud "${manifest.cloud}")` : ''} into ${ctx.stateDir}`);
        const ironics = files.filter((f) => f.entry.kind === 'ironic-db' && f.outcome === 'restored');
        if (ironics.length) ctx.out(`next: start the ${ironics.map((f) => `${f.entry.tier}'s Ironic`).join(' and ')} again, then cloudseed status`);
      }
      return 0;
    } finally {
      fetched?.done();
      held.release();
    }
  },
};

export const commands: Command[] = [backupCommand, restoreCommand];
