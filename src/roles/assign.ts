// Auto-assignment: who runs the undercloud, who becomes a controller, a compute, storage.
// Pure and deterministic. Fills each role with the smallest servers that meet its floor,
// so the large ones remain for Compute, and explains every choice in plain words.
// Roles the person set by hand (roleSource `manual`) are kept unless `reset` is asked.
import { OVERCLOUD_ROLES, type Node, type Plan, type RoleName } from '../plan/schema.js';
import { roleCatalog, roleSpec, type Catalog, type Hardware } from './catalog.js';
import { combinedFloor, compareSize, factsUnknown, fit, gib, nodeFacts, type Facts } from './fit.js';

export type OvercloudRole = (typeof OVERCLOUD_ROLES)[number];
export type Targets = Record<OvercloudRole, number>;

/** One server's role and why. */
export interface Choice {
  node: string;
  /** Undefined: the server is not used. */
  role?: RoleName;
  source: 'auto' | 'manual';
  reason: string;
}

export interface Assignment {
  plan: Plan;
  /** One per server, in the plan's order. */
  choices: Choice[];
  /** Where the undercloud runs and why. */
  undercloud: { placement: 'vm' | 'server'; node?: string; reason: string };
  /** The counts aimed at (explicit targets, else the defaults). */
  targets: Targets;
  /** Why these counts, in plain words ("3 controllers: ..."). */
  why: string[];
}

/** Roles filled before Compute (Compute takes the rest), each with the smallest that fit. */
const FILL_ORDER: readonly OvercloudRole[] = ['Controller', 'CephStorage', 'ObjectStorage', 'BlockStorage'];

/** At least this many servers in all before the undercloud leaves the seed host for one of them. */
const UNDERCLOUD_ON_SERVER_FROM = 3;
/** From this many overcloud servers, three controllers (high availability) by default. */
const HA_FROM = 4;

/**
 * Default counts for `overcloud` servers: one all-in-one server; 1 controller and the rest
 * compute; from HA_FROM servers 3 controllers (quorum) and the rest compute.
 */
export function defaultTargets(overcloud: number, explicit: Plan['roles']['targets'] = {}): Targets {
  const controller = explicit.Controller ?? (overcloud >= HA_FROM ? 3 : overcloud >= 1 ? 1 : 0);
  const storage = (explicit.CephStorage ?? 0) + (explicit.ObjectStorage ?? 0) + (explicit.BlockStorage ?? 0);
  const rest = Math.max(0, overcloud - controller - storage);
  return {
    Controller: controller,
    Compute: explicit.Compute ?? (overcloud === 1 ? 0 : rest),
    BlockStorage: explicit.BlockStorage ?? 0,
    ObjectStorage: explicit.ObjectStorage ?? 0,
    CephStorage: explicit.CephStorage ?? 0,
  };
}

/** The floor a server holding `role` must meet (an all-in-one controller also computes). */
export function roleFloor(role: RoleName, allInOne: boolean, catalog: Catalog = roleCatalog(), level: 'floor' | 'recommended' = 'floor'): Hardware {
  const floor = roleSpec(role, catalog)[level];
  return role === 'Controller' && allInOne ? combinedFloor([floor, roleSpec('Compute', catalog)[level]]) : floor;
}

/** "64 GiB ≥ 8 GiB" — the fact that decided, compared with the floor. */
function meets(f: Facts, floor: Hardware): string {
  const vt = floor.vt && f.vt ? ', with VT' : '';
  return `${gib(f.memoryMiB ?? 0)} \u2265 ${gib(floor.memoryMiB)}${vt}`;
}

export const BMC_TROUBLE = { unreachable: 'its BMC does not answer', refused: 'its BMC refused the credentials', error: 'its BMC answered with an error' } as const;

const ASSUMED = 'size unknown, assumed to fit -- discover it (check BMCs, introspection) to be sure';

function ordinal(i: number): string {
  if (i === 0) return 'smallest';
  const n = i + 1;
  const suffix = n % 10 === 1 && n % 100 !== 11 ? 'st' : n % 10 === 2 && n % 100 !== 12 ? 'nd' : n % 10 === 3 && n % 100 !== 13 ? 'rd' : 'th';
  return `${n}${suffix} smallest`;
}

interface Candidate {
  index: number;
  name: string;
  facts: Facts;
  unknown: boolean;
  taken: boolean;
}

export interface AssignOptions {
  /** Forget manual roles and placement: start from scratch. */
  reset?: boolean;
  catalog?: Catalog;
}

export function autoAssign(plan: Plan, options: AssignOptions = {}): Assignment {
  const catalog = options.catalog ?? roleCatalog();
  const reset = options.reset ?? false;
  const nodes = plan.nodes;
  const isManual = (n: Node) => !reset && n.roleSource === 'manual';
  const choices: (Choice | undefined)[] = new Array(nodes.length);

  // Manual roles first: they stay and count toward the targets.
  const manualCount: Record<RoleName, number> = { Undercloud: 0, Controller: 0, Compute: 0, BlockStorage: 0, ObjectStorage: 0, CephStorage: 0 };
  let manualUndercloud: string | undefined;
  nodes.forEach((n, i) => {
    if (!isManual(n)) return;
    if (n.role) manualCount[n.role]++;
    if (n.role === 'Undercloud') manualUndercloud ??= n.name;
    choices[i] = { node: n.name, role: n.role, source: 'manual', reason: n.role ? `${n.name} \u2192 ${n.role}: chosen by you` : `${n.name} not used: chosen by you` };
  });

  // A server whose BMC fails cannot be deployed: it waits until discovery reaches it.
  const free: Candidate[] = [];
  nodes.forEach((n, i) => {
    if (isManual(n)) return;
    const status = n.discovered?.bmcStatus;
    if (status && status !== 'ok') {
      choices[i] = { node: n.name, source: 'auto', reason: `${n.name} not used: ${BMC_TROUBLE[status]} -- fix it on Servers (check BMCs), then auto-assign` };
      return;
    }
    const facts = nodeFacts(n);
    free.push({ index: i, name: n.name, facts, unknown: factsUnknown(facts), taken: false });
  });
  // Known sizes smallest first; unknown sizes last, by name (assumed to fit, and said so).
  free.sort((a, b) => Number(a.unknown) - Number(b.unknown) || compareSize(a.facts, b.facts) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  const take = (c: Candidate, role: RoleName | undefined, reason: string) => {
    c.taken = true;
    choices[c.index] = { node: c.name, role, source: 'auto', reason: role ? `${c.name} \u2192 ${role}: ${reason}` : `${c.name} not used: ${reason}` };
  };

  // Where the undercloud lives. A placement chosen by hand stays, unless its server is gone.
  const placed = plan.roles.undercloud;
  const keepPlacement = !reset && placed.source === 'manual' && (placed.placement === 'vm' || nodes.some((n) => n.name === placed.node));
  let undercloud: Assignment['undercloud'];
  if (manualUndercloud) {
    undercloud = { placement: 'server', node: manualUndercloud, reason: `undercloud on ${manualUndercloud}: chosen by you` };
  } else if (keepPlacement) {
    const onNode = placed.placement === 'server' ? free.find((c) => c.name === placed.node) : undefined;
    if (onNode) take(onNode, 'Undercloud', 'chosen by you as the undercloud');
    undercloud =
      placed.placement === 'server' && placed.node
        ? { placement: 'server', node: placed.node, reason: `undercloud on ${placed.node}: chosen by you` }
        : { placement: 'vm', reason: 'undercloud as a VM on this host: chosen by you' };
  } else {
    const usable = free.length + nodes.filter((n) => isManual(n) && n.role).length;
    undercloud = placeUndercloud(free, usable, catalog, take);
  }

  // Overcloud counts.
  // Servers the overcloud can use: below every overcloud floor they do not count.
  const lowest = roleFloor('Controller', false, catalog);
  const overcloudServers =
    free.filter((c) => !c.taken && (c.unknown || fit(c.facts, lowest).fits)).length +
    OVERCLOUD_ROLES.reduce((sum, role) => sum + manualCount[role], 0);
  const allInOne = overcloudServers === 1 && (plan.roles.targets.Compute ?? 0) === 0;
  const targets = defaultTargets(overcloudServers, plan.roles.targets);

  for (const role of FILL_ORDER) {
    const floor = roleFloor(role, allInOne, catalog);
    const need = targets[role] - manualCount[role];
    if (need <= 0) continue;
    // Servers of unknown size come last: taken only when no known one fits.
    const fitting = free.filter((c) => !c.taken && fit(c.facts, floor).fits);
    const known = fitting.filter((c) => !c.unknown).length;
    fitting.slice(0, need).forEach((c, i) => {
      const what = allInOne && role === 'Controller' ? '; all-in-one (controller and compute on one server)' : '';
      take(c, role, `${c.unknown ? ASSUMED : `${meets(c.facts, floor)}, ${ordinal(i)} of ${known} that fit`}${what}`);
    });
  }

  // Compute takes the rest (up to its target when one was given). Servers come in a few
  // sizes, so the reasons are shared, not built once per server.
  const computeFloor = roleFloor('Compute', false, catalog);
  const reasons = new Map<string, string>();
  const computeReason = (f: Facts) => {
    const key = `${f.memoryMiB}/${f.vt}`;
    let r = reasons.get(key);
    if (r === undefined) reasons.set(key, (r = `${meets(f, computeFloor)}, the rest go to Compute`));
    return r;
  };
  let computeLeft = plan.roles.targets.Compute !== undefined ? targets.Compute - manualCount.Compute : Infinity;
  if (allInOne) computeLeft = 0;
  for (const c of free) {
    if (c.taken) continue;
    const verdict = fit(c.facts, computeFloor);
    if (!verdict.fits) take(c, undefined, `below the Compute floor (${verdict.short.join(', ')})`);
    else if (computeLeft <= 0) take(c, undefined, allInOne ? 'spare (the all-in-one server is the whole overcloud)' : `spare (Compute target of ${targets.Compute} reached)`);
    else {
      computeLeft--;
      take(c, 'Compute', c.unknown ? ASSUMED : computeReason(c.facts));
    }
  }

  const final = choices as Choice[];
  const newNodes = nodes.map((n, i): Node => {
    const ch = final[i];
    if (ch.source === 'manual' || (n.role === ch.role && n.roleSource === (ch.role ? 'auto' : undefined))) return n;
    // Object.assign is several times faster than spreading for thousands of servers.
    if (ch.role) {
      const out: Node = Object.assign({}, n);
      out.role = ch.role;
      out.roleSource = 'auto';
      return out;
    }
    const { role: _role, roleSource: _source, ...rest } = n;
    return rest;
  });
  return {
    plan: {
      ...plan,
      nodes: newNodes,
      roles: {
        ...plan.roles,
        allInOne,
        undercloud: {
          placement: undercloud.placement,
          ...(undercloud.node ? { node: undercloud.node } : {}),
          ...(keepPlacement ? { source: 'manual' as const } : {}),
        },
      },
    },
    choices: final,
    undercloud,
    targets,
    why: [undercloud.reason, ...explainTargets(overcloudServers, plan.roles.targets, targets, allInOne)],
  };
}

function explainTargets(servers: number, explicit: Plan['roles']['targets'], t: Targets, allInOne: boolean): string[] {
  const lines: string[] = [];
  if (allInOne) return ['1 server for the overcloud: it is controller and compute at once (all-in-one)'];
  if (explicit.Controller !== undefined) lines.push(`${t.Controller} controller${t.Controller === 1 ? '' : 's'}: your target`);
  else if (t.Controller === 3)
    lines.push(`3 controllers for high availability: ${servers} overcloud servers allow it (quorum survives one failure)`);
  else if (t.Controller === 1) lines.push(`1 controller: ${servers} overcloud server${servers === 1 ? '' : 's'}, too few for high availability (it needs ${HA_FROM})`);
  if (explicit.Compute !== undefined) lines.push(`${t.Compute} computes: your target`);
  else lines.push(`${t.Compute} compute${t.Compute === 1 ? '' : 's'}: every other server that fits`);
  for (const role of ['BlockStorage', 'ObjectStorage', 'CephStorage'] as const) {
    if (t[role] > 0) lines.push(`${t[role]} ${role}: your target`);
  }
  return lines;
}

function placeUndercloud(
  free: Candidate[],
  total: number,
  catalog: Catalog,
  take: (c: Candidate, role: RoleName, reason: string) => void,
): Assignment['undercloud'] {
  if (total < UNDERCLOUD_ON_SERVER_FROM) {
    const why = total === 0 ? 'no servers yet' : `${total} server${total === 1 ? '' : 's'}: ${total === 1 ? 'it becomes the whole overcloud' : 'both go to the overcloud'}`;
    return { placement: 'vm', reason: `undercloud as a VM on this host (${why})` };
  }
  const floor = roleSpec('Undercloud', catalog).floor;
  const fitting = free.filter((c) => fit(c.facts, floor).fits);
  const known = fitting.filter((c) => !c.unknown).length;
  const chosen = fitting[0];
  if (!chosen) return { placement: 'vm', reason: `undercloud as a VM on this host: no server meets its floor (${gib(floor.memoryMiB)}, ${floor.cpu} CPUs, ${floor.diskGiB} GiB disk)` };
  const reason = chosen.unknown ? ASSUMED : `${meets(chosen.facts, floor)}, smallest of ${known} that fit`;
  take(chosen, 'Undercloud', reason);
  return { placement: 'server', node: chosen.name, reason: `undercloud on ${chosen.name}: ${reason}` };
}

/**
 * Gives `names` the role `role` by hand (undefined: not used); they keep it through
 * re-runs of auto-assignment. There is one undercloud: a new one replaces the old.
 */
export function setRoles(plan: Plan, names: ReadonlySet<string>, role: RoleName | undefined): Plan {
  const current = plan.roles.undercloud.placement === 'server' ? plan.roles.undercloud.node : undefined;
  const newUndercloud = role === 'Undercloud' ? [...names].sort()[0] : undefined;
  const manual = (n: Node, r: RoleName | undefined): Node => {
    const out: Node = { ...n, roleSource: 'manual', role: r };
    if (!r) delete out.role;
    return out;
  };
  const nodes = plan.nodes.map((n): Node => {
    if (role === 'Undercloud') {
      if (n.name === newUndercloud) return manual(n, 'Undercloud');
      if (n.role === 'Undercloud' || names.has(n.name)) return manual(n, undefined);
      return n;
    }
    return names.has(n.name) ? manual(n, role) : n;
  });
  let undercloud = plan.roles.undercloud;
  if (newUndercloud) undercloud = { placement: 'server', node: newUndercloud, source: 'manual' };
  else if (current && names.has(current)) undercloud = { placement: 'vm' };
  return { ...plan, nodes, roles: { ...plan.roles, undercloud } };
}

/** Puts the undercloud in a VM on the seed host by hand; its server, if any, is freed. */
export function undercloudAsVm(plan: Plan): Plan {
  const nodes = plan.nodes.map((n): Node => {
    if (n.role !== 'Undercloud') return n;
    const out: Node = { ...n };
    delete out.role;
    delete out.roleSource;
    return out;
  });
  return { ...plan, nodes, roles: { ...plan.roles, undercloud: { placement: 'vm', source: 'manual' } } };
}

/** Counts of servers per role in the plan (all-in-one counts as a controller). */
export function roleCounts(plan: Plan): Record<RoleName, number> & { unused: number } {
  const counts = { Undercloud: 0, Controller: 0, Compute: 0, BlockStorage: 0, ObjectStorage: 0, CephStorage: 0, unused: 0 };
  for (const n of plan.nodes) {
    if (n.role) counts[n.role]++;
    else counts.unused++;
  }
  return counts;
}
