// Running a deployment from the command line, shared by `deploy` and `add`: confirmation
// (or --yes), the sim's pace, one plain line per step transition (or JSON events), the same
// journal, resume and lock as the screens, and the summary; exit 0 done, 1 failed, 130
// interrupted. An edited answers file of the deployed cloud runs only its scale-out.
import { createInterface } from 'node:readline/promises';
import { CliError, UsageError, type Command, type CommandContext } from '../command.js';
import { diffLines, unchanged } from '../plan/diff.js';
import { replan, scaleOutDeployment, scaleOutLine, type Replan } from '../plan/scale-out.js';
import type { Plan } from '../plan/schema.js';
import { deployedPath, readDeployed } from '../store/deployed.js';
import { LockHeldError } from '../store/lock.js';
import { virtualClock, type Clock } from './clock.js';
import { compile, tierSteps } from './compile.js';
import { FaultSpecError } from './drivers/sim/faults.js';
import { readJournal } from './journal.js';
import { startDeploy } from './session.js';
import { planTarget } from './step-inputs.js';
import { jsonSink, plainSink, createRedactor } from './sinks.js';
import { deployedLines, deploySummary, formatDuration } from './summary.js';
import { TIERS } from './types.js';

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

export function parseSeed(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (typeof value !== 'string' || !Number.isInteger(n)) throw new UsageError(`--seed takes a whole number, not "${String(value)}"`);
  return n;
}

/** The options of a run (deploy, add): confirmation and the simulated lab's pace and faults. */
export const RUN_OPTIONS: Command['options'] = {
  yes: { type: 'boolean', short: 'y' },
  speed: { type: 'string' },
  faults: { type: 'string' },
  seed: { type: 'string' },
};

/**
 * The cloud deployed from this state dir when `plan` edits it (same name, same lab or
 * hardware) by adding servers: what a scale-out changes. Undefined when nothing changes or it
 * is another cloud; a CliError naming each change a scale-out cannot make.
 */
export function scaleOutOf(ctx: CommandContext, plan: Plan, source: string): Replan | undefined {
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
  return r;
}

/** The person's answer; `interrupted` on Ctrl-C (or SIGTERM) while asked. */
async function ask(ctx: CommandContext, question: string): Promise<'yes' | 'no' | 'interrupted'> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  // On a terminal readline reads Ctrl-C as a key and emits SIGINT on itself, not the process.
  const interrupted = new AbortController();
  rl.on('SIGINT', () => interrupted.abort());
  try {
    const answer = await rl.question(question, { signal: AbortSignal.any([ctx.signal, interrupted.signal]) });
    return /^y(es)?$/i.test(answer.trim()) ? 'yes' : 'no';
  } catch {
    // Otherwise stdin closed (Ctrl-D) before an answer: not a yes.
    return ctx.signal.aborted || interrupted.signal.aborted ? 'interrupted' : 'no';
  } finally {
    rl.close();
  }
}

/** What the run will do, before it is confirmed. */
function preview(ctx: CommandContext, plan: Plan, source: string, scale: Replan | undefined): void {
  if (scale) {
    ctx.out(`cloudseed will change the cloud "${plan.name}" deployed from ${ctx.stateDir} as ${source} says:`);
    for (const line of diffLines(scale.diff)) ctx.out(`  ${line}`);
    ctx.out(`  ${scaleOutLine(scale)}`);
    if (plan.driver === 'real') ctx.out('  the real driver will power, boot and write to the new servers only');
    return;
  }
  const deployment = compile(plan);
  ctx.out(`cloudseed will deploy from ${source}:`);
  for (const line of deployedLines(plan)) ctx.out(`  ${line}`);
  for (const tier of TIERS) ctx.out(`  ${tier}: ${tierSteps(deployment, tier).length} steps`);
  if (plan.driver === 'real') ctx.out('  the real driver will power, boot and write to the servers above');
}

/**
 * Runs a deployment of `plan` (or, with `scale`, only its scale-out) to its end: asks first
 * unless --yes, one line per step, the summary; exit 0 done, 1 failed, 130 interrupted.
 */
export async function runDeployment(ctx: CommandContext, plan: Plan, source: string, scale?: Replan): Promise<number> {
  const { speed, clock } = parseSpeed(ctx.flags.speed);
  const seed = parseSeed(ctx.flags.seed);
  if (ctx.flags.yes !== true) {
    if (!ctx.interactive) throw new UsageError(`${scale ? 'adding servers' : 'deploy'} asks before it starts; without a terminal, confirm with --yes`);
    preview(ctx, plan, source, scale);
    const answer = await ask(ctx, scale ? 'Add these servers now? [y/N] ' : 'Deploy now? [y/N] ');
    if (answer !== 'yes') {
      ctx.err(scale ? 'nothing was changed' : 'not deployed');
      return answer === 'interrupted' ? EXIT_INTERRUPTED : 1;
    }
  }
  const redact = createRedactor(plan);
  const note = (line: string) => (ctx.json ? ctx.err(line) : ctx.out(line));
  const journalName = scale ? 'scale-out' : 'journal';
  let session;
  try {
    session = await startDeploy({
      plan: { ...plan, options: { ...plan.options, confirmedAt: plan.options.confirmedAt ?? new Date().toISOString() } },
      stateDir: ctx.stateDir,
      onFailure: 'abort',
      yes: ctx.flags.yes === true,
      clock,
      speed,
      seed,
      faults: typeof ctx.flags.faults === 'string' ? ctx.flags.faults : undefined,
      sinks: [ctx.json ? jsonSink(ctx.out, redact) : plainSink(ctx.out, scale ? scaleOutDeployment(scale) : compile(plan), redact)],
      ...(scale ? { scaleOutOf: readDeployedPlan(ctx.stateDir) } : {}),
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
    const s = deploySummary(plan, view, ctx.stateDir, readJournal(ctx.stateDir, journalName));
    if (!ctx.json && scale) {
      const n = scale.diff.added.length;
      ctx.out(`added ${n} server${n === 1 ? '' : 's'} in ${formatDuration(s.totalMs)}; the cloud is now:`);
      for (const line of s.deployed) ctx.out(`  ${line}`);
    } else if (!ctx.json) {
      ctx.out(`deployed in ${formatDuration(s.totalMs)} (${s.tierMs.map((t) => `${t.tier} ${formatDuration(t.ms)}`).join(', ')})`);
      for (const e of s.endpoints) ctx.out(`  ${e.name}: ${e.url}`);
      if (s.servicesNotDone && !view.notDone.length) ctx.out(`  not done: ${s.servicesNotDone}`);
      for (const n of view.notDone) ctx.out(`  not done: ${n.title} -- ${n.why}`);
      if (s.credentialsMode) ctx.out(`  admin credentials: ${s.credentialsPath} (mode ${s.credentialsMode})`);
    }
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

/** The deployed plan a scale-out starts from (scaleOutOf found it a moment ago). */
function readDeployedPlan(stateDir: string): Plan {
  const deployed = readDeployed(stateDir);
  if (!('record' in deployed)) throw new CliError(deployed.missing);
  return deployed.record.plan;
}

