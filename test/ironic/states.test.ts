import { describe, expect, it } from 'vitest';
import { API_TARGETS, FAILED_STATES, nextState, PROVISION_STATES, STABLE_STATES, STATES, TRANSIENT_STATES, TRANSITIONS, phaseOf } from '../../src/ironic/states.js';
import { roleProfile } from '../../src/ironic/provision.js';

describe("Ironic's state table", () => {
  it("derives the sets Ironic's states.py lists", () => {
    expect([...STABLE_STATES].sort()).toEqual(['active', 'available', 'enroll', 'error', 'manageable', 'rescue']);
    // UNSTABLE_STATES in ironic/common/states.py
    expect([...TRANSIENT_STATES].sort()).toEqual(
      ['adopting', 'cleaning', 'clean wait', 'deleting', 'deploying', 'inspect wait', 'inspecting', 'rescue wait', 'rescuing', 'unrescuing', 'verifying', 'wait call-back'].sort(),
    );
    // FAILURE_STATES, plus error
    expect([...FAILED_STATES].sort()).toEqual(['adopt failed', 'clean failed', 'deploy failed', 'error', 'inspect failed', 'rescue failed', 'unrescue failed']);
  });

  it('every state is reachable from enroll, and every transient state has a way out', () => {
    const seen = new Set<string>(['enroll']);
    for (let grew = true; grew; ) {
      grew = false;
      for (const [from, , to] of TRANSITIONS) if (seen.has(from) && !seen.has(to)) grew = seen.add(to).size > 0;
    }
    expect([...seen].sort()).toEqual([...PROVISION_STATES].sort());
    for (const s of TRANSIENT_STATES) expect(TRANSITIONS.some(([from, e]) => from === s && (e === 'done' || e === 'clean' || e === 'resume'))).toBe(true);
    for (const s of PROVISION_STATES) if (STATES[s].target) expect(STATES[STATES[s].target!]).toBeDefined();
  });

  it("the API's verbs move a node the way a deployment walks", () => {
    let s: string | undefined = 'enroll';
    for (const [target, then] of [['manage', 'done'], ['inspect', 'done'], ['provide', 'done'], ['active', 'done']] as const) {
      s = nextState(nextState(s!, API_TARGETS[target])!, then);
    }
    expect(s).toBe('active');
    expect(nextState('enroll', 'deploy')).toBeUndefined(); // Ironic refuses it: 409
    expect(phaseOf('clean wait')).toBe('clean');
  });

  it('profiles come from the role catalog (assets/roles.yaml)', () => {
    expect(roleProfile('BlockStorage')).toBe('block-storage');
    expect(roleProfile('Controller+Compute')).toBe('control');
    expect(roleProfile(undefined)).toBeUndefined();
  });
});
