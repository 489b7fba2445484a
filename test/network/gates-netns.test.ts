// The real gates against a network-namespace lab this test builds itself: a "seed" namespace
// (where the probes run) joined by a veth pair to a "lan" namespace holding a dnsmasq that
// answers DHCP (the rogue server) and an address already taken. Nothing touches this
// machine's own interfaces; everything is torn down in afterAll, processes killed by PID.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockingGates, gateFindings, runGates, acknowledgeGate } from '../../src/network/gates.js';
import { realProbe } from '../../src/network/probes.js';
import { emptyPlan, type Plan } from '../../src/plan/schema.js';
import { lanBmc, startNetnsLab, type NetnsLab } from '../lab/netns-lab.js';

let lab: NetnsLab;
let SEED: string;
const stopDnsmasq = () => lab.stopDnsmasq();

beforeAll(async () => {
  lab = await startNetnsLab(`cs-net-${process.pid}`);
  SEED = lab.seed;
});

afterAll(async () => {
  await lab?.stop();
});


function plan(seedIp = '198.51.100.7'): Plan {
  return emptyPlan({
    nodes: ['203.0.113.11', '203.0.113.12'].map((address, i) => ({ name: `node-0${i + 1}`, bmc: { address, user: 'admin', password: 'x' }, macs: [] })),
    network: {
      layout: 'flat',
      provisioning: { nic: 'prov0', cidr: '198.51.100.0/24', gateway: '198.51.100.1', seedIp, undercloudIp: '198.51.100.3', dhcpStart: '198.51.100.20', dhcpEnd: '198.51.100.39', inspectionStart: '198.51.100.60', inspectionEnd: '198.51.100.80' },
      external: { cidr: '203.0.113.0/25', vlan: 10 },
      isolated: {},
      dns: [],
      ntp: [],
    },
  });
}

const probe = () => realProbe({ netns: SEED, bmc: lanBmc, dhcpTries: 2, dhcpWaitS: 1, arpCount: 1 });

describe('network gates in a namespace lab', () => {
  it('find the rogue DHCP server, the taken address and the silent BMC', async () => {
    const results = await runGates(plan(), probe());
    const byId = Object.fromEntries(results.map((r) => [r.id, r]));
    expect(byId['gate.rogue-dhcp'].status).toBe('fail');
    expect(byId['gate.rogue-dhcp'].details.join()).toContain('198.51.100.2 answers DHCP on prov0');
    expect(byId['gate.duplicate-address'].status).toBe('fail');
    expect(byId['gate.duplicate-address'].details).toHaveLength(1);
    expect(byId['gate.duplicate-address'].details[0]).toMatch(/^198\.51\.100\.7 \(seed\) already answers on prov0 from ([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
    expect(byId['gate.duplicate-address'].where).toEqual(['network.provisioning.seedIp']);
    expect(byId['gate.bmc-unreachable'].details).toEqual(['node-02: BMC 203.0.113.12 does not answer']);
    expect(blockingGates(results).map((r) => r.id)).toEqual(['gate.rogue-dhcp', 'gate.duplicate-address', 'gate.bmc-unreachable']);
    const findings = gateFindings(results);
    expect(findings.find((f) => f.rule === 'gate.duplicate-address')).toMatchObject({ severity: 'error', where: 'network.provisioning.seedIp' });
  });

  it('acknowledged gates no longer block, and show as warnings', async () => {
    let p = plan();
    p = acknowledgeGate(acknowledgeGate(p, 'gate.rogue-dhcp'), 'gate.rogue-dhcp');
    expect(p.options.acknowledged).toEqual(['gate.rogue-dhcp']);
    const results = await runGates(p, probe());
    expect(blockingGates(results).map((r) => r.id)).not.toContain('gate.rogue-dhcp');
    expect(gateFindings(results).find((f) => f.rule === 'gate.rogue-dhcp')!.severity).toBe('warning');
  });

  it('pass once the DHCP server is gone and the addresses are free', async () => {
    await stopDnsmasq();
    const results = await runGates(plan('198.51.100.4'), probe());
    const byId = Object.fromEntries(results.map((r) => [r.id, r]));
    expect(byId['gate.rogue-dhcp'].status).toBe('pass');
    expect(byId['gate.duplicate-address']).toMatchObject({ status: 'pass' });
    expect(byId['gate.duplicate-address'].details[0]).toContain('4 address(es) checked');
  });

  it('say they could not check when the NIC does not exist', async () => {
    const p = plan();
    p.network.provisioning.nic = 'nope0';
    const results = await runGates(p, probe());
    expect(results[0]).toMatchObject({ id: 'gate.rogue-dhcp', status: 'error' });
    expect(results[1]).toMatchObject({ id: 'gate.duplicate-address', status: 'error' });
    expect(blockingGates(results).map((r) => r.id)).toContain('gate.rogue-dhcp');
  });
});
