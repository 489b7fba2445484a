// Upgrading a deployed cloud to the next TripleO release, tier by tier: which release to which
// (one step at a time, never back), and how the overcloud's servers are split into rolling
// batches so each role keeps a majority up — controllers always one at a time. Pure: the
// deployed plan and the edited one in, the plan of work out; src/deploy/compile-upgrade.ts
// turns it into steps.
import { overcloudNodes, roleRank } from '../deploy/compile.js';
import { controllerQuorum } from './replace.js';
import { beyondScaleOut, diffPlans, unchanged } from './diff.js';
import { releaseOf, TRIPLEO_RELEASES, type Plan, type TripleoRelease } from './schema.js';

/** The field an upgrade changes. */
export const RELEASE_FIELD = 'options.tripleoRelease';

/** The upgrade cannot be planned: why, naming the field, and what to do. */
export class UpgradeError extends Error {
  override name = 'UpgradeError';
}

export interface UpgradeBatch {
  /** The role as the overcloud deploys it ("Controller+Compute" for an all-in-one). */
  role: string;
  /** 1-based, within the role. */
  index: number;
  nodes: string[];
}

export interface RoleRollout {
  role: string;
  servers: number;
  batchSize: number;
  /** Servers of the role that stay up while a batch is upgraded. */
  up: number;
  line: string;
}

export interface UpgradePlan {
  from: TripleoRelease;
  to: TripleoRelease;
  /** The edited plan: what deployed.json records once the upgrade is done. */
  plan: Plan;
  batches: UpgradeBatch[];
  roles: RoleRollout[];
  /** What happens, in order, in plain words (plan, the confirmation). */
  lines: string[];
}

/** True when the edited plan names a release other than the deployed one. */
export function releaseChanges(deployed: Plan, edited: Plan): boolean {
  return releaseOf(deployed) !== releaseOf(edited);
}

/** The release after the plan's, which an upgrade goes to; undefined on the newest cloudseed knows. */
export function nextRelease(plan: Plan): TripleoRelease | undefined {
  return TRIPLEO_RELEASES[TRIPLEO_RELEASES.indexOf(releaseOf(plan)) + 1];
}

/** The most servers of a role that may be down at once while a majority of them stays up. */
export function largestBatch(servers: number): number {
  return Math.max(1, servers - (Math.floor(servers / 2) + 1));
}

const isController = (role: string) => role.split('+')[0] === 'Controller';
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : word.endsWith('ch') ? 'es' : 's'}`;

/** Controllers go one at a time: whether the rest keep the control plane's quorum meanwhile. */
function controllersLine(n: number, first: string): string {
  const q = controllerQuorum(n, first);
  if (n === 1) return `${first}, the only controller: the APIs are down while it is upgraded`;
  if (q.keeps) return `${n} controllers one at a time: ${q.up} of ${n} stay up, quorum kept (majority ${q.majority})`;
  return `${n} controllers one at a time: ${q.up} of ${n} up, below a majority (${q.majority}): APIs may pause`;
}

/** Checks the release change: one release forward, to a release cloudseed knows. */
function releaseStep(deployed: Plan, edited: Plan): { from: TripleoRelease; to: TripleoRelease } {
  const from = releaseOf(deployed);
  const to = releaseOf(edited);
  const a = TRIPLEO_RELEASES.indexOf(from);
  const b = TRIPLEO_RELEASES.indexOf(to);
  if (a === b) {
    const next = TRIPLEO_RELEASES[a + 1];
    throw new UpgradeError(`${RELEASE_FIELD} is ${to}, as deployed: there is nothing to upgrade (${next ? `set it to ${next} to upgrade` : `${to} is the newest release cloudseed knows`})`);
  }
  if (b < a) throw new UpgradeError(`${RELEASE_FIELD}: ${from} -> ${to} is a downgrade, which TripleO cannot do; set it back to ${from} (restore a backup to go back)`);
  if (b > a + 1) {
    const skipped = TRIPLEO_RELEASES.slice(a + 1, b).join(', ');
    throw new UpgradeError(`${RELEASE_FIELD}: ${from} -> ${to} skips ${skipped}; cloudseed upgrades one release at a time: set it to ${TRIPLEO_RELEASES[a + 1]}, upgrade, then to the next`);
  }
  return { from, to };
}

/**
 * Plans the upgrade from the deployed plan to the edited one. `batch` is the most servers of a
 * non-controller role upgraded at once (default: as many as keep a majority of the role up, at
 * most the plan's concurrency). Throws UpgradeError naming the field when it cannot.
 */
export function planUpgrade(deployed: Plan, edited: Plan, opts: { batch?: number } = {}): UpgradePlan {
  const { from, to } = releaseStep(deployed, edited);
  // An upgrade changes the software only: anything else is its own change, made before or after.
  const diff = diffPlans(deployed, edited);
  if (!unchanged(diff)) {
    // New controllers are among what a scale-out cannot do; other new servers are said here.
    const others = [...diff.added.filter((x) => x.role !== 'Controller').map((x) => `adding ${x.name} (${x.role})`), ...beyondScaleOut(diff)];
    throw new UpgradeError(`an upgrade changes ${RELEASE_FIELD} only; the answers file also changes: ${others.join('; ')}. Put those back as deployed, upgrade, then make them`);
  }
  if (opts.batch !== undefined && (!Number.isInteger(opts.batch) || opts.batch < 1)) throw new UpgradeError(`--batch takes a whole number of servers, 1 or more, not ${opts.batch}`);

  const byRole = new Map<string, string[]>();
  for (const { node, role } of overcloudNodes(edited)) byRole.set(role, [...(byRole.get(role) ?? []), node.name]);
  const roles = [...byRole.keys()].sort((a, b) => roleRank(a) - roleRank(b));
  const batches: UpgradeBatch[] = [];
  const rollouts: RoleRollout[] = [];
  for (const role of roles) {
    const servers = byRole.get(role)!;
    const n = servers.length;
    const most = isController(role) ? 1 : largestBatch(n);
    if (opts.batch !== undefined && opts.batch > most && !isController(role)) {
      throw new UpgradeError(`--batch ${opts.batch}: with ${plural(n, `${role} server`)} at most ${most} may be upgraded at once so that a majority (${Math.floor(n / 2) + 1}) stays up`);
    }
    const size = isController(role) ? 1 : Math.min(opts.batch ?? Math.min(most, edited.options.concurrency), most);
    for (let i = 0; i < n; i += size) batches.push({ role, index: i / size + 1, nodes: servers.slice(i, i + size) });
    const count = Math.ceil(n / size);
    const line = isController(role)
      ? controllersLine(n, servers[0])
      : n === 1
        ? `${servers[0]} (${role}), alone in its role: down while it is upgraded`
        : `${plural(n, role)}, ${plural(count, 'batch')} of up to ${size}: ${n - size} of ${n} stay up (${n - size > n / 2 ? 'majority' : 'below a majority of'} ${Math.floor(n / 2) + 1})`;
    rollouts.push({ role, servers: n, batchSize: size, up: n - size, line });
  }
  const lines = [
    `upgrade "${edited.name}": TripleO ${from} -> ${to} (${RELEASE_FIELD})`,
    `seed: Ironic packages and database to ${to}, then its API is checked`,
    'undercloud: openstack undercloud upgrade, then its APIs are checked',
    `overcloud: upgrade prepare, ${plural(batches.length, 'rolling batch')}, converge`,
    ...rollouts.map((r) => `  ${r.line}`),
    'a failed batch stops the rollout; the same command resumes from it',
  ];
  return { from, to, plan: edited, batches, roles: rollouts, lines };
}
