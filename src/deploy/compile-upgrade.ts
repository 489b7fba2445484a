// Compile for an upgrade: the planned upgrade (src/plan/upgrade.ts) becomes a Deployment the
// same runner plays — a backup first, then the seed, then the undercloud, then the overcloud: prepare, one step per
// rolling batch (each after the one before, so a failed batch stops the rollout there), converge.
// Pure; step ids are stable for the same batches, so a killed upgrade resumes from its journal.
import type { UpgradePlan } from '../plan/upgrade.js';
import { DAY_TWO_BACKUP, dayTwoBackup, MIN, step, TOOL, type StepSpec } from './compile.js';
import type { Deployment, Step, TierId } from './types.js';

/** A controller's batch takes longer (Pacemaker, Galera and the APIs stop and start). */
const RUN_ESTIMATE: Record<string, number> = { Controller: 45 * MIN, Compute: 20 * MIN };

/** The step id of a batch: `overcloud.upgrade-run.compute.2`. */
export function batchStepId(role: string, index: number): string {
  return `overcloud.upgrade-run.${role.replace('+', '-').toLowerCase()}.${index}`;
}

export function compileUpgrade(u: UpgradePlan): Deployment {
  const steps: Step[] = [];
  const add = (tier: TierId, spec: StepSpec) => {
    const s = step(tier, { retry: TOOL, ...spec });
    steps.push(s);
    return s.id;
  };
  // First a backup of the seed and undercloud state as they are on the old release.
  const backup = dayTwoBackup('seed', 'pre-upgrade', []);
  steps.push(backup);
  const seed = add('seed', { kind: 'seed.upgrade', title: `Upgrade the seed's Ironic to ${u.to}`, deps: [backup.id], timeoutMs: 60 * MIN });
  const undercloud = add('undercloud', { kind: 'undercloud.upgrade', title: `Upgrade the undercloud to ${u.to}`, deps: [seed], timeoutMs: 180 * MIN });
  let previous = add('overcloud', { kind: 'overcloud.upgrade-prepare', title: `Prepare the overcloud's upgrade to ${u.to}`, deps: [undercloud], timeoutMs: 120 * MIN });
  for (const b of u.batches) {
    const rollout = u.roles.find((r) => r.role === b.role);
    const count = rollout ? Math.ceil(rollout.servers / rollout.batchSize) : 1;
    const of = count === 1 ? ` (${b.role})` : rollout!.batchSize === 1 ? ` (${b.role} ${b.index} of ${count})` : ` (${b.role} batch ${b.index} of ${count})`;
    previous = add('overcloud', {
      kind: 'overcloud.upgrade-run',
      id: batchStepId(b.role, b.index),
      role: b.role,
      title: `Upgrade ${b.nodes.join(', ')}${of}`,
      nodes: b.nodes,
      deps: [previous],
      estimateMs: RUN_ESTIMATE[b.role.split('+')[0]] ?? RUN_ESTIMATE.Compute,
      timeoutMs: 240 * MIN,
      nodeStateAfter: 'active',
    });
  }
  add('overcloud', { kind: 'overcloud.upgrade-converge', title: `Converge the overcloud on ${u.to}`, deps: [previous], timeoutMs: 240 * MIN });
  return { planName: u.plan.name, steps, nodes: u.batches.flatMap((b) => b.nodes.map((name) => ({ name, role: b.role, tier: 'overcloud' as const }))) };
}

/** The journal holds an upgrade's steps (not a first deployment's). */
export function isUpgradeStep(id: string): boolean {
  return id === DAY_TWO_BACKUP['pre-upgrade'] || /^(seed\.upgrade|undercloud\.upgrade|overcloud\.upgrade-)/.test(id);
}
