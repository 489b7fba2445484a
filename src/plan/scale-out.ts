// Re-planning a deployed cloud: the difference with the edited plan and, when it only adds
// servers, the steps a scale-out runs — the new servers' own steps, matching roles, and the
// configure step of each role they join — out of the edited plan's whole deployment.
import { compile, dayTwoBackup } from '../deploy/compile.js';
import type { Deployment, Step } from '../deploy/types.js';
import { beyondScaleOut, diffPlans, unchanged, type PlanDiff } from './diff.js';
import type { Plan } from './schema.js';

export interface Replan {
  diff: PlanDiff;
  /** The edited plan's whole deployment (what a first deployment of it would run). */
  deployment: Deployment;
  /** What a scale-out runs; empty when nothing is added. */
  steps: Step[];
  /** Changes a scale-out cannot make, in words (empty: it can make them all). */
  beyond: string[];
}

/** The steps that bring `added` servers into the deployed cloud, then a backup of the seed and undercloud state. */
export function scaleOutSteps(deployment: Deployment, added: ReadonlySet<string>): Step[] {
  if (!added.size) return [];
  const roles = new Set((deployment.nodes ?? []).filter((n) => added.has(n.name)).map((n) => n.role.replace('+', '-').toLowerCase()));
  const steps = deployment.steps.filter(
    (s) => s.nodes.some((n) => added.has(n)) || s.kind === 'overcloud.match-roles' || (s.kind === 'overcloud.configure' && roles.has(s.id.slice('overcloud.configure.'.length))),
  );
  return [...steps, dayTwoBackup('overcloud', 'scale-out', steps.map((s) => s.id))];
}

/**
 * The scale-out as a deployment of its own: only its steps, each depending on the nearest of
 * them it waited for through the steps that stay done (a new Compute's deploy waits for the
 * matching of roles, as it did through the Controllers' configuration), matching only the new
 * servers, and the panels showing only them.
 */
export function scaleOutDeployment(r: Replan): Deployment {
  const { deployment, steps } = r;
  const added = new Set(r.diff.added.map((a) => a.name));
  const chosen = new Set(steps.map((s) => s.id));
  const byId = new Map(deployment.steps.map((s) => [s.id, s]));
  // For a step that stays done: the chosen steps it (transitively) waited for.
  const through = new Map<string, string[]>();
  const nearest = (id: string): string[] => {
    if (chosen.has(id)) return [id];
    let found = through.get(id);
    if (!found) through.set(id, (found = [...new Set(byId.get(id)!.deps.flatMap(nearest))]));
    return found;
  };
  return {
    planName: deployment.planName,
    steps: steps.map((s) => ({
      ...s,
      deps: [...new Set(s.deps.flatMap(nearest))],
      ...(s.kind === 'overcloud.match-roles' ? { nodes: [...added] } : {}),
    })),
    nodes: (deployment.nodes ?? []).filter((n) => added.has(n.name)),
  };
}

export function replan(deployed: Plan, edited: Plan): Replan {
  const diff = diffPlans(deployed, edited);
  const deployment = compile(edited);
  const steps = unchanged(diff) ? [] : scaleOutSteps(deployment, new Set(diff.added.map((a) => a.name)));
  return { diff, deployment, steps, beyond: beyondScaleOut(diff) };
}

/** One line about the steps a scale-out runs. */
export function scaleOutLine(r: Replan): string | undefined {
  if (!r.steps.length || r.beyond.length) return undefined;
  const configure = r.steps.filter((s) => s.kind === 'overcloud.configure').map((s) => s.title.replace(/^Configure /, '').toLowerCase());
  const n = r.diff.added.length;
  // The last step is the scale-out's own backup, not one of the plan's.
  return `a scale-out runs ${r.steps.length - 1} of the plan's ${r.deployment.steps.length} steps: enrol, inspect and deploy of the ${n} new server${n === 1 ? '' : 's'}, matching roles, then configuring ${configure.join(', ')}; then it backs up the seed and undercloud state`;
}
