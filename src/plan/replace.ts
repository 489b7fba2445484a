// Replacing a failed (or retired) overcloud server: which spare takes its role, by the role's
// hardware floor (src/roles), what happens to each server in which order, and — for a
// controller — whether the control plane keeps its quorum meanwhile. Pure: the deployed plan
// in, the edited plan and the plan of work out; running it is a later step (issue 13).
import { roleCatalog, type Catalog } from '../roles/catalog.js';
import { BMC_TROUBLE, roleFloor } from '../roles/assign.js';
import { compareSize, describeFacts, factsUnknown, fit, nodeFacts } from '../roles/fit.js';
import { compile, dayTwoBackup, ESTIMATES } from '../deploy/compile.js';
import type { Deployment, Step } from '../deploy/types.js';
import type { Node, Plan, RoleName } from './schema.js';

export type RetireReason = 'failed' | 'retired';

export interface Quorum {
  controllers: number;
  /** Controllers running while the replacement is under way. */
  up: number;
  majority: number;
  keeps: boolean;
  line: string;
}

export interface Replacement {
  /** The deployed plan with the old server out of service (no role, kept by hand) and the spare in its role. */
  plan: Plan;
  old: { name: string; role: RoleName; reason: RetireReason };
  spare: { name: string; why: string };
  /** Controllers only. */
  quorum?: Quorum;
  /** The work in order, in plain words. */
  steps: string[];
}

/** The replacement cannot be planned: why, and what to do. */
export class ReplaceError extends Error {
  override name = 'ReplaceError';
}

/** Why `node` cannot take `role` in place of `old` (undefined: it can). */
function unfit(node: Node, old: Node, role: RoleName, plan: Plan, catalog: Catalog): string | undefined {
  const status = node.discovered?.bmcStatus;
  if (status && status !== 'ok') return BMC_TROUBLE[status];
  if (node.arch !== old.arch) return `${node.arch}, not ${old.arch} like ${old.name}`;
  const f = fit(nodeFacts(node), roleFloor(role, plan.roles.allInOne, catalog));
  return f.fits ? undefined : f.short.join(', ');
}

/** Quorum of a controller cluster of `n` with `name` down (one server, or a list of them): a majority must stay up. */
export function controllerQuorum(n: number, name: string, down = 1): Quorum {
  const up = n - down;
  const majority = Math.floor(n / 2) + 1;
  const keeps = up >= majority;
  const line =
    n === 1
      ? `${name} is the only controller: the cloud's APIs are down until the spare is deployed`
      : keeps
        ? `the control plane keeps quorum: ${up} of ${n} controllers stay up while ${name} ${down === 1 ? 'is' : 'are'} replaced, one at a time (a majority is ${majority})`
        : `the control plane has lost quorum: ${up} of ${n} controllers up, a majority is ${majority}; the APIs answer again once the spare has joined`;
  return { controllers: n, up, majority, keeps, line };
}

/** The work for one role, in order: take the old server out, then bring the spare in. */
function work(old: string, spare: string, role: RoleName, reason: RetireReason): string[] {
  const before: Partial<Record<RoleName, string>> = {
    Controller: `remove ${old} from the controllers' cluster (pacemaker, galera, rabbitmq)`,
    Compute: reason === 'failed' ? `evacuate ${old}'s instances to the other computes` : `live-migrate ${old}'s instances to the other computes`,
    CephStorage: `mark ${old}'s Ceph OSDs out and wait for the data to rebalance`,
    ObjectStorage: `remove ${old}'s disks from the object rings`,
    BlockStorage: `move ${old}'s volumes to another block storage server`,
  };
  return [
    `put ${old} in maintenance in the undercloud's Ironic`,
    ...(before[role] ? [before[role]] : []),
    `undeploy ${old} and delete it from Ironic`,
    `enrol, inspect and deploy ${spare} as ${role}`,
    `configure ${role.toLowerCase()} services with ${spare} in place of ${old}`,
  ];
}

/**
 * Plans replacing `name`. The spare is `spare` when given (it must fit), else the smallest
 * unused server that fits the role's floor — as auto-assignment fills roles, so the large
 * servers stay free for Compute. Throws ReplaceError saying why it cannot.
 */
export function planReplacement(
  deployed: Plan,
  name: string,
  opts: { reason?: RetireReason; spare?: string; catalog?: Catalog; /** YYYY-MM-DD it went out of service (today when absent). */ since?: string } = {},
): Replacement {
  const catalog = opts.catalog ?? roleCatalog();
  const old = deployed.nodes.find((n) => n.name === name);
  if (!old) throw new ReplaceError(`there is no server ${name} in the deployed cloud`);
  const reason = opts.reason ?? old.outOfService?.state ?? 'failed';
  const ucServer = deployed.roles.undercloud.placement === 'server' ? deployed.roles.undercloud.node : undefined;
  if (old.role === 'Undercloud' || ucServer === name) throw new ReplaceError(`${name} is the undercloud: rebuild it from a backup (cloudseed restore), it is not replaced by a spare`);
  if (!old.role) throw new ReplaceError(`${name} has no role in the deployed cloud: there is nothing to replace`);
  const role = old.role;

  // A server out of service is no spare.
  const unused = deployed.nodes.filter((n) => !n.role && !n.outOfService && n.name !== name && n.name !== ucServer);
  let spare: Node;
  let why: string;
  if (opts.spare !== undefined) {
    const chosen = deployed.nodes.find((n) => n.name === opts.spare);
    if (!chosen) throw new ReplaceError(`there is no server ${opts.spare} in the plan: add it first (cloudseed add)`);
    if (!unused.includes(chosen)) throw new ReplaceError(`${opts.spare} is not a spare: it ${chosen.name === name ? 'is the server being replaced' : `is already ${chosen.role ?? 'the undercloud'}`}`);
    const no = unfit(chosen, old, role, deployed, catalog);
    if (no) throw new ReplaceError(`${opts.spare} cannot be ${role}: ${no}`);
    why = `chosen by you (${describeFacts(nodeFacts(chosen))})`;
    spare = chosen;
  } else {
    const verdicts = unused.map((n) => ({ node: n, no: unfit(n, old, role, deployed, catalog) }));
    const fits = verdicts.filter((v) => !v.no).map((v) => v.node);
    // Known sizes first, smallest first; unknown sizes last (assumed to fit, and said so).
    fits.sort((a, b) => Number(factsUnknown(nodeFacts(a))) - Number(factsUnknown(nodeFacts(b))) || compareSize(nodeFacts(a), nodeFacts(b)) || a.name.localeCompare(b.name));
    if (!fits.length) {
      const rejected = verdicts.map((v) => `${v.node.name} (${v.no})`);
      throw new ReplaceError(`no spare can be ${role}${rejected.length ? `: ${rejected.join('; ')}` : ': every server has a role'}; add a server (cloudseed add) and plan the replacement again`);
    }
    spare = fits[0];
    const facts = nodeFacts(spare);
    why = factsUnknown(facts) ? 'size unknown, assumed to fit -- inspect it to be sure' : `the smallest unused server that fits ${role} (${describeFacts(facts)})`;
  }

  const plan: Plan = {
    ...deployed,
    nodes: deployed.nodes.map((n) => {
      // Out of service by hand: auto-assignment keeps a manual "no role".
      if (n.name === name) {
        const since = opts.since ?? old.outOfService?.since ?? new Date().toISOString().slice(0, 10);
        return { ...n, role: undefined, roleSource: 'manual' as const, outOfService: { ...old.outOfService, state: reason, since, role } };
      }
      if (n.name === spare.name) return { ...n, role, roleSource: 'manual' as const };
      return n;
    }),
  };
  const controllers = deployed.nodes.filter((n) => n.role === 'Controller').length;
  return {
    plan,
    old: { name, role, reason },
    spare: { name: spare.name, why },
    ...(role === 'Controller' ? { quorum: controllerQuorum(controllers, name) } : {}),
    steps: work(name, spare.name, role, reason),
  };
}

/**
 * The steps a replacement runs, out of the edited plan's whole deployment: the old server
 * retired (maintenance, undeploy, delete), the spare enrolled and inspected meanwhile, then
 * deployed once the old one is gone — so a controller cluster is never short of more than one
 * member — and its role's services configured with it. Step ids are compile's (the journal's).
 */
export function replacementDeployment(r: Replacement): Deployment {
  const full = compile(r.plan);
  const byId = new Map(full.steps.map((s) => [s.id, s]));
  const spare = r.spare.name;
  const pick = (id: string, deps: string[]): Step => {
    const s = byId.get(id);
    if (!s) throw new ReplaceError(`the edited plan has no step ${id}: ${spare} is not an overcloud server in it`);
    return { ...s, deps };
  };
  const retireId = `overcloud.retire.${r.old.name}`;
  const retire: Step = {
    id: retireId,
    tier: 'overcloud',
    kind: 'overcloud.retire',
    title: `Take ${r.old.name} out: maintenance, undeploy, delete from Ironic`,
    nodes: [r.old.name],
    deps: [],
    timeoutMs: 30 * 60_000,
    retry: { attempts: 2, backoffMs: 30_000, retryOn: ['timeout', 'unreachable'] },
    skippable: false,
    estimateMs: ESTIMATES['overcloud.retire'],
  };
  const enrol = pick(`overcloud.enrol.${spare}`, []);
  const inspect = pick(`overcloud.inspect.${spare}`, [enrol.id]);
  const deploy = pick(`overcloud.deploy.${spare}`, [retireId, inspect.id]);
  const configure = full.steps.find((s) => s.kind === 'overcloud.configure' && s.deps.includes(deploy.id));
  if (!configure) throw new ReplaceError(`the edited plan configures no role with ${spare}`);
  const role = (full.nodes ?? []).find((n) => n.name === spare)?.role ?? r.old.role;
  return {
    planName: full.planName,
    // Last, a backup of the seed and undercloud state with the spare in its role.
    steps: [retire, enrol, inspect, deploy, { ...configure, deps: [deploy.id] }, dayTwoBackup('overcloud', 'replacement', [configure.id])],
    nodes: [{ name: r.old.name, role: r.old.role, tier: 'overcloud' }, { name: spare, role, tier: 'overcloud' }],
  };
}
