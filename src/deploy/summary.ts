// What a finished (or journalled) deployment amounts to, in plain words: for the Done
// screen, the end of `cloudseed deploy`, and `cloudseed status`.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Plan } from '../plan/schema.js';
import { overcloudNodes, roleRank, undercloudHost } from './compile.js';
import type { JournalSummary } from './journal.js';
import { undercloudShell } from './drivers/real/commands.js';
import { stepsOperation } from './operation.js';
import type { ProgressView } from './progress-store.js';
import { TIERS, type TierId } from './types.js';

export interface Endpoint {
  name: string;
  url: string;
}

export interface DeploySummary {
  deployed: string[];
  /** The cloud's endpoints; empty when cloudseed configured no services (`servicesNotDone` says why). */
  endpoints: Endpoint[];
  servicesNotDone?: string;
  credentialsPath: string;
  /** e.g. `0600`, or undefined when the file is not there. */
  credentialsMode?: string;
  tierMs: { tier: TierId; ms: number }[];
  totalMs: number;
}

export function credentialsPath(stateDir: string): string {
  return join(stateDir, 'overcloudrc');
}

export function publicVip(plan: Plan): string {
  return plan.network.external.publicVip ?? plan.network.external.cidr.replace(/0\/\d+$/, '5');
}

export function endpoints(plan: Plan): Endpoint[] {
  const vip = publicVip(plan);
  return [
    { name: 'Dashboard (Horizon)', url: `https://${vip}/dashboard` },
    { name: 'Identity (Keystone)', url: `https://${vip}:13000/v3` },
    { name: 'Compute (Nova)', url: `https://${vip}:13774/v2.1` },
  ];
}

/** "2 h 03 min", "4 min 10 s", "12 s". */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

export function deployedLines(plan: Plan): string[] {
  const uc = undercloudHost(plan);
  const oc = overcloudNodes(plan);
  const counts = new Map<string, number>();
  for (const { role } of oc) counts.set(role, (counts.get(role) ?? 0) + 1);
  const roles = [...counts]
    .sort(([a], [b]) => roleRank(a) - roleRank(b))
    .map(([role, n]) => `${n} ${role.toLowerCase()}${n === 1 ? '' : 's'}`).join(', ');
  return [
    plan.seed.mode === 'adopt' ? `seed: adopted (${plan.seed.ironic?.url ?? 'existing Ironic'})` : `seed: VM on ${plan.seedHost.hostname ?? 'this host'}`,
    plan.undercloud.mode === 'adopt'
      ? `undercloud: adopted (${plan.undercloud.ironic?.url ?? 'existing Ironic'})`
      : `undercloud: ${uc.vm ? 'VM on this host' : `server ${uc.name}`}`,
    `overcloud "${plan.name}": ${roles || 'no servers'}`,
  ];
}

/**
 * Times per tier and in all. With the journal they count the working time of every run (a
 * resumed deployment counts its earlier runs too, not the pause between them); otherwise they
 * come from this run's view.
 */
export function deploySummary(plan: Plan, view: ProgressView | undefined, stateDir: string, journal?: JournalSummary): DeploySummary {
  const path = credentialsPath(stateDir);
  const mode = existsSync(path) ? (statSync(path).mode & 0o777).toString(8).padStart(4, '0') : undefined;
  const now = view?.now ?? journal?.endedAt ?? 0;
  let tierMs = TIERS.map((tier) => {
    const t = view?.tiers.find((x) => x.id === tier);
    return { tier, ms: t?.startedAt !== undefined ? (t.endedAt ?? now) - t.startedAt : 0 };
  });
  let totalMs = view?.startedAt !== undefined ? (view.endedAt ?? now) - view.startedAt : 0;
  if (journal && journal.steps.size) {
    // The time steps were running, over every run: the hours between an interruption and
    // the resume are not the tier's work.
    const steps = [...journal.steps.values()];
    tierMs = TIERS.map((tier) => ({ tier, ms: busyMs(steps.filter((r) => r.tier === tier)) }));
    totalMs = busyMs(steps);
  }
  // Without a shell on the undercloud, cloudseed installs no services: no endpoints to show.
  const shell = undercloudShell(plan);
  return {
    deployed: deployedLines(plan),
    endpoints: shell ? endpoints(plan) : [],
    ...(shell ? {} : { servicesNotDone: 'the adopted undercloud gives no shell (set undercloud.ssh to let cloudseed run the TripleO CLI there): the undercloud and overcloud services were not installed by cloudseed' }),
    credentialsPath: path,
    credentialsMode: mode,
    tierMs,
    totalMs,
  };
}

/** How long at least one of these steps was running (the union of their intervals). */
function busyMs(steps: readonly { startedAt?: number; at: number }[]): number {
  const spans = steps.map((r) => [r.startedAt ?? r.at, r.at] as const).sort((a, b) => a[0] - b[0]);
  let total = 0;
  let [from, to] = [-Infinity, -Infinity];
  for (const [start, end] of spans) {
    if (start > to) {
      if (to > from) total += to - from;
      [from, to] = [start, end];
    } else to = Math.max(to, end);
  }
  return total + (to > from ? to - from : 0);
}

/** `cloudseed status`: the journal per tier, with the reason of each failure (a scale-out: its one tier). */
export function statusLines(journal: JournalSummary, holder?: { pid: number; since: string }, run: 'deployment' | 'scale-out' = 'deployment'): string[] {
  if (journal.state === 'none') return [`no ${run} has started from this state directory`];
  const when = (at?: number) => (at ? new Date(at).toISOString().replace('T', ' ').slice(0, 19) : '?');
  const op = stepsOperation([...journal.steps.keys()], run === 'scale-out' ? 'scale-out' : 'journal');
  const retired = op.server;
  const started = `${retired ? `replacement of ${retired} in` : op.kind === 'upgrade' ? 'upgrade of' : `${run} of`} "${journal.plan}" started ${when(journal.startedAt)}`;
  const resume = op.kind === 'scale-out' ? `\`${op.resume}\` (the edited answers file) resumes it` : op.kind === 'deployment' ? '`cloudseed deploy` resumes it' : `\`${op.resume}\` resumes it`;
  const head =
    journal.state !== 'running'
      ? `${started}: ${journal.state} at ${when(journal.endedAt)}`
      : holder
        ? `${started}: running now (pid ${holder.pid}, since ${holder.since})`
        : `${started}: stopped without ending (killed?) -- ${resume}`;
  const lines = [head];
  const tiers = new Set([...journal.steps].map(([id, r]) => r.tier ?? id.split('.')[0]));
  for (const tier of TIERS) {
    if ((run === 'scale-out' || retired) && !tiers.has(tier)) continue;
    const count = { done: 0, skipped: 0, running: 0, failed: 0, interrupted: 0, pending: 0 };
    const problems: string[] = [];
    for (const [id, r] of journal.steps) {
      if ((r.tier ?? id.split('.')[0]) !== tier) continue;
      count[r.state]++;
      if (r.state === 'failed' || r.state === 'interrupted') problems.push(`  ${r.state} ${id}: ${r.error?.message ?? ''}${r.error?.hint ? ` -- ${r.error.hint}` : ''}`);
      if (r.state === 'running') problems.push(`  running ${id} (since ${when(r.startedAt)})`);
    }
    const parts = Object.entries(count)
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `${n} ${k}`);
    lines.push(`${tier.padEnd(10)} ${parts.join(', ') || 'not started'}`);
    lines.push(...problems);
  }
  return lines;
}
