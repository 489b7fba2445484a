import { describe, expect, it } from 'vitest';
import { deployedLines } from '../../src/deploy/summary.js';
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
