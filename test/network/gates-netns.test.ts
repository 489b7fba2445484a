// The real gates against a network-namespace lab this test builds itself: a "seed" namespace
// (where the probes run) joined by a veth pair to a "lan" namespace holding a dnsmasq that
// answers DHCP (the rogue server) and an address already taken. Nothing touches this
// machine's own interfaces; everything is torn down in afterAll, processes killed by PID.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa, type ResultPromise } from 'execa';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BmcError, type BmcClient } from '../../src/inventory/bmc.js';
import { blockingGates, gateFindings, runGates, acknowledgeGate } from '../../src/network/gates.js';
import { realProbe } from '../../src/network/probes.js';
import { emptyPlan, type Plan } from '../../src/plan/schema.js';

const tag = `cs-net-${process.pid}`;
const SEED = `${tag}-seed`;
const LAN = `${tag}-lan`;
const dir = mkdtempSync(join(tmpdir(), `${tag}-`));
let dnsmasq: ResultPromise | undefined;

const ip = (...args: string[]) => execa('ip', args);

async function startDnsmasq(): Promise<void> {
  dnsmasq = execa(
    'ip',
    ['netns', 'exec', LAN, 'dnsmasq', '--keep-in-foreground', '--conf-file=/dev/null', '--interface=lan0', '--bind-interfaces', '--port=0', '--no-ping', '--no-resolv', '--no-hosts', '--pid-file=', `--dhcp-leasefile=${join(dir, 'leases')}`, '--dhcp-range=198.51.100.100,198.51.100.150,1h', `--log-facility=${join(dir, 'dnsmasq.log')}`],
    { reject: false },
  );
  // Ready once it listens on the DHCP port in its namespace.
  for (let i = 0; i < 50; i++) {
    const r = await execa('ip', ['netns', 'exec', LAN, 'ss', '-uln', 'sport = :67'], { reject: false });
    if (/:67\b/.test(r.stdout)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('dnsmasq did not start in the namespace lab');
}

async function stopDnsmasq(): Promise<void> {
  const p = dnsmasq;
  dnsmasq = undefined;
  if (p?.pid) {
    // `ip netns exec` execs dnsmasq in place: the PID is dnsmasq's own.
    try {
      process.kill(p.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
    await p;
  }
}

beforeAll(async () => {
  await ip('netns', 'add', SEED);
  await ip('netns', 'add', LAN);
  await ip('link', 'add', `csa${process.pid}`, 'netns', SEED, 'type', 'veth', 'peer', 'name', `csb${process.pid}`, 'netns', LAN);
  await ip('-n', SEED, 'link', 'set', `csa${process.pid}`, 'name', 'prov0');
  await ip('-n', LAN, 'link', 'set', `csb${process.pid}`, 'name', 'lan0');
  for (const [ns, nic] of [[SEED, 'prov0'], [LAN, 'lan0']]) {
    await ip('-n', ns, 'link', 'set', 'lo', 'up');
    await ip('-n', ns, 'link', 'set', nic, 'up');
  }
  await ip('-n', LAN, 'addr', 'add', '198.51.100.2/24', 'dev', 'lan0');
  // Someone already uses the address the plan gives the seed.
  await ip('-n', LAN, 'addr', 'add', '198.51.100.7/24', 'dev', 'lan0');
  await startDnsmasq();
});

afterAll(async () => {
  await stopDnsmasq();
  await execa('ip', ['netns', 'del', SEED], { reject: false });
  await execa('ip', ['netns', 'del', LAN], { reject: false });
  rmSync(dir, { recursive: true, force: true });
});

/** BMCs: node-02's never answers (the real BMC clients are tested with ipmi_sim elsewhere). */
const bmc: BmcClient = {
  async powerStatus(t) {
    if (t.address === '203.0.113.12') throw new BmcError('unreachable', 'no answer');
    return 'on';
  },
  setPower: async () => {},
  setBootPxe: async () => 'pxe',
  bootDevice: async () => 'pxe',
  identify: async () => ({}),
};

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

const probe = () => realProbe({ netns: SEED, bmc, dhcpTries: 2, dhcpWaitS: 1, arpCount: 1 });

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
