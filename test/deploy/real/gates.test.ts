// The real deployment runs the same three network gates as `cloudseed gates`, in a network
// namespace lab this test builds (a rogue DHCP server, a taken address), and honours the
// plan's acknowledgements exactly as the simulated deployment does.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRealDriver } from '../../../src/deploy/drivers/real/index.js';
import { startDeploy } from '../../../src/deploy/session.js';
import type { DeployEvent } from '../../../src/deploy/types.js';
import { realProbe } from '../../../src/network/probes.js';
import { emptyPlan, type Plan } from '../../../src/plan/schema.js';
import { lanBmc, startNetnsLab, type NetnsLab } from '../../lab/netns-lab.js';

let lab: NetnsLab;
beforeAll(async () => {
  lab = await startNetnsLab(`cs-rg-${process.pid}`);
});
afterAll(async () => {
  await lab?.stop();
});


function plan(acknowledged: string[] = []): Plan {
  return emptyPlan({
    name: 'gated',
    driver: 'real',
    nodes: ['203.0.113.11', '203.0.113.12'].map((address, i) => ({ name: `node-0${i + 1}`, bmc: { address, user: 'admin', password: 'x' }, macs: [], role: 'Compute' })),
    network: {
      layout: 'flat',
      provisioning: { nic: 'prov0', cidr: '198.51.100.0/24', gateway: '198.51.100.1', seedIp: '198.51.100.7', undercloudIp: '198.51.100.3', dhcpStart: '198.51.100.20', dhcpEnd: '198.51.100.39', inspectionStart: '198.51.100.60', inspectionEnd: '198.51.100.80' },
      external: { cidr: '203.0.113.0/25', vlan: 10 },
      isolated: {},
      dns: [],
      ntp: [],
    },
    // Adopted clouds whose Ironic is not there: a run that gets past the gates stops at the next step.
    seed: { mode: 'adopt', ironic: { url: 'http://127.0.0.1:9' } },
    undercloud: { mode: 'adopt', ironic: { url: 'http://127.0.0.1:9' } },
    options: { concurrency: 10, acknowledged, confirmedAt: new Date(0).toISOString() },
  });
}

async function deploy(p: Plan) {
  const events: DeployEvent[] = [];
  const stateDir = mkdtempSync(join(tmpdir(), 'cs-real-gates-'));
  const driver = createRealDriver({ yes: true, probe: realProbe({ netns: lab.seed, bmc: lanBmc, dhcpTries: 2, dhcpWaitS: 1, arpCount: 1 }) });
  const session = await startDeploy({ plan: p, stateDir, onFailure: 'abort', driver, sinks: [(e) => void events.push(e)] });
  await session.result;
  const failed = events.filter((e): e is Extract<DeployEvent, { type: 'step-failed' }> => e.type === 'step-failed' && !e.willRetry);
  return { events, failed };
}

describe('the real deployment and the network gates', () => {
  it('stops at the gates: the rogue DHCP server, the taken address and the silent BMC, as data on the failure', async () => {
    const { failed } = await deploy(plan());
    expect(failed[0].step).toBe('seed.network-gates');
    expect(failed[0].error.gates?.map((g) => g.id)).toEqual(['gate.rogue-dhcp', 'gate.duplicate-address', 'gate.bmc-unreachable']);
    expect(failed[0].error.gates?.[2].details).toEqual(['node-02: BMC 203.0.113.12 does not answer']);
    expect(failed[0].error.hint).toContain('acknowledge');
  }, 60_000);

  it('goes past them once they are acknowledged in the plan, and says so in its log', async () => {
    const { failed, events } = await deploy(plan(['gate.rogue-dhcp', 'gate.duplicate-address', 'gate.bmc-unreachable']));
    expect(events.some((e) => e.type === 'step-done' && e.step === 'seed.network-gates')).toBe(true);
    expect(events.some((e) => e.type === 'log' && e.step === 'seed.network-gates' && /No other DHCP server.*fail \(acknowledged\)/.test(e.line))).toBe(true);
    // The next step meets the missing Ironic: the gates let it through.
    expect(failed[0].step).toBe('seed.adopt-check');
    expect(failed[0].error.message).toContain('cannot reach Ironic at http://127.0.0.1:9');
  }, 60_000);
});
