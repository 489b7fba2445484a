// The network rules: pure, one finding per problem, on the field that holds it, with the fix.
// Cost grows with the number of networks, not of servers (server counts are counted once).
import type { HostFacts } from '../inventory/host-facts.js';
import { error, warning, type Finding } from '../plan/findings.js';
import type { Plan } from '../plan/schema.js';
import {
  cidrRange,
  cidrsOverlap,
  contains,
  formatAddress,
  formatCidr,
  formatRange,
  inRange,
  lastOf,
  parseAddressResult,
  parseCidr,
  parseCidrResult,
  parseInterfaceAddress,
  rangeSize,
  rangesOverlap,
  type Address,
  type Cidr,
  type Range,
} from './address.js';
import { CTLPLANE_VIPS, NETWORKS_WITH_VIP, networkViews, networksOfNode, overcloudNodes, type NetworkId, type NetworkView } from './networks.js';
import { MIN_RANGE } from './suggest.js';

const SCREEN = 'network' as const;
const err = (rule: string, where: string, message: string, fix: string) => error(`network.${rule}`, where, message, fix, SCREEN);
const warn = (rule: string, where: string, message: string, fix: string) => warning(`network.${rule}`, where, message, fix, SCREEN);

/** A parsed range with the paths of its two ends and a name for messages. */
interface NamedRange {
  range: Range;
  name: string;
  startPath: string;
  endPath: string;
}

interface Checked {
  view: NetworkView;
  cidr?: Cidr;
  ranges: NamedRange[];
  pool?: NamedRange;
  statics: { path: string; label: string; address: Address }[];
  gateway?: Address;
}

/** Parses an address field; an unreadable one becomes a finding. */
function address(findings: Finding[], where: string, text: string | undefined, cidr: Cidr | undefined, netName: string): Address | undefined {
  if (text === undefined) return undefined;
  const r = parseAddressResult(text);
  if (!r.ok) {
    findings.push(err('address-invalid', where, `${where.split('.').pop()} ${r.problem}`, 'write an IPv4 address like 192.168.24.5 or an IPv6 address like fd00::5'));
    return undefined;
  }
  if (cidr) {
    if (!contains(cidr, r.value)) {
      findings.push(
        err('address-outside-subnet', where, `${text} is not inside the ${netName} subnet ${formatCidr(cidr)}`, `pick an address between ${formatRange(cidrRange(cidr))}`),
      );
      return undefined;
    }
    const isBroadcast = cidr.family === 4 && cidr.prefix < 31 && r.value.value === lastOf(cidr);
    if ((r.value.value === cidr.network && !(cidr.family === 4 && cidr.prefix >= 31)) || isBroadcast) {
      findings.push(
        err('address-reserved', where, `${text} is the ${isBroadcast ? 'broadcast' : 'network'} address of ${formatCidr(cidr)}; no host can use it`, 'pick an address between the first and the last'),
      );
      return undefined;
    }
  }
  return r.value;
}

/** Parses a start/end pair: both or neither, start not after end. */
function range(findings: Finding[], name: string, startPath: string, endPath: string, start: string | undefined, end: string | undefined, cidr: Cidr | undefined, netName: string): NamedRange | undefined {
  if (start === undefined && end === undefined) return undefined;
  if (start === undefined || end === undefined) {
    const missing = start === undefined ? startPath : endPath;
    findings.push(err('range-incomplete', missing, `the ${name} has ${start === undefined ? 'an end but no start' : 'a start but no end'}`, `set ${missing.split('.').pop()}, or clear both ends`));
    return undefined;
  }
  const s = address(findings, startPath, start, cidr, netName);
  const e = address(findings, endPath, end, cidr, netName);
  if (!s || !e) return undefined;
  if (s.family !== e.family) {
    findings.push(err('range-family', endPath, `the ${name} starts with IPv${s.family} and ends with IPv${e.family}`, 'use one address family for both ends'));
    return undefined;
  }
  if (s.value > e.value) {
    findings.push(err('range-reversed', startPath, `the ${name} starts at ${start}, after its end ${end}`, `swap them: ${end} to ${start}`));
    return undefined;
  }
  return { range: { family: s.family, start: s.value, end: e.value }, name, startPath, endPath };
}

function checkNetwork(findings: Finding[], view: NetworkView, plan: Plan): Checked {
  const label = view.id === 'ctlplane' ? 'provisioning' : view.id;
  const out: Checked = { view, ranges: [], statics: [] };
  if (view.cidr === undefined || view.cidr === '') {
    findings.push(err('cidr-missing', `${view.path}.cidr`, `the ${label} network has no subnet`, 'write a subnet like 172.16.2.0/24'));
  } else {
    const parsed = parseCidrResult(view.cidr);
    if (!parsed.ok) findings.push(err('cidr-invalid', `${view.path}.cidr`, `the ${label} subnet ${parsed.problem}`, 'write a subnet like 192.168.24.0/24 or fd00:1::/64'));
    else out.cidr = parsed.value;
  }
  const cidr = out.cidr;
  out.gateway = address(findings, `${view.path}.gateway`, view.gateway, cidr, label);
  for (const s of view.statics) {
    const a = address(findings, s.path, s.address, cidr, label);
    if (a) out.statics.push({ path: s.path, label: s.label, address: a });
  }
  const poolName = view.id === 'ctlplane' ? 'DHCP range' : `${label} allocation pool`;
  out.pool = range(findings, poolName, view.pool.startPath, view.pool.endPath, view.pool.start, view.pool.end, cidr, label);
  if (out.pool) out.ranges.push(out.pool);
  if (view.id === 'ctlplane') {
    const p = plan.network.provisioning;
    const insp = range(findings, 'introspection range', 'network.provisioning.inspectionStart', 'network.provisioning.inspectionEnd', p.inspectionStart, p.inspectionEnd, cidr, label);
    if (insp) out.ranges.push(insp);
  }
  if (view.id === 'External') {
    const e = plan.network.external;
    const fl = range(findings, 'floating IP range', 'network.external.floatingStart', 'network.external.floatingEnd', e.floatingStart, e.floatingEnd, cidr, label);
    if (fl) out.ranges.push(fl);
  }
  return out;
}

/** What each required field is for, when it is missing. */
function missingFields(findings: Finding[], plan: Plan, views: NetworkView[]): void {
  const p = plan.network.provisioning;
  const need = (value: unknown, where: string, what: string, fix: string) => {
    if (value === undefined || value === '') findings.push(err('field-missing', where, `${what} is not set`, fix));
  };
  need(p.nic, 'network.provisioning.nic', 'the NIC of this host that carries provisioning', "pick the NIC cabled to the servers' PXE NICs (This host lists them)");
  need(p.seedIp, 'network.provisioning.seedIp', 'the seed VM\'s provisioning address', 'set seedIp to a free address in the provisioning subnet, outside the ranges');
  need(p.undercloudIp, 'network.provisioning.undercloudIp', 'the undercloud\'s provisioning address', 'set undercloudIp to a free address in the provisioning subnet, outside the ranges');
  if (p.dhcpStart === undefined && p.dhcpEnd === undefined)
    need(undefined, 'network.provisioning.dhcpStart', 'the DHCP range servers are deployed from', 'set dhcpStart and dhcpEnd (e.g. .5 to .24)');
  if (p.inspectionStart === undefined && p.inspectionEnd === undefined)
    need(undefined, 'network.provisioning.inspectionStart', 'the introspection range', 'set inspectionStart and inspectionEnd (e.g. .100 to .120), apart from the DHCP range');
  for (const v of views) {
    if (!v.enabled || v.id === 'ctlplane') continue;
    if (v.pool.start === undefined && v.pool.end === undefined)
      need(undefined, v.pool.startPath, `the ${v.id} allocation pool`, 'set poolStart and poolEnd inside the subnet');
    if (NETWORKS_WITH_VIP.has(v.id) && v.statics.length === 0) {
      const where = v.id === 'External' ? 'network.external.publicVip' : `${v.path}.vip`;
      need(undefined, where, `the ${v.id} VIP of the controllers`, 'set a free address in the subnet, outside the pool');
    }
  }
}

/** How many servers will sit on each network, from their roles. */
function serversPerNetwork(plan: Plan, enabled: ReadonlySet<NetworkId>): Map<NetworkId, number> {
  const counts = new Map<NetworkId, number>();
  for (const n of overcloudNodes(plan)) {
    for (const id of networksOfNode(n.role, enabled)) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

function pairRules(findings: Finding[], checked: Checked[]): void {
  // Subnets of different networks must not overlap.
  for (let i = 0; i < checked.length; i++) {
    for (let j = i + 1; j < checked.length; j++) {
      const a = checked[i];
      const b = checked[j];
      if (a.cidr && b.cidr && cidrsOverlap(a.cidr, b.cidr)) {
        findings.push(err('subnet-overlap', `${b.view.path}.cidr`, `the ${b.view.id} subnet ${formatCidr(b.cidr)} overlaps the ${a.view.id === 'ctlplane' ? 'provisioning' : a.view.id} subnet ${formatCidr(a.cidr)}`, 'give each network its own subnet'));
      }
    }
  }
  for (const c of checked) {
    // Ranges of one subnet must not overlap.
    for (let i = 0; i < c.ranges.length; i++) {
      for (let j = i + 1; j < c.ranges.length; j++) {
        const a = c.ranges[i];
        const b = c.ranges[j];
        if (rangesOverlap(a.range, b.range))
          findings.push(err('range-overlap', b.startPath, `the ${b.name} ${formatRange(b.range)} overlaps the ${a.name} ${formatRange(a.range)}`, `move the ${b.name} so that it ends before or starts after the ${a.name}`));
      }
    }
    // The gateway is a router that exists: no pool may hand out its address.
    if (c.gateway) {
      for (const r of c.ranges) {
        if (inRange(r.range, c.gateway))
          findings.push(err('gateway-in-range', `${c.view.path}.gateway`, `the gateway ${formatAddress(c.gateway)} is inside the ${r.name} ${formatRange(r.range)}`, `move the gateway or the ${r.name} so that they do not meet`));
      }
    }
    // Static addresses (seed, undercloud, VIPs): outside every range, and each its own.
    for (const s of c.statics) {
      for (const r of c.ranges) {
        if (inRange(r.range, s.address))
          findings.push(err('static-in-range', s.path, `the ${s.label} address ${formatAddress(s.address)} is inside the ${r.name} ${formatRange(r.range)}, which could hand it to a server`, `pick an address outside ${formatRange(r.range)}`));
      }
    }
    // A VIP on the router's address would take the network's way out (the seed or the
    // undercloud may be the provisioning gateway: they route for it).
    for (const s of c.statics) {
      if (c.gateway && c.view.id !== 'ctlplane' && s.address.value === c.gateway.value)
        findings.push(err('static-is-gateway', s.path, `the ${s.label} ${formatAddress(s.address)} is the gateway's address`, 'pick another address for it, outside the pool'));
    }
    for (let i = 0; i < c.statics.length; i++) {
      for (let j = i + 1; j < c.statics.length; j++) {
        if (c.statics[i].address.value === c.statics[j].address.value)
          findings.push(err('static-duplicate', c.statics[j].path, `the ${c.statics[j].label} and the ${c.statics[i].label} have the same address ${formatAddress(c.statics[j].address)}`, 'give each its own address'));
      }
    }
  }
}

function vlanRules(findings: Finding[], plan: Plan, views: NetworkView[]): void {
  const seen = new Map<number, NetworkView>();
  for (const v of views) {
    if (!v.enabled || v.id === 'ctlplane') continue;
    const where = `${v.path}.vlan`;
    if (v.vlan === undefined) {
      // External may be untagged on its own NIC; isolated networks share the trunk.
      if (v.id !== 'External')
        findings.push(err('vlan-missing', where, `${v.id} has no VLAN, but the isolated networks share one trunk`, 'set a VLAN ID from 1 to 4094 that no other network uses'));
      continue;
    }
    if (!Number.isInteger(v.vlan) || v.vlan < 1 || v.vlan > 4094) {
      findings.push(err('vlan-invalid', where, `VLAN ${v.vlan} is not a usable VLAN ID`, 'use a VLAN ID from 1 to 4094'));
      continue;
    }
    // External with a NIC of its own, untrunked, may repeat an ID on another wire.
    const onTrunk = v.id !== 'External' || !plan.network.external.nic || plan.network.external.nic === plan.network.provisioning.nic;
    if (!onTrunk) continue;
    const other = seen.get(v.vlan);
    if (other) findings.push(err('vlan-duplicate', where, `VLAN ${v.vlan} is used by ${other.id} and ${v.id} on the same trunk`, 'give each network its own VLAN ID'));
    else seen.set(v.vlan, v);
  }
}

function sizeRules(findings: Finding[], plan: Plan, checked: Checked[], enabled: ReadonlySet<NetworkId>): void {
  const counts = serversPerNetwork(plan, enabled);
  const servers = overcloudNodes(plan).length;
  for (const c of checked) {
    if (!c.pool) continue;
    const size = rangeSize(c.pool.range);
    if (c.view.id === 'ctlplane') {
      const need = Math.max(MIN_RANGE, servers + CTLPLANE_VIPS);
      if (size < BigInt(need))
        findings.push(err('dhcp-too-small', 'network.provisioning.dhcpEnd', `the DHCP range holds ${size} addresses; ${servers} server(s) + ${CTLPLANE_VIPS} VIP need ${servers + CTLPLANE_VIPS}, and at least ${MIN_RANGE} are advised`, `widen the DHCP range to at least ${need} addresses`));
      const insp = c.ranges.find((r) => r.name === 'introspection range');
      if (insp && rangeSize(insp.range) < BigInt(servers))
        findings.push(warn('inspection-too-small', 'network.provisioning.inspectionEnd', `the introspection range holds ${rangeSize(insp.range)} addresses for ${servers} servers: inspection will run in batches`, `widen it to ${servers} addresses to inspect every server at once`));
      continue;
    }
    const need = counts.get(c.view.id) ?? 0;
    if (size < BigInt(need))
      findings.push(err('pool-too-small', c.pool.endPath, `the ${c.view.id} pool holds ${size} addresses for ${need} server(s)`, `widen the pool to at least ${need} addresses`));
  }
}

function hostRules(findings: Finding[], plan: Plan, facts: HostFacts, provisioning: Checked | undefined): void {
  const p = plan.network.provisioning;
  const nics = new Set(facts.nics.map((n) => n.name));
  // A missing NIC is reported without the host's facts too (missingFields).
  if (p.nic && !nics.has(p.nic)) {
    findings.push(err('provisioning-nic-unknown', 'network.provisioning.nic', `this host has no NIC named ${p.nic}`, `pick one of: ${[...nics].join(', ')}`));
  } else if (p.nic) {
    const why: string[] = [];
    if (p.nic === facts.defaultRouteNic) why.push('carries this host\'s default route');
    if (p.nic === facts.sessionNic) why.push('carries your current session');
    if (why.length)
      findings.push(
        warn('provisioning-nic-risky', 'network.provisioning.nic', `${p.nic} ${why.join(' and ')}: it is moved into the provisioning bridge and loses its address, which can cut you off from this host`, 'pick another NIC for provisioning, or work from the console'),
      );
  }
  const ext = plan.network.external.nic;
  if (ext && !nics.has(ext)) findings.push(err('external-nic-unknown', 'network.external.nic', `this host has no NIC named ${ext}`, `pick one of: ${[...nics].join(', ')}`));
  if (!provisioning?.cidr) return;
  const prov = provisioning.cidr;
  for (const r of facts.routes) {
    if (r.dst === 'default') continue;
    const c = parseCidr(r.dst);
    if (c && cidrsOverlap(c, prov))
      findings.push(err('provisioning-route-collision', 'network.provisioning.cidr', `the provisioning subnet ${formatCidr(prov)} collides with this host's route to ${r.dst} via ${r.dev}`, 'pick a provisioning subnet this host does not route yet (the suggestion does)'));
  }
  for (const n of facts.nics) {
    if (n.name === p.nic) continue;
    for (const a of n.addresses) {
      const parsed = parseInterfaceAddress(a);
      if (parsed && cidrsOverlap(parsed.cidr, prov) && !facts.routes.some((r) => r.dst === formatCidr(parsed.cidr)))
        findings.push(err('provisioning-route-collision', 'network.provisioning.cidr', `the provisioning subnet ${formatCidr(prov)} collides with ${a} on ${n.name}`, 'pick a provisioning subnet this host does not use'));
    }
  }
}

function serviceRules(findings: Finding[], plan: Plan): void {
  // Empty lists are not wrong, but the servers then have no name service and no agreed time.
  if (plan.network.dns.length === 0)
    findings.push(
      warn(
        'dns-none',
        'network.dns',
        "no DNS server is set: the undercloud and the servers get none, so they cannot resolve names (package mirrors, container registries, the NTP pool)",
        "set your site's name servers on the Network screen (DNS/NTP/proxy, DNS servers), e.g. 192.168.1.1, or network.dns in the answers file",
      ),
    );
  if (plan.network.ntp.length === 0)
    findings.push(
      warn(
        'ntp-none',
        'network.ntp',
        'no NTP server is set: the servers fall back to pool.ntp.org, reachable only with DNS and a way out; clocks that drift break the database cluster, the message queue and Keystone tokens',
        "set your site's time servers on the Network screen (DNS/NTP/proxy, NTP servers), e.g. pool.ntp.org, or network.ntp in the answers file",
      ),
    );
  plan.network.dns.forEach((d, i) => {
    const r = parseAddressResult(d);
    if (!r.ok) findings.push(err('dns-invalid', `network.dns[${i}]`, `DNS server ${r.problem}`, 'write the IP address of a name server, e.g. 1.1.1.1'));
  });
  plan.network.ntp.forEach((t, i) => {
    if (!/^[a-z0-9.:-]+$/i.test(t)) findings.push(err('ntp-invalid', `network.ntp[${i}]`, `"${t}" is not a host name or address`, 'write an NTP server like pool.ntp.org or 192.168.1.1'));
  });
  const proxy = plan.network.proxy;
  for (const key of ['http', 'https'] as const) {
    const url = proxy?.[key];
    if (url === undefined) continue;
    let ok = false;
    try {
      ok = ['http:', 'https:'].includes(new URL(url).protocol);
    } catch {
      ok = false;
    }
    if (!ok) findings.push(err('proxy-invalid', `network.proxy.${key}`, `"${url}" is not an http(s) URL`, 'write the proxy as http://proxy.example.com:3128'));
  }
}

/**
 * Every network rule. With the seed host's facts it also checks the provisioning NIC and
 * the provisioning subnet against the host's routes and addresses.
 */
export function validateNetwork(plan: Plan, hostFacts?: HostFacts): Finding[] {
  const findings: Finding[] = [];
  const views = networkViews(plan.network);
  const enabledViews = views.filter((v) => v.enabled);
  const enabled = new Set(enabledViews.map((v) => v.id));
  const checked = enabledViews.map((v) => checkNetwork(findings, v, plan));
  missingFields(findings, plan, views);
  pairRules(findings, checked);
  vlanRules(findings, plan, views);
  sizeRules(findings, plan, checked, enabled);
  if (hostFacts) hostRules(findings, plan, hostFacts, checked.find((c) => c.view.id === 'ctlplane'));
  serviceRules(findings, plan);
  return findings;
}

/** Findings about one network (for the screen's list: ok / count). */
export function findingsOf(findings: readonly Finding[], view: Pick<NetworkView, 'path'>): Finding[] {
  return findings.filter((f) => f.where === view.path || f.where.startsWith(`${view.path}.`));
}
