// What each step depends on in the plan, as digests the journal keeps: a resumed deployment
// runs a finished step again when its inputs changed, and says why. A step reads named
// "facts" (server node-03, the provisioning network, the undercloud, ...), each its own slice
// of the plan, so editing one server re-runs that server's steps and the steps that read it
// (its role's configuration), not the whole deployment. Secrets are left out of the digests
// (the journal must not hold anything derived from a password): a changed password alone does
// not re-run a step.
import { createHash } from 'node:crypto';
import type { Plan } from '../plan/schema.js';
import { overcloudNodes, undercloudHost } from './compile.js';
import type { JournalInputs, JournalSummary } from './journal.js';
import type { Deployment, Step } from './types.js';

/** Every step's digest and the facts behind them, for one plan. */
export interface StepInputs {
  /** Which deployment this is: a journal of another one is never resumed. */
  plan: string;
  target: string;
  /** Fact key (`node:node-03`) to its digest. */
  facts: Map<string, string>;
  /** Step id to its digest (its kind and the digests of the facts it reads). */
  steps: Map<string, string>;
  /** Step id to the facts it reads. */
  reads: Map<string, string[]>;
}

/** A finished step that runs again, and the facts whose change makes it. */
export interface Rerun {
  id: string;
  because: string[];
}

const SECRET_KEYS = new Set(['password', 'token']);

/** JSON with sorted keys and without secrets, so equal slices give equal digests. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (key, v: unknown) => {
    if (SECRET_KEYS.has(key)) return undefined;
    if (v && typeof v === 'object' && !Array.isArray(v)) return Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)));
    return v;
  });
}

const digest = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);

/** What the deployment is of: the same name on another lab (or real hardware) is another deployment. */
export function planTarget(plan: Plan): string {
  return plan.driver === 'sim' ? `the simulated lab ${plan.sim?.lab ?? '?'}` : 'real hardware';
}

/** The facts of a plan: each a slice of it that some steps read. */
function facts(plan: Plan): Map<string, unknown> {
  const uc = undercloudHost(plan);
  const roleOf = new Map(overcloudNodes(plan).map(({ node, role }) => [node.name, role]));
  const out = new Map<string, unknown>();
  out.set('host', { driver: plan.driver, seedHost: plan.seedHost, nic: plan.network.provisioning.nic });
  out.set('provisioning', plan.network.provisioning);
  out.set('network', plan.network);
  out.set('seed', plan.seed);
  for (const n of plan.nodes) {
    // What discovery last saw (power, time of contact) is not an input; the role is.
    const { discovered: _seen, roleSource: _how, source: _from, ...server } = n;
    out.set(`node:${n.name}`, { ...server, role: roleOf.get(n.name) ?? n.role });
  }
  out.set('undercloud', { tier: plan.undercloud, placement: plan.roles.undercloud, server: uc.vm ? undefined : out.get(`node:${uc.name}`) });
  out.set('gates', { provisioning: plan.network.provisioning, bmcs: plan.nodes.map((n) => [n.bmc.type, n.bmc.address, n.bmc.port]), acknowledged: plan.options.acknowledged });
  out.set('roles', { allInOne: plan.roles.allInOne, servers: [...roleOf].sort() });
  out.set('cloud', { name: plan.name, external: plan.network.external });
  return out;
}

/** The facts one step reads (a step of a kind this file does not know reads the whole plan). */
function reads(step: Step, deployment: Deployment): string[] {
  const servers = step.nodes.map((n) => `node:${n}`);
  switch (step.kind) {
    case 'seed.host-checks':
      return ['host', 'seed', 'undercloud'];
    case 'seed.network-gates':
      return ['gates'];
    case 'seed.bridge':
      return ['provisioning'];
    case 'seed.image':
    case 'seed.adopt-check':
      return ['seed'];
    case 'seed.vm':
      return ['host', 'seed', 'provisioning'];
    case 'seed.ironic':
      return ['seed', 'provisioning'];
    case 'seed.undercloud-vm':
    case 'seed.enrol-undercloud':
    case 'undercloud.manage':
    case 'undercloud.inspect':
    case 'undercloud.provide':
    case 'undercloud.deploy':
    case 'undercloud.wait-active':
      return ['seed', 'undercloud', 'provisioning', ...servers];
    case 'undercloud.configure':
      return ['undercloud', 'network'];
    case 'undercloud.check-apis':
      return ['undercloud', 'provisioning'];
    case 'undercloud.adopt-check':
    case 'overcloud.images':
      return ['undercloud'];
    case 'overcloud.enrol':
    case 'overcloud.inspect':
    case 'overcloud.retire':
      return ['undercloud', 'provisioning', ...servers];
    case 'overcloud.match-roles':
      return ['undercloud', 'roles'];
    case 'overcloud.deploy':
      return ['undercloud', 'network', ...servers];
    case 'overcloud.configure': {
      // A role's configuration covers the servers deployed just before it (its role).
      const byId = new Map(deployment.steps.map((s) => [s.id, s]));
      const members = step.deps.flatMap((d) => byId.get(d)?.nodes ?? []);
      return ['undercloud', 'network', ...members.map((n) => `node:${n}`)];
    }
    case 'overcloud.credentials':
    case 'overcloud.post-endpoints':
      return ['undercloud', 'cloud'];
    case 'overcloud.test-instance':
      return ['undercloud', 'cloud', 'network'];
    case 'overcloud.upgrade-run':
      // A batch is its servers: resumed with another --batch, a step id that now covers other servers runs again.
      return ['plan', ...servers];
    default:
      return ['plan'];
  }
}

export function stepInputs(plan: Plan, deployment: Deployment): StepInputs {
  const values = facts(plan);
  values.set('plan', { ...plan, options: undefined, sim: undefined });
  const factDigests = new Map<string, string>();
  const factDigest = (key: string) => {
    let d = factDigests.get(key);
    if (d === undefined) factDigests.set(key, (d = digest(canonical(values.get(key) ?? null))));
    return d;
  };
  const steps = new Map<string, string>();
  const readsOf = new Map<string, string[]>();
  for (const step of deployment.steps) {
    const keys = reads(step, deployment);
    readsOf.set(step.id, keys);
    steps.set(step.id, digest(`${step.kind}\n${keys.map((k) => `${k}=${factDigest(k)}`).join('\n')}`));
  }
  return { plan: plan.name, target: planTarget(plan), facts: factDigests, steps, reads: readsOf };
}

/** The journal of another deployment (another name, another lab): never resumed. */
export function otherDeployment(previous: JournalSummary, current: StepInputs): string | undefined {
  if (!previous.plan) return undefined;
  const target = previous.inputs?.target;
  if (previous.plan === current.plan && (target === undefined || target === current.target)) return undefined;
  return `plan "${previous.plan}"${target ? ` on ${target}` : ''}`;
}

/** Steps the journal shows finished whose inputs have changed since, with the facts that changed. */
export function changedSteps(previous: JournalSummary, current: StepInputs): Rerun[] {
  const out: Rerun[] = [];
  for (const [id, d] of current.steps) {
    const r = previous.steps.get(id);
    // A step finished before the journal kept digests: nothing to compare with.
    if (!r || (r.state !== 'done' && r.state !== 'skipped') || r.inputs === undefined || r.inputs === d) continue;
    const before = previous.inputs?.facts;
    const because = (current.reads.get(id) ?? []).filter((k) => before?.get(k) !== current.facts.get(k));
    out.push({ id, because: because.length ? because : ['what the step does'] });
  }
  return out;
}

/** What the journal records for this run: only the digests that differ from what it holds. */
export function inputsRecord(previous: JournalSummary, current: StepInputs, reruns: Rerun[], at: number): JournalInputs {
  const changed = (now: Map<string, string>, before?: Map<string, string>) => Object.fromEntries([...now].filter(([k, v]) => before?.get(k) !== v));
  return {
    t: 'inputs',
    at,
    plan: current.plan,
    target: current.target,
    facts: changed(current.facts, previous.inputs?.facts),
    steps: changed(current.steps, previous.inputs?.steps),
    ...(reruns.length ? { rerun: Object.fromEntries(reruns.map((r) => [r.id, r.because])) } : {}),
  };
}

/** "server node-03", "the provisioning network", ... */
export function factLabel(key: string): string {
  if (key.startsWith('node:')) return `server ${key.slice(5)}`;
  const labels: Record<string, string> = {
    host: 'this host',
    provisioning: 'the provisioning network',
    network: 'the networks',
    seed: 'the seed',
    undercloud: 'the undercloud',
    gates: 'the BMC addresses or acknowledged gates',
    roles: 'the role assignment',
    cloud: "the cloud's name or external network",
    plan: 'the plan',
  };
  return labels[key] ?? key;
}

/** "2 step(s) run again, their inputs changed: overcloud.enrol.node-03 (server node-03), ... and 4 more" (the first words fit one screen line). */
export function rerunLine(reruns: readonly Rerun[], max = 4): string {
  const shown = reruns.slice(0, max).map((r) => `${r.id} (${r.because.map(factLabel).join(', ')})`);
  return `${reruns.length} step(s) run again, their inputs changed: ${shown.join(', ')}${reruns.length > max ? ` and ${reruns.length - max} more` : ''}`;
}

/** Finished steps the last run meant to do again (inputs changed) and has not yet: `status`. */
export function pendingReruns(journal: JournalSummary): Rerun[] {
  const inputs = journal.inputs;
  if (!inputs) return [];
  return [...inputs.rerun]
    .filter(([id]) => {
      const r = journal.steps.get(id);
      return r && (r.state === 'done' || r.state === 'skipped') && r.inputs !== inputs.steps.get(id);
    })
    .map(([id, because]) => ({ id, because }));
}

/** What `cloudseed deploy` of `plan` would do with the journal there: `plan` prints it. */
export function resumeLines(journal: JournalSummary, plan: Plan, deployment: Deployment): string[] {
  if (journal.state === 'none' || journal.state === 'done') return [];
  const inputs = stepInputs(plan, deployment);
  const other = otherDeployment(journal, inputs);
  if (other) return [`the unfinished journal in the state directory is of another deployment (${other}): deploy keeps it aside and starts over`];
  const reruns = changedSteps(journal, inputs);
  const again = new Set(reruns.map((r) => r.id));
  const done = deployment.steps.filter((s) => !again.has(s.id) && ['done', 'skipped'].includes(journal.steps.get(s.id)?.state ?? '')).length;
  return [
    `deploy resumes the unfinished deployment: ${done} of ${deployment.steps.length} step(s) already done`,
    ...(reruns.length ? [rerunLine(reruns, 10)] : []),
  ];
}
