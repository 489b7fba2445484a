// Writing the TripleO/Helion files to disk (the I/O edge of src/artifacts): passwords read
// from the plan (inline or password file), files holding them mode 0600, the rest 0644,
// each written atomically (an old file's mode never applies to the passwords). A file
// upstream would reject is not written: its findings say why.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { readSecret, writeFileAtomic } from '../plan/answers.js';
import { formatFinding, type Finding } from '../plan/findings.js';
import type { Plan } from '../plan/schema.js';
import { buildArtifacts, SECRET_ARTIFACTS, type Artifact, type ArtifactName, type SecretSource } from './files.js';

/**
 * Passwords for the files: inline, or the first line of the password file. Servers usually
 * share one password file: each file is read once per export, not once per server and file.
 */
function planSecrets(): SecretSource {
  const byFile = new Map<string, string | undefined>();
  return ({ bmc }) => {
    const file = bmc.passwordFile;
    if (bmc.password !== undefined || file === undefined) return bmc.password;
    if (!byFile.has(file)) {
      try {
        byFile.set(file, readSecret(bmc));
      } catch {
        byFile.set(file, undefined);
      }
    }
    return byFile.get(file);
  };
}

export interface Written {
  name: ArtifactName;
  path: string;
  secret: boolean;
  notes: string[];
  /** False: the file was refused (see `findings`) and not written. */
  written: boolean;
  findings: Finding[];
}

/** A file asked for by name that upstream would reject. */
export class ExportRefused extends Error {
  constructor(readonly findings: Finding[]) {
    super(findings.map(formatFinding).join('\n'));
  }
}

/**
 * Files without passwords, built once per plan: every role's configure step of a deployment
 * writes the same overcloud files, and a data centre's take a second to build. Plans are
 * never changed in place (a change makes a new plan), so the plan object is the key.
 */
const built = new WeakMap<Plan, Map<string, Artifact[]>>();
function builtOnce(plan: Plan, only: readonly ArtifactName[]): Artifact[] {
  let byFiles = built.get(plan);
  if (!byFiles) built.set(plan, (byFiles = new Map()));
  const key = only.join(' ');
  let files = byFiles.get(key);
  if (!files) byFiles.set(key, (files = buildArtifacts(plan, { secrets: () => undefined, only })));
  return files;
}

/**
 * Writes the files of `plan` into `dir`: every file but the refused ones, or, with `only`,
 * exactly the files named (an ExportRefused error, before anything is written, if one is refused).
 */
export function writeArtifacts(plan: Plan, dir: string, only?: readonly ArtifactName[]): Written[] {
  const files = only && !only.some((n) => SECRET_ARTIFACTS.has(n)) ? builtOnce(plan, only) : buildArtifacts(plan, { secrets: planSecrets(), only });
  const refused = files.filter((a) => a.refused);
  if (only && refused.length) throw new ExportRefused(refused.flatMap((a) => a.findings));
  mkdirSync(dir, { recursive: true });
  return files.map((a) => {
    const path = join(dir, a.name);
    if (!a.refused) writeFileAtomic(path, a.content, a.secret ? 0o600 : 0o644);
    return { name: a.name, path, secret: a.secret, notes: a.notes, written: !a.refused, findings: a.findings };
  });
}
