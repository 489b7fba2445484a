import { describe, expect, it } from 'vitest';
import { compile, tierSteps } from '../../src/deploy/compile.js';
import { TIERS } from '../../src/deploy/types.js';
import { labPlan } from './helpers.js';

describe('compile', () => {
  it('turns the two-machine plan into three tiers with the undercloud as a VM', () => {
    const d = compile(labPlan('two-machine'));
    expect(TIERS.map((t) => tierSteps(d, t).length)).toEqual([8, 8, 10]);
    const ids = d.steps.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toContain('seed.undercloud-vm.undercloud');
    expect(ids).toContain('undercloud.deploy.undercloud');
    expect(ids).toContain('overcloud.configure.controller-compute');
    // Every dependency exists and comes earlier: the order of the list is a valid order.
    const seen = new Set<string>();
    for (const s of d.steps) {
      for (const dep of s.deps) expect(seen.has(dep), `${s.id} after ${dep}`).toBe(true);
      seen.add(s.id);
      expect(s.timeoutMs).toBeGreaterThan(s.estimateMs);
    }
  });

  it('deploys controllers before computes, concurrently within a role', () => {
    const d = compile(labPlan('ha-lab'));
    const computes = d.steps.filter((s) => s.kind === 'overcloud.deploy' && s.title.includes('Compute'));
    expect(computes.length).toBeGreaterThan(0);
    for (const c of computes) expect(c.deps).toEqual(['overcloud.configure.controller']);
    const controllers = d.steps.filter((s) => s.kind === 'overcloud.deploy' && s.title.includes('(Controller)'));
    for (const c of controllers) expect(c.deps).toEqual(['overcloud.match-roles']);
    // ha-lab puts the undercloud on a server: it is enrolled in the seed's Ironic.
    expect(d.steps.find((s) => s.kind === 'seed.enrol-undercloud')?.nodes).toEqual(['node-01']);
  });

  it('checks adopted tiers instead of building them', () => {
    const plan = labPlan('two-machine');
    const d = compile({ ...plan, seed: { mode: 'adopt', ironic: { url: 'http://127.0.0.1:6385', auth: { type: 'noauth' }, apiVersion: '1.82' } }, undercloud: { mode: 'adopt', ironic: { url: 'http://127.0.0.2:6385', auth: { type: 'noauth' }, apiVersion: '1.82' } } });
    const kinds = d.steps.map((s) => s.kind);
    expect(kinds).toContain('seed.adopt-check');
    expect(kinds).toContain('undercloud.adopt-check');
    expect(kinds).not.toContain('seed.vm');
    expect(kinds).not.toContain('undercloud.configure');
    expect(tierSteps(d, 'undercloud').map((s) => s.kind)).toEqual(['undercloud.adopt-check', 'undercloud.backup']);
  });

  it('backs up the seed and undercloud state once each tier is done, without holding up the next', () => {
    const d = compile(labPlan('two-machine'));
    const byId = new Map(d.steps.map((s) => [s.id, s]));
    for (const tier of TIERS) {
      const backup = byId.get(`${tier}.backup`)!;
      expect(backup.tier).toBe(tier);
      // After every other step of its tier (directly or through the ones it waits for).
      const before = new Set<string>();
      const visit = (id: string) => byId.get(id)!.deps.forEach((dep) => (before.add(dep), visit(dep)));
      visit(backup.id);
      for (const s of tierSteps(d, tier)) if (s.id !== backup.id) expect(before.has(s.id), `${backup.id} after ${s.id}`).toBe(true);
      // Only the next backup waits for it: two at once would share their place.
      expect(d.steps.filter((s) => s.deps.includes(backup.id)).map((s) => s.kind)).toEqual(tier === 'overcloud' ? [] : [`${TIERS[TIERS.indexOf(tier) + 1]}.backup`]);
    }
    expect(byId.get('seed.backup')!.deps).toEqual(['seed.undercloud-vm.undercloud']);
    expect(byId.get('undercloud.backup')!.deps).toEqual(['undercloud.check-apis', 'seed.backup']);
  });

  it('is stable: the same plan gives the same step ids (the journal relies on it)', () => {
    expect(compile(labPlan('ha-lab')).steps.map((s) => s.id)).toEqual(compile(labPlan('ha-lab')).steps.map((s) => s.id));
  });

  it('marks only checks and backups as safe to skip', () => {
    const d = compile(labPlan('two-machine'));
    const skippable = d.steps.filter((s) => s.skippable).map((s) => s.kind);
    expect(skippable.sort()).toEqual(['overcloud.backup', 'overcloud.post-endpoints', 'overcloud.test-instance', 'seed.backup', 'seed.network-gates', 'undercloud.backup']);
  });
});
