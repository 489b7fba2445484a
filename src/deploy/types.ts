// The deployment's shared words: tiers, steps, events, and the driver a step runs through.
// Both drivers (sim, real) implement DeployDriver and emit the same events, so the runner,
// the journal, the log sinks and the screens need not know which one runs.
import type { ProvisionState } from '../ironic/states.js';
import type { Plan } from '../plan/schema.js';

export const TIERS = ['seed', 'undercloud', 'overcloud'] as const;
export type TierId = (typeof TIERS)[number];

/** Ironic's provision states, as the panels show them (src/ironic/states.ts). */
export type NodeState = ProvisionState;

/** Kinds of errors, so retry policies can say which are worth retrying. */
export type ErrorKind = 'timeout' | 'unreachable' | 'auth' | 'tool-failed' | 'tool-missing' | 'state' | 'interrupted' | 'other';

export interface RetryPolicy {
  /** Attempts in all, including the first. */
  attempts: number;
  backoffMs: number;
  retryOn: ErrorKind[];
}

/** Every kind of step, as compile makes them; each has its module in src/deploy/steps. */
export const STEP_KINDS = [
  'seed.host-checks',
  'seed.network-gates',
  'seed.bridge',
  'seed.image',
  'seed.vm',
  'seed.ironic',
  'seed.adopt-check',
  'seed.undercloud-vm',
  'seed.enrol-undercloud',
  'undercloud.manage',
  'undercloud.inspect',
  'undercloud.provide',
  'undercloud.deploy',
  'undercloud.wait-active',
  'undercloud.configure',
  'undercloud.check-apis',
  'undercloud.adopt-check',
  'overcloud.images',
  'overcloud.enrol',
  'overcloud.inspect',
  'overcloud.match-roles',
  'overcloud.deploy',
  'overcloud.configure',
  'overcloud.credentials',
  'overcloud.post-endpoints',
  'overcloud.test-instance',
  // Day two: a server taken out of the cloud (maintenance, undeploy, delete from Ironic).
  'overcloud.retire',
  // An upgrade to the next TripleO release (src/deploy/compile-upgrade.ts).
  'seed.upgrade',
  'undercloud.upgrade',
  'overcloud.upgrade-prepare',
  'overcloud.upgrade-run',
  'overcloud.upgrade-converge',
] as const;
export type StepKind = (typeof STEP_KINDS)[number];

export interface Step {
  /** Unique, stable across compiles of the same plan: `overcloud.deploy.node-03`. */
  id: string;
  tier: TierId;
  /** What the step does: its module in src/deploy/steps. */
  kind: StepKind;
  /** The role a per-role step covers (`overcloud.configure`: "Controller+Compute"). */
  role?: string;
  /** Plain words for the panels: "Inspect node-03". */
  title: string;
  /** Server names this step acts on (empty: a tier-wide step). */
  nodes: string[];
  deps: string[];
  timeoutMs: number;
  retry: RetryPolicy;
  /** Skipping it after a failure leaves a working cloud (checks, optional tests). */
  skippable: boolean;
  /** Expected duration at speed 1, for estimates. */
  estimateMs: number;
  /** The Ironic state each of `nodes` is in once this step is done (panels after a resume). */
  nodeStateAfter?: NodeState;
}

/** A server (or VM) the deployment acts on, with the role the panels show. */
export interface DeployNode {
  name: string;
  /** "Controller", "Compute", "Controller+Compute", "Undercloud". */
  role: string;
  tier: TierId;
}

export interface Deployment {
  planName: string;
  steps: Step[];
  /** Every server and VM the steps act on. */
  nodes?: DeployNode[];
}

export type StepState = 'pending' | 'running' | 'done' | 'failed' | 'skipped' | 'interrupted';

export type DeployEvent =
  | { type: 'tier-started'; at: number; tier: TierId }
  | { type: 'tier-done'; at: number; tier: TierId; state: 'done' | 'failed' }
  | { type: 'step-started'; at: number; step: string; attempt: number }
  | { type: 'step-progress'; at: number; step: string; fraction: number; note?: string }
  | { type: 'step-done'; at: number; step: string; state: 'done' | 'skipped'; nothing?: string }
  | { type: 'step-failed'; at: number; step: string; error: StepErrorInfo; willRetry: boolean }
  | { type: 'node-state'; at: number; node: string; state: NodeState; step?: string }
  | { type: 'log'; at: number; step?: string; node?: string; level: 'info' | 'warn' | 'error'; line: string }
  | { type: 'heartbeat'; at: number; waitingFor: string; sinceMs: number }
  | { type: 'run-done'; at: number; state: 'done' | 'failed' | 'interrupted' };

export interface StepErrorInfo {
  kind: ErrorKind;
  message: string;
  /** What to try, in plain words. */
  hint?: string;
  /** Last lines of the tool's output. */
  tail?: string[];
  /** The network gates that blocked (a skip of the step acknowledges them). */
  gates?: { id: string; details: string[] }[];
}

/** An error a driver throws from a step, with its kind for the retry policy. */
export class StepError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly hint?: string,
    readonly tail?: string[],
    readonly gates?: StepErrorInfo['gates'],
  ) {
    super(message);
    this.name = 'StepError';
  }
  info(): StepErrorInfo {
    return { kind: this.kind, message: this.message, hint: this.hint, tail: this.tail, ...(this.gates ? { gates: this.gates } : {}) };
  }
}

/** What a driver gets to run one step. */
export interface StepContext {
  plan: Plan;
  step: Step;
  attempt: number;
  signal: AbortSignal;
  log(line: string, opts?: { node?: string; level?: 'info' | 'warn' | 'error' }): void;
  progress(fraction: number, note?: string): void;
  nodeState(node: string, state: NodeState): void;
  /** Tells the heartbeat what the step waits for ("node-03 to PXE boot"). */
  waitingFor(what: string): void;
  /** The state directory: where a step writes what the run produces (overcloudrc). */
  stateDir?: string;
  /** The step had nothing to do in this plan: why (shown with the step, not as "done"). */
  ranNothing?(why: string): void;
}

export interface DeployDriver {
  readonly name: 'sim' | 'real';
  /** Time scale of the world it plays (sim `--speed`); step timeouts and backoff divide by it. 1 when absent. */
  readonly speed?: number;
  /** Runs one step. Must be idempotent: check first whether its work is already done. */
  run(ctx: StepContext): Promise<void>;
  /** Stops every child process and timer (cancellation, end of run). */
  close(): Promise<void>;
}
