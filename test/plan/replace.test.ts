import { describe, expect, it } from 'vitest';
import { autoAssign } from '../../src/roles/assign.js';
import { diffLines, diffPlans } from '../../src/plan/diff.js';
import { controllerQuorum, planReplacement } from '../../src/plan/replace.js';
import type { Node, Plan, RoleName } from '../../src/plan/schema.js';
import { planOf, server } from '../roles/fixtures.js';

const as = (role: RoleName | undefined, n: Node): Node => ({ ...n, role, roleSource: 'manual', discovered: { vt: true } });

/** Three controllers, two computes, and spares: a big one, a small one (too small for any role), a mid one. */
function cloud(extra: Node[] = []): Plan {
  return planOf([
    as('Undercloud', server('node-01', 32, 8, 200)),
    as('Controller', server('node-02', 64, 16, 500)),
    as('Controller', server('node-03', 64, 16, 500)),
    as('Controller', server('node-04', 64, 16, 500)),
    as('Compute', server('node-05', 256, 48, 1000)),
    as('Compute', server('node-06', 256, 48, 1000)),
    as(undefined, server('node-07', 512, 64, 2000)),
    as(undefined, server('node-08', 4, 2, 40)),
    as(undefined, server('node-09', 48, 16, 500)),
    ...extra,
  ], { roles: { undercloud: { placement: 'server', node: 'node-01', source: 'manual' }, targets: {}, allInOne: false } });
}

describe('planning the replacement of a failed server', () => {
  it('a failed controller: the smallest spare that fits takes its role, and quorum is kept (2 of 3)', () => {
    const r = planReplacement(cloud(), 'node-03');
    expect(r.spare).toEqual({ name: 'node-09', why: 'the smallest unused server that fits Controller (48 GiB, 16 CPUs, 500 GiB disk)' });
    expect(r.quorum?.line).toBe('the control plane keeps quorum: 2 of 3 controllers stay up while node-03 is replaced, one at a time (a majority is 2)');
    expect(r.steps).toEqual([
      "put node-03 in maintenance in the undercloud's Ironic",
      "remove node-03 from the controllers' cluster (pacemaker, galera, rabbitmq)",
      'undeploy node-03 and delete it from Ironic',
      'enrol, inspect and deploy node-09 as Controller',
      'configure controller services with node-09 in place of node-03',
    ]);
    // The edited plan is the change plan and add would describe.
    expect(diffLines(diffPlans(cloud(), r.plan))).toEqual([
      '1 server will be enrolled and deployed as Controller (node-09)',
      'node-03 (Controller) will be undeployed and removed from Ironic',
    ]);
    // The old server stays out of service when roles are auto-assigned again.
    expect(autoAssign(r.plan).plan.nodes.find((n) => n.name === 'node-03')?.role).toBeUndefined();
  });

  it('a retired compute is live-migrated, a failed one evacuated; no quorum is said for computes', () => {
    expect(planReplacement(cloud(), 'node-05', { reason: 'retired' }).steps[1]).toBe("live-migrate node-05's instances to the other computes");
    const failed = planReplacement(cloud(), 'node-05');
    expect(failed.steps[1]).toBe("evacuate node-05's instances to the other computes");
    expect(failed.quorum).toBeUndefined();
  });

  it('a spare chosen by hand must fit the role, and be a spare', () => {
    expect(planReplacement(cloud(), 'node-02', { spare: 'node-07' }).spare).toEqual({ name: 'node-07', why: 'chosen by you (512 GiB, 64 CPUs, 2000 GiB disk)' });
    expect(() => planReplacement(cloud(), 'node-02', { spare: 'node-08' })).toThrow('node-08 cannot be Controller: 2 CPUs < 4, 4 GiB RAM < 8 GiB, 40 GiB disk < 60 GiB');
    expect(() => planReplacement(cloud(), 'node-02', { spare: 'node-05' })).toThrow('node-05 is not a spare: it is already Compute');
    expect(() => planReplacement(cloud(), 'node-02', { spare: 'node-99' })).toThrow('there is no server node-99 in the plan');
  });

  it('skips spares whose BMC fails or whose architecture differs, and names why none fits', () => {
    const base = cloud();
    const plan: Plan = {
      ...base,
      nodes: base.nodes.map((n) =>
        n.name === 'node-07' ? { ...n, discovered: { ...n.discovered, bmcStatus: 'unreachable' as const } } : n.name === 'node-09' ? { ...n, arch: 'aarch64' as const } : n,
      ),
    };
    expect(() => planReplacement(plan, 'node-02')).toThrow(
      'no spare can be Controller: node-07 (its BMC does not answer); node-08 (2 CPUs < 4, 4 GiB RAM < 8 GiB, 40 GiB disk < 60 GiB); node-09 (aarch64, not x86_64 like node-02); add a server (cloudseed add) and plan the replacement again',
    );
  });

  it('a compute needs VT: a spare without it is not picked', () => {
    const noVt = { ...server('node-10', 24, 8, 200), discovered: { vt: false } };
    const base = cloud([noVt]);
    const plan = { ...base, nodes: base.nodes.filter((n) => !['node-07', 'node-09'].includes(n.name)) };
    expect(() => planReplacement(plan, 'node-06')).toThrow('node-10 (no hardware virtualization (VT-x/AMD-V))');
  });

  it('refuses the undercloud, unknown servers and servers without a role', () => {
    expect(() => planReplacement(cloud(), 'node-01')).toThrow('node-01 is the undercloud: rebuild it from a backup (cloudseed restore)');
    expect(() => planReplacement(cloud(), 'node-42')).toThrow('there is no server node-42 in the deployed cloud');
    expect(() => planReplacement(cloud(), 'node-07')).toThrow('node-07 has no role in the deployed cloud');
  });

  it('says what happens to quorum with one, two or five controllers', () => {
    expect(controllerQuorum(1, 'c1').line).toBe("c1 is the only controller: the cloud's APIs are down until the spare is deployed");
    expect(controllerQuorum(2, 'c1')).toMatchObject({ up: 1, majority: 2, keeps: false });
    expect(controllerQuorum(2, 'c1').line).toContain('the control plane has lost quorum: 1 of 2 controllers up');
    expect(controllerQuorum(5, 'c1')).toMatchObject({ up: 4, majority: 3, keeps: true });
  });
});
