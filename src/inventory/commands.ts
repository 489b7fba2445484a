// `cloudseed probe`, `cloudseed import FILE`, `cloudseed discover --range R ...`.
import { CliError, UsageError, type Command, type CommandContext } from '../command.js';
import { LabError, loadLab } from '../lab/load.js';
import type { LabWorld } from '../lab/world.js';
import { loadAnswers, readSecret } from '../plan/answers.js';
import { emptyPlan, type Plan } from '../plan/schema.js';
import { planForLab } from '../deploy/lab-plan.js';
import { checkPlanHost } from '../deploy/steps/host-checks.js';
import { StateStore } from '../store/state.js';
import { formatFinding, hasErrors } from '../plan/findings.js';
import { ScanRangeError } from './addresses.js';
import { bmcClientFor } from './clients.js';
import type { HostCheck } from './host-checks.js';
import type { HostFacts } from './host-facts.js';
import { importNodesFile } from './nodes-file.js';
import { hostProbe } from './probe.js';
import { DEFAULT_SCAN_CONCURRENCY, mergeScan, scanRange, type ScanProgress } from './scan.js';
import { formatInventory, publicNode } from './table.js';

function labOf(ctx: CommandContext): LabWorld | undefined {
  const name = ctx.flags.lab;
  return typeof name === 'string' ? labNamed(name) : undefined;
}

function labNamed(name: string): LabWorld {
  try {
    return loadLab(name);
  } catch (e) {
    if (e instanceof LabError) throw new UsageError(e.message);
    throw e;
  }
}

const MARK: Record<HostCheck['status'], string> = { pass: 'PASS', warning: 'WARN', fail: 'FAIL' };

function formatHost(facts: HostFacts, checks: readonly HostCheck[]): string[] {
  const lines = [
    `${facts.hostname}  (${facts.os})`,
    `CPU     ${facts.cpu.model}, ${facts.cpu.cores} cores, VT ${facts.cpu.vt ? 'yes' : 'no'}, /dev/kvm ${facts.kvm ? 'yes' : 'no'}`,
    `Memory  ${(facts.memoryMiB / 1024).toFixed(1)} GiB`,
    `Disks   ${facts.disks.map((d) => `${d.name} ${d.sizeGiB} GiB${d.rotational ? ' (HDD)' : ''}`).join(', ') || 'none'}`,
    'NICs',
    ...facts.nics.map((n) => {
      const notes = [n.name === facts.sessionNic ? 'your session' : '', n.name === facts.defaultRouteNic ? 'default route' : ''].filter(Boolean);
      return `  ${n.name.padEnd(12)} ${n.mac.padEnd(17)} ${n.state.padEnd(7)} ${n.speedMbps ? `${n.speedMbps} Mb/s` : ''} ${n.addresses.join(' ')}${notes.length ? `  (${notes.join(', ')})` : ''}`.trimEnd();
    }),
    'Checks',
    ...checks.map((c) => `  ${MARK[c.status]}  ${c.label}: ${c.reason}${c.fix ? ` -- ${c.fix}` : ''}`),
  ];
  return lines;
}

/**
 * The plan whose needs `probe` checks, as `deploy` would take it: FILE, else the lab's plan,
 * else the plan the wizard saved, else a new plan (what a default deployment runs).
 */
function probedPlan(ctx: CommandContext, file: string | undefined, lab: LabWorld | undefined): Plan {
  if (file) {
    const { plan, findings } = loadAnswers(file);
    if (!plan) {
      for (const f of findings) ctx.err(formatFinding(f));
      throw new CliError(`${file}: cannot check this host for it (cloudseed validate ${file})`, 2);
    }
    return plan;
  }
  if (lab) return planForLab(lab.name, 1, lab);
  return StateStore.open(ctx.stateDir).saved()?.plan ?? emptyPlan({ driver: 'real' });
}

const probeUsage = 'cloudseed probe [FILE] [--lab NAME] [--json]';
const probeCommand: Command = {
  name: 'probe',
  summary: 'show this machine (the seed host) and check it against the minimums and the tools the plan runs',
  usage: probeUsage,
  options: {},
  async run(ctx) {
    const [file, ...extra] = ctx.args;
    if (extra.length) throw new UsageError(`probe takes at most one answers file: ${probeUsage}`);
    const flagLab = labOf(ctx);
    const plan = probedPlan(ctx, file, flagLab);
    const lab = flagLab ?? (plan.driver === 'sim' && plan.sim ? labNamed(plan.sim.lab) : undefined);
    const host = hostProbe(lab, ctx.env);
    const facts = await host.facts();
    const checks = checkPlanHost(plan, facts, host.has);
    if (ctx.json) ctx.out(JSON.stringify({ facts, checks }));
    else for (const line of formatHost(facts, checks)) ctx.out(line);
    return checks.some((c) => c.status === 'fail') ? 1 : 0;
  },
};

const importCommand: Command = {
  name: 'import',
  summary: 'read a nodes file (instackenv.json/.yaml or Helion baremetal.csv) and list its servers',
  usage: 'cloudseed import FILE [--json]',
  options: {},
  async run(ctx) {
    const [file, ...extra] = ctx.args;
    if (!file) throw new UsageError('import needs a nodes file: cloudseed import FILE');
    if (extra.length) throw new UsageError('import takes one file: cloudseed import FILE');
    let result;
    try {
      result = await importNodesFile(file);
    } catch (e) {
      throw new CliError(`${file}: cannot read: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`, 2);
    }
    if (ctx.json) ctx.out(JSON.stringify({ file, format: result.format, nodes: result.nodes.map(publicNode), findings: result.findings }));
    else {
      if (result.nodes.length) for (const line of formatInventory(result.nodes)) ctx.out(line);
      for (const f of result.findings) ctx.out(formatFinding(f));
      ctx.err(`${file}: ${result.nodes.length} server(s) read, ${result.findings.length} finding(s)`);
    }
    return result.nodes.length === 0 || hasErrors(result.findings) ? 1 : 0;
  },
};

function positive(ctx: CommandContext, flag: string, fallback: number): number {
  const v = ctx.flags[flag];
  if (v === undefined) return fallback;
  const n = Number(v);
  if (typeof v !== 'string' || !Number.isFinite(n) || n <= 0) throw new UsageError(`--${flag} needs a positive number, not "${String(v)}"`);
  return n;
}

const discoverCommand: Command = {
  name: 'discover',
  summary: 'scan a BMC address range over IPMI and list the servers found',
  usage: 'cloudseed discover --range R --user U (--password-file F | CLOUDSEED_BMC_PASSWORD=...) [--concurrency N] [--timeout S] [--json]',
  options: {
    range: { type: 'string' },
    user: { type: 'string' },
    'password-file': { type: 'string' },
    concurrency: { type: 'string' },
    timeout: { type: 'string' },
  },
  async run(ctx) {
    if (ctx.args.length) throw new UsageError(`discover takes no arguments (use --range): ${ctx.args[0]}`);
    const range = ctx.flags.range;
    const user = ctx.flags.user;
    if (typeof range !== 'string') throw new UsageError('discover needs --range (CIDR like 10.0.0.0/24, or first-last)');
    if (typeof user !== 'string') throw new UsageError('discover needs --user (the BMC user name)');
    let password: string | undefined;
    const file = ctx.flags['password-file'];
    if (typeof file === 'string') {
      try {
        password = readSecret({ passwordFile: file });
      } catch (e) {
        throw new CliError(`${file}: cannot read the password file: ${(e as Error).message}`, 2);
      }
    } else password = ctx.env.CLOUDSEED_BMC_PASSWORD;
    if (password === undefined) throw new UsageError('discover needs the BMC password: --password-file FILE, or CLOUDSEED_BMC_PASSWORD in the environment');
    const concurrency = Math.floor(positive(ctx, 'concurrency', DEFAULT_SCAN_CONCURRENCY));
    const timeoutMs = positive(ctx, 'timeout', 3) * 1000;
    const lab = labOf(ctx);
    const client = bmcClientFor(lab, { deadMs: Math.min(2000, timeoutMs) });

    let last = 0;
    let lastScanned = -1;
    const onProgress = (p: ScanProgress) => {
      // a progress line on stderr at most every second (plain mode), never in --json
      if (ctx.json || p.scanned === lastScanned || (p.elapsedMs - last < 1000 && p.scanned < p.total)) return;
      last = p.elapsedMs;
      lastScanned = p.scanned;
      ctx.err(`scanned ${p.scanned}/${p.total}: ${p.found} found, ${p.unreachable} unreachable, ${p.refused} refused (${(p.elapsedMs / 1000).toFixed(1)} s)`);
    };
    let result;
    try {
      result = await scanRange({ range, user, password, client, concurrency, timeoutMs, signal: ctx.signal, onProgress });
    } catch (e) {
      if (e instanceof ScanRangeError) throw new UsageError(e.message);
      throw e;
    }
    const { nodes } = mergeScan([], result.bmcs, { user, password });
    if (ctx.json) {
      const { bmcs: _bmcs, ...counts } = result;
      ctx.out(JSON.stringify({ range, ...counts, nodes: nodes.map(publicNode) }));
    } else {
      if (nodes.length) for (const line of formatInventory(nodes)) ctx.out(line);
      for (const a of result.refusedAddresses) ctx.out(`refused  ${a}: the BMC answered but refused user "${user}" or the password`);
      for (const f of result.failedAddresses) ctx.out(`error    ${f.address}: ${f.message}`);
      ctx.err(
        `${range}: ${result.found} found, ${result.refused} refused, ${result.unreachable} unreachable of ${result.total} in ${(result.elapsedMs / 1000).toFixed(1)} s${result.cancelled ? ' (cancelled)' : ''}`,
      );
    }
    return result.found === 0 ? 1 : 0;
  },
};

export const commands: Command[] = [probeCommand, importCommand, discoverCommand];
