import { describe, expect, it } from 'vitest';
import { deployedLines, runSpans } from '../../src/deploy/summary.js';
import { labPlan } from './helpers.js';

describe('deployedLines', () => {
  it('names what gets deployed, the overcloud roles in deployment order', () => {
    expect(deployedLines(labPlan('ha-lab'))).toEqual(['seed: VM on seed-host', 'undercloud: server node-01', 'overcloud "overcloud": 1 controller, 2 computes']);
    // A storage server listed after the computes still comes before them, as it is deployed.
    const plan = labPlan('ha-lab');
    const lastCompute = plan.nodes.findLast((n) => n.role === 'Compute')!;
    const withStorage = { ...plan, nodes: plan.nodes.map((n) => (n === lastCompute ? { ...n, role: 'BlockStorage' as const } : n)) };
    expect(deployedLines(withStorage).at(-1)).toBe('overcloud "overcloud": 1 controller, 1 blockstorage, 1 compute');
    expect(deployedLines(labPlan('two-machine')).at(-1)).toBe('overcloud "overcloud": 1 controller+compute');
  });
});

describe('working time after a resume', () => {
  it('counts each run from its start to its last record, not the pause between runs', () => {
    const spans = runSpans([
      { t: 'run', at: 0, pid: 1, plan: 'p', steps: 2 },
      { t: 'step', at: 10_000, id: 'a', state: 'done', attempt: 1 },
      // killed here; resumed an hour later
      { t: 'run', at: 3_600_000, pid: 2, plan: 'p', steps: 2 },
      { t: 'step', at: 3_620_000, id: 'b', state: 'done', attempt: 1 },
      { t: 'end', at: 3_621_000, state: 'done' },
    ]);
    expect(spans).toEqual([
      { from: 0, to: 10_000 },
      { from: 3_600_000, to: 3_621_000 },
    ]);
    expect(spans.reduce((a, s) => a + s.to - s.from, 0)).toBe(31_000);
  });
});
