// The plan of the last finished deployment, kept in the state directory so day-two commands
// (`plan FILE` on an edited answers file, `add`, backups) know what the cloud is now. The
// journal names only the plan; this file holds the plan itself (mode 0600: BMC passwords).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../plan/answers.js';
import { PlanSchema, type Plan } from '../plan/schema.js';
import { DEPLOYED_FILE } from './paths.js';

export { DEPLOYED_FILE };

export interface DeployedRecord {
  plan: Plan;
  /** ISO time the deployment finished. */
  deployedAt: string;
}

export function deployedPath(stateDir: string): string {
  return join(stateDir, DEPLOYED_FILE);
}

/** Records `plan` as the deployed cloud (called when a deployment ends done). */
export function recordDeployed(stateDir: string, plan: Plan, now = new Date()): void {
  const record: DeployedRecord = { plan, deployedAt: now.toISOString() };
  writeFileAtomic(deployedPath(stateDir), `${JSON.stringify(record, null, 2)}\n`, 0o600);
}

/** The deployed cloud, or why there is none to compare with (never throws). */
export function readDeployed(stateDir: string): { record: DeployedRecord } | { missing: string } {
  const path = deployedPath(stateDir);
  let data: { plan?: unknown; deployedAt?: unknown };
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { missing: `no deployed cloud is recorded in ${stateDir} (a deployment records it when it finishes)` };
    return { missing: `${path} cannot be read: ${(e as Error).message}` };
  }
  const plan = PlanSchema.safeParse(data?.plan);
  if (!plan.success || typeof data.deployedAt !== 'string') return { missing: `${path} does not hold a deployed plan this version of cloudseed reads` };
  return { record: { plan: plan.data, deployedAt: data.deployedAt } };
}
