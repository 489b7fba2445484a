import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJournal } from '../../src/deploy/journal.js';
import { deployedLines, deploySummary } from '../../src/deploy/summary.js';
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

describe('deploySummary', () => {
  it('after a resume, tier times count the work, not the hours between the runs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cs-summary-'));
    try {
      mkdirSync(join(dir, 'deploy'));
      const records = [
        { t: 'run', at: 0, pid: 1, plan: 'overcloud', steps: 2 },
        { t: 'step', at: 0, id: 'seed.vm', state: 'running', tier: 'seed' },
        { t: 'step', at: 11_000, id: 'seed.vm', state: 'done', tier: 'seed' },
        { t: 'end', at: 12_000, state: 'interrupted' },
        // resumed two and a half minutes later
        { t: 'run', at: 150_000, pid: 2, plan: 'overcloud', steps: 2 },
        { t: 'step', at: 150_000, id: 'undercloud.install', state: 'running', tier: 'undercloud' },
        { t: 'step', at: 190_000, id: 'undercloud.install', state: 'done', tier: 'undercloud' },
        { t: 'end', at: 190_000, state: 'done' },
      ];
      writeFileSync(join(dir, 'deploy', 'journal.jsonl'), records.map((r) => JSON.stringify(r)).join('\n') + '\n');
      const s = deploySummary(labPlan('two-machine'), undefined, dir, readJournal(dir));
      expect(s.tierMs).toEqual([
        { tier: 'seed', ms: 11_000 },
        { tier: 'undercloud', ms: 40_000 },
        { tier: 'overcloud', ms: 0 },
      ]);
      expect(s.totalMs).toBe(51_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
