// Running a deployment from the command line, shared by `deploy`, `add` and `upgrade`:
// confirmation (or --yes), the sim's pace, one plain line per step transition (or JSON
// events), the same journal, resume and lock as the screens; exit 0 done, 1 failed, 130
// interrupted. An edited answers file of the deployed cloud that adds servers runs only its
// scale-out. (Apart from deploy/commands.ts, which reaches the labs' plans through
// roles/commands.ts: `add` lives there and uses this.)
import { createInterface } from 'node:readline/promises';
import { CliError, UsageError, type Command, type CommandContext } from '../command.js';
import { diffLines, unchanged } from '../plan/diff.js';
import { replan, scaleOutDeployment, scaleOutLine, type Replan } from '../plan/scale-out.js';
import type { Plan } from '../plan/schema.js';
import { deployedPath, readDeployed } from '../store/deployed.js';
import { LockHeldError } from '../store/lock.js';
import { virtualClock, type Clock } from './clock.js';
import { compile } from './compile.js';
import { FaultSpecError } from './drivers/sim/faults.js';
import { readJournal } from './journal.js';
import type { ProgressView } from './progress-store.js';
import { startDeploy } from './session.js';
import { parseSeed, parseSpeedFlag, SIM_OPTIONS } from './sim-options.js';
import { planTarget } from './step-inputs.js';
import { jsonSink, plainSink, createRedactor } from './sinks.js';
import { deploySummary, formatDuration, type DeploySummary } from './summary.js';
import type { Deployment } from './types.js';

const EXIT_INTERRUPTED = 130;

/** `--speed N` or `--speed max` (virtual time: as fast as the CPU allows). */
export function parseSpeed(value: unknown): { speed?: number; clock?: Clock } {
  const speed = parseSpeedFlag(value);
  if (speed === undefined) return {};
  return speed === 'max' ? { speed: 1, clock: virtualClock() } : { speed };
}

/** The options of a run (deploy, add): confirmation and the simulated lab's pace and faults. */
export const RUN_OPTIONS: Command['options'] = { yes: { type: 'boolean', short: 'y' }, ...SIM_OPTIONS };

/**
 * The cloud deployed from this state dir when `plan` edits it (same name, same lab or
 * hardware) by adding servers: what a scale-out changes. Undefined when nothing changes or it
 * is another cloud; a CliError naming each change a scale-out cannot make.
 */
export function scaleOutOf(ctx: CommandContext, plan: Plan, source: string): { of: Plan; replan: Replan } | undefined {
  const deployed = readDeployed(ctx.stateDir);
  if (!('record' in deployed)) return undefined;
  const before = deployed.record.plan;
  if (before.name !== plan.name || planTarget(before) !== planTarget(plan)) return undefined;
  const r = replan(before, plan);
  if (unchanged(r.diff)) return undefined;
  if (r.beyond.length) {
    for (const line of diffLines(r.diff)) ctx.err(line);
    ctx.err(`${r.beyond.length === 1 ? 'this change is' : 'these changes are'} beyond adding servers, so nothing was changed:`);
    for (const b of r.beyond) ctx.err(`  ${b}`);
    throw new CliError(`the cloud "${plan.name}" is deployed from ${ctx.stateDir}: put these back as deployed in ${source} to add servers only, or move ${deployedPath(ctx.stateDir)} aside to deploy it as a new cloud`, 1);
  }
  return { of: before, replan: r };
}

/** What a scale-out will do, before it is confirmed. */
export function scaleOutLines(ctx: CommandContext, plan: Plan, source: string, r: Replan): string[] {
  return [
    `cloudseed will change the cloud "${plan.name}" deployed from ${ctx.stateDir} as ${source} says:`,
    ...diffLines(r.diff).map((l) => `  ${l}`),
    `  ${scaleOutLine(r)}`,
    ...(plan.driver === 'real' ? ['  the real driver will power, boot and write to the new servers only'] : []),
  ];
}

/** The end of a scale-out: how many servers joined, and the cloud now. */
export function scaleOutDone(ctx: CommandContext, r: Replan) {
  return (s: DeploySummary): void => {
    const n = r.diff.added.length;
    ctx.out(`added ${n} server${n === 1 ? '' : 's'} in ${formatDuration(s.totalMs)}; the cloud is now:`);
    for (const line of s.deployed) ctx.out(`  ${line}`);
  };
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
  /** What to run when not the plan's first deployment (an upgrade, a replacement). */
  deployment?: Deployment;
  /** The cloud as deployed before this run (a replacement: the sim's Ironics hold its servers). */
  deployed?: Plan;
  /** A scale-out of the deployed cloud (its own steps and journal: src/deploy/session.ts). */
  scaleOut?: { of: Plan; replan: Replan };
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
  const deployment = opts.scaleOut ? scaleOutDeployment(opts.scaleOut.replan) : (opts.deployment ?? compile(plan));
  const journalName = opts.scaleOut ? 'scale-out' : 'journal';
  let session;
  try {
    session = await startDeploy({
      plan: { ...plan, options: { ...plan.options, confirmedAt: plan.options.confirmedAt ?? new Date().toISOString() } },
      deployment: opts.deployment,
      deployed: opts.deployed,
      ...(opts.scaleOut ? { scaleOutOf: opts.scaleOut.of } : {}),
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
    if (!ctx.json) opts.done(deploySummary(plan, view, ctx.stateDir, readJournal(ctx.stateDir, journalName)), view);
    return 0;
  }
  if (state === 'interrupted') {
    note('interrupted: the journal is kept; run the same command again to resume');
    return EXIT_INTERRUPTED;
  }
  const journal = readJournal(ctx.stateDir, journalName);
  const failed = [...journal.steps.entries()].filter(([, r]) => r.state === 'failed');
  for (const [id, r] of failed) {
    ctx.err(`failed: ${id}: ${redact(r.error?.message ?? 'unknown reason')}`);
    if (r.error?.hint) ctx.err(`  try: ${r.error.hint}`);
  }
  ctx.err('the journal is kept; run the same command again to retry from the failed step');
  return 1;
}

