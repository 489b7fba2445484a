// A backup of the control tiers: what a lost seed host needs to manage the cloud again —
// cloudseed's saved plan and session, the deployed plan, the journals, the answers file, the
// exported TripleO files, the overcloud's credentials, and each standalone Ironic's database —
// copied into a new folder with a manifest and SHA-256 checksums.
// Not copied: logs (they can be rebuilt from nothing and grow to gigabytes) and the seed's
// disk images (rebuilt by a deployment).
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { execa } from 'execa';
import { CliError } from '../command.js';
import { secretFiles } from '../plan/answers.js';
import type { Plan } from '../plan/schema.js';
import { DEPLOYED_FILE } from '../store/deployed.js';
import { STATE_FILE } from '../store/paths.js';
import { FILE_KINDS, MANIFEST_FILE, sha256File, SUMS_FILE, sumsText, type BackupTier, type FileEntry, type FileKind, type Manifest } from './manifest.js';

/** One thing to back up: where it is now and where it goes back to. */
export interface Source {
  kind: FileKind;
  from: string;
  /** Path inside the backup. */
  path: string;
  where: FileEntry['where'];
  restoreTo: string;
  tier?: 'seed' | 'undercloud';
  ironicUrl?: string;
}

const TIERS = ['seed', 'undercloud'] as const;

/** Files under `dir`, recursively, as paths relative to it (none when it does not exist). */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  // Names, not Dirents: Dirent.parentPath needs Node 20.12, cloudseed runs from 20.5.
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => statSync(join(dir, f)).isFile())
    .sort();
}

/** Everything a backup of `stateDir` holds, given the deployed (or saved) plan and the answers file. */
export function backupSources(stateDir: string, plan: Plan | undefined, answersFile?: string): Source[] {
  const sources: Source[] = [];
  const fromState = (kind: FileKind, rel: string) => {
    if (existsSync(join(stateDir, rel))) sources.push({ kind, from: join(stateDir, rel), path: `state/${rel.split(sep).join('/')}`, where: 'state-dir', restoreTo: rel });
  };
  fromState('configuration', STATE_FILE);
  fromState('deployed', DEPLOYED_FILE);
  // The deployment's journals and the scale-outs' (journal.jsonl, scale-out.jsonl, the ones kept aside).
  for (const f of filesUnder(join(stateDir, 'deploy')).filter((f) => /^[^/]+\.jsonl$/.test(f))) fromState('journal', join('deploy', f));
  for (const f of filesUnder(join(stateDir, 'export'))) fromState('export', join('export', f));
  fromState('credentials', 'overcloudrc');
  if (answersFile) {
    const from = resolve(answersFile);
    sources.push({ kind: 'answers', from, path: `answers/${basename(from)}`, where: 'host', restoreTo: from });
  }
  // BMC password and Ironic credential files live outside the state dir; without them the plan cannot reach a server.
  const secrets = [...new Set(plan ? secretFiles(plan).map((r) => r.file) : [])];
  secrets.forEach((file, i) => sources.push({ kind: 'secret', from: file, path: `secrets/${i + 1}-${basename(file)}`, where: 'host', restoreTo: file }));
  for (const tier of TIERS) {
    const ironic = plan?.[tier].ironic;
    if (!ironic?.database) continue;
    if (!isAbsolute(ironic.database)) throw new CliError(`${tier}.ironic.database must be an absolute path (it is "${ironic.database}"): fix it in the answers file`, 2);
    sources.push({ kind: 'ironic-db', from: ironic.database, path: `ironic/${tier}.db`, where: 'host', restoreTo: ironic.database, tier, ironicUrl: ironic.url });
  }
  return sources;
}

/**
 * Copies a live SQLite database consistently through SQLite's own online backup (Python's
 * standard library has it wherever Ironic runs): a plain copy taken while Ironic writes can
 * be torn.
 */
async function copySqlite(from: string, to: string): Promise<void> {
  const script = 'import sqlite3,sys\ns=sqlite3.connect(sys.argv[1])\nd=sqlite3.connect(sys.argv[2])\ns.backup(d)\nd.close()\ns.close()';
  try {
    await execa('python3', ['-c', script, from, to]);
  } catch (e) {
    const why = (e as { stderr?: string }).stderr?.trim().split('\n').pop() || (e as Error).message;
    throw new CliError(`cannot copy the Ironic database ${from}: ${why}`, 1);
  }
}

/**
 * A new folder name for a backup: cloudseed-backup-CLOUD-20261204T193000.123Z, and when it
 * was taken (-seed: after the seed; -pre-upgrade). Names of one cloud sort in the order they were taken.
 */
export function backupName(cloud: string | undefined, now: Date, after?: BackupTier): string {
  return `cloudseed-backup-${cloud ?? 'state'}-${now.toISOString().replace(/[-:]/g, '')}${after ? `-${after}` : ''}`;
}

/** Whether a folder name is a (whole) backup of `cloud`, as backupName names them. */
export function isBackupOf(name: string, cloud: string | undefined): boolean {
  return new RegExp(`^cloudseed-backup-${cloud ?? 'state'}-\\d{8}T\\d{6}(\\.\\d+)?Z(-[a-z-]+)?$`).test(name);
}

export interface BackupResult {
  dir: string;
  manifest: Manifest;
}

/**
 * Writes a backup into a new folder under `parent`. It is built as `NAME.partial` and renamed
 * when whole, so a folder named like a backup is always a complete one.
 */
export async function writeBackup(opts: { parent: string; sources: Source[]; stateDir: string; plan?: { name: string; deployedAt?: string }; now?: Date; after?: BackupTier }): Promise<BackupResult> {
  const now = opts.now ?? new Date();
  const missing = opts.sources.filter((s) => !existsSync(s.from));
  if (missing.length) throw new CliError(`cannot back up ${missing.map((s) => `${FILE_KINDS[s.kind]} ${s.from}`).join(', ')}: no such file`, 1);
  const dir = join(resolve(opts.parent), backupName(opts.plan?.name, now, opts.after));
  const partial = `${dir}.partial`;
  if (existsSync(dir)) throw new CliError(`${dir} exists already: wait a second and run the backup again`, 1);
  try {
    mkdirSync(partial, { recursive: true, mode: 0o700 });
  } catch (e) {
    throw new CliError(`cannot create ${partial}: ${(e as Error).message}`, 1);
  }
  try {
    const files: FileEntry[] = [];
    for (const s of opts.sources) {
      const to = join(partial, s.path);
      mkdirSync(dirname(to), { recursive: true, mode: 0o700 });
      if (s.kind === 'ironic-db') await copySqlite(s.from, to);
      else copyFileSync(s.from, to);
      // Every file may hold a secret (BMC passwords, admin credentials); the folder is 0700 meanwhile.
      chmodSync(to, 0o600);
      files.push({
        path: s.path,
        kind: s.kind,
        where: s.where,
        restoreTo: s.restoreTo,
        bytes: statSync(to).size,
        sha256: await sha256File(to),
        ...(s.tier ? { tier: s.tier } : {}),
        ...(s.ironicUrl ? { ironicUrl: s.ironicUrl } : {}),
      });
    }
    const manifest: Manifest = {
      format: 'cloudseed-backup',
      version: 1,
      createdAt: now.toISOString(),
      host: hostname(),
      stateDir: opts.stateDir,
      ...(opts.plan ? { cloud: opts.plan.name } : {}),
      ...(opts.plan?.deployedAt ? { deployedAt: opts.plan.deployedAt } : {}),
      ...(opts.after ? { after: opts.after } : {}),
      files,
    };
    const manifestText = `${JSON.stringify(manifest, null, 2)}\n`;
    writeFileSync(join(partial, MANIFEST_FILE), manifestText, { mode: 0o600 });
    writeFileSync(join(partial, SUMS_FILE), sumsText(manifest, manifestText), { mode: 0o600 });
    renameSync(partial, dir);
    return { dir, manifest };
  } catch (e) {
    rmSync(partial, { recursive: true, force: true });
    throw e instanceof CliError ? e : new CliError(`cannot write the backup into ${opts.parent}: ${(e as Error).message}`, 1);
  }
}
