// The server lists: instackenv.json for `openstack overcloud node import` (what tripleo-common's
// validate_nodes accepts) and Helion 1.1's baremetal.csv (the rules of its CSV page). Pure.
import { stringify as csvStringify } from 'csv-stringify/sync';
import { overcloudNodes } from '../network/networks.js';
import { error, warning, type Finding } from '../plan/findings.js';
import type { Node, Plan, RoleName } from '../plan/schema.js';
import { roleSpec, type Catalog } from '../roles/catalog.js';
import { nodeFacts } from '../roles/fit.js';
import { nodeCapability, type Placed } from './placement.js';
import type { OvercloudRole } from './tripleo-roles.js';

/** A BMC password for a server (inline, from its password file), or undefined. */
export type SecretSource = (node: Node) => string | undefined;

/** Where a server is in the plan, for findings. */
const at = (plan: Plan, node: Node) => `nodes[${plan.nodes.indexOf(node)}]`;

/** The disk size to declare: never more than the real disk (Helion's rule). */
function diskToDeclare(n: Node): number | undefined {
  const d = n.discovered?.diskGiB;
  return d !== undefined && n.diskGiB !== undefined ? Math.min(d, n.diskGiB) : (d ?? n.diskGiB);
}

/** What stops instackenv.json: a server Ironic could not boot or reach as written. */
export function instackenvFindings(plan: Plan): Finding[] {
  const findings: Finding[] = [];
  for (const n of overcloudNodes(plan)) {
    if (n.macs.length === 0) {
      findings.push(
        error(
          'export.no-pxe-mac',
          `${at(plan, n)}.macs`,
          `${n.name} has no PXE MAC: Ironic would not know the server when it boots from the network`,
          `inspect ${n.name} first (Servers screen: n inspects), or type the MAC of the NIC it boots from`,
          'servers',
        ),
      );
    }
    if (n.bmc.type === 'redfish' && !n.bmc.systemId) {
      findings.push(
        error(
          'export.redfish-no-system-id',
          `${at(plan, n)}.bmc.systemId`,
          `${n.name} has a Redfish BMC but no system id: TripleO needs pm_system_id for Redfish`,
          `scan the BMC again (discovery reads it), or type the system path, e.g. /redfish/v1/Systems/1`,
          'servers',
        ),
      );
    }
  }
  return findings;
}

/** Redfish takes the port in the address (the redfish driver has no pm_port). */
function redfishAddress(n: Node): string {
  if (n.bmc.port === undefined) return n.bmc.address;
  const host = n.bmc.address.includes(':') ? `[${n.bmc.address}]` : n.bmc.address;
  return `https://${host}:${n.bmc.port}`;
}

export function instackenv(plan: Plan, secrets: SecretSource, catalog: Catalog, placed: ReadonlyMap<OvercloudRole, Placed[]>): unknown {
  const index = new Map<string, Placed>();
  for (const list of placed.values()) for (const p of list) index.set(p.node.name, p);
  const nodes = overcloudNodes(plan).map((n) => {
    const facts = nodeFacts(n);
    const disk = diskToDeclare(n);
    const password = secrets(n);
    const p = index.get(n.name);
    const capabilities = [
      ...(n.role && n.role !== 'Undercloud' ? [`profile:${roleSpec(n.role, catalog).flavor}`] : []),
      ...(p ? [`node:${nodeCapability(p)}`] : []),
      'boot_option:local',
    ];
    return {
      name: n.name,
      ...(n.bmc.type === 'redfish'
        ? { pm_type: 'redfish', pm_addr: redfishAddress(n), ...(n.bmc.systemId ? { pm_system_id: n.bmc.systemId } : {}) }
        : { pm_type: 'ipmi', pm_addr: n.bmc.address, ...(n.bmc.port !== undefined ? { pm_port: n.bmc.port } : {}) }),
      pm_user: n.bmc.user,
      ...(password ? { pm_password: password } : {}),
      // `mac` is deprecated upstream; a server without a MAC has a finding instead of an empty list.
      ...(n.macs.length ? { ports: n.macs.map((address) => ({ address: address.toLowerCase() })) } : {}),
      ...(facts.cpu !== undefined ? { cpu: facts.cpu } : {}),
      ...(facts.memoryMiB !== undefined ? { memory: facts.memoryMiB } : {}),
      ...(disk !== undefined ? { disk } : {}),
      arch: n.arch,
      capabilities: capabilities.join(','),
    };
  });
  return { nodes };
}

/** Helion 1.1's roles, and the line counts its installer accepts (the undercloud line included). */
const HELION_ROLES = new Set(['Undercloud', 'OvercloudControl', 'OvercloudCompute', 'OvercloudSwiftStorage', 'OvercloudVSAStorage', 'OvercloudVSAAOStorage', 'OvercloudSOSwiftProxy', 'OvercloudSOSwiftStorage']);
const HELION_LINES = { min: 7, max: 100 };

/** Helion's order after the undercloud: controllers, storage, then compute. */
const HELION_ORDER: readonly RoleName[] = ['Controller', 'ObjectStorage', 'BlockStorage', 'CephStorage', 'Compute'];

interface HelionLine {
  node: Node;
  role: string;
  cpu?: number;
  memoryMiB?: number;
  diskGiB?: number;
}

/** The servers Helion's file can hold, in its order, and what it cannot say. */
function helionLines(plan: Plan, catalog: Catalog): { lines: HelionLine[]; notes: string[]; findings: Finding[] } {
  const notes: string[] = [];
  const findings: Finding[] = [];
  const refuse = (where: string, message: string, fix: string) => findings.push(warning('export.helion-csv', where, `baremetal.csv not written: ${message}`, fix, 'roles'));
  const lineOf = (n: Node, role: string): HelionLine => {
    const f = nodeFacts(n);
    return { node: n, role, cpu: f.cpu, memoryMiB: f.memoryMiB, diskGiB: diskToDeclare(n) };
  };
  const uc = plan.roles.undercloud.placement === 'server' ? plan.nodes.find((n) => n.name === plan.roles.undercloud.node) : undefined;
  if (!uc) refuse('roles.undercloud.placement', "Helion's first line is the undercloud server, and the undercloud is a VM cloudseed creates", 'place the undercloud on a server to write a Helion file');
  const overcloud: HelionLine[] = [];
  for (const role of HELION_ORDER) {
    for (const n of overcloudNodes(plan)) {
      if (n.role !== role) continue;
      const helion = roleSpec(role, catalog).helion;
      if (n.bmc.type !== 'ipmi') notes.push(`${n.name} left out: Helion's baremetal.csv knows IPMI only, not ${n.bmc.type}`);
      else if (!helion || !HELION_ROLES.has(helion)) notes.push(`${n.name} left out: Helion has no ${role} role`);
      else overcloud.push(lineOf(n, helion));
    }
  }
  const unassigned = overcloudNodes(plan).filter((n) => !n.role).length;
  if (unassigned) notes.push(`${unassigned} server(s) without a role left out`);
  // Helion sizes every overcloud server by line 2: the smallest goes there, and it must be no larger than any other.
  const size = (l: HelionLine) => [l.memoryMiB ?? 0, l.cpu ?? 0, l.diskGiB ?? 0];
  const smallest = [...overcloud].sort((a, b) => size(a)[0] - size(b)[0] || size(a)[1] - size(b)[1] || size(a)[2] - size(b)[2])[0];
  const lines = [...(uc ? [lineOf(uc, 'Undercloud')] : []), ...(smallest ? [smallest] : []), ...overcloud.filter((l) => l !== smallest)];
  if (smallest) {
    const other = overcloud.find((l) => size(l).some((v, i) => v < size(smallest)[i]));
    if (other) refuse(at(plan, other.node), `no server is the smallest in memory, CPUs and disk at once (${smallest.node.name} and ${other.node.name}); Helion sizes every server by line 2`, 'give Helion servers of which one is the smallest in all three');
  }
  for (const l of lines) {
    const where = at(plan, l.node);
    if (!l.node.macs.length) refuse(`${where}.macs`, `${l.node.name} has no PXE MAC`, `inspect ${l.node.name} first, or type its PXE MAC`);
    if (l.cpu === undefined || l.memoryMiB === undefined || l.diskGiB === undefined) refuse(where, `${l.node.name}'s CPUs, memory or disk are unknown`, `inspect ${l.node.name} first, or type its size`);
  }
  if (lines.length < HELION_LINES.min || lines.length > HELION_LINES.max) {
    refuse('nodes', `Helion takes ${HELION_LINES.min} to ${HELION_LINES.max} servers (undercloud, 3 controllers, 2 Swift, computes); this plan has ${lines.length} it can write`, 'use the TripleO files (instackenv.json) instead');
  }
  return { lines, notes, findings };
}

export function baremetalCsv(plan: Plan, secrets: SecretSource, catalog: Catalog): { content: string; notes: string[]; findings: Finding[] } {
  const { lines, notes, findings } = helionLines(plan, catalog);
  const rows = lines.map((l) => [l.node.macs[0] ?? '', l.node.bmc.user, secrets(l.node) ?? '', l.node.bmc.address, l.cpu ?? '', l.memoryMiB ?? '', l.diskGiB ?? '', l.role, 'IPMI']);
  return {
    content: csvStringify(rows),
    notes: ["Helion 1.1's format (hp_ced_installer), not the CSV of `openstack overcloud node import`: TripleO takes instackenv.json", ...notes],
    findings,
  };
}
