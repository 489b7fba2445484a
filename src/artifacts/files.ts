// TripleO and Helion files from the plan: what operators already know. Each file is built
// as data and written by a library (JSON, csv-stringify, ini, yaml), never by concatenation.
// Pure: passwords come through `secrets`, so a file can be shown masked on screen.
import { stringify as csvStringify } from 'csv-stringify/sync';
import { stringify as iniStringify } from 'ini';
import { stringify as yamlStringify } from 'yaml';
import { parseCidr } from '../network/address.js';
import { enabledNetworks, networkViews, NETWORKS_WITH_VIP, type NetworkView } from '../network/networks.js';
import { OVERCLOUD_ROLES, type Node, type Plan, type RoleName } from '../plan/schema.js';
import { roleCatalog, roleSpec, type Catalog } from '../roles/catalog.js';
import { nodeFacts } from '../roles/fit.js';

export const ARTIFACT_NAMES = [
  'instackenv.json',
  'baremetal.csv',
  'undercloud.conf',
  'network_data.yaml',
  'network-environment.yaml',
  'roles_data.yaml',
  'node-info.yaml',
] as const;
export type ArtifactName = (typeof ARTIFACT_NAMES)[number];

/** The files that hold BMC passwords: written mode 0600, masked on screen. */
export const SECRET_ARTIFACTS: ReadonlySet<ArtifactName> = new Set(['instackenv.json', 'baremetal.csv']);

export interface Artifact {
  name: ArtifactName;
  /** What the file is for, in a few words. */
  purpose: string;
  /** Holds BMC passwords: written mode 0600, masked on screen. */
  secret: boolean;
  content: string;
  /** What the file leaves out or cannot say, in plain words. */
  notes: string[];
}

/** A BMC password for a server (inline, from its password file), or undefined. */
export type SecretSource = (node: Node) => string | undefined;

/** On screen: every password masked. */
export const MASKED: SecretSource = () => '********';

export interface ArtifactOptions {
  secrets: SecretSource;
  catalog?: Catalog;
  /** Build only these files (the others are not built at all). */
  only?: readonly ArtifactName[];
}

const PURPOSE: Record<ArtifactName, string> = {
  'instackenv.json': 'the servers for `openstack overcloud node import`',
  'baremetal.csv': 'the servers for a Helion 1.1 installer (nine columns)',
  'undercloud.conf': 'the undercloud settings for `openstack undercloud install`',
  'network_data.yaml': 'the overcloud networks (`-n network_data.yaml`)',
  'network-environment.yaml': 'subnets, pools and VLANs for `overcloud deploy -e`',
  'roles_data.yaml': 'the overcloud roles (`-r roles_data.yaml`)',
  'node-info.yaml': 'flavours and counts per role for `overcloud deploy -e`',
};

export function buildArtifacts(plan: Plan, options: ArtifactOptions): Artifact[] {
  const catalog = options.catalog ?? roleCatalog();
  const content: Record<ArtifactName, () => string> = {
    'instackenv.json': () => instackenv(plan, options.secrets, catalog),
    'baremetal.csv': () => baremetalCsv(plan, options.secrets, catalog),
    'undercloud.conf': () => undercloudConf(plan),
    'network_data.yaml': () => networkData(plan),
    'network-environment.yaml': () => networkEnvironment(plan),
    'roles_data.yaml': () => rolesData(plan, catalog),
    'node-info.yaml': () => nodeInfo(plan, catalog),
  };
  return ARTIFACT_NAMES.filter((name) => !options.only || options.only.includes(name)).map((name) => ({
    name,
    purpose: PURPOSE[name],
    secret: SECRET_ARTIFACTS.has(name),
    content: content[name](),
    notes: name === 'baremetal.csv' ? baremetalNotes(plan, catalog) : [],
  }));
}

/** Servers the undercloud's Ironic manages: every server but the undercloud itself. */
function overcloudNodes(plan: Plan): Node[] {
  return plan.nodes.filter((n) => n.role !== 'Undercloud');
}

/** The disk size to declare: never more than the real disk (Helion's rule). */
function diskToDeclare(n: Node): number | undefined {
  const d = n.discovered?.diskGiB;
  return d !== undefined && n.diskGiB !== undefined ? Math.min(d, n.diskGiB) : (d ?? n.diskGiB);
}

function instackenv(plan: Plan, secrets: SecretSource, catalog: Catalog): string {
  const nodes = overcloudNodes(plan).map((n) => {
    const facts = nodeFacts(n);
    return {
      name: n.name,
      pm_type: n.bmc.type === 'redfish' ? 'redfish' : 'ipmi',
      pm_addr: n.bmc.address,
      ...(n.bmc.port !== undefined ? { pm_port: n.bmc.port } : {}),
      pm_user: n.bmc.user,
      pm_password: secrets(n) ?? '',
      mac: n.macs,
      ...(facts.cpu !== undefined ? { cpu: facts.cpu } : {}),
      ...(facts.memoryMiB !== undefined ? { memory: facts.memoryMiB } : {}),
      ...(diskToDeclare(n) !== undefined ? { disk: diskToDeclare(n) } : {}),
      arch: n.arch,
      capabilities: [n.role ? `profile:${roleSpec(n.role, catalog).flavor}` : undefined, 'boot_option:local'].filter(Boolean).join(','),
    };
  });
  return `${JSON.stringify({ nodes }, null, 2)}\n`;
}

/** Helion's order: undercloud, controllers, storage, then compute; unassigned last. */
const HELION_ORDER: readonly (RoleName | undefined)[] = ['Undercloud', 'Controller', 'ObjectStorage', 'BlockStorage', 'CephStorage', 'Compute', undefined];

/** What a Helion file cannot say: servers left out or written without their role. */
function baremetalNotes(plan: Plan, catalog: Catalog): string[] {
  const notes: string[] = [];
  if (plan.roles.undercloud.placement === 'vm' && plan.nodes.length > 0) {
    notes.push('the undercloud is a VM on this host: cloudseed creates it, so it has no line (Helion wrote it first, with power VM)');
  }
  for (const n of plan.nodes) {
    if (n.bmc.type !== 'ipmi') notes.push(`${n.name} left out: Helion's baremetal.csv knows IPMI only, not ${n.bmc.type}`);
    else if (n.role && !roleSpec(n.role, catalog).helion) notes.push(`${n.name} written without a role: Helion has no ${n.role} role`);
  }
  return notes;
}

function baremetalCsv(plan: Plan, secrets: SecretSource, catalog: Catalog): string {
  const ordered = plan.nodes.filter((n) => n.bmc.type === 'ipmi').sort((a, b) => HELION_ORDER.indexOf(a.role) - HELION_ORDER.indexOf(b.role));
  const rows = ordered.map((n) => {
    const f = nodeFacts(n);
    return [
      n.macs[0] ?? '',
      n.bmc.user,
      secrets(n) ?? '',
      n.bmc.address,
      f.cpu ?? '',
      f.memoryMiB ?? '',
      diskToDeclare(n) ?? '',
      n.role ? (roleSpec(n.role, catalog).helion ?? '') : '',
      'IPMI',
    ];
  });
  // Quoted when spaces start or end a field: the importer keeps an unquoted field's text trimmed.
  return csvStringify(rows, { quoted_match: /^\s|\s$/ });
}

function undercloudConf(plan: Plan): string {
  const p = plan.network.provisioning;
  const cidr = parseCidr(p.cidr);
  const defined = (o: Record<string, string | boolean | undefined>) =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== ''));
  return iniStringify({
    DEFAULT: defined({
      local_ip: p.undercloudIp && cidr ? `${p.undercloudIp}/${cidr.prefix}` : undefined,
      // The undercloud's NIC on the provisioning network: eth1 in the undercloud VM (on
      // bridge brbm) and TripleO's default on a server.
      local_interface: 'eth1',
      undercloud_nameservers: plan.network.dns.join(','),
      undercloud_ntp_servers: plan.network.ntp.join(','),
      local_subnet: 'ctlplane-subnet',
      subnets: 'ctlplane-subnet',
    }),
    'ctlplane-subnet': defined({
      cidr: p.cidr,
      dhcp_start: p.dhcpStart,
      dhcp_end: p.dhcpEnd,
      inspection_iprange: p.inspectionStart && p.inspectionEnd ? `${p.inspectionStart},${p.inspectionEnd}` : undefined,
      gateway: p.gateway,
      masquerade: true,
    }),
  });
}

/** The overcloud's networks (all but ctlplane), as the network area sees them. */
function overcloudNetworks(plan: Plan): NetworkView[] {
  return networkViews(plan.network).filter((v) => v.id !== 'ctlplane');
}

const lower = (name: string) => name.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();

function networkData(plan: Plan): string {
  // A network never filled in (flat layout) is left out; one turned off is written disabled.
  const list = overcloudNetworks(plan)
    .filter((n) => n.cidr)
    .map((n) => ({
      name: n.id,
      name_lower: lower(n.id),
      vip: NETWORKS_WITH_VIP.has(n.id),
      ...(n.vlan !== undefined ? { vlan: n.vlan } : {}),
      ip_subnet: n.cidr,
      ...(n.pool.start && n.pool.end ? { allocation_pools: [{ start: n.pool.start, end: n.pool.end }] } : {}),
      ...(n.gateway ? { gateway_ip: n.gateway } : {}),
      enabled: n.enabled,
    }));
  return yamlStringify(list);
}

function networkEnvironment(plan: Plan): string {
  const p = plan.network.provisioning;
  const params: Record<string, unknown> = {};
  const cidr = parseCidr(p.cidr);
  if (cidr) params.ControlPlaneSubnetCidr = String(cidr.prefix);
  if (p.gateway) params.ControlPlaneDefaultRoute = p.gateway;
  if (p.undercloudIp) params.EC2MetadataIp = p.undercloudIp;
  for (const n of overcloudNetworks(plan)) {
    if (!n.enabled || !n.cidr) continue;
    params[`${n.id}NetCidr`] = n.cidr;
    if (n.pool.start && n.pool.end) params[`${n.id}AllocationPools`] = [{ start: n.pool.start, end: n.pool.end }];
    if (n.vlan !== undefined) params[`${n.id}NetworkVlanID`] = n.vlan;
    // The controllers' virtual IP on this network (External: the public endpoint).
    const vip = n.statics[0]?.address;
    if (vip) params[`${n.id === 'External' ? 'Public' : n.id}VirtualFixedIPs`] = [{ ip_address: vip }];
  }
  if (plan.network.external.gateway) params.ExternalInterfaceDefaultRoute = plan.network.external.gateway;
  if (plan.network.dns.length) params.DnsServers = plan.network.dns;
  if (plan.network.ntp.length) params.NtpServer = plan.network.ntp;
  return yamlStringify({ parameter_defaults: params });
}

function countOf(plan: Plan, role: RoleName): number {
  let n = 0;
  for (const node of plan.nodes) if (node.role === role) n++;
  return n;
}

function rolesData(plan: Plan, catalog: Catalog): string {
  const compute = roleSpec('Compute', catalog);
  const enabled = new Set<string>(enabledNetworks(plan.network).map((v) => v.id));
  const list = OVERCLOUD_ROLES.map((role) => {
    const spec = roleSpec(role, catalog);
    // All-in-one: the controller also runs the compute services and joins its networks.
    const merge = role === 'Controller' && plan.roles.allInOne;
    const networks = merge ? [...new Set([...spec.networks, ...compute.networks])] : spec.networks;
    const services = merge ? [...new Set([...spec.services, ...compute.services])] : spec.services;
    return {
      name: role,
      description: spec.description,
      CountDefault: countOf(plan, role),
      ...(spec.tags.length ? { tags: spec.tags } : {}),
      networks: networks.filter((n) => enabled.has(n)),
      ...(spec.hostnameFormat ? { HostnameFormatDefault: spec.hostnameFormat } : {}),
      ServicesDefault: services,
    };
  });
  return yamlStringify(list);
}

function nodeInfo(plan: Plan, catalog: Catalog): string {
  const params: Record<string, string | number> = {};
  for (const role of OVERCLOUD_ROLES) {
    params[`Overcloud${role}Flavor`] = roleSpec(role, catalog).flavor;
    params[`${role}Count`] = countOf(plan, role);
  }
  return yamlStringify({ parameter_defaults: params });
}
