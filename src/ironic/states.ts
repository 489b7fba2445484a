// Ironic's provision state machine, declared once: every state, every transition, and the
// sets derived from them (stable, transient, failed). Modelled on Ironic's own table
// (ironic/common/states.py, `machine.add_state` / `add_transition`), so the fake Ironic of the
// simulated lab moves exactly as a real one can, and the client, the provisioning moves,
// the deploy events and the Deploy screen's glyphs all read the same words.

/** Every provision state a node can be in (`provision_state`). */
export const PROVISION_STATES = [
  'enroll',
  'verifying',
  'manageable',
  'inspecting',
  'inspect wait',
  'inspect failed',
  'cleaning',
  'clean wait',
  'clean failed',
  'available',
  'deploying',
  'wait call-back',
  'deploy failed',
  'active',
  'deleting',
  'error',
  'adopting',
  'adopt failed',
  'rescuing',
  'rescue wait',
  'rescue failed',
  'rescue',
  'unrescuing',
  'unrescue failed',
] as const;
export type ProvisionState = (typeof PROVISION_STATES)[number];

/** What the panels group a state under (one glyph per phase on the Deploy screen's grid). */
export type Phase = 'enrol' | 'manage' | 'inspect' | 'clean' | 'available' | 'deploy' | 'active' | 'rescue' | 'failed';

interface StateSpec {
  /** Stays put until someone asks for something (Ironic's STABLE_STATES). */
  stable?: true;
  /** A failure: it settles, keeps its target, and needs a person (Ironic's FAILURE_STATES + error). */
  failed?: true;
  /** Where an action under way in this state is heading (`target_provision_state`). */
  target?: ProvisionState;
  phase: Phase;
}

/** The states, as Ironic adds them to its machine. */
export const STATES: Record<ProvisionState, StateSpec> = {
  enroll: { stable: true, phase: 'enrol' },
  verifying: { target: 'manageable', phase: 'enrol' },
  manageable: { stable: true, phase: 'manage' },
  inspecting: { target: 'manageable', phase: 'inspect' },
  'inspect wait': { target: 'manageable', phase: 'inspect' },
  'inspect failed': { failed: true, target: 'manageable', phase: 'failed' },
  cleaning: { target: 'available', phase: 'clean' },
  'clean wait': { target: 'available', phase: 'clean' },
  'clean failed': { failed: true, target: 'available', phase: 'failed' },
  available: { stable: true, phase: 'available' },
  deploying: { target: 'active', phase: 'deploy' },
  'wait call-back': { target: 'active', phase: 'deploy' },
  'deploy failed': { failed: true, target: 'active', phase: 'failed' },
  active: { stable: true, phase: 'active' },
  deleting: { target: 'available', phase: 'deploy' },
  error: { stable: true, failed: true, phase: 'failed' },
  adopting: { target: 'active', phase: 'deploy' },
  'adopt failed': { failed: true, target: 'active', phase: 'failed' },
  rescuing: { target: 'rescue', phase: 'rescue' },
  'rescue wait': { target: 'rescue', phase: 'rescue' },
  'rescue failed': { failed: true, target: 'rescue', phase: 'failed' },
  rescue: { stable: true, phase: 'rescue' },
  unrescuing: { target: 'active', phase: 'rescue' },
  'unrescue failed': { failed: true, target: 'active', phase: 'failed' },
};

/** Events of the machine: the API's verbs, and what the conductor reports (done, fail, wait, resume). */
export type ProvisionEvent =
  | 'manage'
  | 'provide'
  | 'inspect'
  | 'deploy'
  | 'rebuild'
  | 'delete'
  | 'clean'
  | 'abort'
  | 'adopt'
  | 'rescue'
  | 'unrescue'
  | 'done'
  | 'fail'
  | 'wait'
  | 'resume';

/** Every transition Ironic allows: [from, event, to]. */
export const TRANSITIONS: ReadonlyArray<readonly [ProvisionState, ProvisionEvent, ProvisionState]> = [
  // enrol and verify the BMC
  ['enroll', 'manage', 'verifying'],
  ['verifying', 'done', 'manageable'],
  ['verifying', 'fail', 'enroll'],
  // inspection
  ['manageable', 'inspect', 'inspecting'],
  ['inspecting', 'done', 'manageable'],
  ['inspecting', 'fail', 'inspect failed'],
  ['inspecting', 'wait', 'inspect wait'],
  ['inspect wait', 'done', 'manageable'],
  ['inspect wait', 'fail', 'inspect failed'],
  ['inspect wait', 'abort', 'inspect failed'],
  ['inspect wait', 'resume', 'inspecting'],
  ['inspect failed', 'manage', 'manageable'],
  ['inspect failed', 'inspect', 'inspecting'],
  // cleaning
  ['manageable', 'provide', 'cleaning'],
  ['manageable', 'clean', 'cleaning'],
  ['cleaning', 'done', 'available'],
  ['cleaning', 'manage', 'manageable'],
  ['cleaning', 'fail', 'clean failed'],
  ['cleaning', 'wait', 'clean wait'],
  ['clean wait', 'resume', 'cleaning'],
  ['clean wait', 'fail', 'clean failed'],
  ['clean wait', 'abort', 'clean failed'],
  ['clean failed', 'manage', 'manageable'],
  ['available', 'manage', 'manageable'],
  // deployment
  ['available', 'deploy', 'deploying'],
  ['deploying', 'wait', 'wait call-back'],
  ['wait call-back', 'resume', 'deploying'],
  ['deploying', 'done', 'active'],
  ['deploying', 'fail', 'deploy failed'],
  ['wait call-back', 'fail', 'deploy failed'],
  ['deploy failed', 'rebuild', 'deploying'],
  ['deploy failed', 'deploy', 'deploying'],
  ['active', 'rebuild', 'deploying'],
  ['error', 'rebuild', 'deploying'],
  // tear down: deleting, then cleaning back to available
  ['active', 'delete', 'deleting'],
  ['wait call-back', 'delete', 'deleting'],
  ['deploy failed', 'delete', 'deleting'],
  ['error', 'delete', 'deleting'],
  ['deleting', 'clean', 'cleaning'],
  ['deleting', 'fail', 'error'],
  // adoption
  ['manageable', 'adopt', 'adopting'],
  ['adopting', 'done', 'active'],
  ['adopting', 'fail', 'adopt failed'],
  ['adopt failed', 'adopt', 'adopting'],
  ['adopt failed', 'manage', 'manageable'],
  // rescue
  ['active', 'rescue', 'rescuing'],
  ['rescuing', 'done', 'rescue'],
  ['rescuing', 'wait', 'rescue wait'],
  ['rescuing', 'fail', 'rescue failed'],
  ['rescue wait', 'resume', 'rescuing'],
  ['rescue wait', 'fail', 'rescue failed'],
  ['rescue wait', 'abort', 'rescue failed'],
  ['rescue wait', 'delete', 'deleting'],
  ['rescue', 'rescue', 'rescuing'],
  ['rescue', 'unrescue', 'unrescuing'],
  ['rescue', 'delete', 'deleting'],
  ['rescue failed', 'rescue', 'rescuing'],
  ['rescue failed', 'unrescue', 'unrescuing'],
  ['rescue failed', 'delete', 'deleting'],
  ['unrescuing', 'done', 'active'],
  ['unrescuing', 'fail', 'unrescue failed'],
  ['unrescue failed', 'rescue', 'rescuing'],
  ['unrescue failed', 'unrescue', 'unrescuing'],
  ['unrescue failed', 'delete', 'deleting'],
];

/** The `target` a client PUTs to /states/provision, and the event it starts (Ironic's VERBS). */
export const API_TARGETS = {
  manage: 'manage',
  provide: 'provide',
  inspect: 'inspect',
  active: 'deploy',
  rebuild: 'rebuild',
  deleted: 'delete',
  clean: 'clean',
  abort: 'abort',
  adopt: 'adopt',
  rescue: 'rescue',
  unrescue: 'unrescue',
} as const satisfies Record<string, ProvisionEvent>;
export type ProvisionTarget = keyof typeof API_TARGETS;

const statesWhere = (test: (s: StateSpec) => boolean): ReadonlySet<string> => new Set(PROVISION_STATES.filter((s) => test(STATES[s])));

/** States that do not move unless asked. */
export const STABLE_STATES = statesWhere((s) => !!s.stable);
/** Failures: settled, but a person (or a retry) must act. */
export const FAILED_STATES = statesWhere((s) => !!s.failed);
/** States an action is under way in: they change without anyone asking. */
export const TRANSIENT_STATES = statesWhere((s) => !s.stable && !s.failed);

export function isProvisionState(state: string): state is ProvisionState {
  return Object.hasOwn(STATES, state);
}

/** Where `event` takes a node in `from`, or undefined when Ironic refuses it there. */
export function nextState(from: string, event: ProvisionEvent): ProvisionState | undefined {
  return TRANSITIONS.find(([f, e]) => f === from && e === event)?.[2];
}

/** The panels' grouping of a state (unknown states of a newer Ironic count as deploying). */
export function phaseOf(state: string): Phase {
  return isProvisionState(state) ? STATES[state].phase : 'deploy';
}
