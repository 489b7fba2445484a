// The networks of a plan seen one way: ctlplane, External and the isolated ones, each with
// its subnet, VLAN, pool and field paths. Validation, allocation, the screen and the
// `plan` output all read networks through this, so they agree on what is enabled.
import { ISOLATED_NETWORKS, type IsolatedNetworkName, type Network, type Plan, type RoleName } from '../plan/schema.js';
import { roleCatalog, roleSpec, type Catalog } from '../roles/catalog.js';

export type NetworkId = 'ctlplane' | 'External' | IsolatedNetworkName;

/** Upstream VLAN IDs (tripleo-heat-templates network_data.yaml). */
export const DEFAULT_VLANS: Record<Exclude<NetworkId, 'ctlplane'>, number> = {
  External: 10,
  InternalApi: 20,
  Storage: 30,
  StorageMgmt: 40,
  Tenant: 50,
  Management: 60,
};

/** Upstream subnets (network_data.yaml). */
export const DEFAULT_CIDRS: Record<NetworkId, string> = {
  ctlplane: '192.168.24.0/24',
  External: '10.0.0.0/24',
  InternalApi: '172.16.2.0/24',
  Storage: '172.16.1.0/24',
  StorageMgmt: '172.16.3.0/24',
  Tenant: '172.16.0.0/24',
  Management: '10.0.1.0/24',
};

/** Networks with a VIP on the controllers (network_data.yaml `vip: true`). */
export const NETWORKS_WITH_VIP: ReadonlySet<NetworkId> = new Set(['External', 'InternalApi', 'Storage', 'StorageMgmt']);

/** A server whose role is not assigned yet gets the networks every overcloud role has. */
const UNASSIGNED_NETWORKS: readonly NetworkId[] = ['ctlplane', 'Management'];

export interface PoolView {
  start?: string;
  end?: string;
  startPath: string;
  endPath: string;
}

export interface NetworkView {
  id: NetworkId;
  /** Field path of the network's section, e.g. `network.isolated.Storage`. */
  path: string;
  enabled: boolean;
  cidr?: string;
  gateway?: string;
  vlan?: number;
  /** Where servers get their addresses (ctlplane: the DHCP range). */
  pool: PoolView;
  /** Static addresses on this network with their field paths. */
  statics: { path: string; address: string; label: string }[];
}

/** Every network of the plan, disabled ones included (in a fixed order). */
export function networkViews(network: Network): NetworkView[] {
  const p = network.provisioning;
  const e = network.external;
  const views: NetworkView[] = [
    {
      id: 'ctlplane',
      path: 'network.provisioning',
      enabled: true,
      cidr: p.cidr,
      gateway: p.gateway,
      pool: { start: p.dhcpStart, end: p.dhcpEnd, startPath: 'network.provisioning.dhcpStart', endPath: 'network.provisioning.dhcpEnd' },
      statics: [
        ...(p.seedIp ? [{ path: 'network.provisioning.seedIp', address: p.seedIp, label: 'seed' }] : []),
        ...(p.undercloudIp ? [{ path: 'network.provisioning.undercloudIp', address: p.undercloudIp, label: 'undercloud' }] : []),
      ],
    },
    {
      id: 'External',
      path: 'network.external',
      enabled: true,
      cidr: e.cidr,
      gateway: e.gateway,
      vlan: e.vlan,
      pool: { start: e.poolStart, end: e.poolEnd, startPath: 'network.external.poolStart', endPath: 'network.external.poolEnd' },
      statics: e.publicVip ? [{ path: 'network.external.publicVip', address: e.publicVip, label: 'public VIP' }] : [],
    },
  ];
  for (const id of ISOLATED_NETWORKS) {
    const n = network.isolated[id];
    const path = `network.isolated.${id}`;
    views.push({
      id,
      path,
      enabled: network.layout === 'isolated' && !!n && n.enabled,
      cidr: n?.cidr,
      vlan: n?.vlan,
      pool: { start: n?.poolStart, end: n?.poolEnd, startPath: `${path}.poolStart`, endPath: `${path}.poolEnd` },
      statics: n?.vip ? [{ path: `${path}.vip`, address: n.vip, label: `${id} VIP` }] : [],
    });
  }
  return views;
}

export function enabledNetworks(network: Network): NetworkView[] {
  return networkViews(network).filter((v) => v.enabled);
}

/**
 * The networks a server is attached to, of the enabled ones: ctlplane and the networks its
 * role joins in the role catalog (assets/roles.yaml, read once).
 */
export function networksOfNode(role: RoleName | undefined, enabled: ReadonlySet<NetworkId>, catalog: Catalog = roleCatalog()): NetworkId[] {
  const wanted: readonly NetworkId[] = role ? ['ctlplane', ...roleSpec(role, catalog).networks] : UNASSIGNED_NETWORKS;
  return wanted.filter((id) => enabled.has(id));
}

/** Overcloud servers: every node except the one placed as the undercloud. */
export function overcloudNodes(plan: Plan): Plan['nodes'] {
  const uc = plan.roles.undercloud.placement === 'server' ? plan.roles.undercloud.node : undefined;
  return plan.nodes.filter((n) => n.role !== 'Undercloud' && n.name !== uc);
}

/** VIPs the overcloud needs on the provisioning network's DHCP range (TripleO: one, ctlplane). */
export const CTLPLANE_VIPS = 1;
