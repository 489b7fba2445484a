// `cloudseed init`, `plan` and `export`: the non-interactive way from servers to an answers
// file, from an answers file to a dry run per tier, and to the TripleO/Helion files.
import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { assetPath } from '../assets.js';
import { ARTIFACT_NAMES } from '../artifacts/files.js';
import { writeArtifacts, type Written } from '../artifacts/write.js';
import { plannedBackups } from '../backup/take.js';
import { commandsFor } from '../deploy/drivers/real/commands.js';
import { compile } from '../deploy/compile.js';
import { readJournal } from '../deploy/journal.js';
import { unfinishedRefusal } from '../deploy/operation.js';
import { resumeLines } from '../deploy/step-inputs.js';
import { confirmed, playDeployment, RUN_OPTIONS, scaleOutDone, scaleOutLines } from '../deploy/run-command.js';
import { CliError, UsageError, type Command, type CommandContext } from '../command.js';
import type { HostFacts } from '../inventory/host-facts.js';
import { bmcClientFor } from '../inventory/clients.js';
import { factsUnknown, nodeFacts } from './fit.js';
import { importNodesFile } from '../inventory/nodes-file.js';
import { hostFactsFromLab, probeHost } from '../inventory/probe.js';
import { applyBmcChecks, applyInspection, checkBmcs, inspectNodes, mergeScan, scanRange, type ScanResult } from '../inventory/scan.js';
import { LabError, loadLab } from '../lab/load.js';
import { onLab } from '../lab/plan.js';
import type { LabWorld } from '../lab/world.js';
import { suggestNetwork } from '../network/suggest.js';
import { loadAnswers, readSecret, saveAnswers } from '../plan/answers.js';
import { formatFinding, hasErrors, type Finding } from '../plan/findings.js';
import { emptyPlan, type Node, type Plan } from '../plan/schema.js';
import { validate } from '../plan/validate.js';
import { diffLines, unchanged } from '../plan/diff.js';
import { replan, scaleOutLine, type Replan } from '../plan/scale-out.js';
import { readDeployed } from '../store/deployed.js';
import { upgradeChange, upgradeJson, upgradeLines, type PlannedUpgrade } from '../deploy/upgrade-command.js';
import { autoAssign } from './assign.js';
import { describeLines, describePlan } from './describe.js';

function fileArg(ctx: CommandContext, usage: string): string {
  const [file, ...rest] = ctx.args;
  if (!file) throw new UsageError(`name the answers file: ${usage}`);
  if (rest.length) throw new UsageError(`one answers file only (got ${ctx.args.join(' ')}): ${usage}`);
  return file;
}

/** Findings that stop a command: as JSON on stdout with --json, else one line each on stderr. */
function reportFindings(ctx: CommandContext, findings: readonly Finding[]): void {
  if (ctx.json) ctx.out(JSON.stringify({ findings }, null, 2));
  else for (const f of findings) ctx.err(formatFinding(f));
}

/** Loads an answers file; without a plan, its findings are printed and the command fails. */
function loadPlan(ctx: CommandContext, file: string) {
  const loaded = loadAnswers(file);
  if (!loaded.plan) {
    reportFindings(ctx, loaded.findings);
    throw new CliError(`${file}: no plan could be read`, 1);
  }
  return { plan: loaded.plan, findings: loaded.findings };
}

/** Loads an answers file that must have no error findings before `doing` ("exporting"). */
function loadPlanWithoutErrors(ctx: CommandContext, file: string, doing: string) {
  const loaded = loadPlan(ctx, file);
  if (hasErrors(loaded.findings)) {
    reportFindings(ctx, loaded.findings);
    throw new CliError(`${file} has error findings: fix them before ${doing} (cloudseed validate ${file})`, 1);
  }
  return loaded;
}

/** An argument as a person would type it (quoted when it holds spaces or quotes). */
function shellWord(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

interface DeployedChange {
  deployedAt: string;
  /** The deployed plan the change is measured against. */
  deployed: Plan;
  replan: Replan;
  lines: string[];
  /** The file names another TripleO release: the upgrade, or why it cannot be made. */
  upgrade?: PlannedUpgrade | { refused: string };
}

/**
 * The change from the cloud deployed from this state dir, when one is recorded. A plan of
 * another name is another cloud, as a deployment treats it (it keeps that cloud's journal
 * aside): `other` says so instead of listing every server as a change.
 */
function deployedChange(ctx: CommandContext, plan: Plan): DeployedChange | { other: string } | undefined {
  const deployed = readDeployed(ctx.stateDir);
  if (!('record' in deployed)) return undefined;
  const name = deployed.record.plan.name;
  if (name !== plan.name) return { other: `the cloud deployed from ${ctx.stateDir} is "${name}", this file describes "${plan.name}"` };
  const r = replan(deployed.record.plan, plan);
  const upgrade = upgradeChange(deployed.record, plan);
  if (upgrade) {
    const lines = 'refused' in upgrade ? [`the upgrade cannot be made: ${upgrade.refused}`] : upgradeLines(upgrade, ctx.stateDir);
    return { deployedAt: deployed.record.deployedAt, deployed: deployed.record.plan, replan: r, lines, upgrade };
  }
  const steps = scaleOutLine(r);
  return { deployedAt: deployed.record.deployedAt, deployed: deployed.record.plan, replan: r, lines: [...diffLines(r.diff), ...(steps ? [steps] : [])] };
}

function changeJson(change: DeployedChange | { other: string }, stateDir: string) {
  if ('other' in change) return { other: change.other };
  const upgrade = change.upgrade && ('refused' in change.upgrade ? change.upgrade : upgradeJson(change.upgrade, stateDir));
  return { deployedAt: change.deployedAt, ...change.replan.diff, beyondScaleOut: change.replan.beyond, steps: change.replan.steps.map((s) => s.id), ...(upgrade ? { upgrade } : {}) };
}

/** When the run the file asks for takes its backups: an upgrade first, a scale-out last, a deployment after each tier. */
function backupsWhen(change: DeployedChange | { other: string } | undefined): string {
  if (!change || 'other' in change) return 'after each tier';
  if (change.upgrade && !('refused' in change.upgrade)) return 'before the upgrade starts';
  return change.replan.steps.length && !change.replan.beyond.length ? 'once the servers are added' : 'after each tier';
}

const planUsage = 'cloudseed plan FILE [--json]';
const planCommand: Command = {
  name: 'plan',
  summary: 'show what will happen to which host, per tier (a dry run); exit 1 on errors',
  usage: planUsage,
  options: {},
  async run(ctx) {
    const file = fileArg(ctx, planUsage);
    const { plan, findings } = loadPlan(ctx, file);
    const description = describePlan(plan, { findings });
    // A cloud is deployed from this state dir: first what the file changes in it.
    const change = deployedChange(ctx, plan);
    // The real driver runs tools: list each command it will run (no secrets on them); an upgrade lists its own.
    const upgrading = change !== undefined && 'upgrade' in change && change.upgrade !== undefined;
    const commands = plan.driver === 'real' && !hasErrors(findings) && !upgrading ? commandsFor(plan, ctx.stateDir) : [];
    const backups = plannedBackups(plan, ctx.stateDir);
    if (ctx.json) ctx.out(JSON.stringify({ ...description, backups, ...(plan.driver === 'real' ? { commands } : {}), ...(change ? { change: changeJson(change, ctx.stateDir) } : {}) }, null, 2));
    else {
      if (change && 'other' in change) ctx.out(`note: ${change.other}: planned as a new cloud`);
      else if (change) {
        ctx.out(`change from the cloud deployed at ${change.deployedAt} (state in ${ctx.stateDir}):`);
        for (const line of change.lines) ctx.out(`  ${line}`);
        ctx.out('');
      }
      for (const line of describeLines(description)) ctx.out(line);
      ctx.out(
        'to' in backups
          ? `backups: ${backupsWhen(change)}, of the seed and undercloud state, into ${backups.to} (keeping the last ${backups.keep})`
          : `backups: none can be taken: ${backups.problem} (backups.to)`,
      );
      if (!hasErrors(findings)) for (const line of resumeLines(readJournal(ctx.stateDir), plan, compile(plan))) ctx.out(line);
      if (commands.length) {
        ctx.out('');
        ctx.out('commands the real driver will run:');
        for (const c of commands) ctx.out(`  [${c.step}] ${c.argv.map(shellWord).join(' ')}`);
      }
    }
    // An upgrade the file asks for and cannot be made is an error too.
    return hasErrors(findings) || (upgrading && 'refused' in change.upgrade!) ? 1 : 0;
  },
};

const exportUsage = 'cloudseed export FILE --out DIR [--force] [--json]';
const exportCommand: Command = {
  name: 'export',
  summary: 'write instackenv.json, baremetal.csv, undercloud.conf and the TripleO YAML files',
  usage: exportUsage,
  options: { out: { type: 'string' }, force: { type: 'boolean' } },
  async run(ctx) {
    const file = fileArg(ctx, exportUsage);
    const out = ctx.flags.out;
    if (typeof out !== 'string' || !out) throw new UsageError(`say where to write the files with --out DIR: ${exportUsage}`);
    // One rule with init: a file that exists is replaced only with --force.
    const existing = ARTIFACT_NAMES.filter((name) => existsSync(join(out, name)));
    if (existing.length && !ctx.flags.force) throw new CliError(`${out} already holds ${existing.join(', ')}: choose another --out, or add --force to replace them`, 2);
    const { plan, findings } = loadPlanWithoutErrors(ctx, file, 'exporting');
    let written: Written[];
    try {
      written = writeArtifacts(plan, resolve(out));
    } catch (e) {
      throw new CliError(`cannot write to ${out}: ${(e as Error).message}`, 1);
    }
    const refusals = written.flatMap((w) => w.findings);
    if (ctx.json) ctx.out(JSON.stringify({ files: written, findings: [...findings, ...refusals] }, null, 2));
    else {
      for (const w of written) {
        ctx.out(w.written ? `wrote ${w.path}${w.secret ? ' (mode 0600: holds BMC passwords)' : ''}` : `not written: ${w.name} (see below)`);
        for (const note of w.notes) ctx.out(`  note: ${note}`);
      }
      for (const f of [...findings, ...refusals]) ctx.err(formatFinding(f));
    }
    // A TripleO file refused (error) fails the export; Helion's optional file refused is a warning.
    return hasErrors(refusals) ? 1 : 0;
  },
};

const addUsage = 'cloudseed add FILE [--yes] [--speed N|max] [--faults SPEC] [--seed N] [--json]';
const addCommand: Command = {
  name: 'add',
  summary: 'add the servers an edited answers file adds to the deployed cloud (only their steps run); refuses other changes',
  usage: addUsage,
  options: RUN_OPTIONS,
  async run(ctx) {
    const file = fileArg(ctx, addUsage);
    const { plan } = loadPlanWithoutErrors(ctx, file, 'adding servers');
    const change = deployedChange(ctx, plan);
    if (!change) throw new CliError(`no deployed cloud is recorded in ${ctx.stateDir}: deploy it first (cloudseed deploy ${file}), or give the --state-dir it was deployed from`, 1);
    if ('other' in change) throw new CliError(`${change.other}: add works on that cloud's own answers file, or give the --state-dir this one was deployed from`, 1);
    if (change.upgrade) throw new CliError(`${file} names another TripleO release than the deployed cloud's: that is an upgrade (cloudseed upgrade ${file}), not adding servers`, 1);
    const other = unfinishedRefusal(ctx.stateDir, ['scale-out'], 'add servers', file);
    if (other) throw new CliError(other, 1);
    const { replan: r } = change;
    if (unchanged(r.diff) || r.beyond.length) {
      if (ctx.json) ctx.out(JSON.stringify({ file, change: changeJson(change, ctx.stateDir) }, null, 2));
      else for (const line of change.lines) ctx.out(line);
    }
    if (unchanged(r.diff)) return 0;
    if (r.beyond.length) {
      ctx.err(`add cannot make ${r.beyond.length === 1 ? 'this change' : 'these changes'}, so nothing was changed:`);
      for (const b of r.beyond) ctx.err(`  ${b}`);
      ctx.err(`put them back as deployed in ${file} to add servers only`);
      return 1;
    }
    const scale = { of: change.deployed, replan: r };
    const go = await confirmed(ctx, 'add', () => scaleOutLines(ctx, plan, file, r), 'nothing was changed');
    if (go !== true) return go;
    return playDeployment(ctx, plan, { scaleOut: scale, done: scaleOutDone(ctx, r) });
  },
};

/** Where `init` writes when no --out is given (the file Review saves by default). */
export const DEFAULT_ANSWERS_FILE = 'cloudseed-answers.yaml';

interface Found {
  nodes: Node[];
  world?: LabWorld;
  /** One line about how the servers were found. */
  how: string;
  findings: Finding[];
}

function scanLine(r: ScanResult): string {
  return `scanned ${r.total} BMC addresses in ${(r.elapsedMs / 1000).toFixed(1)} s: ${r.found} found, ${r.unreachable} unreachable, ${r.refused} refused the credentials${r.failed ? `, ${r.failed} failed` : ''}`;
}

/** A scan cut short (Ctrl-C) writes nothing: half a data centre is not a default. */
function whole(r: ScanResult): ScanResult {
  if (r.cancelled) throw new CliError(`scan interrupted after ${r.scanned} of ${r.total} addresses: nothing written`, 1);
  return r;
}

/** The servers, as the Servers screen would find them with its defaults. */
async function findServers(ctx: CommandContext): Promise<Found> {
  const { lab, import: file, range, user } = ctx.flags;
  const ways = [lab, file, range].filter((v) => v !== undefined).length;
  if (ways !== 1) throw new UsageError(`give one of --lab NAME, --import FILE or --range R: ${initUsage}`);
  if (typeof file === 'string') {
    let imported;
    try {
      imported = await importNodesFile(file);
    } catch (e) {
      throw new CliError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 2);
    }
    return { nodes: imported.nodes.map((n) => ({ ...n, source: 'import' })), how: `imported ${imported.nodes.length} servers from ${file}`, findings: imported.findings };
  }
  if (typeof lab === 'string') {
    let world: LabWorld;
    try {
      world = loadLab(lab);
    } catch (e) {
      if (e instanceof LabError) throw new UsageError(e.message);
      throw e;
    }
    // A lab that ships a nodes file (as a real site has one) is imported first, then its
    // BMC range is scanned with the lab's usual credentials: what the person would do.
    const nodesFile = assetPath('labs', `${lab}.instackenv.json`);
    const imported = existsSync(nodesFile) ? await importNodesFile(nodesFile) : undefined;
    const creds = { user: world.bmcDefaults.user, password: world.bmcDefaults.password };
    // `init` writes a file; it does not play the lab's time (the screens do, at the plan's speed).
    const client = bmcClientFor(world, { inspectMs: 0 });
    const result = whole(await scanRange({ range: world.bmcDefaults.range, ...creds, client, concurrency: 64, signal: ctx.signal }));
    const merged = mergeScan(imported?.nodes ?? [], result.bmcs, creds);
    // Imported servers the scan did not reach are asked with their own credentials, as the
    // Servers screen's check does: one that does not answer is a finding, not a default.
    const unconfirmed = merged.nodes.filter((n) => n.discovered?.bmcStatus !== 'ok');
    const checked = unconfirmed.length ? applyBmcChecks(merged.nodes, await checkBmcs(unconfirmed, client, { signal: ctx.signal })) : merged.nodes;
    // IPMI tells neither the PXE MAC nor the sizes: the lab inspects the servers that the
    // nodes file did not describe, as the Servers screen does after its scan (without a PXE
    // MAC there is no instackenv.json). A BMC the check found silent or refusing is not asked
    // again: its inspection could only fail.
    const unknown = checked.filter((n) => n.discovered?.bmcStatus === 'ok' && (!n.macs.length || factsUnknown(nodeFacts(n))));
    const inspected = unknown.length ? applyInspection(checked, await inspectNodes(unknown, client, { concurrency: 64, signal: ctx.signal })) : checked;
    const nodes = inspected.map((n) => ({ ...n, source: n.source ?? ('lab' as const) }));
    const how = imported ? `imported ${imported.nodes.length} servers from the lab's ${basename(nodesFile)}; ${scanLine(result)}` : scanLine(result);
    return { nodes, world, how, findings: imported?.findings ?? [] };
  }
  if (typeof range !== 'string' || typeof user !== 'string') throw new UsageError(`a scan needs --range R and --user U: ${initUsage}`);
  const passwordFile = ctx.flags['password-file'];
  let password: string | undefined = ctx.env.CLOUDSEED_BMC_PASSWORD;
  if (typeof passwordFile === 'string') {
    try {
      password = readSecret({ passwordFile });
    } catch (e) {
      throw new CliError(`cannot read the password file ${passwordFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 2);
    }
  }
  if (password === undefined) throw new UsageError(`give the BMC password with --password-file F (or CLOUDSEED_BMC_PASSWORD): ${initUsage}`);
  const result = whole(await scanRange({ range, user, password, client: bmcClientFor(undefined), signal: ctx.signal }));
  // The answers file names the password file instead of holding the password.
  const nodes = mergeScan([], result.bmcs, { user, password }).nodes.map((n): Node => {
    if (typeof passwordFile !== 'string') return n;
    const { password: _inline, ...bmc } = n.bmc;
    return { ...n, bmc: { ...bmc, passwordFile: resolve(passwordFile) } };
  });
  return { nodes, how: scanLine(result), findings: [] };
}

/**
 * The plan the wizard gives when every default is accepted: the servers found, roles
 * auto-assigned, then the network suggested for those servers and roles.
 */
export function defaultPlan(nodes: Node[], host: HostFacts | undefined, world?: LabWorld): { plan: Plan; why: string[] } {
  const empty = emptyPlan({ driver: 'real', seedHost: host ? { hostname: host.hostname } : {}, nodes });
  const base = world ? onLab(empty, world.name) : empty;
  const assigned = autoAssign(base);
  const network = suggestNetwork({ plan: assigned.plan, hostFacts: host }).network;
  return { plan: { ...assigned.plan, network }, why: assigned.why };
}

const initUsage = 'cloudseed init (--lab NAME | --import FILE | --range R --user U --password-file F) [--out FILE] [--force] [--json]';
const initCommand: Command = {
  name: 'init',
  summary: 'write the answers file the wizard would give on its defaults (servers, network, roles)',
  usage: initUsage,
  options: {
    lab: { type: 'string' },
    import: { type: 'string' },
    range: { type: 'string' },
    user: { type: 'string' },
    'password-file': { type: 'string' },
    out: { type: 'string' },
    force: { type: 'boolean' },
  },
  async run(ctx) {
    if (ctx.args.length) throw new UsageError(`init takes no file argument (use --out FILE): ${initUsage}`);
    const out = typeof ctx.flags.out === 'string' && ctx.flags.out ? ctx.flags.out : DEFAULT_ANSWERS_FILE;
    if (existsSync(out) && !ctx.flags.force) throw new CliError(`${out} exists: choose another --out, or add --force to replace it`, 2);
    const found = await findServers(ctx);
    if (hasErrors(found.findings) || found.nodes.length === 0) {
      reportFindings(ctx, found.findings);
      throw new CliError(found.nodes.length === 0 ? `no servers found (${found.how})` : 'the nodes file has errors: nothing written', 1);
    }
    const host = found.world ? hostFactsFromLab(found.world) : await probeHost(ctx.env);
    const { plan, why } = defaultPlan(found.nodes, host, found.world);
    try {
      saveAnswers(out, plan);
    } catch (e) {
      throw new CliError(`cannot write ${out}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 1);
    }
    const findings = [...found.findings, ...validate(plan)];
    if (ctx.json) {
      ctx.out(JSON.stringify({ file: resolve(out), servers: plan.nodes.length, how: found.how, roles: why, layout: plan.network.layout, findings }, null, 2));
    } else {
      ctx.out(found.how);
      for (const line of why) ctx.out(line);
      ctx.out(`network: ${plan.network.layout} layout, provisioning ${plan.network.provisioning.cidr}${plan.network.provisioning.nic ? ` on ${plan.network.provisioning.nic}` : ''}`);
      ctx.out(`wrote ${resolve(out)} (mode 0600); next: cloudseed plan ${out}`);
      for (const f of findings) ctx.err(formatFinding(f));
    }
    return hasErrors(findings) ? 1 : 0;
  },
};

export const commands: Command[] = [initCommand, planCommand, addCommand, exportCommand];
