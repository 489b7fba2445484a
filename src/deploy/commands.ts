// `cloudseed deploy` and `cloudseed status`: the non-interactive way through the three
// tiers — one plain line per step transition (or JSON events), the same journal, resume
// and lock as the screens; exit 0 done, 1 failed, 130 interrupted.
import { CliError, UsageError, type Command, type CommandContext } from '../command.js';
import { LabError } from '../lab/load.js';
import { loadAnswers, UNREADABLE_RULE } from '../plan/answers.js';
import { formatFinding } from '../plan/findings.js';
import type { Plan } from '../plan/schema.js';
import { validate } from '../plan/validate.js';
import { liveHolder } from '../store/lock.js';
import { StateStore } from '../store/state.js';
import { journalPath, readJournal, type JournalSummary } from './journal.js';
import { planForLab } from './lab-plan.js';
import { parseSeed, RUN_OPTIONS, runDeployment, scaleOutOf } from './run-command.js';
import { pendingReruns, rerunLine } from './step-inputs.js';
import { statusLines } from './summary.js';

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

const deployCommand: Command = {
  name: 'deploy',
  summary: 'deploy the seed, undercloud and overcloud (resumes an unfinished deployment; adds the servers an edited file adds)',
  usage: 'cloudseed deploy FILE|--lab NAME [--yes] [--speed N|max] [--faults SPEC] [--seed N] [--json]',
  options: RUN_OPTIONS,
  async run(ctx) {
    const { plan, source } = planFor(ctx);
    const errors = validate(plan).filter((f) => f.severity === 'error');
    if (errors.length) {
      for (const f of errors) ctx.err(formatFinding(f));
      throw new CliError(`the plan from ${source} has ${errors.length} error(s); fix them first`);
    }
    // An edited answers file of the deployed cloud: only what it adds is deployed.
    return runDeployment(ctx, plan, source, scaleOutOf(ctx, plan, source));
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
    }
    for (const [j, name] of [[journal, 'journal'], [scaleOut, 'scale-out']] as const) {
      if (j.torn) ctx.err(`note: the last line of ${journalPath(ctx.stateDir, name)} is torn (a crash or a full disk while writing); it is skipped, and the run resumes before it`);
    }
    return 0;
  },
};

export const commands: Command[] = [deployCommand, statusCommand];
