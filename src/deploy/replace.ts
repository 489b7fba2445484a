// `cloudseed replace FILE SERVER`: a failed or retired server of the deployed cloud is taken
// out (maintenance, undeploy, delete from Ironic) and a spare takes its role — through the same
// step modules, journal, resume and lock as a deployment. The confirmation names what changes;
// --dry-run stops there. When done, deployed.json and the answers file say the new cloud.
import { CliError, UsageError, type Command, type CommandContext } from '../command.js';
import { saveAnswers } from '../plan/answers.js';
import { formatFinding } from '../plan/findings.js';
import { planReplacement, ReplaceError, replacementDeployment, type Replacement } from '../plan/replace.js';
import type { Plan } from '../plan/schema.js';
import { validate } from '../plan/validate.js';
import { readDeployed } from '../store/deployed.js';
import { answersPlan } from './commands.js';
import { confirmed, playDeployment, RUN_OPTIONS } from './run-command.js';
import { unfinishedOperation, unfinishedRefusal } from './operation.js';
import type { Deployment } from './types.js';

/** What a replacement changes, in the words the confirmation (and the Replace screen) uses. */
export function replacementLines(r: Replacement, plan: Plan): string[] {
  const role = r.old.role;
  return [
    `${r.old.name} (${role}, ${r.old.reason}) leaves the cloud: maintenance on, undeployed, deleted from the undercloud's Ironic`,
    `${r.spare.name} takes its role: enrolled, inspected and deployed as ${role} -- ${r.spare.why}`,
    `then ${role.toLowerCase()} services are configured again, with ${r.spare.name} in place of ${r.old.name}`,
    ...(r.quorum ? [`one controller at a time: ${r.quorum.line}`] : []),
    ...(plan.driver === 'real' ? [`the real driver will power off and undeploy ${r.old.name}, and power, boot and write to ${r.spare.name}`] : []),
    'then the seed and undercloud state is backed up, with the new server in its role',
    'no other server changes',
  ];
}

export interface PreparedReplacement {
  replacement: Replacement;
  deployment: Deployment;
  /** The cloud as deployed before (its servers are in the lab's Ironics). */
  deployed: Plan;
}

/**
 * Plans replacing `server` of the answers file's cloud, checking that cloud is the one deployed
 * from this state directory. Throws ReplaceError saying why not (the CLI and the screen say it).
 */
export function prepareReplacement(plan: Plan, stateDir: string, server: string, opts: { spare?: string; retired?: boolean; reason?: string; file?: string } = {}): PreparedReplacement {
  const file = opts.file;
  const deployed = readDeployed(stateDir);
  if (!('record' in deployed)) throw new ReplaceError(`${deployed.missing}: there is no deployed server to replace`);
  const cloud = deployed.record.plan;
  if (cloud.name !== plan.name) throw new ReplaceError(`the cloud deployed from ${stateDir} is "${cloud.name}", not "${plan.name}": give the --state-dir this one was deployed from`);
  const was = cloud.nodes.find((n) => n.name === server);
  if (!was?.role) throw new ReplaceError(`${server} is not a server of the deployed cloud "${cloud.name}"${was ? ' (it has no role there)' : ''}`);
  const refused = unfinishedRefusal(stateDir, ['replacement'], 'replace', file);
  if (refused) throw new ReplaceError(refused);
  const other = unfinishedOperation(stateDir, file);
  if (other?.server && other.server !== server) throw new ReplaceError(`the replacement of ${other.server} has not finished: finish it first (${other.resume})`);
  const today = new Date().toISOString().slice(0, 10);
  // The file may mark the server already (and even take its role away): it still has the role it was deployed with.
  const base: Plan = {
    ...plan,
    nodes: plan.nodes.map((n) => {
      if (n.name !== server) return n;
      const marked = opts.reason ? { state: opts.retired ? ('retired' as const) : ('failed' as const), since: today, ...n.outOfService, reason: opts.reason } : n.outOfService;
      return { ...n, role: n.role ?? was.role, ...(marked ? { outOfService: marked } : {}) };
    }),
  };
  const replacement = planReplacement(base, server, { spare: opts.spare, since: today, ...(opts.retired ? { reason: 'retired' as const } : {}) });
  return { replacement, deployment: replacementDeployment(replacement), deployed: cloud };
}

const usage = 'cloudseed replace FILE SERVER [--spare NAME] [--retired] [--reason TEXT] [--dry-run] [--yes] [--speed N|max] [--faults SPEC] [--json]';

const replaceCommand: Command = {
  name: 'replace',
  summary: 'replace a failed or retired server of the deployed cloud with a spare (--dry-run: only say what would change)',
  usage,
  options: {
    spare: { type: 'string' },
    retired: { type: 'boolean' },
    reason: { type: 'string' },
    'dry-run': { type: 'boolean' },
    ...RUN_OPTIONS,
  },
  async run(ctx: CommandContext) {
    const [file, server, ...extra] = ctx.args;
    if (!file || !server || extra.length) throw new UsageError(`name the answers file and the one server to replace: ${usage}`);
    // A marked server still holding its role is an error this command clears.
    const plan = answersPlan(ctx, file, true);
    let prepared: PreparedReplacement;
    try {
      prepared = prepareReplacement(plan, ctx.stateDir, server, {
        spare: typeof ctx.flags.spare === 'string' ? ctx.flags.spare : undefined,
        retired: ctx.flags.retired === true,
        reason: typeof ctx.flags.reason === 'string' ? ctx.flags.reason : undefined,
        file,
      });
    } catch (e) {
      if (e instanceof ReplaceError) throw new CliError(e.message, 1);
      throw e;
    }
    const { replacement: r, deployment, deployed } = prepared;
    // The edited plan must hold: a marked server keeping its role is what this command clears.
    const errors = validate(r.plan).filter((f) => f.severity === 'error');
    if (errors.length) {
      for (const f of errors) ctx.err(formatFinding(f));
      throw new CliError(`the plan with ${r.spare.name} in place of ${r.old.name} has ${errors.length} error(s); fix them in ${file} first`);
    }
    const lines = replacementLines(r, plan);
    const dryRun = ctx.flags['dry-run'] === true;
    if (ctx.json && dryRun) {
      ctx.out(JSON.stringify({ old: r.old, spare: r.spare, quorum: r.quorum, steps: r.steps, run: deployment.steps.map((s) => ({ id: s.id, title: s.title, deps: s.deps })) }, null, 2));
      return 0;
    }
    const say = (line: string) => (ctx.json ? ctx.err(line) : ctx.out(line));
    say(`replacing ${r.old.name} in "${plan.name}":`);
    for (const line of lines) say(`  ${line}`);
    say(`  ${deployment.steps.length} steps: ${deployment.steps.map((s) => s.title).join('; ')}`);
    say(`  ${file} will then mark ${r.old.name} ${r.old.reason} and give ${r.spare.name} the role ${r.old.role}`);
    if (dryRun) return 0;
    const go = await confirmed(ctx, 'replace', () => [], 'nothing was changed');
    if (go !== true) return go;
    const code = await playDeployment(ctx, { ...r.plan, options: { ...r.plan.options, confirmedAt: new Date().toISOString() } }, { deployment, deployed, done: () => undefined });
    if (code !== 0) return code;
    saveAnswers(file, { ...r.plan, options: plan.options });
    say(`replaced: ${r.spare.name} is ${r.old.role} in place of ${r.old.name}; ${file} and the deployed cloud's record say so`);
    return 0;
  },
};

export const commands: Command[] = [replaceCommand];
