// Planning an upgrade (pure): one release forward only, nothing else changed, and rolling
// batches that keep a majority of each role up — controllers one at a time.
import { describe, expect, it } from 'vitest';
import { batchStepId, compileUpgrade } from '../../src/deploy/compile-upgrade.js';
import { PlanSchema, type Plan, type TripleoRelease } from '../../src/plan/schema.js';
import { largestBatch, planUpgrade, UpgradeError } from '../../src/plan/upgrade.js';

function cloud(roles: Record<string, number>, release?: TripleoRelease, extra: Record<string, unknown> = {}): Plan {
  let i = 0;
  const nodes = Object.entries(roles).flatMap(([role, n]) =>
    Array.from({ length: n }, () => {
      i++;
      const name = `node-${String(i).padStart(2, '0')}`;
      return { name, bmc: { address: `127.0.9.${i}`, user: 'admin' }, macs: [`52:54:00:00:09:${i.toString(16).padStart(2, '0')}`], role };
    }),
  );
  return PlanSchema.parse({ version: 1, nodes, options: release ? { tripleoRelease: release } : {}, ...extra });
}

const upgrade = (roles: Record<string, number>, from: TripleoRelease, to: TripleoRelease, batch?: number) => planUpgrade(cloud(roles, from), cloud(roles, to), { batch });
const refusal = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (e instanceof UpgradeError) return e.message;
    throw e;
  }
  throw new Error('not refused');
};

describe('the release change', () => {
  it('goes one release forward', () => {
    const u = upgrade({ Controller: 1 }, 'victoria', 'wallaby');
    expect([u.from, u.to]).toEqual(['victoria', 'wallaby']);
  });

  it('a plan without the field runs wallaby: from ussuri that is a skip, from victoria an upgrade', () => {
    expect(planUpgrade(cloud({ Controller: 1 }, 'victoria'), cloud({ Controller: 1 })).to).toBe('wallaby');
    expect(refusal(() => planUpgrade(cloud({ Controller: 1 }, 'ussuri'), cloud({ Controller: 1 })))).toMatch(/skips victoria/);
  });

  it('refuses a downgrade, naming the field', () => {
    expect(refusal(() => upgrade({ Controller: 1 }, 'wallaby', 'victoria'))).toBe(
      'options.tripleoRelease: wallaby -> victoria is a downgrade, which TripleO cannot do; set it back to wallaby (restore a backup to go back)',
    );
  });

  it('refuses a skip-level jump, naming the releases skipped and the next one', () => {
    expect(refusal(() => upgrade({ Controller: 1 }, 'train', 'wallaby'))).toBe(
      'options.tripleoRelease: train -> wallaby skips ussuri, victoria; cloudseed upgrades one release at a time: set it to ussuri, upgrade, then to the next',
    );
  });

  it('says there is nothing to upgrade when the release is the deployed one', () => {
    expect(refusal(() => upgrade({ Controller: 1 }, 'victoria', 'victoria'))).toMatch(/^options\.tripleoRelease is victoria, as deployed: there is nothing to upgrade \(set it to wallaby/);
    expect(refusal(() => upgrade({ Controller: 1 }, 'wallaby', 'wallaby'))).toMatch(/wallaby is the newest release cloudseed knows/);
  });

  it('refuses an upgrade that also changes something else, naming it', () => {
    const deployed = cloud({ Controller: 1, Compute: 2 }, 'victoria');
    const more = cloud({ Controller: 1, Compute: 3 }, 'wallaby');
    expect(refusal(() => planUpgrade(deployed, more))).toBe('an upgrade changes options.tripleoRelease only; the answers file also changes: adding node-04 (Compute). Put those back as deployed, upgrade, then make them');
    const dns = { ...cloud({ Controller: 1, Compute: 2 }, 'wallaby') };
    dns.network = { ...dns.network, dns: ['9.9.9.9'] };
    expect(refusal(() => planUpgrade(deployed, dns))).toMatch(/the answers file also changes: the DNS server list changing \(network\.dns: \(none\) -> 9\.9\.9\.9\)/);
  });
});

describe('rolling batches', () => {
  it('controllers one at a time, first; then storage; computes last, in batches that keep a majority up', () => {
    const u = upgrade({ Compute: 7, Controller: 3, CephStorage: 3 }, 'victoria', 'wallaby');
    expect(u.batches.map((b) => `${b.role}:${b.nodes.length}`)).toEqual([
      'Controller:1', 'Controller:1', 'Controller:1',
      'CephStorage:1', 'CephStorage:1', 'CephStorage:1',
      'Compute:3', 'Compute:3', 'Compute:1',
    ]);
    expect(u.roles.find((r) => r.role === 'Controller')!.line).toBe('3 controllers one at a time: 2 of 3 stay up, quorum kept (majority 2)');
    expect(u.roles.find((r) => r.role === 'Compute')!.line).toBe('7 Computes, 3 batches of up to 3: 4 of 7 stay up (majority 4)');
  });

  it('never takes down a majority of a role: the largest batch for 1..10 servers', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map(largestBatch)).toEqual([1, 1, 1, 1, 2, 2, 3, 3, 4, 4]);
    for (let n = 3; n <= 50; n++) expect(n - largestBatch(n)).toBeGreaterThan(n / 2);
    expect(upgrade({ Controller: 1, Compute: 2 }, 'victoria', 'wallaby').roles[1].line).toBe('2 Computes, 2 batches of up to 1: 1 of 2 stay up (below a majority of 2)');
  });

  it('takes the batch size the person sets, within quorum', () => {
    const u = upgrade({ Controller: 3, Compute: 9 }, 'victoria', 'wallaby', 2);
    expect(u.batches.filter((b) => b.role === 'Compute').map((b) => b.nodes.length)).toEqual([2, 2, 2, 2, 1]);
    // Controllers stay one at a time whatever the batch size.
    expect(u.batches.filter((b) => b.role === 'Controller').every((b) => b.nodes.length === 1)).toBe(true);
  });

  it('refuses a batch size that would take down a majority, saying the largest that does not', () => {
    expect(refusal(() => upgrade({ Controller: 3, Compute: 9 }, 'victoria', 'wallaby', 5))).toBe('--batch 5: with 9 Compute servers at most 4 may be upgraded at once so that a majority (5) stays up');
  });

  it('by default a batch is no larger than the plan\'s concurrency', () => {
    const roles = { Controller: 3, Compute: 100 };
    const u = planUpgrade(cloud(roles, 'victoria'), cloud(roles, 'wallaby', { options: { tripleoRelease: 'wallaby', concurrency: 10 } }));
    expect(new Set(u.batches.filter((b) => b.role === 'Compute').map((b) => b.nodes.length))).toEqual(new Set([10]));
  });

  it('an all-in-one controller is a controller; a lone controller says the APIs are down meanwhile', () => {
    const u = planUpgrade(cloud({ Controller: 1 }, 'victoria', { roles: { allInOne: true } }), cloud({ Controller: 1 }, 'wallaby', { roles: { allInOne: true } }));
    expect(u.batches).toEqual([{ role: 'Controller+Compute', index: 1, nodes: ['node-01'] }]);
    expect(u.lines.join('\n')).toMatch(/node-01, the only controller: the APIs are down while it is upgraded/);
  });

  it('two controllers: one at a time, and it says a majority is not kept', () => {
    expect(upgrade({ Controller: 2 }, 'victoria', 'wallaby').roles[0].line).toMatch(/1 of 2 up, below a majority \(2\): APIs may pause/);
  });
});

describe('the upgrade as steps', () => {
  it('a backup first, then seed, undercloud, prepare, each batch after the one before, converge', () => {
    const d = compileUpgrade(upgrade({ Controller: 3, Compute: 4 }, 'victoria', 'wallaby'));
    expect(d.steps.map((s) => [s.id, s.tier, s.deps])).toEqual([
      ['seed.backup-upgrade', 'seed', []],
      ['seed.upgrade', 'seed', ['seed.backup-upgrade']],
      ['undercloud.upgrade', 'undercloud', ['seed.upgrade']],
      ['overcloud.upgrade-prepare', 'overcloud', ['undercloud.upgrade']],
      ['overcloud.upgrade-run.controller.1', 'overcloud', ['overcloud.upgrade-prepare']],
      ['overcloud.upgrade-run.controller.2', 'overcloud', ['overcloud.upgrade-run.controller.1']],
      ['overcloud.upgrade-run.controller.3', 'overcloud', ['overcloud.upgrade-run.controller.2']],
      ['overcloud.upgrade-run.compute.1', 'overcloud', ['overcloud.upgrade-run.controller.3']],
      ['overcloud.upgrade-run.compute.2', 'overcloud', ['overcloud.upgrade-run.compute.1']],
      ['overcloud.upgrade-run.compute.3', 'overcloud', ['overcloud.upgrade-run.compute.2']],
      ['overcloud.upgrade-run.compute.4', 'overcloud', ['overcloud.upgrade-run.compute.3']],
      ['overcloud.upgrade-converge', 'overcloud', ['overcloud.upgrade-run.compute.4']],
    ]);
    expect(d.steps.find((s) => s.id === 'overcloud.upgrade-run.controller.2')!.nodes).toEqual(['node-02']);
    expect(batchStepId('Controller+Compute', 1)).toBe('overcloud.upgrade-run.controller-compute.1');
  });
});
