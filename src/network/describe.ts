// The network in plain lines: for `cloudseed plan`, Review, and the Network screen's drawing.
import type { Plan } from '../plan/schema.js';
import { parseRange, rangeSize } from './address.js';
import type { Allocation } from './allocate.js';
import { enabledNetworks, type NetworkView } from './networks.js';

const label = (v: Pick<NetworkView, 'id'>) => (v.id === 'ctlplane' ? 'ctlplane' : v.id);

function sized(start: string | undefined, end: string | undefined): string {
  if (!start || !end) return 'not set';
  const r = parseRange(start, end);
  return `${start}-${end}${r && r.end >= r.start ? ` (${rangeSize(r)})` : ''}`;
}

/** Where a network runs on the seed host and on the servers. */
export function wiring(plan: Plan, v: NetworkView): { host?: string; server: string; tag: string } {
  const p = plan.network.provisioning;
  const e = plan.network.external;
  const tag = v.vlan === undefined ? 'untagged' : `VLAN ${v.vlan}`;
  if (v.id === 'ctlplane') return { host: p.nic, server: 'nic1', tag };
  if (v.id === 'External') return { host: e.nic, server: 'nic2', tag };
  return { server: 'nic2', tag };
}

export interface DescribeOptions {
  /** List at most this many servers' addresses (all when absent). */
  maxNodes?: number;
}

/** The networks, then every server's addresses, as plain lines. */
export function describeNetwork(plan: Plan, allocation: Allocation, o: DescribeOptions = {}): string[] {
  const n = plan.network;
  const lines: string[] = [`Network: ${n.layout === 'flat' ? 'flat (provisioning + external)' : 'isolated (VLANs on a trunk)'}`];
  const width = Math.max(...enabledNetworks(n).map((v) => label(v).length));
  for (const v of enabledNetworks(n)) {
    const w = wiring(plan, v);
    const where = w.host ? `${w.tag} on ${w.host} (servers: ${w.server})` : `${w.tag} on the servers' ${w.server}`;
    lines.push(`  ${label(v).padEnd(width)}  ${v.cidr ?? '(no subnet)'}  ${where}${v.gateway ? `  gateway ${v.gateway}` : ''}`);
    const pad = ' '.repeat(width + 4);
    if (v.id === 'ctlplane') {
      lines.push(`${pad}seed ${n.provisioning.seedIp ?? 'not set'}, undercloud ${n.provisioning.undercloudIp ?? 'not set'}`);
      lines.push(`${pad}DHCP ${sized(n.provisioning.dhcpStart, n.provisioning.dhcpEnd)}, introspection ${sized(n.provisioning.inspectionStart, n.provisioning.inspectionEnd)}`);
    } else {
      const vip = v.statics[0] ? `VIP ${v.statics[0].address}, ` : '';
      lines.push(`${pad}${vip}pool ${sized(v.pool.start, v.pool.end)}`);
      if (v.id === 'External' && (n.external.floatingStart || n.external.floatingEnd))
        lines.push(`${pad}floating IPs ${sized(n.external.floatingStart, n.external.floatingEnd)}`);
    }
  }
  if (n.dns.length) lines.push(`  DNS: ${n.dns.join(', ')}`);
  if (n.ntp.length) lines.push(`  NTP: ${n.ntp.join(', ')}`);
  if (n.proxy?.http || n.proxy?.https) lines.push(`  proxy: ${[n.proxy.http, n.proxy.https].filter(Boolean).join(', ')}${n.proxy.noProxy.length ? ` (not for ${n.proxy.noProxy.join(', ')})` : ''}`);

  const nodes = allocation.nodes;
  const shown = o.maxNodes === undefined ? nodes : nodes.slice(0, o.maxNodes);
  lines.push(`Addresses of ${nodes.length} server(s):`);
  const nameWidth = Math.max(4, ...shown.map((x) => x.node.length));
  for (const x of shown) {
    const parts = allocation.networks.filter((id) => x.addresses[id]).map((id) => `${id} ${x.addresses[id]}`);
    lines.push(`  ${x.node.padEnd(nameWidth)}  ${(x.role ?? 'no role').padEnd(13)}  ${parts.join('  ') || '(none)'}`);
  }
  if (shown.length < nodes.length) lines.push(`  ... and ${nodes.length - shown.length} more`);
  if (allocation.unallocated.length) {
    lines.push(`Without an address (${allocation.unallocated.length}):`);
    for (const u of allocation.unallocated.slice(0, o.maxNodes ?? allocation.unallocated.length)) lines.push(`  ${u.node} on ${u.network}: ${u.reason}`);
  }
  return lines;
}

export interface TopologyOptions {
  ascii: boolean;
  /** Width available (the drawing stays within it). */
  width?: number;
}

/**
 * A small drawing: which NIC of the seed host and of the servers carries which network,
 * the VLANs on the servers' trunk, and where the seed, undercloud and VIPs sit.
 */
export function topologyLines(plan: Plan, o: TopologyOptions): string[] {
  const g = o.ascii
    ? { h: '-', v: '|', tee: '+', end: '`', dot: '*' }
    : { h: '─', v: '│', tee: '├', end: '└', dot: '●' };
  const width = o.width ?? 78;
  const clip = (s: string) => (s.length > width ? `${s.slice(0, width - 3)}...` : s.trimEnd());
  const views = enabledNetworks(plan.network);
  const p = plan.network.provisioning;
  const lines: string[] = [];
  const wire = (host: string, net: string, server: string) => {
    const mid = ` ${net} `;
    const line = Math.max(2, 36 - mid.length);
    return `${host.padEnd(11)}${g.h.repeat(2)}${mid}${g.h.repeat(line)} ${server}`;
  };
  lines.push(`${'seed host'.padEnd(11)}${' '.repeat(39)}servers`);
  for (const v of views.filter((x) => x.id === 'ctlplane' || (x.id === 'External' && wiring(plan, x).tag === 'untagged'))) {
    const w = wiring(plan, v);
    lines.push(clip(wire(w.host ?? '(no NIC)', `${label(v)} ${v.cidr ?? '?'}`, `${w.server}${v.id === 'ctlplane' ? ' (PXE)' : ''}`)));
    if (v.id === 'ctlplane') lines.push(clip(`${' '.repeat(13)}${g.dot} seed ${p.seedIp ?? '?'}  ${g.dot} undercloud ${p.undercloudIp ?? '?'}`));
    else if (v.statics[0]) lines.push(clip(`${' '.repeat(13)}${g.dot} public VIP ${v.statics[0].address}`));
  }
  const tagged = views.filter((x) => x.id !== 'ctlplane' && wiring(plan, x).tag !== 'untagged');
  if (tagged.length) {
    const ext = views.find((x) => x.id === 'External');
    const trunkHost = ext && wiring(plan, ext).tag !== 'untagged' ? (plan.network.external.nic ?? p.nic ?? '(no NIC)') : '';
    lines.push(clip(`${trunkHost.padEnd(11)}${trunkHost ? g.h.repeat(2) : '  '} trunk on the servers' nic2:`));
    tagged.forEach((v, i) => {
      const branch = i === tagged.length - 1 ? g.end : g.tee;
      const vip = v.statics[0] ? `  VIP ${v.statics[0].address}` : '';
      lines.push(clip(`${' '.repeat(13)}${branch}${g.h} VLAN ${String(v.vlan).padEnd(4)} ${label(v).padEnd(11)} ${(v.cidr ?? '?').padEnd(18)}${vip}`));
    });
  }
  return lines;
}
