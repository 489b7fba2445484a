// Compile: a plan becomes a Deployment — three tiers of steps with dependencies, timeouts,
// retry policies and estimates. Pure; step ids are stable across compiles of one plan, so
// a journal written by one run is read by the next.
import { backupWhen } from '../backup/manifest.js';
import type { Node, Plan } from '../plan/schema.js';
import type { DeployNode, Deployment, ErrorKind, NodeState, RetryPolicy, Step, StepKind, TierId } from './types.js';

const S = 1000;
export const MIN = 60 * S;

/** Durations at speed 1, shaped by tripleo-facts.md (seed VM ~10 min, introspection 5–15 min, ...). */
export const ESTIMATES: Record<StepKind, number> = {
  'seed.host-checks': 20 * S,
  'seed.network-gates': 30 * S,
  'seed.bridge': 10 * S,
  'seed.image': 3 * MIN,
  'seed.vm': 5 * MIN,
  'seed.ironic': 90 * S,
  'seed.adopt-check': 15 * S,
  'seed.undercloud-vm': 40 * S,
  'seed.enrol-undercloud': 30 * S,
  'seed.backup': 20 * S,
  'undercloud.manage': 30 * S,
  'undercloud.inspect': 8 * MIN,
  'undercloud.provide': 3 * MIN,
  'undercloud.deploy': 8 * MIN,
  'undercloud.wait-active': 2 * MIN,
  'undercloud.configure': 22 * MIN,
  'undercloud.check-apis': 60 * S,
  'undercloud.adopt-check': 15 * S,
  'undercloud.backup': 20 * S,
  'overcloud.images': 3 * MIN,
  'overcloud.enrol': 30 * S,
  'overcloud.inspect': 10 * MIN,
  'overcloud.match-roles': 30 * S,
  'overcloud.deploy': 12 * MIN,
  'overcloud.configure': 20 * MIN,
  'overcloud.credentials': 5 * S,
  'overcloud.post-endpoints': 60 * S,
  'overcloud.test-instance': 3 * MIN,
  'overcloud.backup': 20 * S,
  'overcloud.retire': 2 * MIN,
  'seed.upgrade': 10 * MIN,
  'undercloud.upgrade': 45 * MIN,
  'overcloud.upgrade-prepare': 20 * MIN,
  'overcloud.upgrade-run': 25 * MIN,
  'overcloud.upgrade-converge': 30 * MIN,
};

/** Services configuration per role takes longer for controllers (Pacemaker, Galera, ...). */
const CONFIGURE_ESTIMATE: Record<string, number> = { Controller: 30 * MIN, Compute: 10 * MIN };

const policy = (attempts: number, backoffMs: number, retryOn: ErrorKind[]): RetryPolicy => ({ attempts, backoffMs, retryOn });
const ONCE = policy(1, 0, []);
const BMC = policy(3, 5 * S, ['timeout', 'unreachable']);
const PXE = policy(3, 10 * S, ['timeout']);
const DEPLOY = policy(2, 30 * S, ['timeout', 'state']);
export const TOOL = policy(2, 15 * S, ['timeout', 'unreachable', 'tool-failed']);
const CHECK = policy(3, 10 * S, ['timeout', 'unreachable']);
const BACKUP_RETRY = policy(2, 15 * S, ['timeout', 'unreachable']);

export interface StepSpec {
  kind: StepKind;
  id?: string;
  title: string;
  nodes?: string[];
  deps: string[];
  retry?: RetryPolicy;
  skippable?: boolean;
  estimateMs?: number;
  timeoutMs?: number;
  nodeStateAfter?: NodeState;
  role?: string;
}

export function step(tier: TierId, spec: StepSpec): Step {
  const estimateMs = spec.estimateMs ?? ESTIMATES[spec.kind];
  const nodes = spec.nodes ?? [];
  return {
    id: spec.id ?? (nodes.length === 1 ? `${spec.kind}.${nodes[0]}` : spec.kind),
    tier,
    kind: spec.kind,
    title: spec.title,
    nodes,
    deps: spec.deps,
    // Far above the estimate so a slow server is not cut off, far below "forever".
    timeoutMs: spec.timeoutMs ?? Math.max(4 * estimateMs, 5 * MIN),
    retry: spec.retry ?? ONCE,
    skippable: spec.skippable ?? false,
    estimateMs,
    ...(spec.nodeStateAfter ? { nodeStateAfter: spec.nodeStateAfter } : {}),
    ...(spec.role ? { role: spec.role } : {}),
  };
}

/** The name of the undercloud's VM on the seed host (two-machine mode). */
export const UNDERCLOUD_VM = 'undercloud';

/** The server (or VM) that becomes the undercloud. */
export function undercloudHost(plan: Plan): { name: string; vm: boolean } {
  if (plan.roles.undercloud.placement === 'server') {
    const name = plan.roles.undercloud.node ?? plan.nodes.find((n) => n.role === 'Undercloud')?.name;
    if (name) return { name, vm: false };
  }
  return { name: UNDERCLOUD_VM, vm: true };
}

/** The overcloud's servers with their roles (servers without a role are left alone). */
export function overcloudNodes(plan: Plan): { node: Node; role: string }[] {
  const uc = undercloudHost(plan);
  return plan.nodes
    .filter((n) => n.role && n.role !== 'Undercloud' && n.name !== uc.name)
    .map((node) => ({ node, role: node.role === 'Controller' && plan.roles.allInOne ? 'Controller+Compute' : node.role! }));
}

/** Roles in deployment order: controllers first, then storage, computes last (as Helion did). */
const ROLE_ORDER = ['Controller', 'BlockStorage', 'ObjectStorage', 'CephStorage', 'Compute'];

/** A role's place in deployment order (Controller+Compute goes as Controller). */
export function roleRank(role: string): number {
  return ROLE_ORDER.indexOf(role.split('+')[0]);
}

export function compile(plan: Plan): Deployment {
  const steps: Step[] = [];
  const nodes: DeployNode[] = [];
  const add = (tier: TierId, spec: StepSpec) => {
    const s = step(tier, spec);
    steps.push(s);
    return s.id;
  };
  const uc = undercloudHost(plan);

  // ---- seed
  const hostChecks = add('seed', { kind: 'seed.host-checks', title: 'Check this host (CPU, memory, KVM, tools)', deps: [] });
  const gates = add('seed', {
    kind: 'seed.network-gates',
    title: 'Network gates: rogue DHCP, addresses in use, BMCs reachable',
    deps: [hostChecks],
    retry: CHECK,
    skippable: true,
  });
  let seedReady: string;
  if (plan.seed.mode === 'adopt') {
    seedReady = add('seed', { kind: 'seed.adopt-check', title: "Check the existing seed's Ironic answers", deps: [gates], retry: CHECK });
  } else {
    const nic = plan.network.provisioning.nic ?? 'the provisioning NIC';
    const bridge = add('seed', { kind: 'seed.bridge', title: `Provisioning bridge brbm on ${nic}`, deps: [gates] });
    // After the gates: their probes take real time, and nothing should overlap them (same seed, same run).
    const image = add('seed', { kind: 'seed.image', title: 'Fetch and verify the seed image', deps: [gates], retry: TOOL });
    const vm = add('seed', { kind: 'seed.vm', title: 'Define and boot the seed VM', deps: [bridge, image], retry: TOOL });
    seedReady = add('seed', { kind: 'seed.ironic', title: "Wait for the seed's Ironic API", deps: [vm], retry: CHECK });
  }

  // ---- undercloud
  let undercloudReady: string;
  if (plan.undercloud.mode === 'adopt') {
    undercloudReady = add('undercloud', {
      kind: 'undercloud.adopt-check',
      title: "Check the existing undercloud's Ironic answers",
      deps: [seedReady],
      retry: CHECK,
    });
  } else {
    nodes.push({ name: uc.name, role: 'Undercloud', tier: 'undercloud' });
    const enrol = uc.vm
      ? add('seed', {
          kind: 'seed.undercloud-vm',
          title: 'Define the undercloud VM and its virtual BMC',
          nodes: [uc.name],
          deps: [seedReady],
          retry: TOOL,
          nodeStateAfter: 'enroll',
        })
      : add('seed', {
          kind: 'seed.enrol-undercloud',
          title: `Enrol ${uc.name} in the seed's Ironic`,
          nodes: [uc.name],
          deps: [seedReady],
          retry: BMC,
          nodeStateAfter: 'enroll',
        });
    const on = [uc.name];
    const manage = add('undercloud', { kind: 'undercloud.manage', title: `Verify ${uc.name}'s BMC (manage)`, nodes: on, deps: [enrol], retry: BMC, nodeStateAfter: 'manageable' });
    const inspect = add('undercloud', {
      kind: 'undercloud.inspect',
      title: `Inspect ${uc.name}`,
      nodes: on,
      deps: [manage],
      retry: PXE,
      estimateMs: uc.vm ? 5 * MIN : 12 * MIN,
      timeoutMs: 30 * MIN,
      nodeStateAfter: 'manageable',
    });
    const provide = add('undercloud', { kind: 'undercloud.provide', title: `Clean ${uc.name} (provide)`, nodes: on, deps: [inspect], retry: TOOL, nodeStateAfter: 'available' });
    const deploy = add('undercloud', { kind: 'undercloud.deploy', title: `Deploy ${uc.name}`, nodes: on, deps: [provide], retry: DEPLOY, timeoutMs: 60 * MIN, nodeStateAfter: 'wait call-back' });
    const active = add('undercloud', { kind: 'undercloud.wait-active', title: `Wait until ${uc.name} is active`, nodes: on, deps: [deploy], retry: PXE, nodeStateAfter: 'active' });
    const configure = add('undercloud', { kind: 'undercloud.configure', title: 'Install the undercloud services', deps: [active], retry: TOOL, timeoutMs: 120 * MIN });
    undercloudReady = add('undercloud', { kind: 'undercloud.check-apis', title: "Check the undercloud's APIs answer", deps: [configure], retry: CHECK });
  }

  // ---- overcloud
  const oc = overcloudNodes(plan);
  for (const { node, role } of oc) nodes.push({ name: node.name, role, tier: 'overcloud' });
  const images = add('overcloud', { kind: 'overcloud.images', title: 'Upload the overcloud images', deps: [undercloudReady], retry: TOOL });
  const inspected: string[] = [];
  for (const { node } of oc) {
    const enrol = add('overcloud', { kind: 'overcloud.enrol', title: `Enrol ${node.name}`, nodes: [node.name], deps: [undercloudReady], retry: BMC, nodeStateAfter: 'manageable' });
    inspected.push(
      add('overcloud', {
        kind: 'overcloud.inspect',
        title: `Inspect ${node.name}`,
        nodes: [node.name],
        deps: [enrol],
        retry: PXE,
        timeoutMs: 30 * MIN,
        nodeStateAfter: 'available',
      }),
    );
  }
  const match = add('overcloud', { kind: 'overcloud.match-roles', title: 'Match servers to roles (profiles)', deps: [images, ...inspected] });
  const byRole = new Map<string, string[]>();
  for (const { node, role } of oc) byRole.set(role, [...(byRole.get(role) ?? []), node.name]);
  const roles = [...byRole.keys()].sort((a, b) => roleRank(a) - roleRank(b));
  let previousRole = match;
  for (const role of roles) {
    const deployed = byRole.get(role)!.map((name) =>
      add('overcloud', {
        kind: 'overcloud.deploy',
        title: `Deploy ${name} (${role})`,
        nodes: [name],
        deps: [previousRole],
        retry: DEPLOY,
        timeoutMs: 60 * MIN,
        nodeStateAfter: 'active',
      }),
    );
    const slug = role.replace('+', '-').toLowerCase();
    previousRole = add('overcloud', {
      kind: 'overcloud.configure',
      id: `overcloud.configure.${slug}`,
      role,
      title: `Configure ${role.toLowerCase()} services`,
      deps: deployed,
      retry: TOOL,
      estimateMs: CONFIGURE_ESTIMATE[role.split('+')[0]] ?? ESTIMATES['overcloud.configure'],
      timeoutMs: 240 * MIN,
    });
  }
  const credentials = add('overcloud', { kind: 'overcloud.credentials', title: 'Write the admin credentials file (overcloudrc)', deps: [previousRole] });
  const endpoints = add('overcloud', {
    kind: 'overcloud.post-endpoints',
    title: 'Check the endpoints answer',
    deps: [credentials],
    retry: CHECK,
    skippable: true,
  });
  add('overcloud', { kind: 'overcloud.test-instance', title: 'Boot a test instance', deps: [endpoints], retry: TOOL, skippable: true });

  // ---- after each tier: a backup of the seed and undercloud state (src/backup). Nothing waits
  // for it but the next backup (two at once would share a place); a failed one can be retried
  // or skipped, and `cloudseed backup` takes one later.
  let previousBackup: string | undefined;
  for (const tier of ['seed', 'undercloud', 'overcloud'] as const) {
    const own = steps.filter((s) => s.tier === tier);
    const needed = new Set(own.flatMap((s) => s.deps));
    previousBackup = add(tier, {
      kind: `${tier}.backup`,
      title: 'Back up the seed and undercloud state',
      deps: [...own.filter((s) => !needed.has(s.id)).map((s) => s.id), ...(previousBackup ? [previousBackup] : [])],
      retry: BACKUP_RETRY,
      skippable: true,
      timeoutMs: 60 * MIN,
    });
  }

  return { planName: plan.name, steps, nodes };
}

/** The backup step of each day-two operation: an upgrade's first, a scale-out's and a replacement's last. */
export const DAY_TWO_BACKUP = { 'pre-upgrade': 'seed.backup-upgrade', 'scale-out': 'overcloud.backup-scale-out', replacement: 'overcloud.backup-replacement' } as const;

/** The backup step of a day-two operation, after `deps`, through the same step module as a deployment's. */
export function dayTwoBackup(tier: TierId, moment: keyof typeof DAY_TWO_BACKUP, deps: string[]): Step {
  const title = `Back up the seed and undercloud state ${backupWhen(moment)}`;
  return step(tier, { kind: `${tier}.backup`, id: DAY_TWO_BACKUP[moment], title, deps, retry: BACKUP_RETRY, skippable: true, timeoutMs: 60 * MIN });
}

/** Steps of one tier, in compile order. */
export function tierSteps(deployment: Deployment, tier: TierId): Step[] {
  return deployment.steps.filter((s) => s.tier === tier);
}
