// `cloudseed deploy` and `cloudseed status`: the non-interactive way through the three
// tiers — one plain line per step transition (or JSON events), the same journal, resume
// and lock as the screens; exit 0 done, 1 failed, 130 interrupted.
import { lastBackupLine, readBackupHistory } from '../backup/history.js';
import { CliError, UsageError, type Command, type CommandContext } from '../command.js';
import { LabError } from '../lab/load.js';
import { loadAnswers, UNREADABLE_RULE } from '../plan/answers.js';
import { formatFinding } from '../plan/findings.js';
import type { Plan } from '../plan/schema.js';
import { validate } from '../plan/validate.js';
import { liveHolder } from '../store/lock.js';
import { StateStore } from '../store/state.js';
import { compile, tierSteps } from './compile.js';
import { journalPath, readJournal, type JournalSummary } from './journal.js';
import { planForLab } from './lab-plan.js';
import { confirmed, parseSpeed, playDeployment, RUN_OPTIONS, scaleOutDone, scaleOutLines, scaleOutOf } from './run-command.js';
import { parseSeed } from './sim-options.js';
import { unfinishedRefusal } from './operation.js';
import { upgradeInstead } from './upgrade-guard.js';
import { pendingReruns, rerunLine } from './step-inputs.js';
import { deployedLines, formatDuration, statusLines } from './summary.js';
import { TIERS } from './types.js';

/**
 * The plan in answers file `file`, or a CliError: unreadable (exit 2), or errors (listed).
 * `tolerate` keeps a plan whose error findings the command itself clears (replace).
 */
export function answersPlan(ctx: CommandContext, file: string, tolerate = false): Plan {
  const { plan, findings } = loadAnswers(file);
  const unreadable = findings.find((f) => f.rule === UNREADABLE_RULE);
  if (unreadable) throw new CliError(`${file}: ${unreadable.message}`, 2);
  if (!plan || (!tolerate && findings.some((f) => f.severity === 'error'))) {
    for (const f of findings) ctx.err(formatFinding(f));
    throw new CliError(`${file} has errors; fix them first (cloudseed validate ${file})`);
  }
  return plan;
}

/** FILE, else `--lab NAME` (the plan `init --lab` would write), else the plan the wizard saved. */
export function planFor(ctx: CommandContext): { plan: Plan; source: string } {
  const [file, ...extra] = ctx.args;
  if (extra.length) throw new UsageError('deploy takes one answers file: cloudseed deploy FILE');
  const lab = typeof ctx.flags.lab === 'string' ? ctx.flags.lab : undefined;
  if (file) return { plan: answersPlan(ctx, file), source: file };
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

function deployLines(plan: Plan, source: string): string[] {
  const deployment = compile(plan);
  return [
    `cloudseed will deploy from ${source}:`,
    ...deployedLines(plan).map((line) => `  ${line}`),
    ...TIERS.map((tier) => `  ${tier}: ${tierSteps(deployment, tier).length} steps`),
    ...(plan.driver === 'real' ? ['  the real driver will power, boot and write to the servers above'] : []),
  ];
}

const deployCommand: Command = {
  name: 'deploy',
  summary: 'deploy the seed, undercloud and overcloud (resumes an unfinished deployment; adds the servers an edited file adds)',
  usage: 'cloudseed deploy FILE|--lab NAME [--yes] [--speed N|max] [--faults SPEC] [--seed N] [--json]',
  options: RUN_OPTIONS,
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
    // A replacement or an upgrade left unfinished resumes only as one.
    const other = unfinishedRefusal(ctx.stateDir, ['deployment', 'scale-out'], 'deploy', ctx.args[0]);
    if (other) throw new CliError(other);
    const upgrade = upgradeInstead(ctx.stateDir, plan, source, ctx.args[0]);
    if (upgrade) throw new CliError(upgrade);
    // An edited answers file of the deployed cloud: only what it adds is deployed.
    const scale = scaleOutOf(ctx, plan, source);
    const mixed = unfinishedRefusal(ctx.stateDir, [scale ? 'scale-out' : 'deployment'], scale ? 'add servers' : 'deploy', ctx.args[0]);
    if (mixed) throw new CliError(mixed);
    if (scale) {
      const go = await confirmed(ctx, 'add', () => scaleOutLines(ctx, plan, source, scale.replan), 'nothing was changed');
      if (go !== true) return go;
      return playDeployment(ctx, plan, { scaleOut: scale, done: scaleOutDone(ctx, scale.replan) });
    }
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
    const scaleOut = readJournal(ctx.stateDir, 'scale-out');
    const holder = liveHolder(ctx.stateDir);
    if (ctx.json) {
      const steps = (j: JournalSummary) => Object.fromEntries([...j.steps].map(([id, r]) => [id, { state: r.state, tier: r.tier, attempt: r.attempt, error: r.error }]));
      ctx.out(
        JSON.stringify({
          state: journal.state,
          plan: journal.plan,
          startedAt: journal.startedAt,
          endedAt: journal.endedAt,
          steps: steps(journal),
          rerun: pendingReruns(journal),
          torn: journal.torn,
          lastBackup: readBackupHistory(ctx.stateDir).at(-1) ?? null,
          ...(scaleOut.state !== 'none' ? { scaleOut: { state: scaleOut.state, plan: scaleOut.plan, startedAt: scaleOut.startedAt, endedAt: scaleOut.endedAt, steps: steps(scaleOut), torn: scaleOut.torn } } : {}),
        }),
      );
    } else {
      // Whichever runs now holds the lock: the other journal is not "running now".
      const running = holder && scaleOut.state === 'running' ? 'scale-out' : 'deployment';
      for (const line of statusLines(journal, running === 'deployment' ? holder : undefined)) ctx.out(line);
      const again = pendingReruns(journal);
      if (again.length) ctx.out(`on resume, ${rerunLine(again, 10)}`);
      if (scaleOut.state !== 'none') for (const line of statusLines(scaleOut, running === 'scale-out' ? holder : undefined, 'scale-out')) ctx.out(line);
      ctx.out(lastBackupLine(ctx.stateDir));
    }
    for (const [j, name] of [[journal, 'journal'], [scaleOut, 'scale-out']] as const) {
      if (j.torn) ctx.err(`note: the last line of ${journalPath(ctx.stateDir, name)} is torn (a crash or a full disk while writing); it is skipped, and the run resumes before it`);
    }
    return 0;
  },
};

export const commands: Command[] = [deployCommand, statusCommand];
