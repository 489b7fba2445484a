import { statSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { deployedPath, readDeployed } from '../../src/store/deployed.js';
import { runCaptured } from '../cli/capture.js';
import { labPlan, stateDir } from '../deploy/helpers.js';

describe('the deployed cloud recorded in the state dir', () => {
  it('is recorded only when a deployment finishes, with the plan it deployed (mode 0600)', async () => {
    const dir = stateDir();
    const failed = await runCaptured(['deploy', '--lab', 'ha-lab', '--yes', '--speed', 'max', '--faults', 'deploy-fail:node-03:2', '--state-dir', dir]);
    expect(failed.code).toBe(1);
    expect(readDeployed(dir)).toEqual({ missing: `no deployed cloud is recorded in ${dir} (a deployment records it when it finishes)` });
    const resumed = await runCaptured(['deploy', '--lab', 'ha-lab', '--yes', '--speed', 'max', '--state-dir', dir]);
    expect(resumed.code).toBe(0);
    const got = readDeployed(dir);
    expect('record' in got && got.record.plan.nodes.map((n) => [n.name, n.role])).toEqual(labPlan('ha-lab').nodes.map((n) => [n.name, n.role]));
    expect(statSync(deployedPath(dir)).mode & 0o777).toBe(0o600);
  });

  it('a damaged record is reported, not thrown', () => {
    const dir = stateDir();
    writeFileSync(deployedPath(dir), '{"plan": {"version": 9}}');
    expect(readDeployed(dir)).toEqual({ missing: `${deployedPath(dir)} does not hold a deployed plan this version of cloudseed reads` });
  });
});
