// `cloudseed init`, `plan` and `export`: the non-interactive way from servers to an answers
// file, from an answers file to a dry run per tier, and to the TripleO/Helion files.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildArtifacts, type SecretSource } from '../artifacts/files.js';
import { CliError, UsageError, type Command, type CommandContext } from '../command.js';
import { loadAnswers, readSecret } from '../plan/answers.js';
import { formatFinding, hasErrors } from '../plan/findings.js';
import type { Plan } from '../plan/schema.js';
import { describeLines, describePlan } from './describe.js';

function fileArg(ctx: CommandContext, usage: string): string {
  const [file, ...rest] = ctx.args;
  if (!file) throw new UsageError(`name the answers file: ${usage}`);
  if (rest.length) throw new UsageError(`one answers file only (got ${ctx.args.join(' ')}): ${usage}`);
  return file;
}

/** Loads an answers file; without a plan, its findings are printed and the command fails. */
function loadPlan(ctx: CommandContext, file: string) {
  const loaded = loadAnswers(file);
  if (!loaded.plan) {
    if (ctx.json) ctx.out(JSON.stringify({ findings: loaded.findings }, null, 2));
    else for (const f of loaded.findings) ctx.err(formatFinding(f));
    throw new CliError(`${file}: no plan could be read`, 1);
  }
  return { plan: loaded.plan, findings: loaded.findings };
}

const planUsage = 'cloudseed plan FILE [--json]';
const planCommand: Command = {
  name: 'plan',
  summary: 'Show what will happen to which host, per tier (a dry run)',
  usage: planUsage,
  options: {},
  async run(ctx) {
    const file = fileArg(ctx, planUsage);
    const { plan, findings } = loadPlan(ctx, file);
    const description = describePlan(plan, { findings });
    if (ctx.json) ctx.out(JSON.stringify(description, null, 2));
    else for (const line of describeLines(description)) ctx.out(line);
    return hasErrors(findings) ? 1 : 0;
  },
};

/** Passwords for the exported files: inline, or the first line of the password file. */
function planSecrets(): SecretSource {
  return (node) => {
    try {
      return readSecret(node.bmc);
    } catch {
      return undefined;
    }
  };
}

/** Writes the files of `plan` into `dir`; files with passwords get mode 0600. */
export function writeArtifacts(plan: Plan, dir: string): { path: string; secret: boolean }[] {
  mkdirSync(dir, { recursive: true });
  return buildArtifacts(plan, { secrets: planSecrets() }).map((a) => {
    const path = join(dir, a.name);
    const mode = a.secret ? 0o600 : 0o644;
    writeFileSync(path, a.content, { mode });
    chmodSync(path, mode); // an existing file keeps its old mode on write
    return { path, secret: a.secret };
  });
}

const exportUsage = 'cloudseed export FILE --out DIR [--json]';
const exportCommand: Command = {
  name: 'export',
  summary: 'Write instackenv.json, baremetal.csv, undercloud.conf and the TripleO YAML files',
  usage: exportUsage,
  options: { out: { type: 'string' } },
  async run(ctx) {
    const file = fileArg(ctx, exportUsage);
    const out = ctx.flags.out;
    if (typeof out !== 'string' || !out) throw new UsageError(`say where to write the files with --out DIR: ${exportUsage}`);
    const { plan, findings } = loadPlan(ctx, file);
    if (hasErrors(findings)) {
      if (ctx.json) ctx.out(JSON.stringify({ findings }, null, 2));
      else for (const f of findings) ctx.err(formatFinding(f));
      throw new CliError(`${file} has error findings: fix them before exporting (cloudseed validate ${file})`, 1);
    }
    let written: { path: string; secret: boolean }[];
    try {
      written = writeArtifacts(plan, resolve(out));
    } catch (e) {
      throw new CliError(`cannot write to ${out}: ${(e as Error).message}`, 1);
    }
    if (ctx.json) ctx.out(JSON.stringify({ files: written, findings }, null, 2));
    else {
      for (const w of written) ctx.out(`wrote ${w.path}${w.secret ? ' (mode 0600: holds BMC passwords)' : ''}`);
      for (const f of findings) ctx.err(formatFinding(f));
    }
    return 0;
  },
};

export const commands: Command[] = [planCommand, exportCommand];
