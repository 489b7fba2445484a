// What changes when a deployed cloud's answers file is edited: servers added or removed, roles
// changed, servers whose BMC or NICs changed, and the changes that would force a tier to be
// deployed again. Pure, over two plans; `cloudseed plan` and `cloudseed add` say it in words.
import { OVERCLOUD_ROLES, type Node, type Plan, type RoleName } from './schema.js';

export type TierName = 'seed' | 'undercloud' | 'overcloud';

export interface ServerRef {
  name: string;
  role: RoleName;
}

/** A server deployed as one role, now planned as another. */
export interface RoleChange {
  name: string;
  from: RoleName;
  to: RoleName;
}

/** A value that changed, in words: `what` ("the provisioning network's cidr"), `field` its path. */
export interface Change {
  field: string;
  what: string;
  from: string;
  to: string;
}

/** A change that forces `tier` and every tier after it to be deployed again. */
export interface TierChange extends Change {
  tier: TierName;
}

/** A deployed server whose BMC or NICs changed: Ironic must enrol it again. */
export interface ServerChange extends Change {
  name: string;
}

export interface PlanDiff {
  /** Servers that get an overcloud role and were not deployed (new, or unused before). */
  added: ServerRef[];
  /** Deployed servers that are gone from the plan or have no role any more. */
  removed: ServerRef[];
  roles: RoleChange[];
  servers: ServerChange[];
  redeploy: TierChange[];
  /** New servers without a role: left alone, as a first deployment leaves them. */
  unassigned: string[];
}

const TIER_ORDER: TierName[] = ['seed', 'undercloud', 'overcloud'];

/** Servers the overcloud deploys: those with an overcloud role (the undercloud is its own tier). */
function deployedRole(node: Node, plan: Plan): RoleName | undefined {
  const role = node.role;
  if (!role || role === 'Undercloud') return undefined;
  if (plan.roles.undercloud.placement === 'server' && plan.roles.undercloud.node === node.name) return undefined;
  return role;
}

const show = (v: unknown): string => (v === undefined ? '(none)' : Array.isArray(v) ? (v.length ? v.join(', ') : '(none)') : typeof v === 'object' ? JSON.stringify(v) : String(v));

/** Leaves of a JSON value as `a.b.c` → value (arrays are leaves). */
function leaves(value: unknown, prefix: string, out: Map<string, unknown>): Map<string, unknown> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) leaves(v, prefix ? `${prefix}.${k}` : k, out);
  } else out.set(prefix, value);
  return out;
}

function changed(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) !== JSON.stringify(b);
}

/** A network field in words, and the first tier a change to it makes deploy again. */
function networkField(path: string): { what: string; tier: TierName } {
  const [section, second, third] = path.split('.');
  if (section === 'provisioning') return { what: `the provisioning network's ${second}`, tier: 'undercloud' };
  if (section === 'external') return { what: `the external network's ${second}`, tier: 'overcloud' };
  if (section === 'isolated') return { what: `the ${second} network${third ? `'s ${third}` : ''}`, tier: 'overcloud' };
  if (section === 'layout') return { what: 'the network layout', tier: 'overcloud' };
  if (section === 'dns') return { what: 'the DNS server list', tier: 'overcloud' };
  if (section === 'ntp') return { what: 'the NTP server list', tier: 'overcloud' };
  return { what: `the ${section} settings${second ? ` (${[second, third].filter(Boolean).join('.')})` : ''}`, tier: 'overcloud' };
}

function networkChanges(deployed: Plan, edited: Plan): TierChange[] {
  const a = leaves(deployed.network, '', new Map());
  const b = leaves(edited.network, '', new Map());
  const out: TierChange[] = [];
  for (const path of new Set([...a.keys(), ...b.keys()])) {
    // Which values the person set is bookkeeping: the values themselves are compared.
    if (path === 'manual' || !changed(a.get(path), b.get(path))) continue;
    const { what, tier } = networkField(path);
    out.push({ field: `network.${path}`, what, tier, from: show(a.get(path)), to: show(b.get(path)) });
  }
  return out;
}

/** Tier-wide choices whose change means building that tier again (not secrets, not the backup's database path). */
function tierChanges(deployed: Plan, edited: Plan): TierChange[] {
  const fields: { field: string; what: string; tier: TierName; get: (p: Plan) => unknown }[] = [
    { field: 'driver', what: 'the driver', tier: 'seed', get: (p) => p.driver },
    { field: 'seed.mode', what: 'how the seed comes to be', tier: 'seed', get: (p) => p.seed.mode },
    { field: 'seed.ironic.url', what: "the seed's Ironic", tier: 'seed', get: (p) => p.seed.ironic?.url },
    { field: 'seed.vmImage', what: "the seed VM's image", tier: 'seed', get: (p) => p.seed.vmImage },
    { field: 'seed.images', what: "the images the seed's Ironic deploys", tier: 'seed', get: (p) => p.seed.images },
    { field: 'undercloud.mode', what: 'how the undercloud comes to be', tier: 'undercloud', get: (p) => p.undercloud.mode },
    { field: 'undercloud.ironic.url', what: "the undercloud's Ironic", tier: 'undercloud', get: (p) => p.undercloud.ironic?.url },
    { field: 'undercloud.images', what: "the images the undercloud's Ironic deploys", tier: 'undercloud', get: (p) => p.undercloud.images },
    { field: 'roles.undercloud.placement', what: "the undercloud's placement", tier: 'undercloud', get: (p) => p.roles.undercloud.placement },
    { field: 'roles.undercloud.node', what: "the undercloud's server", tier: 'undercloud', get: (p) => p.roles.undercloud.node },
    { field: 'roles.allInOne', what: 'controller and compute on one server', tier: 'overcloud', get: (p) => p.roles.allInOne },
  ];
  return fields.filter((f) => changed(f.get(deployed), f.get(edited))).map((f) => ({ field: f.field, what: f.what, tier: f.tier, from: show(f.get(deployed)), to: show(f.get(edited)) }));
}

/** What Ironic knows a server by: a change means enrolling it again. */
function serverChanges(a: Node, b: Node): ServerChange[] {
  const fields: { field: string; what: string; get: (n: Node) => unknown }[] = [
    { field: 'bmc.type', what: 'its BMC protocol', get: (n) => n.bmc.type },
    { field: 'bmc.address', what: 'its BMC address', get: (n) => n.bmc.address },
    { field: 'bmc.port', what: 'its BMC port', get: (n) => n.bmc.port },
    { field: 'bmc.user', what: 'its BMC user', get: (n) => n.bmc.user },
    { field: 'macs', what: 'its PXE MACs', get: (n) => n.macs },
    { field: 'arch', what: 'its architecture', get: (n) => n.arch },
  ];
  return fields.filter((f) => changed(f.get(a), f.get(b))).map((f) => ({ name: a.name, field: `nodes.${a.name}.${f.field}`, what: f.what, from: show(f.get(a)), to: show(f.get(b)) }));
}

/** The difference between the deployed plan and an edited one. */
export function diffPlans(deployed: Plan, edited: Plan): PlanDiff {
  const before = new Map(deployed.nodes.map((n) => [n.name, n]));
  const diff: PlanDiff = { added: [], removed: [], roles: [], servers: [], redeploy: [], unassigned: [] };
  for (const node of edited.nodes) {
    const old = before.get(node.name);
    const from = old && deployedRole(old, deployed);
    const to = deployedRole(node, edited);
    if (to && !from) diff.added.push({ name: node.name, role: to });
    else if (from && !to) diff.removed.push({ name: node.name, role: from });
    else if (from && to && from !== to) diff.roles.push({ name: node.name, from, to });
    else if (!old && !node.role) diff.unassigned.push(node.name);
    // A server deployed before and kept: Ironic knows it by its BMC and MACs.
    if (old && from && to) diff.servers.push(...serverChanges(old, node));
  }
  const names = new Set(edited.nodes.map((n) => n.name));
  for (const node of deployed.nodes) {
    const role = deployedRole(node, deployed);
    if (role && !names.has(node.name)) diff.removed.push({ name: node.name, role });
  }
  diff.redeploy = [...tierChanges(deployed, edited), ...networkChanges(deployed, edited)].sort((a, b) => TIER_ORDER.indexOf(a.tier) - TIER_ORDER.indexOf(b.tier));
  return diff;
}

export function unchanged(d: PlanDiff): boolean {
  return !d.added.length && !d.removed.length && !d.roles.length && !d.servers.length && !d.redeploy.length;
}

/** Changes a scale-out cannot make (yet): each in words, naming the server or field. */
export function beyondScaleOut(d: PlanDiff): string[] {
  const controllers = d.added.filter((a) => a.role === 'Controller').map((a) => a.name);
  return [
    ...(controllers.length ? [`adding Controllers (${controllers.join(', ')}) changes the control plane's quorum`] : []),
    ...d.removed.map((r) => `removing ${r.name} (${r.role})`),
    ...d.roles.map((r) => `${r.name} changing role from ${r.from} to ${r.to}`),
    ...d.servers.map((s) => `${s.name}: ${s.what} changing (${s.from} -> ${s.to})`),
    ...d.redeploy.map((c) => `${c.what} changing (${c.field}: ${c.from} -> ${c.to})`),
  ];
}

function names(list: readonly string[], max = 6): string {
  return list.length <= max ? list.join(', ') : `${list.slice(0, max).join(', ')} and ${list.length - max} more`;
}

const servers = (n: number) => `${n} server${n === 1 ? '' : 's'}`;

const REDEPLOYS: Record<TierName, string> = {
  seed: 'the seed, the undercloud and the overcloud must be deployed again',
  undercloud: 'the undercloud and the overcloud must be deployed again',
  overcloud: 'the overcloud must be deployed again',
};

/** The difference in plain sentences, most far-reaching last; one line when nothing changes. */
export function diffLines(d: PlanDiff): string[] {
  if (unchanged(d)) return ['nothing changes: the answers file describes the deployed cloud', ...unassignedLines(d)];
  const lines: string[] = [];
  for (const role of OVERCLOUD_ROLES) {
    const group = d.added.filter((a) => a.role === role).map((a) => a.name);
    if (group.length) lines.push(`${servers(group.length)} will be enrolled and deployed as ${role} (${names(group)})`);
  }
  for (const r of d.removed) lines.push(`${r.name} (${r.role}) will be undeployed and removed from Ironic`);
  for (const r of d.roles) lines.push(`${r.name} changes role from ${r.from} to ${r.to}: it is undeployed and deployed again`);
  for (const s of d.servers) lines.push(`${s.name}: ${s.what} changes (${s.from} -> ${s.to}): Ironic must enrol it again`);
  for (const c of d.redeploy) lines.push(`${c.what} changes (${c.from} -> ${c.to}): ${REDEPLOYS[c.tier]}`);
  if (lines.length && !d.removed.length && !d.roles.length && !d.servers.length && !d.redeploy.length) lines[lines.length - 1] += '; nothing else changes';
  return [...lines, ...unassignedLines(d)];
}

function unassignedLines(d: PlanDiff): string[] {
  return d.unassigned.length ? [`${servers(d.unassigned.length)} without a role stay${d.unassigned.length === 1 ? 's' : ''} unused: ${names(d.unassigned)}`] : [];
}
