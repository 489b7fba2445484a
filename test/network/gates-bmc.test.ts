// The BMC gate with the real IPMI client against real ipmi_sim BMCs on loopback
// (127.0.9.N): one answers, one refuses the credentials, one address has no BMC at all.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RealBmcClient } from '../../src/inventory/clients.js';
import { runGates, type NetworkProbe } from '../../src/network/gates.js';
import { emptyPlan } from '../../src/plan/schema.js';
import { ensurePackages } from '../lab/ensure-packages.js';
import { labSpecs, startBmcLab, type BmcLab } from '../lab/bmc-lab.js';

let lab: BmcLab;
beforeAll(async () => {
  ensurePackages();
  lab = await startBmcLab(labSpecs(2, '127.0.9', 10, { user: 'admin', password: 'lab-pw' }));
});
afterAll(async () => {
  await lab?.stop();
});

describe('BMC gate with ipmitool and ipmi_sim', () => {
  it('passes the BMC that answers and names the one refusing and the one silent', async () => {
    const plan = emptyPlan({
      nodes: [
        { name: 'node-01', bmc: { address: '127.0.9.10', user: 'admin', password: 'lab-pw' } },
        { name: 'node-02', bmc: { address: '127.0.9.11', user: 'admin', password: 'wrong-pw' } },
        { name: 'node-03', bmc: { address: '127.0.9.99', user: 'admin', password: 'lab-pw' } },
      ],
    });
    // Only the BMC gate touches the world here; DHCP and ARP answer "nothing".
    const probe: NetworkProbe = { bmc: new RealBmcClient(), dhcpOffers: async () => [], addressesInUse: async () => [] };
    const lines: string[] = [];
    const [, , bmc] = await runGates(plan, probe, { log: (l) => lines.push(l), bmcTimeoutMs: 3000 });
    expect(bmc.status).toBe('fail');
    expect(bmc.details.sort()).toEqual(['node-02: BMC 127.0.9.11 answers but refuses the credentials', 'node-03: BMC 127.0.9.99 does not answer']);
    expect(lines.some((l) => /node-01: BMC 127\.0\.9\.10 answers, power (on|off)/.test(l))).toBe(true);
    expect(lines.join('\n')).not.toContain('lab-pw');
  });
});
