// The overcloud's network files: network_data.yaml, the network isolation environment (the
// networks and ports Heat creates), network-environment.yaml (subnets, Neutron pools, VLANs,
// NIC config per role), ips-from-pool-all.yaml (every server's address, pinned) and
// fixed-ip-vips.yaml (the VIPs, in their own file as upstream keeps them). Pure.
import { allocate, type Allocation } from '../network/allocate.js';
import { formatAddress, parseAddress, parseCidr, parseRange, type Range } from '../network/address.js';
import { enabledNetworks, networkViews, NETWORKS_WITH_VIP, type NetworkId, type NetworkView } from '../network/networks.js';
import { warning, type Finding } from '../plan/findings.js';
import { OVERCLOUD_ROLES, type Plan } from '../plan/schema.js';
import { roleCatalog, roleSpec } from '../roles/catalog.js';
import { placements, type Placed } from './placement.js';
import { upstreamRole, type OvercloudRole } from './tripleo-roles.js';

/** Where tripleo-heat-templates are installed on the undercloud (`--templates`). */
export const THT = '/usr/share/openstack-tripleo-heat-templates';

type OvercloudNet = Exclude<NetworkId, 'ctlplane'>;

/** network_data.yaml's `name_lower`: InternalApi -> internal_api. */
export const nameLower = (name: string) => name.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();

/** The networks the overcloud files describe: all but ctlplane that have a subnet. */
function overcloudNetworks(plan: Plan): (NetworkView & { id: OvercloudNet })[] {
  return networkViews(plan.network).filter((v): v is NetworkView & { id: OvercloudNet } => v.id !== 'ctlplane' && !!v.cidr);
}

/** The networks a role's servers join (upstream's for the role, plus Management when the catalog has it), of the enabled ones. */
export function roleNetworks(plan: Plan, role: OvercloudRole): OvercloudNet[] {
  const enabled = new Set<NetworkId>(enabledNetworks(plan.network).map((v) => v.id));
  const catalog = roleCatalog();
  const wanted = new Set<string>([...roleSpec(role, catalog).networks, ...(plan.roles.allInOne && role === 'Controller' ? roleSpec('Compute', catalog).networks : [])]);
  return overcloudNetworks(plan)
    .map((v) => v.id)
    .filter((id) => enabled.has(id) && wanted.has(id));
}

/** What the network files share: the plan's addresses, who is pinned where, and Neutron's pools. */
export interface NetworkLayout {
  allocation: Allocation;
  placed: Map<OvercloudRole, Placed[]>;
  /** Per role, the networks on which every server of the role has its address (those are pinned). */
  pinned: Map<OvercloudRole, OvercloudNet[]>;
  /** Per network, the plan's pool minus every pinned address: what Neutron hands out (VIPs Heat allocates, new servers). */
  pools: Map<OvercloudNet, { start: string; end: string }[]>;
  findings: Finding[];
}

export function networkLayout(plan: Plan): NetworkLayout {
  const allocation = allocate(plan);
  const placed = placements(plan);
  const pinned = new Map<OvercloudRole, OvercloudNet[]>();
  for (const role of OVERCLOUD_ROLES) {
    const servers = placed.get(role)!;
    pinned.set(role, servers.length ? roleNetworks(plan, role).filter((net) => servers.every((p) => allocation.byNode.get(p.node.name)?.addresses[net])) : []);
  }
  const pools = new Map<OvercloudNet, { start: string; end: string }[]>();
  const findings: Finding[] = [];
  for (const view of overcloudNetworks(plan)) {
    if (!view.enabled || !view.pool.start || !view.pool.end) continue;
    const range = parseRange(view.pool.start, view.pool.end);
    if (!range || range.start > range.end) continue;
    const taken = [view.gateway, allocation.vips[view.id], ...allocation.nodes.map((n) => n.addresses[view.id])];
    const free = subtract(range, taken.flatMap((t) => (t ? [parseAddress(t)?.value ?? -1n] : [])));
    pools.set(view.id, free.map((r) => ({ start: formatAddress({ family: r.family, value: r.start }), end: formatAddress({ family: r.family, value: r.end }) })));
    const servers = allocation.nodes.filter((n) => n.addresses[view.id]).length;
    const room = free.reduce((sum, r) => sum + (r.end - r.start + 1n), 0n);
    // Heat allocates the VIPs it is not given (Redis, OVN DBs) from the pool; scaling out needs one per new server.
    if (room < BigInt(Math.max(2, servers))) {
      findings.push(
        warning(
          'export.pool-room',
          view.pool.endPath,
          `the ${view.id} pool leaves ${room} address(es) once the ${servers} server(s) and the VIP are pinned: no room for the VIPs Heat allocates or for more servers`,
          `make the ${view.id} pool larger (at least twice the servers on it)`,
          'network',
        ),
      );
    }
  }
  return { allocation, placed, pinned, pools, findings };
}

/** `range` without the given addresses, as the ranges left (in order). */
function subtract(range: Range, addresses: bigint[]): Range[] {
  const cut = [...new Set(addresses.filter((a) => a >= range.start && a <= range.end))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const out: Range[] = [];
  let start = range.start;
  for (const a of cut) {
    if (a > start) out.push({ family: range.family, start, end: a - 1n });
    start = a + 1n;
  }
  if (start <= range.end) out.push({ family: range.family, start, end: range.end });
  return out;
}

export function networkData(plan: Plan, layout: NetworkLayout): unknown[] {
  // A network never filled in (flat layout) is left out; one turned off is written disabled.
  return overcloudNetworks(plan).map((n) => ({
    name: n.id,
    name_lower: nameLower(n.id),
    vip: NETWORKS_WITH_VIP.has(n.id),
    ...(n.vlan !== undefined ? { vlan: n.vlan } : {}),
    ip_subnet: n.cidr,
    ...(layout.pools.get(n.id)?.length ? { allocation_pools: layout.pools.get(n.id) } : {}),
    ...(n.gateway ? { gateway_ip: n.gateway } : {}),
    mtu: 1500,
    enabled: n.enabled,
  }));
}

const enabledOvercloud = (plan: Plan) => overcloudNetworks(plan).filter((n) => n.enabled);

/** The networks and ports Heat creates (what upstream's environments/network-isolation.j2.yaml renders to for these roles). */
export function networkIsolation(plan: Plan): unknown {
  const registry: Record<string, string> = {};
  const nets = enabledOvercloud(plan);
  for (const n of nets) registry[`OS::TripleO::Network::${n.id}`] = `${THT}/network/${nameLower(n.id)}.yaml`;
  for (const n of nets) if (NETWORKS_WITH_VIP.has(n.id)) registry[`OS::TripleO::Network::Ports::${n.id}VipPort`] = `${THT}/network/ports/${nameLower(n.id)}.yaml`;
  registry['OS::TripleO::Network::Ports::RedisVipPort'] = `${THT}/network/ports/vip.yaml`;
  registry['OS::TripleO::Network::Ports::OVNDBsVipPort'] = `${THT}/network/ports/vip.yaml`;
  for (const role of OVERCLOUD_ROLES) {
    for (const net of roleNetworks(plan, role)) registry[`OS::TripleO::${role}::Ports::${net}Port`] = `${THT}/network/ports/${nameLower(net)}.yaml`;
  }
  return { resource_registry: registry };
}

/** Where the NIC config of a role is on the undercloud: the deploy copies the files to the user's home. */
export function nicConfigPath(plan: Plan, role: OvercloudRole): string {
  const user = plan.undercloud.ssh?.user ?? 'stack';
  return `${user === 'root' ? '/root' : `/home/${user}`}/${NIC_CONFIG_FILES[role]}`;
}

/** The NIC config file of each role. */
export const NIC_CONFIG_FILES = {
  Controller: 'nic-controller.j2',
  Compute: 'nic-compute.j2',
  BlockStorage: 'nic-blockstorage.j2',
  ObjectStorage: 'nic-objectstorage.j2',
  CephStorage: 'nic-cephstorage.j2',
} as const satisfies Record<OvercloudRole, string>;

/** The provisioning network's gateway as the undercloud and the overcloud see it. */
export function ctlplaneGateway(plan: Plan, localIp: string): { gateway: string; masquerade: boolean; why: string } {
  const p = plan.network.provisioning;
  // A router of its own routes; the seed VM does not, so then the undercloud routes (and NATs).
  if (p.gateway && p.gateway !== localIp && p.gateway !== p.seedIp) return { gateway: p.gateway, masquerade: false, why: `the router ${p.gateway} routes the provisioning network` };
  return {
    gateway: localIp,
    masquerade: true,
    why: p.gateway === p.seedIp && p.gateway ? `the gateway ${p.gateway} is the seed, which does not route: the undercloud routes and masquerades instead` : 'the undercloud routes the provisioning network and masquerades it',
  };
}

export function networkEnvironment(plan: Plan, layout: NetworkLayout, undercloudIp: string | undefined): unknown {
  const p = plan.network.provisioning;
  const params: Record<string, unknown> = {};
  const cidr = parseCidr(p.cidr);
  if (cidr) params.ControlPlaneSubnetCidr = String(cidr.prefix);
  if (undercloudIp) {
    params.ControlPlaneDefaultRoute = ctlplaneGateway(plan, undercloudIp).gateway;
    params.EC2MetadataIp = undercloudIp;
  }
  for (const n of enabledOvercloud(plan)) {
    params[`${n.id}NetCidr`] = n.cidr;
    const pools = layout.pools.get(n.id);
    if (pools?.length) params[`${n.id}AllocationPools`] = pools;
    if (n.gateway) params[`${n.id}InterfaceDefaultRoute`] = n.gateway;
    if (n.vlan !== undefined) params[`${n.id}NetworkVlanID`] = n.vlan;
  }
  for (const role of OVERCLOUD_ROLES) params[`${role}NetworkConfigTemplate`] = nicConfigPath(plan, role);
  if (plan.network.dns.length) params.DnsServers = plan.network.dns;
  if (plan.network.ntp.length) params.NtpServer = plan.network.ntp;
  return { parameter_defaults: params };
}

/** The parameter holding a role's fixed addresses (upstream's ips-from-pool-all.yaml spells ObjectStorage's the old way). */
export function ipsParameter(role: OvercloudRole): string {
  return role === 'ObjectStorage' ? (upstreamRole(role).deprecated_param_ips ?? 'SwiftStorageIPs') : `${role}IPs`;
}

/** Every server's addresses, pinned: its index (HostnameMap, scheduler hints), its ctlplane port and its isolated-network IPs. */
export function ipsFromPool(plan: Plan, layout: NetworkLayout): unknown {
  const registry: Record<string, string> = {};
  const params: Record<string, unknown> = {};
  const hostnames: Record<string, string> = {};
  const ports: Record<string, unknown> = {};
  const ctlplaneCidr = plan.network.provisioning.cidr;
  for (const role of OVERCLOUD_ROLES) {
    const servers = layout.placed.get(role)!;
    if (!servers.length) continue;
    const ips: Record<string, string[]> = {};
    for (const net of layout.pinned.get(role)!) {
      registry[`OS::TripleO::${role}::Ports::${net}Port`] = `${THT}/network/ports/${nameLower(net)}_from_pool.yaml`;
      ips[nameLower(net)] = servers.map((p) => layout.allocation.byNode.get(p.node.name)!.addresses[net]!);
    }
    params[ipsParameter(role)] = ips;
    params[`${role}SchedulerHints`] = { 'capabilities:node': `${role.toLowerCase()}-%index%` };
    for (const p of servers) {
      hostnames[p.generated] = p.node.name;
      const ctlplane = layout.allocation.byNode.get(p.node.name)?.addresses.ctlplane;
      if (ctlplane) ports[`${p.node.name}-ctlplane`] = { fixed_ips: [{ ip_address: ctlplane }], subnets: [{ cidr: ctlplaneCidr }], network: { tags: [ctlplaneCidr] } };
    }
  }
  params.HostnameMap = hostnames;
  params.DeployedServerPortMap = ports;
  return { resource_registry: registry, parameter_defaults: params };
}

/** The VIPs the plan sets, as upstream's environments/fixed-ip-vips.yaml has them. */
export function fixedIpVips(plan: Plan, layout: NetworkLayout): unknown {
  const registry: Record<string, string> = {};
  const params: Record<string, unknown> = {};
  for (const n of enabledOvercloud(plan)) {
    const vip = layout.allocation.vips[n.id];
    if (!vip || !NETWORKS_WITH_VIP.has(n.id)) continue;
    registry[`OS::TripleO::Network::Ports::${n.id}VipPort`] = `${THT}/network/ports/${nameLower(n.id)}.yaml`;
    params[`${n.id === 'External' ? 'Public' : n.id}VirtualFixedIPs`] = [{ ip_address: vip }];
  }
  return { resource_registry: registry, parameter_defaults: params };
}

/**
 * A role's NIC config for tripleo-ansible's tripleo_network_config (Wallaby's
 * <Role>NetworkConfigTemplate): ctlplane untagged on nic1, the PXE NIC; tagged networks as
 * VLANs on it (in the Neutron bridge where the role has one), untagged ones on nic2, nic3...
 * The default route leads through the role's default_route_networks (upstream), else ctlplane.
 */
export function nicConfig(plan: Plan, role: OvercloudRole): string {
  const up = upstreamRole(role);
  const views = new Map(overcloudNetworks(plan).map((v) => [v.id, v]));
  const nets = roleNetworks(plan, role);
  const defaultNet = (up.default_route_networks ?? []).find((n) => nets.includes(n as OvercloudNet)) as OvercloudNet | undefined;
  const route = (prefix: string, indent: string) => [`${indent}routes:`, `${indent}- default: true`, `${indent}  next_hop: {{ ${prefix}_gateway_ip }}`];
  const address = (prefix: string, indent: string) => [`${indent}addresses:`, `${indent}- ip_netmask: {{ ${prefix}_ip }}/{{ ${prefix === 'ctlplane' ? 'ctlplane_subnet' : prefix}_cidr }}`];
  const bridge = up.tags.includes('external_bridge') || nets.includes('Tenant');
  const ctlplane = [...address('ctlplane', '  '), ...(defaultNet ? [] : route('ctlplane', '  '))];
  const lines = [
    '---',
    `# ${role} servers (written by cloudseed): ctlplane untagged on nic1, the NIC they PXE-boot from.`,
    'network_config:',
    bridge ? '- type: ovs_bridge' : '- type: interface',
    bridge ? '  name: {{ neutron_physical_bridge_name }}' : '  name: nic1',
    '  use_dhcp: false',
    '  dns_servers: {{ ctlplane_dns_nameservers }}',
    ...ctlplane,
    ...(bridge ? ['  members:', '  - type: interface', '    name: nic1', '    primary: true'] : []),
  ];
  let nextNic = 2;
  // Entries outside the bridge: untagged networks on their own NIC, VLANs of a role without a bridge.
  const outside: string[] = [];
  for (const net of nets) {
    const prefix = nameLower(net);
    const own = [...address(prefix, '    '), ...(net === defaultNet ? route(prefix, '    ') : [])];
    if (views.get(net)?.vlan === undefined) {
      outside.push('- type: interface', `  name: nic${nextNic++}`, '  use_dhcp: false', ...own.map((l) => l.slice(2)));
    } else if (bridge) {
      lines.push('  - type: vlan', `    vlan_id: {{ ${prefix}_vlan_id }}`, ...own);
    } else {
      outside.push('- type: vlan', '  device: nic1', `  vlan_id: {{ ${prefix}_vlan_id }}`, ...own.map((l) => l.slice(2)));
    }
  }
  return `${[...lines, ...outside].join('\n')}\n`;
}
