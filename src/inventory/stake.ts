// What a deployment does to the servers of a plan, for the question asked before it starts:
// which servers are powered on and written to, and which of them are running now (their
// current system is lost), as an installer lists the disks it will erase.
import type { Plan } from '../plan/schema.js';

export interface Stake {
  /** Every server the deployment powers on, PXE boots and writes an image to. */
  written: string[];
  /** Of those, the ones whose BMC said "power on" at the last contact. */
  poweredOn: string[];
}

export function serversAtStake(plan: Plan): Stake {
  const undercloudServer = plan.roles.undercloud.placement === 'server' ? plan.roles.undercloud.node : undefined;
  const nodes = plan.nodes.filter((n) => n.role !== undefined || n.name === undercloudServer);
  return { written: nodes.map((n) => n.name), poweredOn: nodes.filter((n) => n.discovered?.power === 'on').map((n) => n.name) };
}

/** "node-01, node-02 and 3 more" */
export function nameList(names: readonly string[], max = 6): string {
  if (names.length <= max) return names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}` : (names[0] ?? '');
  return `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}
