// A server's path through Ironic, as idempotent moves: each `ensure…` looks at where the
// node is and does only what is left, so a step run again after a crash or a retry neither
// enrols twice nor repeats a finished transition.
//   enroll → (manage) → manageable → (inspect) → manageable → (provide) → available
//          → (active) → active;   deploy failed → (deleted) → available → (active) → active
import { readSecret } from '../plan/answers.js';
import type { Bmc, Node } from '../plan/schema.js';
import { ROLE_NAMES, type RoleName } from '../plan/schema.js';
import { roleSpec } from '../roles/catalog.js';
import { IronicError, type IronicApi, type IronicNode, type NodeCreate, type PatchOp } from './client.js';
import { API_TARGETS, FAILED_STATES, TRANSIENT_STATES, type ProvisionTarget } from './states.js';

/** Where a step wants a node to be. Ordered: a node past the goal is left alone. */
export type Goal = 'enrolled' | 'manageable' | 'inspected' | 'available' | 'active';

export interface MoveOptions {
  signal?: AbortSignal;
  /** Deadline of each transition. */
  timeoutMs: number;
  /** Every provision or power state the node passes through. */
  onChange?(node: IronicNode): void;
  /** A line for the log ("manage node-03"). */
  log?(line: string, level?: 'info' | 'warn'): void;
  /** Longest pause between two polls. */
  pollMaxMs?: number;
}

/** A role's TripleO profile (capabilities `profile:…`): its flavour in assets/roles.yaml. Controller+Compute goes as Controller. */
export function roleProfile(role: string | undefined): string | undefined {
  const name = role?.split('+')[0];
  return name && (ROLE_NAMES as readonly string[]).includes(name) ? roleSpec(name as RoleName).flavor : undefined;
}

/** driver and driver_info for a plan's BMC. ipmi_cipher_suite 3 spares ipmitool a 10 s probe. */
export function driverFor(bmc: Bmc): { driver: string; driver_info: Record<string, unknown> } {
  const password = bmc.password === undefined && bmc.passwordFile === undefined ? '' : readSecret(bmc);
  if (bmc.type === 'redfish') {
    const host = bmc.address.includes(':') && !bmc.address.startsWith('[') ? `[${bmc.address}]` : bmc.address;
    return {
      driver: 'redfish',
      driver_info: {
        redfish_address: `https://${host}${bmc.port ? `:${bmc.port}` : ''}`,
        redfish_username: bmc.user,
        redfish_password: password,
      },
    };
  }
  return {
    driver: 'ipmi',
    driver_info: {
      ipmi_address: bmc.address,
      ipmi_port: bmc.port ?? 623,
      ipmi_username: bmc.user,
      ipmi_password: password,
      ipmi_cipher_suite: '3',
    },
  };
}

/** The POST /v1/nodes body for a plan's server. */
export function nodeCreateFor(node: Node, planName: string): NodeCreate {
  const properties: Record<string, unknown> = { cpu_arch: node.arch };
  if (node.cpu) properties.cpus = node.cpu;
  if (node.memoryMiB) properties.memory_mb = node.memoryMiB;
  if (node.diskGiB) properties.local_gb = node.diskGiB;
  const profile = roleProfile(node.role);
  if (profile) properties.capabilities = `profile:${profile}`;
  return { name: node.name, ...driverFor(node.bmc), properties, extra: { cloudseed_plan: planName } };
}

/** The node Ironic knows for this server: by name first, then by any of its PXE MACs. */
export async function findEnrolled(client: IronicApi, node: Pick<Node, 'name' | 'macs'>, signal?: AbortSignal): Promise<IronicNode | undefined> {
  const byName = await client.getNode(node.name, signal);
  if (byName) return byName;
  for (const mac of node.macs) {
    const ports = await client.portsByAddress(mac, signal);
    if (ports[0]) {
      const found = await client.getNode(ports[0].node_uuid, signal);
      if (found) return found;
    }
  }
  return undefined;
}

/** A node no action is under way on (its fields may be changed). A failed one keeps its target. */
export function isStable(n: IronicNode): boolean {
  return FAILED_STATES.has(n.provision_state) || (!n.target_provision_state && !TRANSIENT_STATES.has(n.provision_state));
}

/**
 * Enrols the server, or finds it already enrolled (same name or MAC) and brings its BMC
 * credentials and ports up to date with the plan — never a second enrolment.
 */
export async function ensureEnrolled(
  client: IronicApi,
  node: Node,
  planName: string,
  opts: Pick<MoveOptions, 'signal' | 'log'> = {},
): Promise<{ node: IronicNode; created: boolean }> {
  const found = await findEnrolled(client, node, opts.signal);
  let ironic: IronicNode;
  let created = false;
  if (found) {
    ironic = found;
    if (found.name !== node.name) opts.log?.(`${node.name} is already enrolled as ${found.name ?? found.uuid} (same MAC); using it`);
    if (isStable(found)) ironic = await syncDriverInfo(client, found, node, opts.signal);
  } else {
    try {
      ironic = await client.createNode(nodeCreateFor(node, planName), opts.signal);
      created = true;
      opts.log?.(`enrolled ${node.name} (${ironic.uuid}), ${ironic.driver} BMC at ${node.bmc.address}`);
    } catch (err) {
      // Another run enrolled it between our look and our POST: use that one.
      if (err instanceof IronicError && err.kind === 'conflict') {
        const again = await findEnrolled(client, node, opts.signal);
        if (!again) throw err;
        ironic = again;
      } else throw err;
    }
  }
  const ports = await client.nodePorts(ironic.uuid, opts.signal);
  const have = new Set(ports.map((p) => p.address.toLowerCase()));
  for (const mac of node.macs) {
    if (have.has(mac.toLowerCase())) continue;
    try {
      await client.createPort(ironic.uuid, mac, opts.signal);
    } catch (err) {
      if (err instanceof IronicError && err.kind === 'conflict') {
        throw new IronicError('conflict', `PXE MAC ${mac} of ${node.name} already belongs to another node in Ironic at ${client.url}`, {
          node: node.name,
          faultstring: err.details.faultstring,
        });
      }
      throw err;
    }
  }
  return { node: ironic, created };
}

/** Writes the plan's BMC details into driver_info (a fixed password takes effect on retry). */
async function syncDriverInfo(client: IronicApi, current: IronicNode, node: Node, signal?: AbortSignal): Promise<IronicNode> {
  const want = driverFor(node.bmc);
  const ops: PatchOp[] = Object.entries(want.driver_info).map(([key, value]) => ({
    op: 'add' as const,
    path: `/driver_info/${key}`,
    value,
  }));
  if (current.driver !== want.driver) ops.push({ op: 'replace', path: '/driver', value: want.driver });
  let updated = await client.patchNode(current.uuid, ops, signal);
  if (updated.maintenance) {
    // Ironic's power sync put it there (usually bad credentials); the new ones get a fresh try.
    await client.clearMaintenance(current.uuid, signal);
    updated = (await client.getNode(current.uuid, signal)) ?? updated;
  }
  return updated;
}

/** Starts one provision action and waits until it settles in `expect`. */
async function transition(client: IronicApi, n: IronicNode, target: ProvisionTarget, expect: string, opts: MoveOptions): Promise<IronicNode> {
  const name = n.name ?? n.uuid;
  const from = n.provision_state;
  opts.log?.(`${name}: ${target} (${from} → ${expect})`);
  await client.setProvisionState(n.uuid, target, opts.signal);
  return client.waitForNode(
    n.uuid,
    (cur) => {
      if (cur.provision_state === expect && !cur.target_provision_state) return true;
      if (isStable(cur)) {
        // Settled somewhere else: verifying falls back to enroll, a deploy to deploy failed.
        const verb = API_TARGETS[target];
        const now = cur.provision_state === `${verb} failed` ? '' : ` (now "${cur.provision_state}")`;
        throw new IronicError('state', `${name}: ${verb} failed${now}: ${cur.last_error ?? 'Ironic gave no reason'}`, {
          node: name,
          lastError: cur.last_error ?? undefined,
        });
      }
      return false;
    },
    { timeoutMs: opts.timeoutMs, signal: opts.signal, onChange: opts.onChange, maxIntervalMs: opts.pollMaxMs },
  );
}

const RANK: Record<string, number> = { enroll: 0, manageable: 1, available: 3, active: 4 };
const GOAL_RANK: Record<Goal, number> = { enrolled: 0, manageable: 1, inspected: 2, available: 3, active: 4 };

/** Waits out an action a previous run left under way. */
async function settle(client: IronicApi, n: IronicNode, opts: MoveOptions): Promise<IronicNode> {
  if (isStable(n)) return n;
  opts.log?.(`${n.name ?? n.uuid}: waiting for "${n.provision_state}" to finish`);
  return client.waitForNode(n.uuid, isStable, { timeoutMs: opts.timeoutMs, signal: opts.signal, onChange: opts.onChange, maxIntervalMs: opts.pollMaxMs });
}

/**
 * Moves an enrolled node forward until it reaches `goal` (or is already past it).
 * `instanceInfo` (kernel, ramdisk, image_source) is written before each deploy, since a failed
 * deploy clears it.
 */
export async function advance(
  client: IronicApi,
  start: IronicNode,
  goal: Goal,
  opts: MoveOptions & { instanceInfo?: Record<string, string> },
): Promise<IronicNode> {
  let n = start;
  opts.onChange?.(n);
  for (let guard = 0; guard < 10; guard++) {
    n = await settle(client, n, opts);
    const state = n.provision_state;
    const rank = RANK[state];
    const reached = state === 'manageable' && goal === 'inspected' ? inspected(n) : rank !== undefined && rank >= GOAL_RANK[goal];
    if (reached) return n;
    switch (state) {
      case 'enroll':
        n = await transition(client, n, 'manage', 'manageable', opts);
        break;
      case 'inspect failed':
      case 'clean failed':
        n = await transition(client, n, 'manage', 'manageable', opts);
        break;
      case 'manageable':
        if (goal === 'inspected') {
          // Without inspection support the node stays as it is: done all the same.
          return inspect(client, n, opts);
        } else {
          n = await transition(client, n, 'provide', 'available', opts);
        }
        break;
      case 'available': {
        const info = opts.instanceInfo ?? {};
        if (!info.kernel || !info.ramdisk) {
          throw new IronicError('state', `${n.name}: no kernel/ramdisk to deploy with (set images.kernel and images.ramdisk in the plan)`, { node: n.name ?? n.uuid });
        }
        const ops: PatchOp[] = Object.entries(info).map(([key, value]) => ({ op: 'add' as const, path: `/instance_info/${key}`, value }));
        n = await client.patchNode(n.uuid, ops, opts.signal);
        n = await transition(client, n, 'active', 'active', opts);
        break;
      }
      case 'deploy failed':
        // A re-run of a failed server: undeploy back to available, then deploy again.
        opts.log?.(`${n.name}: last deploy failed (${n.last_error ?? 'no reason given'}); undeploying before a new attempt`, 'warn');
        n = await transition(client, n, 'deleted', 'available', opts);
        break;
      default:
        throw new IronicError('state', `${n.name}: cannot move on from "${state}" (${n.last_error ?? 'no error recorded'})`, { node: n.name ?? n.uuid });
    }
  }
  throw new IronicError('state', `${n.name}: did not reach ${goal}`, { node: n.name ?? n.uuid });
}

function inspected(n: IronicNode): boolean {
  return Boolean(n.inspection_finished_at);
}

/**
 * Inspects a manageable node. A driver without inspection (Ironic answers "does not support
 * inspect") is not an error: the plan's declared facts stand, with a warning.
 */
async function inspect(client: IronicApi, n: IronicNode, opts: MoveOptions): Promise<IronicNode> {
  try {
    return await transition(client, n, 'inspect', 'manageable', opts);
  } catch (err) {
    if (err instanceof IronicError && err.details.status === 400 && /does not support inspect/i.test(err.details.faultstring ?? '')) {
      opts.log?.(`${n.name}: Ironic at ${client.url} has no inspection for the ${n.driver} driver; using the facts in the plan`, 'warn');
      return n;
    }
    throw err;
  }
}
