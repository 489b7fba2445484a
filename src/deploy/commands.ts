// `cloudseed deploy` and `cloudseed status`: the non-interactive way through the three
// tiers — one plain line per step transition (or JSON events), the same journal, resume
// and lock as the screens; exit 0 done, 1 failed, 130 interrupted.
import { createInterface } from 'node:readline/promises';
import { lastBackupLine, readBackupHistory } from '../backup/history.js';
import { CliError, UsageError, type Command, type CommandContext } from '../command.js';
import { LabError } from '../lab/load.js';
import { loadAnswers, UNREADABLE_RULE } from '../plan/answers.js';
import { formatFinding } from '../plan/findings.js';
import type { Plan } from '../plan/schema.js';
import { validate } from '../plan/validate.js';
import { LockHeldError, liveHolder } from '../store/lock.js';
import { StateStore } from '../store/state.js';
import { virtualClock, type Clock } from './clock.js';
import { compile, tierSteps } from './compile.js';
import { FaultSpecError } from './drivers/sim/faults.js';
import { journalPath, readJournal } from './journal.js';
import { planForLab } from './lab-plan.js';
import { startDeploy } from './session.js';
import { upgradeInstead } from './upgrade-guard.js';
import { pendingReruns, rerunLine } from './step-inputs.js';
import { jsonSink, plainSink, createRedactor } from './sinks.js';
import { deployedLines, deploySummary, formatDuration, statusLines, type DeploySummary } from './summary.js';
import type { ProgressView } from './progress-store.js';
import { TIERS, type Deployment } from './types.js';

const EXIT_INTERRUPTED = 130;

/** The sim's time scale, slowest and fastest: beyond them step timeouts overflow Node's timers or race the steps. */
const SPEED_RANGE = [0.01, 10_000] as const;

/** `--speed N` or `--speed max` (virtual time: as fast as the CPU allows). */
function parseSpeed(value: unknown): { speed?: number; clock?: Clock } {
  if (value === undefined) return {};
  if (value === 'max') return { speed: 1, clock: virtualClock() };
  const n = Number(value);
  const [slowest, fastest] = SPEED_RANGE;
  if (typeof value !== 'string' || !(n >= slowest && n <= fastest)) throw new UsageError(`--speed takes a number from ${slowest} to ${fastest} (times real time), or "max", not "${String(value)}"`);
  return { speed: n };
}

function parseSeed(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (typeof value !== 'string' || !Number.isInteger(n)) throw new UsageError(`--seed takes a whole number, not "${String(value)}"`);
  return n;
}

/** FILE, else `--lab NAME` (the plan `init --lab` would write), else the plan the wizard saved. */
export function planFor(ctx: CommandContext): { plan: Plan; source: string } {
  const [file, ...extra] = ctx.args;
  if (extra.length) throw new UsageError('deploy takes one answers file: cloudseed deploy FILE');
  const lab = typeof ctx.flags.lab === 'string' ? ctx.flags.lab : undefined;
  if (file) {
    const { plan, findings } = loadAnswers(file);
    const unreadable = findings.find((f) => f.rule === UNREADABLE_RULE);
    if (unreadable) throw new CliError(`${file}: ${unreadable.message}`, 2);
    if (!plan || findings.some((f) => f.severity === 'error')) {
      for (const f of findings) ctx.err(formatFinding(f));
      throw new CliError(`${file} has errors; fix them first (cloudseed validate ${file})`);
    }
    return { plan, source: file };
  }
  if (lab) {
    try {
      const seed = parseSeed(ctx.flags.seed) ?? 1;
      return { plan: planForLab(lab, seed), source: `the simulated lab ${lab}` };
    } catch (e) {
      if (e instanceof LabError) throw new UsageError(e.message);
      throw e;
    }
  }
  const store = StateStore.open(ctx.stateDir);
  // A saved state set aside (corrupt): say where it went, before saying nothing was saved.
  for (const f of store.notices) ctx.err(formatFinding(f));
  const saved = store.saved();
  if (!saved) throw new UsageError(`deploy needs an answers file or a lab: cloudseed deploy FILE | --lab NAME${store.notices.length ? ` (the plan saved in ${ctx.stateDir} could not be used; see above)` : ''}`);
  return { plan: saved.plan, source: `the plan saved in ${ctx.stateDir}` };
}

/** Says what will happen, then asks; `interrupted` on Ctrl-C (or SIGTERM) while asked. */
async function confirm(ctx: CommandContext, lines: string[], question: string): Promise<'yes' | 'no' | 'interrupted'> {
  for (const line of lines) ctx.out(line);
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  // On a terminal readline reads Ctrl-C as a key and emits SIGINT on itself, not the process.
  const interrupted = new AbortController();
  rl.on('SIGINT', () => interrupted.abort());
  try {
    const answer = await rl.question(`${question} [y/N] `, { signal: AbortSignal.any([ctx.signal, interrupted.signal]) });
    return /^y(es)?$/i.test(answer.trim()) ? 'yes' : 'no';
  } catch {
    // Otherwise stdin closed (Ctrl-D) before an answer: not a yes.
    return ctx.signal.aborted || interrupted.signal.aborted ? 'interrupted' : 'no';
  } finally {
    rl.close();
  }
}

function deployLines(plan: Plan, source: string): string[] {
  const deployment = compile(plan);
  return [
    `cloudseed will deploy from ${source}:`,
    ...deployedLines(plan).map((line) => `  ${line}`),
    ...TIERS.map((tier) => `  ${tier}: ${tierSteps(deployment, tier).length} steps`),
    ...(plan.driver === 'real' ? ['  the real driver will power, boot and write to the servers above'] : []),
  ];
}

/** "Deploy now?" after `lines` (what changes), unless --yes; a number is the exit code of a refusal. */
export async function confirmed(ctx: CommandContext, verb: string, lines: () => string[], refused: string): Promise<true | number> {
  if (ctx.flags.yes === true) return true;
  if (!ctx.interactive) throw new UsageError(`${verb} asks before it starts; without a terminal, confirm with --yes`);
  const answer = await confirm(ctx, lines(), `${verb[0].toUpperCase()}${verb.slice(1)} now?`);
  if (answer === 'yes') return true;
  ctx.err(refused);
  return answer === 'interrupted' ? EXIT_INTERRUPTED : 1;
}

export interface PlayOptions {
  /** What to run when not the plan's first deployment (an upgrade). */
  deployment?: Deployment;
  /** Prints the result of a run that ended done. */
  done(s: DeploySummary, view: ProgressView): void;
}

/**
 * Runs a deployment (or an upgrade) from the state dir with the flags every run takes
 * (--speed, --seed, --faults, --yes, --json): plain lines or JSON events, Ctrl-C stops it
 * with the journal kept; the exit code: 0 done, 1 failed, 130 interrupted.
 */
export async function playDeployment(ctx: CommandContext, plan: Plan, opts: PlayOptions): Promise<number> {
  const { speed, clock } = parseSpeed(ctx.flags.speed);
  const seed = parseSeed(ctx.flags.seed);
  const redact = createRedactor(plan);
  const note = (line: string) => (ctx.json ? ctx.err(line) : ctx.out(line));
  const deployment = opts.deployment ?? compile(plan);
  let session;
  try {
    session = await startDeploy({
      plan: { ...plan, options: { ...plan.options, confirmedAt: plan.options.confirmedAt ?? new Date().toISOString() } },
      deployment: opts.deployment,
      stateDir: ctx.stateDir,
      // The answers file named on the command line: the backup steps keep it.
      answersFile: ctx.args[0],
      onFailure: 'abort',
      yes: ctx.flags.yes === true,
      clock,
      speed,
      seed,
      faults: typeof ctx.flags.faults === 'string' ? ctx.flags.faults : undefined,
      sinks: [ctx.json ? jsonSink(ctx.out, redact) : plainSink(ctx.out, deployment, redact)],
    });
  } catch (e) {
    if (e instanceof LockHeldError) throw new CliError(e.message, 1);
    if (e instanceof FaultSpecError) throw new UsageError(e.message);
    throw e;
  }
  for (const n of session.notes) note(`note: ${n}`);
  note(`log: ${session.logPath}`);
  const onAbort = () => session.run.cancel();
  if (ctx.signal.aborted) onAbort();
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  const state = await session.result;
  ctx.signal.removeEventListener('abort', onAbort);
  session.store.close();
  const view = session.store.getSnapshot();
  if (state === 'done') {
    if (!ctx.json) opts.done(deploySummary(plan, view, ctx.stateDir, readJournal(ctx.stateDir)), view);
    return 0;
  }
  if (state === 'interrupted') {
    note('interrupted: the journal is kept; run the same command again to resume');
    return EXIT_INTERRUPTED;
  }
  const journal = readJournal(ctx.stateDir);
  const failed = [...journal.steps.entries()].filter(([, r]) => r.state === 'failed');
  for (const [id, r] of failed) {
    ctx.err(`failed: ${id}: ${redact(r.error?.message ?? 'unknown reason')}`);
    if (r.error?.hint) ctx.err(`  try: ${r.error.hint}`);
  }
  ctx.err('the journal is kept; run the same command again to retry from the failed step');
  return 1;
}

const deployCommand: Command = {
  name: 'deploy',
  summary: 'deploy the seed, undercloud and overcloud (resumes an unfinished deployment)',
  usage: 'cloudseed deploy FILE|--lab NAME [--yes] [--speed N|max] [--faults SPEC] [--seed N] [--json]',
  options: {
    yes: { type: 'boolean', short: 'y' },
    speed: { type: 'string' },
    faults: { type: 'string' },
    seed: { type: 'string' },
  },
  async run(ctx) {
    // Wrong flags are said before anything is asked.
    parseSpeed(ctx.flags.speed);
    parseSeed(ctx.flags.seed);
    const { plan, source } = planFor(ctx);
    const errors = validate(plan).filter((f) => f.severity === 'error');
    if (errors.length) {
      for (const f of errors) ctx.err(formatFinding(f));
      throw new CliError(`the plan from ${source} has ${errors.length} error(s); fix them first`);
    }
    const upgrade = upgradeInstead(ctx.stateDir, plan, source, ctx.args[0]);
    if (upgrade) throw new CliError(upgrade);
    const go = await confirmed(ctx, 'deploy', () => deployLines(plan, source), 'not deployed');
    if (go !== true) return go;
    return playDeployment(ctx, plan, {
      done(s, view) {
        ctx.out(`deployed in ${formatDuration(s.totalMs)} (${s.tierMs.map((t) => `${t.tier} ${formatDuration(t.ms)}`).join(', ')})`);
        for (const e of s.endpoints) ctx.out(`  ${e.name}: ${e.url}`);
        if (s.servicesNotDone && !view.notDone.length) ctx.out(`  not done: ${s.servicesNotDone}`);
        for (const n of view.notDone) ctx.out(`  not done: ${n.title} -- ${n.why}`);
        if (s.credentialsMode) ctx.out(`  admin credentials: ${s.credentialsPath} (mode ${s.credentialsMode})`);
      },
    });
  },
};

const statusCommand: Command = {
  name: 'status',
  summary: 'show the deployment journal per tier (done / running / failed, with reasons)',
  usage: 'cloudseed status [--json]',
  options: {},
  async run(ctx) {
    if (ctx.args.length) throw new UsageError('status takes no arguments: cloudseed status');
    const journal = readJournal(ctx.stateDir);
    if (ctx.json) {
      ctx.out(
        JSON.stringify({
          state: journal.state,
          plan: journal.plan,
          startedAt: journal.startedAt,
          endedAt: journal.endedAt,
          steps: Object.fromEntries([...journal.steps].map(([id, r]) => [id, { state: r.state, tier: r.tier, attempt: r.attempt, error: r.error }])),
          rerun: pendingReruns(journal),
          torn: journal.torn,
          lastBackup: readBackupHistory(ctx.stateDir).at(-1) ?? null,
        }),
      );
    } else {
      for (const line of statusLines(journal, liveHolder(ctx.stateDir))) ctx.out(line);
      const again = pendingReruns(journal);
      if (again.length) ctx.out(`on resume, ${rerunLine(again, 10)}`);
      ctx.out(lastBackupLine(ctx.stateDir));
    }
    if (journal.torn) ctx.err(`note: the last line of ${journalPath(ctx.stateDir)} is torn (a crash or a full disk while writing); it is skipped, and deploy resumes before it`);
    return 0;
  },
};

export const commands: Command[] = [deployCommand, statusCommand];
