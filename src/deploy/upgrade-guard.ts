// A deployment must not stand in for an upgrade: `deploy` of a file that names another
// release than the deployed cloud's is sent to `upgrade` (an unfinished one: src/deploy/operation.ts).
import { releaseOf, type Plan } from '../plan/schema.js';
import { RELEASE_FIELD } from '../plan/upgrade.js';
import { readDeployed } from '../store/deployed.js';

/** Why `deploy` of `plan` (from `source`, the answers `file` when one is given) is an upgrade's business, or undefined. */
export function upgradeInstead(stateDir: string, plan: Plan, source: string, file?: string): string | undefined {
  const command = `cloudseed upgrade ${file ?? 'FILE'}`;
  const deployed = readDeployed(stateDir);
  if (!('record' in deployed) || deployed.record.plan.name !== plan.name) return undefined;
  const [from, to] = [releaseOf(deployed.record.plan), releaseOf(plan)];
  if (from === to) return undefined;
  return `${source} names TripleO ${to} (${RELEASE_FIELD}), the deployed cloud runs ${from}: a deployment would not upgrade it; use ${command}`;
}
