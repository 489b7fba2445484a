// The plan in plain words, per tier and per host: what will happen to which machine. The
// `plan` command prints it (text or JSON) and the Review screen renders it. Pure: the
// addresses and findings come in from their areas.
import { ARTIFACT_NAMES, SECRET_ARTIFACTS, type ArtifactName } from '../artifacts/files.js';
import { allocate, type Allocation } from '../network/allocate.js';
import { describeNetwork } from '../network/describe.js';
import type { Finding } from '../plan/findings.js';
import { OVERCLOUD_ROLES, type Plan, type RoleName } from '../plan/schema.js';
import { roleCounts } from './assign.js';
import { describeFacts, nodeFacts } from './fit.js';

export type TierName = 'seed' | 'undercloud' | 'overcloud';

/** An address a host gets on one network. */
export interface HostAddress {
  network: string;
  address: string;
}

export interface HostPlan {
  /** Server name, or `this host` for VMs on the seed host. */
  host: string;
  /** What the host becomes: "Controller", "VM", "not used". */
  role: string;
  /** How it is reached: "IPMI 10.0.0.11". */
  bmc?: string;
  /** Its size in words. */
  size?: string;
  /** The disk image it boots from, when the plan names one (the seed VM's). */
  image?: string;
  addresses: HostAddress[];
}

export interface TierPlan {
  tier: TierName;
  /** One line: "seed: VM on this host, 192.168.24.1 on eth1 (bridge brbm)". */
  summary: string;
  hosts: HostPlan[];
}

export interface PlanDescription {
  name: string;
  driver: Plan['driver'];
  tiers: TierPlan[];
  /** The networks in plain lines (the network area's description, without its address list). */
  network: string[];
  findings: Finding[];
  files: { name: ArtifactName; secret: boolean }[];
}

export interface DescribeInput {
  findings: Finding[];
}

const PLURAL: Record<RoleName, [string, string]> = {
  Undercloud: ['undercloud', 'underclouds'],
  Controller: ['controller', 'controllers'],
  Compute: ['compute', 'computes'],
  BlockStorage: ['block storage server', 'block storage servers'],
  ObjectStorage: ['object storage server', 'object storage servers'],
  CephStorage: ['Ceph storage server', 'Ceph storage servers'],
};

const count = (n: number, role: RoleName) => `${n} ${PLURAL[role][n === 1 ? 0 : 1]}`;

export function describePlan(plan: Plan, input: DescribeInput): PlanDescription {
  const p = plan.network.provisioning;
  const allocation = allocate(plan);
  const addressesOf = (name: string): HostAddress[] =>
    Object.entries(allocation.byNode.get(name)?.addresses ?? {}).map(([network, address]) => ({ network, address: address as string }));
  const host = plan.seedHost.hostname ? `this host (${plan.seedHost.hostname})` : 'this host';
  const nic = p.nic ? ` on ${p.nic} (bridge brbm)` : ' (no provisioning NIC chosen yet)';

  // An adopted cloud is checked, not built: say whose Ironic answers for it.
  const adopted = (tier: Plan['seed']) => (tier.mode === 'adopt' ? `adopted, its Ironic at ${tier.ironic?.url ?? '(no URL yet)'}` : undefined);
  const seedAdopted = adopted(plan.seed);
  const seed: TierPlan = {
    tier: 'seed',
    summary: seedAdopted ? `seed: ${seedAdopted}` : `seed: VM on ${host}${p.seedIp ? `, ${p.seedIp}` : ''}${nic}`,
    hosts: [{ host: 'this host', role: 'seed VM', ...(plan.seed.vmImage ? { image: plan.seed.vmImage } : {}), addresses: p.seedIp ? [{ network: 'ctlplane', address: p.seedIp }] : [] }],
  };

  const uc = plan.roles.undercloud;
  const ucNode = uc.placement === 'server' ? plan.nodes.find((n) => n.name === uc.node) : undefined;
  const ucAddresses: HostAddress[] = p.undercloudIp ? [{ network: 'ctlplane', address: p.undercloudIp }] : [];
  const ucAdopted = adopted(plan.undercloud);
  const undercloud: TierPlan = ucAdopted
    ? { tier: 'undercloud', summary: `undercloud: ${ucAdopted}`, hosts: [] }
    : ucNode
    ? {
        tier: 'undercloud',
        summary: `undercloud: server ${ucNode.name} (${bmcText(ucNode)})${p.undercloudIp ? `, ${p.undercloudIp}` : ''}`,
        hosts: [{ host: ucNode.name, role: 'Undercloud', bmc: bmcText(ucNode), size: describeFacts(nodeFacts(ucNode)), addresses: ucAddresses }],
      }
    : {
        tier: 'undercloud',
        summary: `undercloud: VM on ${host}${p.undercloudIp ? `, ${p.undercloudIp}` : ''} (bridge brbm)`,
        hosts: [{ host: 'this host', role: 'undercloud VM', addresses: ucAddresses }],
      };

  const counts = roleCounts(plan);
  const parts: string[] = [];
  if (plan.roles.allInOne && counts.Controller === 1) {
    const aio = plan.nodes.find((n) => n.role === 'Controller');
    parts.push(`${aio?.name ?? 'one server'} all-in-one (controller and compute)`);
  } else {
    for (const role of OVERCLOUD_ROLES) if (counts[role] > 0 || role === 'Controller' || role === 'Compute') parts.push(count(counts[role], role));
  }
  if (counts.unused > 0) parts.push(`${counts.unused} not used`);
  const vip = plan.network.external.publicVip;
  const overcloudHosts: HostPlan[] = [];
  const order = [...OVERCLOUD_ROLES, undefined];
  for (const role of order) {
    for (const n of plan.nodes) {
      if (n.role !== role) continue;
      overcloudHosts.push({
        host: n.name,
        role: role ? (role === 'Controller' && plan.roles.allInOne ? 'Controller+Compute' : role) : 'not used',
        bmc: bmcText(n),
        size: describeFacts(nodeFacts(n)),
        addresses: role ? addressesOf(n.name) : [],
      });
    }
  }
  const overcloud: TierPlan = {
    tier: 'overcloud',
    // The endpoint first: a long list of servers may be cut at the screen's edge, an address must not.
    summary: `overcloud: ${vip ? `public endpoint ${vip}; ` : ''}${parts.join(', ')}`,
    hosts: overcloudHosts,
  };

  return {
    name: plan.name,
    driver: plan.driver,
    tiers: [seed, undercloud, overcloud],
    network: networkLines(plan, allocation),
    findings: input.findings,
    files: ARTIFACT_NAMES.map((name) => ({ name, secret: SECRET_ARTIFACTS.has(name) })),
  };
}

/** The network area's lines up to its per-server list (the hosts above carry their addresses). */
function networkLines(plan: Plan, allocation: Allocation): string[] {
  const lines = describeNetwork(plan, allocation);
  const list = lines.findIndex((l) => l.startsWith('Addresses of'));
  const out = list < 0 ? lines : lines.slice(0, list);
  for (const u of allocation.unallocated) out.push(`  ${u.node} has no address on ${u.network}: ${u.reason}`);
  return out;
}

function bmcText(n: Plan['nodes'][number]): string {
  return `${n.bmc.type === 'redfish' ? 'Redfish' : 'IPMI'} ${n.bmc.address}${n.bmc.port ? `:${n.bmc.port}` : ''}`;
}

/**
 * A host: "node-02  Controller  IPMI 10.0.0.2  64 GiB, 16 CPUs", then its addresses three to
 * a line ("    ctlplane 192.168.24.10, External 10.0.0.12, InternalApi 172.16.2.12"),
 * so that it reads on an 80-column screen.
 */
function hostLines(h: HostPlan): string[] {
  const lines = [[h.host, h.role, h.bmc, h.size].filter(Boolean).join('  ')];
  if (h.image) lines.push(`    image ${h.image}`);
  for (let i = 0; i < h.addresses.length; i += 3) {
    lines.push(`    ${h.addresses.slice(i, i + 3).map((a) => `${a.network} ${a.address}`).join(', ')}`);
  }
  return lines;
}

/** The description as plain lines (for `cloudseed plan` and the Review view). */
export function describeLines(d: PlanDescription, options: { hostsPerTier?: number } = {}): string[] {
  const limit = options.hostsPerTier ?? Infinity;
  const lines: string[] = [`Plan "${d.name}" (driver ${d.driver})`, ''];
  for (const t of d.tiers) {
    lines.push(t.summary);
    for (const h of t.hosts.slice(0, limit)) lines.push(...hostLines(h).map((l) => `  ${l}`));
    if (t.hosts.length > limit) lines.push(`  ... and ${t.hosts.length - limit} more`);
  }
  if (d.network.length) lines.push('', ...d.network);
  const errors = d.findings.filter((f) => f.severity === 'error').length;
  lines.push('', `findings: ${errors} error${errors === 1 ? '' : 's'}, ${d.findings.length - errors} warning${d.findings.length - errors === 1 ? '' : 's'}`);
  for (const f of d.findings) lines.push(`  ${f.severity} ${f.where}: ${f.message} -- ${f.fix}`);
  lines.push('', 'files (cloudseed export):', ...d.files.map((f) => `  ${f.name}${f.secret ? ' (holds BMC passwords, mode 0600)' : ''}`));
  return lines;
}
