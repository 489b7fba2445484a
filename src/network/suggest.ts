// Derived defaults for the Network section: subnets that collide with nothing the seed
// host already uses, ranges sized to the servers with room to grow, upstream VLANs, and a
// reason ("why") for every suggested value, shown when the field is focused.
import type { HostFacts, HostNic } from '../inventory/host-facts.js';
import { ISOLATED_NETWORKS, type IsolatedNetwork, type Network, type Plan } from '../plan/schema.js';
import {
  cidrSize,
  cidrsOverlap,
  formatCidr,
  offsetText,
  parseAddress,
  parseCidr,
  parseInterfaceAddress,
  prefixFor,
  type Cidr,
} from './address.js';
import { CTLPLANE_VIPS, DEFAULT_CIDRS, DEFAULT_VLANS, NETWORKS_WITH_VIP, overcloudNodes } from './networks.js';
import { defaultTargets } from '../roles/assign.js';

export type Layout = Network['layout'];

export interface SuggestInput {
  /** Servers and roles size the ranges; the current network is kept where it can be. */
  plan: Plan;
  hostFacts?: HostFacts;
  /** Absent: flat below three controllers, isolated from three up. */
  layout?: Layout;
  /**
   * Field paths whose values the plan's network keeps (the person's); the rest is suggested
   * around them: a kept subnet is taken as it is and its ranges are placed in it.
   */
  keep?: readonly string[];
}

export interface Suggestion {
  network: Network;
  /** Field path (`network.provisioning.cidr`) → why this value was suggested. */
  why: Record<string, string>;
}

/** At least this many addresses in every DHCP range and pool (tripleo-validations wants 20). */
export const MIN_RANGE = 20;

/** Room to grow: half again as many as there are today, and never fewer than MIN_RANGE. */
export function withRoom(count: number): number {
  return Math.max(MIN_RANGE, count + Math.ceil(count / 2));
}

/** How many controllers the plan asks for, or expects once roles are assigned. */
function expectedControllers(plan: Plan): { count: number; why: string } {
  const target = plan.roles.targets.Controller;
  if (target !== undefined) return { count: target, why: `the role targets ask for ${target} controller(s)` };
  const assigned = plan.nodes.filter((n) => n.role === 'Controller').length;
  if (assigned > 0) return { count: assigned, why: `${assigned} server(s) have the Controller role` };
  // the same rule auto-assignment will apply (src/roles)
  const servers = overcloudNodes(plan).length;
  const count = Math.max(1, defaultTargets(servers).Controller);
  return count >= 3
    ? { count, why: `${servers} servers are enough for three controllers (high availability)` }
    : { count, why: `${servers} server(s) are too few for three controllers` };
}

export function defaultLayout(plan: Plan): { layout: Layout; why: string } {
  const c = expectedControllers(plan);
  return c.count >= 3
    ? { layout: 'isolated', why: `isolated networks with VLANs, the TripleO default for high availability: ${c.why}` }
    : { layout: 'flat', why: `one provisioning network plus external, as Helion did for small labs: ${c.why}` };
}

/** Subnets the seed host already uses: its addresses and routes (the default route aside). */
function hostSubnets(facts: HostFacts | undefined): Cidr[] {
  if (!facts) return [];
  const out: Cidr[] = [];
  for (const nic of facts.nics) {
    for (const a of nic.addresses) {
      const parsed = parseInterfaceAddress(a);
      if (parsed) out.push(parsed.cidr);
    }
  }
  for (const r of facts.routes) {
    if (r.dst === 'default') continue;
    const c = parseCidr(r.dst) ?? (parseAddress(r.dst) ? parseCidr(`${r.dst}/${r.dst.includes(':') ? 128 : 32}`) : undefined);
    if (c) out.push(c);
  }
  return out;
}

/**
 * The first subnet of the given prefix, from the one holding `start` on, that overlaps none
 * of `taken`; it walks the rest of the block holding `start`, then the other `within` blocks.
 */
function freeSubnet(start: string, prefix: number, taken: readonly Cidr[], within: readonly string[]): Cidr | undefined {
  const first = parseAddress(start);
  if (!first) return undefined;
  const bits = first.family === 4 ? 32 : 128;
  const size = 1n << BigInt(bits - prefix);
  const startAt = (first.value / size) * size;
  const blocks = within.map((w) => parseCidr(w)).filter((c): c is Cidr => !!c && c.family === first.family && c.prefix <= prefix);
  for (const b of blocks) {
    const end = b.network + cidrSize(b);
    const from = startAt >= b.network && startAt < end ? startAt : b.network;
    // At most 65,536 candidates per block: enough for any lab, bounded for a /8.
    let tries = 0;
    for (const [lo, hi] of [[from, end], [b.network, from]] as const) {
      for (let n = lo; n + size <= hi && tries < 65536; n += size, tries++) {
        const c: Cidr = { family: first.family, network: n, prefix };
        if (!taken.some((t) => cidrsOverlap(t, c))) return c;
      }
    }
  }
  return undefined;
}

const PRIVATE_BLOCKS = ['192.168.0.0/16', '172.16.0.0/12', '10.0.0.0/8'];

function roundUp(n: number, step: number): number {
  return Math.ceil(n / step) * step;
}

interface Ctx {
  facts?: HostFacts;
  taken: Cidr[];
  /** Section path (`network.external`) → the subnet the person set for it. */
  pinned: Record<string, Cidr>;
  why: Record<string, string>;
  servers: number;
  controllers: number;
}

/** Seed-host NIC for provisioning: up, not the default route or session NIC, no address. */
function pickProvisioningNic(facts: HostFacts | undefined): { nic?: string; why: string } {
  if (!facts || facts.nics.length === 0) return { why: 'no NICs of this host are known yet; pick the one cabled to the servers' };
  const risky = new Set([facts.defaultRouteNic, facts.sessionNic].filter(Boolean));
  const score = (n: HostNic) =>
    (n.state === 'up' ? 4 : 0) + (risky.has(n.name) ? 0 : 8) + (n.addresses.length === 0 ? 2 : 0) + (n.speedMbps ?? 0) / 1e6;
  const best = [...facts.nics].sort((a, b) => score(b) - score(a) || a.name.localeCompare(b.name))[0];
  if (risky.has(best.name)) {
    return { nic: best.name, why: `${best.name} is this host's only usable NIC, but it carries the default route or your session: add a second NIC for provisioning` };
  }
  const parts = [best.state === 'up' ? 'its link is up' : 'its link is down (check the cable)', 'it does not carry the default route or your session'];
  if (best.addresses.length === 0) parts.push('it has no address to lose when bridged');
  return { nic: best.name, why: `${best.name}: ${parts.join(', ')}` };
}

function suggestProvisioning(ctx: Ctx, nic: { nic?: string; why: string }): Network['provisioning'] {
  const { why } = ctx;
  // Addresses on the DHCP range: every server plus the VIPs, with room to grow.
  const dhcp = withRoom(ctx.servers + CTLPLANE_VIPS);
  const inspection = withRoom(ctx.servers) + 1;
  const dhcpStart = 5;
  const dhcpEnd = dhcpStart + dhcp - 1;
  const inspectionStart = Math.max(100, roundUp(dhcpEnd + 11, 10));
  const inspectionEnd = inspectionStart + inspection - 1;
  const prefix = Math.min(24, prefixFor(4, inspectionEnd + 2));
  const cidr = ctx.pinned['network.provisioning'] ?? freeSubnet('192.168.24.0', prefix, ctx.taken, PRIVATE_BLOCKS);
  why['network.provisioning.nic'] = nic.why;
  if (!cidr) {
    why['network.provisioning.cidr'] = 'no free private subnet was found; enter one that this host does not use';
    return { nic: nic.nic, cidr: DEFAULT_CIDRS.ctlplane };
  }
  ctx.taken.push(cidr);
  const text = formatCidr(cidr);
  why['network.provisioning.cidr'] =
    text === DEFAULT_CIDRS.ctlplane
      ? `${text}, the TripleO default: no address or route of this host overlaps it`
      : `${text}: the first private /${prefix} from 192.168.24.0 that no address or route of this host overlaps${prefix < 24 ? `, large enough for ${ctx.servers} servers` : ''}`;
  why['network.provisioning.gateway'] = 'the seed routes for the provisioning network, as Helion\'s seed did (first address)';
  why['network.provisioning.seedIp'] = 'the seed VM takes the first address (Helion layout)';
  why['network.provisioning.undercloudIp'] = 'the undercloud takes the next address, outside every range';
  const grow = `${ctx.servers} server(s) + ${CTLPLANE_VIPS} VIP, with room to grow (at least ${MIN_RANGE})`;
  why['network.provisioning.dhcpStart'] = `servers get their deployed address here: ${dhcp} addresses for ${grow}`;
  why['network.provisioning.dhcpEnd'] = why['network.provisioning.dhcpStart'];
  why['network.provisioning.inspectionStart'] = `addresses handed out while servers are inspected: ${inspection} for ${ctx.servers} server(s) at once, apart from the DHCP range`;
  why['network.provisioning.inspectionEnd'] = why['network.provisioning.inspectionStart'];
  return {
    nic: nic.nic,
    cidr: text,
    gateway: offsetText(cidr, 1),
    seedIp: offsetText(cidr, 1),
    undercloudIp: offsetText(cidr, 2),
    dhcpStart: offsetText(cidr, dhcpStart),
    dhcpEnd: offsetText(cidr, dhcpEnd),
    inspectionStart: offsetText(cidr, inspectionStart),
    inspectionEnd: offsetText(cidr, inspectionEnd),
  };
}

/**
 * The external network goes untagged on the NIC with the default route (the way out) when
 * that is safe: that NIC is not the provisioning NIC, and its IPv4 subnet is a /24 or larger
 * so the VIP, pool and floating range fit in its upper half. Otherwise it gets the upstream
 * 10.0.0.0/24 on VLAN 10, trunked with the other networks.
 */
function suggestExternal(ctx: Ctx, provisioningNic: string | undefined): Network['external'] {
  const { why, facts } = ctx;
  const pool = withRoom(ctx.controllers);
  const dr = facts?.defaultRouteNic;
  const drNic = facts?.nics.find((n) => n.name === dr);
  const drAddr = drNic?.addresses.map(parseInterfaceAddress).find((a) => a && a.address.family === 4 && a.cidr.prefix <= 24);
  const drGateway = facts?.routes.find((r) => r.dst === 'default' && r.dev === dr)?.via;
  const pinned = ctx.pinned['network.external'];
  if (drNic && drAddr && dr !== provisioningNic && (!pinned || formatCidr(pinned) === formatCidr(drAddr.cidr))) {
    const cidr = drAddr.cidr;
    const size = Number(cidrSize(cidr) > 1n << 20n ? 1n << 20n : cidrSize(cidr));
    // Upper half of the LAN: VIP, then the controllers' pool, then floating IPs.
    const base = size / 2 + 10;
    const floatingStart = roundUp(base + 1 + pool + 10, 10);
    const floatingEnd = Math.min(size - 6, floatingStart + 199);
    if (floatingEnd - floatingStart + 1 >= 10) {
      const text = formatCidr(cidr);
      why['network.external.nic'] = `${dr} carries this host's default route (the way out) and is not the provisioning NIC`;
      why['network.external.cidr'] = `${text}: the subnet of ${dr}, where this host reaches the outside`;
      why['network.external.gateway'] = drGateway ? `${drGateway}: the router of this host's default route` : 'the first address of the subnet';
      why['network.external.vlan'] = `untagged: ${dr}'s network already reaches the outside`;
      why['network.external.publicVip'] = `the cloud's public endpoint, in the upper half of ${text}; it must be free on that LAN (the duplicate-address gate checks)`;
      why['network.external.poolStart'] = `external addresses of controllers: ${pool} for ${ctx.controllers} controller(s) with room to grow`;
      why['network.external.poolEnd'] = why['network.external.poolStart'];
      why['network.external.floatingStart'] = `floating IPs for instances, after the pool; keep them out of the LAN's own DHCP range`;
      why['network.external.floatingEnd'] = why['network.external.floatingStart'];
      return {
        nic: dr,
        cidr: text,
        gateway: drGateway ?? offsetText(cidr, 1),
        publicVip: offsetText(cidr, base),
        poolStart: offsetText(cidr, base + 1),
        poolEnd: offsetText(cidr, base + pool),
        floatingStart: offsetText(cidr, floatingStart),
        floatingEnd: offsetText(cidr, floatingEnd),
      };
    }
  }
  const prefix = Math.min(24, prefixFor(4, 4 + pool + 10 + 100 + 2));
  const cidr = pinned ?? freeSubnet('10.0.0.0', prefix, ctx.taken, ['10.0.0.0/8', '172.16.0.0/12']);
  const reason = !dr
    ? 'this host has no default route'
    : dr === provisioningNic
      ? `${dr}, the NIC with the default route, carries provisioning`
      : `${dr}'s subnet is too small or not IPv4`;
  why['network.external.nic'] = `${reason}: the external network is trunked on the provisioning NIC`;
  why['network.external.vlan'] = `VLAN ${DEFAULT_VLANS.External}, the upstream default for External`;
  if (!cidr) {
    why['network.external.cidr'] = 'no free subnet was found; enter the external subnet';
    return { cidr: DEFAULT_CIDRS.External, vlan: DEFAULT_VLANS.External, nic: provisioningNic };
  }
  ctx.taken.push(cidr);
  const text = formatCidr(cidr);
  const floatingStart = roundUp(5 + pool + 10, 10);
  const last = Number(cidrSize(cidr)) - 6;
  why['network.external.cidr'] = `${text}${text === DEFAULT_CIDRS.External ? ', the upstream default' : ''}: no address or route of this host overlaps it`;
  why['network.external.gateway'] = 'the first address: the router to the outside';
  why['network.external.publicVip'] = "the cloud's public endpoint, outside the pool";
  why['network.external.poolStart'] = `external addresses of controllers: ${pool} for ${ctx.controllers} controller(s) with room to grow`;
  why['network.external.poolEnd'] = why['network.external.poolStart'];
  why['network.external.floatingStart'] = 'floating IPs for instances: the rest of the subnet after the pool';
  why['network.external.floatingEnd'] = why['network.external.floatingStart'];
  return {
    nic: provisioningNic,
    vlan: DEFAULT_VLANS.External,
    cidr: text,
    gateway: offsetText(cidr, 1),
    publicVip: offsetText(cidr, 4),
    poolStart: offsetText(cidr, 5),
    poolEnd: offsetText(cidr, 5 + pool - 1),
    floatingStart: offsetText(cidr, floatingStart),
    floatingEnd: offsetText(cidr, last),
  };
}

function suggestIsolated(ctx: Ctx, id: (typeof ISOLATED_NETWORKS)[number]): IsolatedNetwork {
  const { why } = ctx;
  const path = `network.isolated.${id}`;
  const pool = withRoom(ctx.servers);
  const prefix = Math.min(24, prefixFor(4, 10 + pool + 2));
  const cidr = ctx.pinned[path] ?? freeSubnet(DEFAULT_CIDRS[id].split('/')[0], prefix, ctx.taken, id === 'Management' ? ['10.0.0.0/8', '172.16.0.0/12'] : ['172.16.0.0/12', '10.0.0.0/8']);
  const enabled = id !== 'Management';
  why[`${path}.enabled`] = enabled ? `${id} is on in TripleO network isolation` : 'Management is off by default upstream';
  why[`${path}.vlan`] = `VLAN ${DEFAULT_VLANS[id]}, the upstream default for ${id}, unique on the trunk`;
  if (!cidr) {
    why[`${path}.cidr`] = 'no free subnet was found; enter one';
    return { enabled, cidr: DEFAULT_CIDRS[id], vlan: DEFAULT_VLANS[id] };
  }
  ctx.taken.push(cidr);
  const text = formatCidr(cidr);
  why[`${path}.cidr`] = `${text}${text === DEFAULT_CIDRS[id] ? ', the upstream default' : ''}: overlaps no other network and nothing this host uses`;
  const vip = NETWORKS_WITH_VIP.has(id);
  if (vip) why[`${path}.vip`] = `the ${id} VIP of the controllers, outside the pool`;
  why[`${path}.poolStart`] = `one address per server: ${pool} for ${ctx.servers} server(s) with room to grow`;
  why[`${path}.poolEnd`] = why[`${path}.poolStart`];
  return {
    enabled,
    cidr: text,
    vlan: DEFAULT_VLANS[id],
    ...(vip ? { vip: offsetText(cidr, 5) } : {}),
    poolStart: offsetText(cidr, 10),
    poolEnd: offsetText(cidr, 10 + pool - 1),
  };
}

/** Sections with a subnet, in the fixed order suggestions are made (and pins are taken). */
const SUBNET_SECTIONS = ['network.provisioning', 'network.external', ...ISOLATED_NETWORKS.map((id) => `network.isolated.${id}`)];

function context(plan: Plan, facts: HostFacts | undefined, keep: ReadonlySet<string>): Ctx {
  const taken = hostSubnets(facts);
  // BMC addresses are on a management LAN of their own: keep the new subnets off them.
  for (const n of plan.nodes) {
    const a = parseAddress(n.bmc.address);
    if (a) taken.push({ family: a.family, network: a.value, prefix: a.family === 4 ? 32 : 128 });
  }
  // The person's subnets first, in a fixed order: suggestions go around them.
  const pinned: Record<string, Cidr> = {};
  for (const section of SUBNET_SECTIONS) {
    const cidr = keep.has(`${section}.cidr`) ? valueAt(plan.network, `${section}.cidr`) : undefined;
    const parsed = typeof cidr === 'string' ? parseCidr(cidr) : undefined;
    if (parsed) {
      pinned[section] = parsed;
      taken.push(parsed);
    }
  }
  return { facts, taken, pinned, why: {}, servers: overcloudNodes(plan).length, controllers: expectedControllers(plan).count };
}

/** The value at a field path (`network.isolated.Storage.vlan`). */
function valueAt(network: Network, path: string): unknown {
  let at: unknown = network;
  for (const key of path.split('.').slice(1)) at = at && typeof at === 'object' ? (at as Record<string, unknown>)[key] : undefined;
  return at;
}

/** The network with the value at a field path set (objects on the way copied, or made). */
function withValue(network: Network, path: string, value: unknown): Network {
  const put = (at: unknown, keys: string[]): unknown => {
    const obj = at && typeof at === 'object' ? (at as Record<string, unknown>) : {};
    const [key, ...rest] = keys;
    return { ...obj, [key]: rest.length ? put(obj[key], rest) : value };
  };
  return put(network, path.split('.').slice(1)) as Network;
}

/** A complete Network section for the plan, with a reason for every value. */
export function suggestNetwork(input: SuggestInput): Suggestion {
  const { plan, hostFacts } = input;
  const keep = new Set(input.keep ?? []);
  const ctx = context(plan, hostFacts, keep);
  const dl = defaultLayout(plan);
  const layout = input.layout ?? (keep.has('network.layout') ? plan.network.layout : dl.layout);
  ctx.why['network.layout'] = input.layout || keep.has('network.layout') ? `${layout}: chosen` : dl.why;
  const picked = pickProvisioningNic(hostFacts);
  const nic = keep.has('network.provisioning.nic') ? { nic: plan.network.provisioning.nic, why: 'chosen by you' } : picked;
  const provisioning = suggestProvisioning(ctx, nic);
  const external = suggestExternal(ctx, nic.nic);
  const isolated: Network['isolated'] = {};
  for (const id of ISOLATED_NETWORKS) {
    if (layout === 'isolated') isolated[id] = suggestIsolated(ctx, id);
    else {
      // Flat: an isolated network the person set something on stays (unused) for switching back.
      const have = plan.network.isolated[id];
      if (have && [...keep].some((p) => p.startsWith(`network.isolated.${id}.`))) isolated[id] = have;
    }
  }
  // DNS, NTP and proxy are the person's: kept as they are.
  const { dns, ntp, proxy } = plan.network;
  let network: Network = { layout, provisioning, external, isolated, dns, ntp, ...(proxy ? { proxy } : {}) };
  for (const path of keep) {
    if (path === 'network.layout' || (layout === 'flat' && path.startsWith('network.isolated.'))) continue;
    network = withValue(network, path, valueAt(plan.network, path));
  }
  if (input.keep) network.manual = [...input.keep];
  return { network, why: ctx.why };
}

/** Every field path holding a value: what a hand-written network (no `manual` list) keeps. */
function presentPaths(network: Network): string[] {
  const out = ['network.layout'];
  const walk = (v: unknown, path: string) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) for (const [k, x] of Object.entries(v)) walk(x, `${path}.${k}`);
    else if (v !== undefined) out.push(path);
  };
  walk(network.provisioning, 'network.provisioning');
  walk(network.external, 'network.external');
  walk(network.isolated, 'network.isolated');
  return out;
}

/** The paths the person set: the `manual` list, or every value of a hand-written network. */
export function manualPaths(network: Network): string[] {
  return network.manual ?? presentPaths(network);
}

/**
 * The network for this plan: the values the person set (`network.manual`) as they are, every
 * other one suggested for these servers, roles and host. A pure function: the same servers,
 * roles and choices give the same networks, subnets, VLANs and ranges however they were
 * reached. A network without a `manual` list (hand-written) is the person's and returned as is.
 */
export function networkFor(plan: Plan, hostFacts?: HostFacts): Network {
  if (!plan.network.manual) return plan.network;
  return suggestNetwork({ plan, hostFacts, keep: plan.network.manual }).network;
}

/**
 * The network after the person set (or, with `release`, gave back to the suggestion) some
 * field paths; everything they did not set follows again.
 */
export function choose(plan: Plan, network: Network, set: readonly string[], hostFacts?: HostFacts, release: readonly string[] = []): Network {
  const manual = [...new Set([...manualPaths(plan.network), ...set])].filter((p) => !release.includes(p));
  return networkFor({ ...plan, network: { ...network, manual } }, hostFacts);
}

/** Switches the layout as the person's choice; their other values stay, the rest follows. */
export function switchLayout(plan: Plan, layout: Layout, hostFacts?: HostFacts): Network {
  return choose(plan, { ...plan.network, layout }, ['network.layout'], hostFacts);
}
