// A backup's manifest: what each file is, where it goes back to, its size and SHA-256.
// `SHA256SUMS` beside it lists the same checksums (and the manifest's own) in the format of
// `sha256sum -c`, so a backup can be checked by hand on any host, without cloudseed.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

export const MANIFEST_FILE = 'manifest.json';
export const SUMS_FILE = 'SHA256SUMS';

/** What a file of a backup is, in the words `backup` and `restore` print. */
export const FILE_KINDS = {
  configuration: "cloudseed's saved plan and session",
  deployed: 'the deployed plan',
  journal: 'a deployment journal',
  answers: 'the answers file',
  export: 'an exported TripleO file',
  credentials: "the overcloud's admin credentials",
  secret: 'a password file the plan names',
  'ironic-db': "an Ironic's database",
} as const;
export type FileKind = keyof typeof FILE_KINDS;

const FileEntrySchema = z.strictObject({
  /** Where it is inside the backup (a relative path with `/`). */
  path: z.string().regex(/^(?!\/)(?!.*(^|\/)\.\.(\/|$)).+$/, 'a relative path inside the backup'),
  kind: z.enum(Object.keys(FILE_KINDS) as [FileKind, ...FileKind[]]),
  /** `state-dir`: `restoreTo` is relative to the state directory; `host`: an absolute path on this host. */
  where: z.enum(['state-dir', 'host']),
  restoreTo: z.string().min(1),
  bytes: z.number().int().min(0),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** An Ironic's database: whose, and where it answers (restore refuses while it runs). */
  tier: z.enum(['seed', 'undercloud']).optional(),
  ironicUrl: z.string().optional(),
});
export type FileEntry = z.infer<typeof FileEntrySchema>;

/** When an automatic backup was taken: after a tier, after a scale-out or a replacement, or before an upgrade. */
export const BACKUP_TIERS = ['seed', 'undercloud', 'overcloud', 'scale-out', 'replacement', 'pre-upgrade'] as const;
export type BackupTier = (typeof BACKUP_TIERS)[number];

/** "after the undercloud", "before the upgrade". */
export function backupWhen(after: BackupTier): string {
  return after === 'pre-upgrade' ? 'before the upgrade' : `after the ${after}`;
}

export const ManifestSchema = z.strictObject({
  format: z.literal('cloudseed-backup'),
  version: z.literal(1),
  createdAt: z.string(),
  /** The host and state directory it was taken from. */
  host: z.string(),
  stateDir: z.string(),
  /** The cloud's name and when it was deployed, when a deployed cloud was recorded. */
  cloud: z.string().optional(),
  deployedAt: z.string().optional(),
  /** Taken by a backup step of a deployment (after this tier) or of a day-two operation (absent: on demand). */
  after: z.enum(BACKUP_TIERS).optional(),
  files: z.array(FileEntrySchema),
});
export type Manifest = z.infer<typeof ManifestSchema>;

export function sha256Text(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

/** SHA-256 of a file, streamed (an Ironic database can be large). */
export function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('error', reject)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')));
  });
}

/** `sha256sum -c` input: every file, then the manifest itself. */
export function sumsText(manifest: Manifest, manifestText: string): string {
  const lines = manifest.files.map((f) => `${f.sha256}  ${f.path}`);
  lines.push(`${sha256Text(manifestText)}  ${MANIFEST_FILE}`);
  return lines.join('\n') + '\n';
}

export interface Verified {
  manifest?: Manifest;
  /** Each problem in plain words, naming the file; empty when the backup is whole. */
  problems: string[];
}

/** Checks a backup folder: the manifest is intact and every file it lists has its size and checksum. */
export async function verifyBackup(dir: string): Promise<Verified> {
  const manifestPath = join(dir, MANIFEST_FILE);
  const sumsPath = join(dir, SUMS_FILE);
  if (!existsSync(manifestPath)) return { problems: [`${manifestPath} is missing: ${dir} is not a cloudseed backup, or not a whole one`] };
  const text = readFileSync(manifestPath, 'utf8');
  const sums = existsSync(sumsPath) ? readFileSync(sumsPath, 'utf8') : undefined;
  if (sums === undefined) return { problems: [`${sumsPath} is missing: the manifest cannot be checked`] };
  const listed = sums.split('\n').find((l) => l.endsWith(`  ${MANIFEST_FILE}`))?.slice(0, 64);
  if (listed !== sha256Text(text)) return { problems: [`${manifestPath} does not match its checksum in ${SUMS_FILE}: the manifest was changed or damaged`] };
  let manifest: Manifest;
  try {
    manifest = ManifestSchema.parse(JSON.parse(text));
  } catch (e) {
    return { problems: [`${manifestPath} is not a manifest this version of cloudseed reads: ${(e as Error).message.split('\n')[0]}`] };
  }
  const problems: string[] = [];
  for (const f of manifest.files) {
    const file = join(dir, f.path);
    if (!existsSync(file)) {
      problems.push(`${f.path} (${FILE_KINDS[f.kind]}) is missing`);
      continue;
    }
    const bytes = statSync(file).size;
    if (bytes !== f.bytes) problems.push(`${f.path} (${FILE_KINDS[f.kind]}) has ${bytes} bytes, the manifest says ${f.bytes}: damaged or cut short`);
    else if ((await sha256File(file)) !== f.sha256) problems.push(`${f.path} (${FILE_KINDS[f.kind]}) does not match its SHA-256: damaged`);
  }
  return { manifest, problems };
}
