// Replacing a server with the real driver: a standalone Ironic (the undercloud's) and ipmi_sim
// BMCs on loopback. The old server is really put in maintenance, torn down (its BMC powered
// off) and deleted from Ironic; the spare is really enrolled and deployed to active.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRealDriver } from '../../../src/deploy/drivers/real/index.js';
import { prepareReplacement } from '../../../src/deploy/replace.js';
import { startDeploy } from '../../../src/deploy/session.js';
import type { DeployEvent } from '../../../src/deploy/types.js';
import { IpmitoolClient } from '../../../src/inventory/ipmi.js';
import { readDeployed } from '../../../src/store/deployed.js';
import { startIronicLab, type IronicLab } from '../../lab/ironic-lab.js';
import { labNet } from '../../lab/test-net.js';
import { deploy, ironicNodes, planFor, statesOf } from './lab-helpers.js';

let lab: IronicLab;

beforeAll(async () => {
  lab = await startIronicLab({ servers: 3, seedPort: 0, undercloudPort: 0, bmcNet: labNet(73) });
});

afterAll(async () => {
  await lab?.stop();
});

describe('real driver: replacing a failed compute', () => {
  it('node-02 is maintenance, undeployed and deleted in Ironic; spare node-03 is deployed as Compute', async () => {
    // node-01 Controller, node-02 Compute, node-03 a spare without a role.
    const full = planFor(lab, [0, 1, 2]);
    const plan = { ...full, nodes: full.nodes.map((n) => (n.name === 'node-03' ? { ...n, role: undefined, roleSource: undefined } : n)) };
    const first = await deploy(plan);
    expect(first.failures).toEqual([]);
    expect(first.state).toBe('done');

    const { replacement, deployment, deployed } = prepareReplacement(plan, first.stateDir, 'node-02', { reason: 'PSU failed' });
    expect(replacement.spare.name).toBe('node-03');
    const events: DeployEvent[] = [];
    const session = await startDeploy({
      plan: replacement.plan,
      deployment,
      deployed,
      stateDir: first.stateDir,
      onFailure: 'abort',
      driver: createRealDriver({ yes: true, stateDir: first.stateDir, pollMaxMs: 500 }),
      sinks: [(e) => void events.push(e)],
    });
    const state = await session.result;
    expect(events.flatMap((e) => (e.type === 'step-failed' ? [e.error.message] : []))).toEqual([]);
    expect(state).toBe('done');

    expect(statesOf(events, 'node-02')).toEqual(expect.arrayContaining(['active', 'deleting']));
    const logs = events.flatMap((e) => (e.type === 'log' && e.node === 'node-02' ? [e.line] : []));
    expect(logs.some((l) => /^node-02: maintenance on \(failed since \d{4}-\d{2}-\d{2}: PSU failed \(cloudseed replace\)\)$/.test(l))).toBe(true);
    expect(logs).toContain(`node-02: deleted from Ironic at ${lab.undercloud.url}`);
    for (const s of ['enroll', 'manageable', 'available', 'active']) expect(statesOf(events, 'node-03')).toContain(s);

    // Ironic itself: node-02 gone, node-03 active; node-02's BMC was powered off by the tear down.
    const nodes = await ironicNodes(lab.undercloud.url);
    expect(nodes.map((n) => [n.name, n.provision_state]).sort()).toEqual([
      ['node-01', 'active'],
      ['node-03', 'active'],
    ]);
    expect(await new IpmitoolClient().powerStatus({ type: 'ipmi', address: lab.bmcs.bmcs[1].address, user: 'admin', password: 'password' })).toBe('off');

    const record = readDeployed(first.stateDir);
    if (!('record' in record)) throw new Error(record.missing);
    expect(record.record.plan.nodes.find((n) => n.name === 'node-03')?.role).toBe('Compute');
    expect(record.record.plan.nodes.find((n) => n.name === 'node-02')?.outOfService).toMatchObject({ state: 'failed', reason: 'PSU failed', role: 'Compute' });
  }, 240_000);
});
