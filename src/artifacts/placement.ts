// Which server is which index of its role, and the addresses the plan gives it: what the
// exported files pin so that the addresses `cloudseed plan` prints are the ones deployed.
import { overcloudNodes } from '../network/networks.js';
import { OVERCLOUD_ROLES, type Node, type Plan } from '../plan/schema.js';
import { generatedHostname, type OvercloudRole } from './tripleo-roles.js';

export interface Placed {
  node: Node;
  role: OvercloudRole;
  /** The server's index within its role (Heat's %index%). */
  index: number;
  /** The name Heat would give it (HostnameFormatDefault), mapped to the server's own name. */
  generated: string;
}

/** Overcloud servers with a role, per role in plan order. */
export function placements(plan: Plan): Map<OvercloudRole, Placed[]> {
  const out = new Map<OvercloudRole, Placed[]>(OVERCLOUD_ROLES.map((r) => [r, []]));
  for (const node of overcloudNodes(plan)) {
    const role = node.role;
    if (!role || role === 'Undercloud') continue;
    const list = out.get(role)!;
    list.push({ node, role, index: list.length, generated: generatedHostname(role, plan.name, list.length) });
  }
  return out;
}

/** The Ironic capability that ties a server to its index (`node:controller-0`). */
export function nodeCapability(p: Placed): string {
  return `${p.role.toLowerCase()}-${p.index}`;
}
