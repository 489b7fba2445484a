import { describe, expect, it } from 'vitest';
import { allocate } from '../../src/network/allocate.js';
import { describeNetwork, topologyLines } from '../../src/network/describe.js';
import { suggestNetwork } from '../../src/network/suggest.js';
import { lab } from './fixtures.js';

function haLab() {
  const { plan, facts } = lab('ha-lab');
  plan.nodes.forEach((n, i) => (n.role = i < 3 ? 'Controller' : 'Compute'));
  return { ...plan, network: suggestNetwork({ plan, hostFacts: facts }).network };
}

describe('describeNetwork', () => {
  it('lists each network, its ranges and every server\'s addresses', () => {
    const plan = haLab();
    const lines = describeNetwork(plan, allocate(plan));
    const text = lines.join('\n');
    expect(lines[0]).toBe('Network: isolated (VLANs on a trunk)');
    expect(text).toContain('ctlplane     192.168.24.0/24  untagged on enp65s0f1 (servers: nic1)  gateway 192.168.24.1');
    expect(text).toContain('DHCP 192.168.24.5-192.168.24.24 (20), introspection 192.168.24.100-192.168.24.120 (21)');
    expect(text).toContain('Storage      172.16.1.0/24  VLAN 30 on the servers\' nic2');
    expect(text).toContain('Addresses of 6 server(s):');
    expect(lines.filter((l) => /^ {2}node-0\d/.test(l))).toHaveLength(6);
    expect(lines.find((l) => l.startsWith('  node-04'))).toMatch(/Compute +ctlplane 192\.168\.24\.\d+ +InternalApi 172\.16\.2\.\d+/);
  });

  it('can cut the server list short', () => {
    const plan = haLab();
    const lines = describeNetwork(plan, allocate(plan), { maxNodes: 2 });
    expect(lines.at(-1)).toBe('  ... and 4 more');
  });
});

describe('topologyLines', () => {
  it('draws NICs, networks, VLANs and where the seed, undercloud and VIPs sit, within 80 columns', () => {
    const plan = haLab();
    for (const ascii of [false, true]) {
      const lines = topologyLines(plan, { ascii });
      const text = lines.join('\n');
      expect(text).toContain('enp65s0f1');
      expect(text).toContain('ctlplane 192.168.24.0/24');
      expect(text).toContain('nic1 (PXE)');
      expect(text).toContain('seed 192.168.24.1');
      expect(text).toContain('undercloud 192.168.24.2');
      expect(text).toContain('VLAN 30   Storage');
      expect(text).toContain('VIP 172.16.2.5');
      for (const l of lines) expect(l.length).toBeLessThanOrEqual(78);
      if (ascii) expect(text).toMatch(/^[\x20-\x7e\n]*$/);
      else expect(text).toContain('└─');
    }
  });
});
