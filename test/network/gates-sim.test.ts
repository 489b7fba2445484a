import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SimBmcClient } from '../../src/inventory/sim-bmc.js';
import { blockingGates, plannedAddresses, runGates } from '../../src/network/gates.js';
import { parseArpingMac, parseDhcpRecord, realProbe, simProbe } from '../../src/network/probes.js';
import { suggestNetwork } from '../../src/network/suggest.js';
import { lab } from './fixtures.js';

function setup(name: string) {
  const { world, plan, facts } = lab(name);
  const p = { ...plan, network: suggestNetwork({ plan, hostFacts: facts }).network };
  return { world, plan: p, probe: () => simProbe(world, new SimBmcClient(world, { scale: 0.001 })) };
}

describe('network gates on the simulated lab', () => {
  it('two-machine: every gate passes', async () => {
    const { plan, probe } = setup('two-machine');
    const results = await runGates(plan, probe());
    expect(results.map((r) => [r.id, r.status])).toEqual([
      ['gate.rogue-dhcp', 'pass'],
      ['gate.duplicate-address', 'pass'],
      ['gate.bmc-unreachable', 'pass'],
    ]);
  });

  it('stopped: the gates end with the abort, and no BMC counts as answering', async () => {
    const { plan, probe } = setup('two-machine');
    const stop = new AbortController();
    stop.abort();
    await expect(runGates(plan, probe(), { signal: stop.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('ha-lab: the dead BMC of node-05 blocks, and so does the other password of node-06', async () => {
    const { world, plan, probe } = setup('ha-lab');
    // The person typed the lab's usual credentials for every server.
    for (const n of plan.nodes) n.bmc = { ...n.bmc, user: world.bmcDefaults.user, password: world.bmcDefaults.password };
    const results = await runGates(plan, probe());
    const bmc = results.find((r) => r.id === 'gate.bmc-unreachable')!;
    expect(bmc.status).toBe('fail');
    expect(bmc.details.sort()).toEqual(['node-05: BMC 10.20.0.5 does not answer', 'node-06: BMC 10.20.0.6 answers but refuses the credentials']);
    expect(bmc.where.sort()).toEqual(['nodes[4].bmc.address', 'nodes[5].bmc.address']);
    expect(blockingGates(results).map((r) => r.id)).toEqual(['gate.bmc-unreachable']);
  });

  it('plays the lab\'s rogue DHCP server and taken addresses', async () => {
    const { world, plan, probe } = setup('two-machine');
    world.network.rogueDhcp = true;
    world.network.takenAddresses = [plan.network.provisioning.undercloudIp!, plan.network.external.publicVip!];
    const results = await runGates(plan, probe());
    expect(results[0]).toMatchObject({ status: 'fail' });
    expect(results[1].details.map((d) => d.split(' ')[0])).toEqual([plan.network.provisioning.undercloudIp, plan.network.external.publicVip]);
    expect(results[1].where).toEqual(['network.provisioning.undercloudIp', 'network.external.publicVip']);
  });

  it('probes the provisioning addresses on the provisioning NIC and the external ones on the external NIC', () => {
    const { plan } = setup('two-machine');
    plan.nodes[0].role = 'Controller';
    const planned = plannedAddresses(plan);
    expect(planned.filter((a) => a.nic === 'eno2').map((a) => a.label)).toEqual(['seed', 'undercloud', 'node-01']);
    expect(planned.filter((a) => a.nic === 'eno1').map((a) => a.label)).toEqual(['public VIP', 'node-01 (external)']);
  });
});

describe('probe output parsers', () => {
  it('reads what the udhcpc script recorded', () => {
    expect(parseDhcpRecord('server=198.51.100.2 ip=198.51.100.141 router=198.51.100.2 198.51.100.3\n\n')).toEqual([
      { server: '198.51.100.2', address: '198.51.100.141', router: '198.51.100.2' },
    ]);
    expect(parseDhcpRecord('')).toEqual([]);
  });
  it('reads the MAC of an arping reply, from either arping', () => {
    expect(parseArpingMac('42 bytes from b2:d1:f8:24:0e:34 (198.51.100.7): index=0 time=10.456 usec')).toBe('b2:d1:f8:24:0e:34');
    expect(parseArpingMac('Unicast reply from 198.51.100.7 [B2:D1:F8:24:0E:34]  0.600ms')).toBe('b2:d1:f8:24:0e:34');
    expect(parseArpingMac('Timeout')).toBeUndefined();
  });
});

describe('real probe, its tools missing or stopped', () => {
  it('names a tool that is not installed', async () => {
    const probe = realProbe({ env: { PATH: '/nonexistent' }, dhcpTries: 1, dhcpWaitS: 1 });
    await expect(probe.dhcpOffers('lo')).rejects.toThrow('udhcpc could not be started (ENOENT): install it');
  });

  it('a stop ends a running tool with an AbortError', async () => {
    const bin = mkdtempSync(join(tmpdir(), 'cs-probe-'));
    try {
      writeFileSync(join(bin, 'busybox'), '#!/bin/sh\nexec sleep 30\n', { mode: 0o755 });
      const stop = new AbortController();
      const offers = realProbe({ env: { PATH: `${bin}:/usr/bin:/bin` } }).dhcpOffers('lo', stop.signal);
      setTimeout(() => stop.abort(), 100);
      await expect(offers).rejects.toMatchObject({ name: 'AbortError' });
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });
});

describe('gates on many servers', () => {
  it('print no MaxListenersExceededWarning: every BMC call in flight may listen for the abort', async () => {
    const { plan, world } = setup('ha-lab');
    const nodes = Array.from({ length: 12 }, (_, i) => ({ ...plan.nodes[1], name: `n-${i}`, role: 'Compute' as const }));
    const sim = new SimBmcClient(world, { scale: 0.001 });
    // Like ipmitool through execa: a few listeners per call on the caller's signal.
    const bmc = Object.assign(Object.create(sim), {
      async powerStatus(t: Parameters<SimBmcClient['powerStatus']>[0], o?: { signal?: AbortSignal }) {
        const off = [1, 2, 3].map(() => {
          const f = () => undefined;
          o?.signal?.addEventListener('abort', f);
          return f;
        });
        try {
          await new Promise((r) => setTimeout(r, 20));
          return 'on' as const;
        } finally {
          for (const f of off) o?.signal?.removeEventListener('abort', f);
        }
      },
    }) as SimBmcClient;
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    try {
      await runGates({ ...plan, nodes }, simProbe(world, bmc), { signal: new AbortController().signal });
      await new Promise((r) => setImmediate(r));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).not.toContain('MaxListenersExceededWarning');
  });
});
