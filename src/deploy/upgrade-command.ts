// `cloudseed upgrade FILE`: the deployed cloud to the release the edited answers file names,
// tier by tier, through the same runner, journal and step modules as a deployment; and the
// dry run `cloudseed plan FILE` prints for it.
import { CliError, UsageError, type Command, type CommandContext } from '../command.js';
import { formatFinding } from '../plan/findings.js';
import type { Plan } from '../plan/schema.js';
import { planUpgrade, releaseChanges, UpgradeError, type UpgradePlan } from '../plan/upgrade.js';
import { validate } from '../plan/validate.js';
import { readDeployed, type DeployedRecord } from '../store/deployed.js';
import { planFor } from './commands.js';
import { confirmed, playDeployment, RUN_OPTIONS } from './run-command.js';
import { compileUpgrade } from './compile-upgrade.js';
import { toolCommands } from './drivers/real/commands.js';
import { unfinishedOperation, unfinishedRefusal } from './operation.js';
import { formatDuration } from './summary.js';
import type { Deployment } from './types.js';

/** `--batch N`: the most servers of a role upgraded at once. */
function parseBatch(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (typeof value !== 'string' || !Number.isInteger(n) || n < 1) throw new UsageError(`--batch takes a whole number of servers, 1 or more, not "${String(value)}"`);
  return n;
}

export interface PlannedUpgrade {
  upgrade: UpgradePlan;
  deployment: Deployment;
}

/** The upgrade from the deployed cloud to `plan`; throws UpgradeError naming the field when it cannot be made. */
export function plannedUpgrade(deployed: DeployedRecord, plan: Plan, batch?: number): PlannedUpgrade {
  const upgrade = planUpgrade(deployed.plan, plan, { batch });
  return { upgrade, deployment: compileUpgrade(upgrade) };
}

/** What `plan` says of an upgrade: the rollout, then each step with the commands the real driver runs. */
export function upgradeLines(p: PlannedUpgrade, stateDir: string): string[] {
  const lines = [...p.upgrade.lines, `${p.deployment.steps.length} steps:`];
  for (const step of p.deployment.steps) {
    lines.push(`  ${step.id}: ${step.title}`);
    if (p.upgrade.plan.driver === 'real') for (const c of toolCommands(p.upgrade.plan, step, stateDir)) lines.push(`    $ ${c.argv.join(' ')}`);
  }
  return lines;
}

export function upgradeJson(p: PlannedUpgrade, stateDir: string) {
  return {
    from: p.upgrade.from,
    to: p.upgrade.to,
    batches: p.upgrade.batches,
    roles: p.upgrade.roles,
    steps: p.deployment.steps.map((s) => ({ id: s.id, title: s.title, nodes: s.nodes, ...(p.upgrade.plan.driver === 'real' ? { commands: toolCommands(p.upgrade.plan, s, stateDir).map((c) => c.argv) } : {}) })),
  };
}

const usage = 'cloudseed upgrade FILE [--batch N] [--yes] [--speed N|max] [--faults SPEC] [--seed N] [--json]';

const upgradeCommand: Command = {
  name: 'upgrade',
  summary: 'upgrade the deployed cloud to the TripleO release the answers file names: seed, undercloud, then the overcloud in rolling batches',
  usage,
  options: { ...RUN_OPTIONS, batch: { type: 'string' } },
  async run(ctx: CommandContext) {
    if (ctx.args.length !== 1) throw new UsageError(`name the edited answers file: ${usage}`);
    const batch = parseBatch(ctx.flags.batch);
    const { plan, source } = planFor(ctx);
    const errors = validate(plan).filter((f) => f.severity === 'error');
    if (errors.length) {
      for (const f of errors) ctx.err(formatFinding(f));
      throw new CliError(`the plan from ${source} has ${errors.length} error(s); fix them first`);
    }
    const deployed = readDeployed(ctx.stateDir);
    if (!('record' in deployed)) throw new CliError(`${deployed.missing}: deploy the cloud first (cloudseed deploy ${source}), or give the --state-dir it was deployed from`);
    if (deployed.record.plan.name !== plan.name) throw new CliError(`the cloud deployed from ${ctx.stateDir} is "${deployed.record.plan.name}", ${source} describes "${plan.name}": upgrade works on that cloud's own answers file`);
    const other = unfinishedRefusal(ctx.stateDir, ['upgrade'], 'upgrade', ctx.args[0]);
    if (other) throw new CliError(other);
    const unfinished = unfinishedOperation(ctx.stateDir)?.kind === 'upgrade';
    let p: PlannedUpgrade;
    try {
      p = plannedUpgrade(deployed.record, plan, batch);
    } catch (e) {
      if (e instanceof UpgradeError) throw new CliError(e.message);
      throw e;
    }
    const go = await confirmed(
      ctx,
      'upgrade',
      () => [
        ...p.upgrade.lines,
        `first the seed and undercloud state is backed up as it is on ${p.upgrade.from}`,
        ...(unfinished ? ['the unfinished upgrade resumes: the steps the journal shows done are not run again'] : []),
        ...(plan.driver === 'real' ? ['the real driver will run the TripleO upgrade on the seed, the undercloud and every server above (cloudseed plan FILE lists each command)'] : []),
      ],
      'not upgraded',
    );
    if (go !== true) return go;
    return playDeployment(ctx, plan, {
      deployment: p.deployment,
      done(s) {
        ctx.out(`upgraded "${plan.name}" from ${p.upgrade.from} to ${p.upgrade.to} in ${formatDuration(s.totalMs)} (${s.tierMs.map((t) => `${t.tier} ${formatDuration(t.ms)}`).join(', ')})`);
        ctx.out(`  ${ctx.stateDir}/deployed.json records ${p.upgrade.to}`);
      },
    });
  },
};

export const commands: Command[] = [upgradeCommand];

/** For `plan FILE`: the upgrade the file asks of the deployed cloud, or why it cannot be made. */
export function upgradeChange(deployed: DeployedRecord, plan: Plan): PlannedUpgrade | { refused: string } | undefined {
  if (!releaseChanges(deployed.plan, plan)) return undefined;
  try {
    return plannedUpgrade(deployed, plan);
  } catch (e) {
    if (e instanceof UpgradeError) return { refused: e.message };
    throw e;
  }
}
