// `cloudseed backup` and `cloudseed restore`: the control tiers' state (what a lost seed host
// needs to manage the cloud again) into a folder here or on another host, and back.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliError, UsageError, type Command, type CommandContext } from '../command.js';
import { readDeployed } from '../store/deployed.js';
import { acquireLock, LockHeldError, type Lock } from '../store/lock.js';
import { StateStore } from '../store/state.js';
import { backupSources, writeBackup } from './backup.js';
import { FILE_KINDS } from './manifest.js';
import { fetchBackup, parsePlace, pushBackup } from './remote.js';
import { RESTORE_PARTS, restoreBackup, type RestorePart } from './restore.js';

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

function size(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

const backupUsage = 'cloudseed backup --to DIR|USER@HOST:/DIR [--answers FILE] [--ssh-port N] [--ssh-identity FILE] [--json]';
const backupCommand: Command = {
  name: 'backup',
  summary: 'back up the seed and undercloud state (Ironic databases, plan, journal, exports) with checksums',
  usage: backupUsage,
  options: { to: { type: 'string' }, answers: { type: 'string' }, ...sshOptions },
  async run(ctx) {
    if (ctx.args.length) throw new UsageError(`backup takes no arguments (say where with --to): ${backupUsage}`);
    const to = ctx.flags.to;
    if (typeof to !== 'string' || !to) throw new UsageError(`say where the backup goes with --to DIR or --to USER@HOST:/DIR: ${backupUsage}`);
    const answers = typeof ctx.flags.answers === 'string' ? ctx.flags.answers : undefined;
    const remote = parsePlace(to, sshFlags(ctx));
    const deployed = readDeployed(ctx.stateDir);
    const record = 'record' in deployed ? deployed.record : undefined;
    // Without a finished deployment, the plan being edited still names the Ironics to copy.
    const plan = record?.plan ?? StateStore.open(ctx.stateDir).saved()?.plan;
    const held = lock(ctx, 'backing up');
    let local: string | undefined;
    try {
      const sources = backupSources(ctx.stateDir, plan, answers);
      if (!sources.length) throw new CliError(`nothing to back up in ${ctx.stateDir}: no saved plan, journal or deployed cloud (is --state-dir right?)`, 1);
      local = remote ? mkdtempSync(join(tmpdir(), 'cloudseed-backup-')) : undefined;
      const result = await writeBackup({ parent: local ?? to, sources, stateDir: ctx.stateDir, plan: plan ? { name: plan.name, deployedAt: record?.deployedAt } : undefined });
      const where = remote ? await pushBackup(result.dir, remote, ctx.signal) : result.dir;
      const bytes = result.manifest.files.reduce((n, f) => n + f.bytes, 0);
      if (ctx.json) ctx.out(JSON.stringify({ backup: where, manifest: result.manifest }));
      else {
        for (const f of result.manifest.files) ctx.out(`  ${f.path}  ${FILE_KINDS[f.kind]}${f.tier ? ` (${f.tier})` : ''}, ${size(f.bytes)}`);
        if (!plan?.seed.ironic?.database && !plan?.undercloud.ironic?.database) ctx.out('  no Ironic database: the plan names none (seed.ironic.database, undercloud.ironic.database)');
        ctx.out(`backup: ${where} (${result.manifest.files.length} files, ${size(bytes)}; manifest.json and SHA256SUMS)`);
        ctx.out(`restore with: cloudseed restore ${where}`);
      }
      return 0;
    } finally {
      if (local) rmSync(local, { recursive: true, force: true });
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
