// A deployed cloud as the state dir knows it, for the "Your cloud" screen: its tiers, its
// servers per role, and its health (the last deployment and scale-out, failed steps, what the
// BMCs answered when last asked); and starting over, which sets that record aside.
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Plan } from '../plan/schema.js';
import { deployedPath, readDeployed } from '../store/deployed.js';
import { overcloudNodes, roleRank, undercloudHost } from './compile.js';
import { journalPath, readJournal, type JournalName, type JournalSummary } from './journal.js';
import { deployedLines } from './summary.js';

export interface HealthLine {
  tone: 'ok' | 'warn' | 'fail';
  text: string;
}

export interface CloudView {
  plan: Plan;
  deployedAt: string;
  /** One line per tier ("undercloud: server node-01"). */
  tiers: string[];
  /** Servers per role, in deployment order; servers without a role last ("Unused"). */
  roles: { role: string; servers: string[] }[];
  health: HealthLine[];
  /** A scale-out started and did not finish. */
  unfinishedScaleOut: boolean;
}

/** A time as the caller shows it (the screens: local time); UTC to the minute by default. */
export type TimeFormat = (iso: string) => string;
const utc: TimeFormat = (iso) => iso.replace('T', ' ').slice(0, 16);

function runLine(journal: JournalSummary, what: string, time: TimeFormat): HealthLine | undefined {
  const when = (at?: number) => (at === undefined ? '?' : time(new Date(at).toISOString()));
  if (journal.state === 'none') return undefined;
  if (journal.state === 'done') return { tone: 'ok', text: `last ${what}: done ${when(journal.endedAt)}` };
  const how = journal.state === 'running' ? 'stopped without ending (killed?)' : journal.state;
  return { tone: journal.state === 'failed' ? 'fail' : 'warn', text: `last ${what}: ${how}, started ${when(journal.startedAt)}` };
}

function failedLine(journals: JournalSummary[]): HealthLine {
  const failed = journals.flatMap((j) => [...j.steps].filter(([, r]) => r.state === 'failed').map(([id]) => id));
  if (!failed.length) return { tone: 'ok', text: 'failed steps: none' };
  return { tone: 'fail', text: `failed steps: ${failed.length} (${failed.slice(0, 3).join(', ')}${failed.length > 3 ? ', ...' : ''})` };
}

/** What the BMCs answered when last asked (discovery or the Servers screen's check). */
function bmcLine(plan: Plan): HealthLine {
  const bad = plan.nodes.filter((n) => n.discovered?.bmcStatus && n.discovered.bmcStatus !== 'ok');
  const ok = plan.nodes.filter((n) => n.discovered?.bmcStatus === 'ok').length;
  const unknown = plan.nodes.length - ok - bad.length;
  const parts = [`${ok} answered`, ...(bad.length ? [`${bad.length} did not (${bad.map((n) => `${n.name}: ${n.discovered!.bmcStatus}`).join(', ')})`] : []), ...(unknown ? [`${unknown} not asked`] : [])];
  return { tone: bad.length ? 'warn' : 'ok', text: `BMCs when last asked: ${parts.join(', ')}` };
}

/** The deployed cloud of `stateDir`, or why there is none. */
export function cloudView(stateDir: string, time: TimeFormat = utc): CloudView | { missing: string } {
  const deployed = readDeployed(stateDir);
  if (!('record' in deployed)) return deployed;
  const { plan, deployedAt } = deployed.record;
  const uc = undercloudHost(plan);
  const byRole = new Map<string, string[]>();
  for (const { node, role } of overcloudNodes(plan)) byRole.set(role, [...(byRole.get(role) ?? []), node.name]);
  const roles = [...byRole].sort(([a], [b]) => roleRank(a) - roleRank(b)).map(([role, servers]) => ({ role, servers }));
  if (!uc.vm) roles.unshift({ role: 'Undercloud', servers: [uc.name] });
  const used = new Set(roles.flatMap((r) => r.servers));
  const unused = plan.nodes.filter((n) => !used.has(n.name)).map((n) => n.name);
  if (unused.length) roles.push({ role: 'Unused', servers: unused });
  let journals: JournalSummary[] = [];
  let problem: HealthLine | undefined;
  try {
    journals = (['journal', 'scale-out'] as JournalName[]).map((name) => readJournal(stateDir, name));
  } catch (e) {
    problem = { tone: 'fail', text: (e as Error).message };
  }
  const [first, scaleOut] = journals;
  const health = [
    ...(problem ? [problem] : [runLine(first, 'deployment', time), runLine(scaleOut, 'scale-out', time), failedLine(journals)].filter((l): l is HealthLine => !!l)),
    bmcLine(plan),
  ];
  return { plan, deployedAt, tiers: deployedLines(plan), roles, health, unfinishedScaleOut: !!scaleOut && scaleOut.state !== 'none' && scaleOut.state !== 'done' };
}

/** What starting over loses, in words, for the question before it. */
export function startOverLine(view: CloudView, stateDir: string): string {
  const servers = view.roles.filter((r) => r.role !== 'Unused').reduce((n, r) => n + r.servers.length, 0);
  return (
    `Start over? cloudseed forgets the deployed cloud "${view.plan.name}" (${servers} server${servers === 1 ? '' : 's'}): its record and journals are moved to ${join(stateDir, 'set-aside')}, ` +
    'and adding or replacing servers is no longer offered. The servers keep running until a new deployment wipes them. y/n'
  );
}

/** Moves the deployed cloud's record and journals aside (set-aside/<time>/); returns where. */
export function setAsideDeployed(stateDir: string, now = new Date()): string {
  const to = join(stateDir, 'set-aside', now.toISOString().replace(/[:.]/g, '-'));
  mkdirSync(to, { recursive: true, mode: 0o700 });
  for (const from of [deployedPath(stateDir), journalPath(stateDir), journalPath(stateDir, 'scale-out')]) {
    if (existsSync(from)) renameSync(from, join(to, basename(from)));
  }
  return to;
}
