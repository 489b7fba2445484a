import { describe, expect, it } from 'vitest';
import { autoAssign, defaultTargets, roleCounts, setRoles, undercloudAsVm } from '../../src/roles/assign.js';
import { validateRoles } from '../../src/roles/validate.js';
import { labPlan, planOf, server } from './fixtures.js';

const roleOf = (plan: ReturnType<typeof autoAssign>['plan']) => Object.fromEntries(plan.nodes.map((n) => [n.name, n.role ?? '-']));
const rules = (plan: ReturnType<typeof autoAssign>['plan']) => validateRoles(plan).map((f) => `${f.severity} ${f.rule}`);

describe('auto-assignment', () => {
  it('two-machine: undercloud as a VM, the one server all-in-one, no findings', () => {
    const a = autoAssign(labPlan('two-machine'));
    expect(a.undercloud.placement).toBe('vm');
    expect(a.plan.roles.allInOne).toBe(true);
    expect(roleOf(a.plan)).toEqual({ 'node-01': 'Controller' });
    expect(a.why.join('\n')).toContain('all-in-one');
    expect(rules(a.plan)).toEqual([]);
  });

  it('ha-lab: undercloud on the smallest server, 3 controllers, large servers left for Compute', () => {
    const a = autoAssign(labPlan('ha-lab'));
    expect(a.plan.roles.undercloud).toEqual({ placement: 'server', node: 'node-01' });
    expect(roleOf(a.plan)).toEqual({
      'node-01': 'Undercloud',
      'node-02': 'Controller',
      'node-03': 'Controller',
      'node-04': 'Controller',
      'node-05': 'Compute',
      'node-06': 'Compute',
    });
    expect(a.why.join('\n')).toContain('3 controllers for high availability: 5 overcloud servers allow it');
    expect(a.choices[1].reason).toBe('node-02 \u2192 Controller: 64 GiB \u2265 8 GiB, smallest of 5 that fit');
    expect(rules(a.plan)).toEqual([]);
  });

  it('a 1,000-server datacenter: one undercloud, 3 controllers, 996 computes, all valid', () => {
    const a = autoAssign(labPlan('datacenter'));
    const counts = roleCounts(a.plan);
    expect(counts).toMatchObject({ Undercloud: 1, Controller: 3, Compute: 996, unused: 0 });
    // The controllers are among the smallest servers (64 GiB), the undercloud the very smallest.
    const controllers = a.plan.nodes.filter((n) => n.role === 'Controller');
    expect(controllers.every((n) => n.discovered?.memoryMiB === 65536)).toBe(true);
    expect(rules(a.plan)).toEqual([]);
  });

  it('is deterministic: the same plan gives the same assignment', () => {
    const p = labPlan('ha-lab');
    expect(autoAssign(p).plan).toEqual(autoAssign(p).plan);
  });

  it('mixed and undersized hardware: the small server is left out and said so', () => {
    const plan = planOf([
      server('node-1', 4, 2, 40), // below every floor
      server('node-2', 16, 8, 100),
      server('node-3', 32, 8, 200),
      server('node-4', 96, 16, 500),
      server('node-5', 256, 32, 900),
    ]);
    const a = autoAssign(plan);
    expect(roleOf(a.plan)).toEqual({ 'node-1': '-', 'node-2': 'Undercloud', 'node-3': 'Controller', 'node-4': 'Compute', 'node-5': 'Compute' });
    expect(a.choices[0].reason).toContain('below the Compute floor (2 CPUs < 4, 4 GiB RAM < 8 GiB, 40 GiB disk < 60 GiB)');
    expect(rules(a.plan)).toEqual([]);
  });

  it('servers without VT do not become computes', () => {
    const noVt = (name: string) => server(name, 64, 16, 500, { discovered: { vt: false } });
    const a = autoAssign(planOf([noVt('node-1'), noVt('node-2')]));
    expect(roleOf(a.plan)).toEqual({ 'node-1': 'Controller', 'node-2': '-' });
    expect(rules(a.plan)).toContain('error roles.no-compute');
  });

  it('two servers: undercloud stays a VM, 1 controller and 1 compute', () => {
    const a = autoAssign(planOf([server('node-1', 64, 16, 500), server('node-2', 64, 16, 500)]));
    expect(a.undercloud.placement).toBe('vm');
    expect(roleOf(a.plan)).toEqual({ 'node-1': 'Controller', 'node-2': 'Compute' });
  });

  it('explicit targets: storage roles filled, compute capped, spares said so', () => {
    const nodes = Array.from({ length: 10 }, (_, i) => server(`node-${i + 1}`, 32 + i * 8, 16, 500));
    const a = autoAssign(planOf(nodes, { roles: { targets: { Controller: 1, CephStorage: 3, Compute: 2 } } }));
    const c = roleCounts(a.plan);
    expect(c).toMatchObject({ Undercloud: 1, Controller: 1, CephStorage: 3, Compute: 2, unused: 3 });
    expect(a.choices.find((ch) => !ch.role)?.reason).toContain('spare (Compute target of 2 reached)');
  });

  it('manual roles survive a re-run; reset forgets them', () => {
    const first = autoAssign(labPlan('ha-lab')).plan;
    const edited = setRoles(first, new Set(['node-06']), 'Controller');
    const again = autoAssign(edited);
    expect(again.plan.nodes.find((n) => n.name === 'node-06')).toMatchObject({ role: 'Controller', roleSource: 'manual' });
    expect(roleCounts(again.plan).Controller).toBe(3);
    expect(again.choices[5].reason).toBe('node-06 \u2192 Controller: chosen by you');
    const reset = autoAssign(again.plan, { reset: true });
    expect(reset.plan.nodes.find((n) => n.name === 'node-06')).toMatchObject({ role: 'Compute', roleSource: 'auto' });
  });

  it('a manual undercloud placement is kept', () => {
    const first = autoAssign(labPlan('ha-lab')).plan;
    const onSix = autoAssign(setRoles(first, new Set(['node-06']), 'Undercloud')).plan;
    expect(onSix.roles.undercloud).toEqual({ placement: 'server', node: 'node-06', source: 'manual' });
    expect(onSix.nodes.filter((n) => n.role === 'Undercloud').map((n) => n.name)).toEqual(['node-06']);
    const vm = autoAssign(undercloudAsVm(onSix)).plan;
    expect(vm.roles.undercloud).toEqual({ placement: 'vm', source: 'manual' });
    expect(roleCounts(vm).Undercloud).toBe(0);
    expect(roleCounts(vm).Controller).toBe(3);
  });

  it('a manual undercloud placement whose server was removed falls back to auto', () => {
    const onSix = autoAssign(setRoles(autoAssign(labPlan('ha-lab')).plan, new Set(['node-06']), 'Undercloud')).plan;
    const removed = { ...onSix, nodes: onSix.nodes.filter((n) => n.name !== 'node-06') };
    const a = autoAssign(removed);
    // node-01 gave way to node-06 by hand (kept out); the smallest of the rest takes over.
    expect(a.plan.roles.undercloud).toEqual({ placement: 'server', node: 'node-02' });
    expect(roleOf(a.plan)['node-01']).toBe('-');
    expect(validateRoles(a.plan)).toEqual([]);
  });

  it('servers of unknown size (a BMC scan) are placed by name, assumed to fit, with one warning', () => {
    const scanned = Array.from({ length: 6 }, (_, i) => {
      const n = server(`node-0${i + 1}`, 1, 1, 1, { source: 'scan' });
      delete n.memoryMiB;
      delete n.cpu;
      delete n.diskGiB;
      return n;
    });
    const a = autoAssign(planOf(scanned));
    expect(Object.values(roleOf(a.plan))).toEqual(['Undercloud', 'Controller', 'Controller', 'Controller', 'Compute', 'Compute']);
    expect(a.choices[1].reason).toContain('size unknown, assumed to fit');
    expect(rules(a.plan)).toEqual(['warning roles.size-unknown']);
  });

  it('servers of unknown size come after known ones', () => {
    const blind = server('node-9', 1, 1, 1);
    delete blind.memoryMiB;
    delete blind.cpu;
    delete blind.diskGiB;
    const a = autoAssign(planOf([server('node-1', 64, 16, 500), blind]));
    expect(roleOf(a.plan)).toEqual({ 'node-1': 'Controller', 'node-9': 'Compute' });
    expect(a.choices[1].reason).toContain('size unknown');
    expect(rules(a.plan)).toEqual(['warning roles.size-unknown']);
  });

  it('a server whose BMC does not answer is left out until it does', () => {
    const p = labPlan('ha-lab');
    p.nodes[4] = { ...p.nodes[4], discovered: { ...p.nodes[4].discovered, bmcStatus: 'unreachable' } };
    const a = autoAssign(p);
    expect(roleOf(a.plan)['node-05']).toBe('-');
    expect(a.choices[4].reason).toBe('node-05 not used: its BMC does not answer -- fix it on Servers (check BMCs), then auto-assign');
    expect(roleCounts(a.plan)).toMatchObject({ Undercloud: 1, Controller: 3, Compute: 1 });
  });

  it('default targets', () => {
    expect(defaultTargets(1)).toMatchObject({ Controller: 1, Compute: 0 });
    expect(defaultTargets(3)).toMatchObject({ Controller: 1, Compute: 2 });
    expect(defaultTargets(4)).toMatchObject({ Controller: 3, Compute: 1 });
    expect(defaultTargets(15)).toMatchObject({ Controller: 3, Compute: 12 });
  });
});

describe('validateRoles', () => {
  const base = () => autoAssign(labPlan('ha-lab')).plan;

  it('two controllers: no quorum', () => {
    const p = setRoles(base(), new Set(['node-04']), 'Compute');
    expect(validateRoles(p).find((f) => f.rule === 'roles.controller-quorum')?.message).toContain('2 controllers cannot keep quorum');
  });

  it('a server below its role floor names the server and the shortfall', () => {
    const p = base();
    p.nodes[1] = { ...p.nodes[1], discovered: { ...p.nodes[1].discovered, memoryMiB: 4096 } };
    const f = validateRoles(p).find((x) => x.rule === 'roles.below-floor');
    expect(f).toMatchObject({ severity: 'error', where: 'nodes[1].role', screen: 'roles' });
    expect(f?.message).toBe('node-02 is a Controller but has 4 GiB RAM < 8 GiB');
  });

  it('not enough servers for the targets', () => {
    const p = base();
    p.roles.targets = { Controller: 3, Compute: 10 };
    expect(validateRoles(p).find((f) => f.rule === 'roles.not-enough-servers')?.message).toBe(
      'the targets ask for 13 servers (3 Controller, 10 Compute) but only 5 are left for the overcloud',
    );
  });

  it('no compute, no controller', () => {
    const p = setRoles(base(), new Set(['node-05', 'node-06']), undefined);
    expect(validateRoles(p).map((f) => f.rule)).toContain('roles.no-compute');
    const q = setRoles(base(), new Set(['node-02', 'node-03', 'node-04']), 'Compute');
    expect(validateRoles(q).map((f) => f.rule)).toContain('roles.no-controller');
  });

  it('an even controller target', () => {
    const p = base();
    p.roles.targets = { Controller: 2 };
    expect(validateRoles(p).some((f) => f.where === 'roles.targets.Controller')).toBe(true);
  });

  it('undercloud placed on a server that is not one', () => {
    const p = base();
    p.roles.undercloud = { placement: 'server', node: 'node-99' };
    expect(validateRoles(p).find((f) => f.rule === 'roles.undercloud-node')?.where).toBe('roles.undercloud.node');
  });

  it('an empty plan has no role findings (discovery reports the missing servers)', () => {
    expect(validateRoles(planOf([]))).toEqual([]);
  });
});
