// The real driver against real peers: two standalone Ironics (seed's and undercloud's) and
// ipmi_sim BMCs on loopback, started once for this file. Servers really go enroll →
// manageable → available → active, and their BMCs really get power on + PXE boot.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IpmitoolClient } from '../../../src/inventory/ipmi.js';
import { startIronicLab, type IronicLab } from '../../lab/ironic-lab.js';
import { deploy, ironicNodes, planFor, statesOf } from './lab-helpers.js';

let lab: IronicLab;

beforeAll(async () => {
  // BMC 3 has another password than the plan will say (fixed later in the test).
  lab = await startIronicLab({ servers: 4, bmcOverrides: { 3: { password: 'other-secret' } } });
});

afterAll(async () => {
  await lab?.stop();
});

describe('real driver, local Ironic lab', () => {
  it('deploys servers to active through the undercloud Ironic; the BMCs power on and boot from PXE', async () => {
    const ipmi = new IpmitoolClient();
    const target = (i: number) => ({ type: 'ipmi' as const, address: lab.bmcs.bmcs[i].address, user: 'admin', password: 'password' });
    expect(await ipmi.powerStatus(target(0))).toBe('off');

    const plan = planFor(lab, [0, 1, 2]);
    const run = await deploy(plan);
    expect(run.failures).toEqual([]);
    expect(run.state).toBe('done');

    for (const name of ['node-01', 'node-02', 'node-03']) {
      const seen = statesOf(run.events, name);
      for (const s of ['enroll', 'manageable', 'available', 'active']) expect(seen).toContain(s);
      expect(seen.indexOf('manageable')).toBeLessThan(seen.indexOf('available'));
      expect(seen.at(-1)).toBe('active');
    }
    const nodes = await ironicNodes(lab.undercloud.url);
    expect(nodes.map((n) => [n.name, n.provision_state]).sort()).toEqual([
      ['node-01', 'active'],
      ['node-02', 'active'],
      ['node-03', 'active'],
    ]);
    for (const i of [0, 1, 2]) {
      expect(await ipmi.powerStatus(target(i))).toBe('on');
      expect(await ipmi.bootDevice(target(i))).toBe('pxe');
    }
  }, 120_000);
});
