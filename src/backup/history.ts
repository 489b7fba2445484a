// The backups taken from this state directory (and the one restored into it), newest last:
// what `status` says about the last one without reaching the place where they are kept.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../plan/answers.js';
import { BACKUP_TIERS, backupWhen } from './manifest.js';

export const HISTORY_FILE = 'backups.json';
/** Enough to say what happened lately; the place itself holds the backups. */
const KEPT = 100;

const RecordSchema = z.object({
  /** When the backup was taken (its manifest's createdAt). */
  at: z.string(),
  /** A local folder or USER@HOST:/DIR/NAME. */
  where: z.string(),
  cloud: z.string().optional(),
  after: z.enum(BACKUP_TIERS).optional(),
  files: z.number(),
  bytes: z.number(),
  /** Every checksum was checked after it was written (and there, for another host). */
  verified: z.boolean(),
  /** When it was restored into this state directory. */
  restoredAt: z.string().optional(),
});
export type BackupRecord = z.infer<typeof RecordSchema>;

function historyPath(stateDir: string): string {
  return join(stateDir, HISTORY_FILE);
}

/** The records, oldest first; none when the file is missing or unreadable (it is only a summary). */
export function readBackupHistory(stateDir: string): BackupRecord[] {
  try {
    const parsed = z.array(RecordSchema).safeParse(JSON.parse(readFileSync(historyPath(stateDir), 'utf8')));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}

export function recordBackup(stateDir: string, record: BackupRecord): void {
  const records = [...readBackupHistory(stateDir), record].slice(-KEPT);
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  writeFileAtomic(historyPath(stateDir), `${JSON.stringify(records, null, 2)}\n`, 0o600);
}

export function size(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** "2026-12-04T19:30:00.123Z after the undercloud, in /srv/b/NAME, verified (9 files, 120.0 KiB)". */
export function backupLine(r: BackupRecord): string {
  const how = r.restoredAt ? `restored from it at ${r.restoredAt}` : r.after ? backupWhen(r.after) : 'on demand';
  // A local folder can be looked at now; another host's is said as it was.
  const gone = r.where.startsWith('/') && !existsSync(r.where) ? ' (no longer there)' : '';
  return `${r.at} ${how}, in ${r.where}${gone}, ${r.verified ? 'verified' : 'NOT verified'} (${r.files} files, ${size(r.bytes)})`;
}

/** The `status` line about the last backup. */
export function lastBackupLine(stateDir: string): string {
  const last = readBackupHistory(stateDir).at(-1);
  return last ? `last backup: ${backupLine(last)}` : 'last backup: none taken from this state directory (cloudseed backup takes one)';
}
