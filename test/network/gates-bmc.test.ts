// The BMC gate with the real IPMI client against real ipmi_sim BMCs on loopback
// (a loopback /24 of this run's own): one answers, one refuses the credentials, one address has no BMC at all.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RealBmcClient } from '../../src/inventory/clients.js';
import { runGates, type NetworkProbe } from '../../src/network/gates.js';
import { emptyPlan } from '../../src/plan/schema.js';
import { labNet } from '../lab/test-net.js';
import { labSpecs, startBmcLab, type BmcLab } from '../lab/bmc-lab.js';

const NET = labNet(9);

let lab: BmcLab;
beforeAll(async () => {
  lab = await startBmcLab(labSpecs(2, NET, 10, { user: 'admin', password: 'lab-pw' }));
});
afterAll(async () => {
  await lab?.stop();
});

describe('BMC gate with ipmitool and ipmi_sim', () => {
  it('passes the BMC that answers and names the one refusing and the one silent', async () => {
    const plan = emptyPlan({
      nodes: [
        { name: 'node-01', bmc: { address: `${NET}.10`, user: 'admin', password: 'lab-pw' } },
        { name: 'node-02', bmc: { address: `${NET}.11`, user: 'admin', password: 'wrong-pw' } },
        { name: 'node-03', bmc: { address: `${NET}.99`, user: 'admin', password: 'lab-pw' } },
      ],
    });
    // Only the BMC gate touches the world here; DHCP and ARP answer "nothing".
    const probe: NetworkProbe = { bmc: new RealBmcClient(), dhcpOffers: async () => [], addressesInUse: async () => [] };
    const lines: string[] = [];
    const [, , bmc] = await runGates(plan, probe, { log: (l) => lines.push(l), bmcTimeoutMs: 3000 });
    expect(bmc.status).toBe('fail');
    expect(bmc.details.sort()).toEqual([`node-02: BMC ${NET}.11 answers but refuses the credentials`, `node-03: BMC ${NET}.99 does not answer`]);
    expect(lines.some((l) => new RegExp(`node-01: BMC ${NET}\\.10 answers, power (on|off)`).test(l))).toBe(true);
    expect(lines.join('\n')).not.toContain('lab-pw');
  });
});
