import { describe, expect, it, vi } from 'vitest';
import { network } from '../../screens/network.js';
import type { Plan } from '../../src/plan/schema.js';
import { lab } from '../network/fixtures.js';
import { flat, KEY, nonAscii, renderScreen, widestLine } from './helpers.js';

const CLEAR = '\u0015'; // Ctrl-U empties a text field

function harness(name: string, options: { ascii?: boolean; roles?: boolean } = {}) {
  const { world, plan } = lab(name);
  if (options.roles) plan.nodes.forEach((n, i) => (n.role = i < 3 ? 'Controller' : 'Compute'));
  return renderScreen(network, { plan, app: { lab: world }, ui: { ascii: options.ascii ?? false } });
}

const prov = (p: Plan) => p.network.provisioning;

async function ready(r: ReturnType<typeof harness>) {
  await vi.waitFor(() => expect(r.lastFrame()).toContain('networks suggested for this host'));
}

describe('Network screen', () => {
  it('Enter on the list of networks goes on: the suggestion needs no typing', async () => {
    const r = harness('two-machine');
    await ready(r);
    r.stdin.write(KEY.enter);
    await vi.waitFor(() => expect(r.seen.shellKeys).toEqual(['Enter']));
    r.unmount();
  });

  it('suggests the networks with no typing, and says why a value was chosen', async () => {
    const r = harness('two-machine');
    await ready(r);
    expect(prov(r.seen.plan)).toMatchObject({ nic: 'eno2', cidr: '192.168.24.0/24', dhcpStart: '192.168.24.5' });
    const frame = r.lastFrame()!;
    expect(frame).toContain('Layout: flat');
    expect(frame).toContain('no findings');
    expect(frame).toContain('NIC (this host) eno2');
    // Into the fields, down to the subnet: its reason shows.
    r.stdin.write(`${KEY.tab}${KEY.down}`);
    await vi.waitFor(() => expect(r.lastFrame()).toContain('why: 192.168.24.0/24, the TripleO default'));
    expect(widestLine(r.lastFrame()!)).toBeLessThanOrEqual(80);
    expect(r.seen.shellKeys).toEqual([]);
    r.unmount();
  });

  it('edits a value and saves it', async () => {
    const r = harness('two-machine');
    await ready(r);
    // Fields, down to "DHCP end", edit, replace the text.
    r.stdin.write(`${KEY.tab}${KEY.down.repeat(6)}${KEY.enter}`);
    await vi.waitFor(() => expect(r.lastFrame()).toContain('Enter saves, Esc leaves the field unchanged'));
    r.stdin.write(`${CLEAR}192.168.24.40`);
    await vi.waitFor(() => expect(r.lastFrame()).toContain('192.168.24.40 fits'));
    r.stdin.write(KEY.enter);
    await vi.waitFor(() => expect(r.lastFrame()).toContain('DHCP end: 192.168.24.40'));
    expect(prov(r.seen.plan).dhcpEnd).toBe('192.168.24.40');
    r.unmount();
  });

  it('shows an invalid address at once and never saves it', async () => {
    const r = harness('two-machine');
    await ready(r);
    r.stdin.write(`${KEY.tab}${KEY.down.repeat(3)}${KEY.enter}${CLEAR}192.168.24.300`);
    await vi.waitFor(() => expect(r.lastFrame()).toContain('"192.168.24.300" is not an IPv4 address'));
    expect(r.lastFrame()).toContain('Fix it to save');
    r.stdin.write(KEY.enter);
    await vi.waitFor(() => expect(r.lastFrame()).toContain('Fix it to save'));
    expect(prov(r.seen.plan).seedIp).toBe('192.168.24.1');
    r.stdin.write(KEY.esc);
    await vi.waitFor(() => expect(r.lastFrame()).toContain('Seed            192.168.24.1'));
    expect(prov(r.seen.plan).seedIp).toBe('192.168.24.1');
    expect(r.seen.shellKeys).toEqual([]);
    r.unmount();
  });

  it('a value that breaks a rule needs a second Enter, then shows as a finding on its network', async () => {
    const r = harness('two-machine');
    await ready(r);
    r.stdin.write(`${KEY.tab}${KEY.down.repeat(6)}${KEY.enter}${CLEAR}192.168.24.110`);
    await vi.waitFor(() => expect(r.lastFrame()).toContain('overlaps the DHCP'));
    r.stdin.write(KEY.enter);
    await vi.waitFor(() => expect(r.lastFrame()).toContain('Enter again keeps it with this problem'));
    expect(prov(r.seen.plan).dhcpEnd).toBe('192.168.24.24');
    r.stdin.write(KEY.enter);
    await vi.waitFor(() => expect(r.lastFrame()).toContain('kept with a problem'));
    expect(prov(r.seen.plan).dhcpEnd).toBe('192.168.24.110');
    const frame = r.lastFrame()!;
    expect(frame).toMatch(/ctlplane +✘ 1/);
    expect(frame).toContain('network.provisioning.inspectionStart: the introspection range');
    expect(frame).toContain('1 error, 0 warnings');
    r.unmount();
  });

  it('switches the layout and back, keeping what was there', async () => {
    const r = harness('two-machine');
    await ready(r);
    r.stdin.write('l');
    await vi.waitFor(() => expect(r.lastFrame()).toContain('Layout: isolated'));
    expect(r.lastFrame()).toContain('InternalApi');
    expect(r.lastFrame()).toMatch(/Management +off/);
    expect(r.seen.plan.network.isolated.Storage).toMatchObject({ enabled: true, vlan: 30 });
    // Down to Storage, into its fields, VLAN → 31.
    r.stdin.write(`${KEY.down.repeat(3)}${KEY.tab}${KEY.down.repeat(2)}${KEY.enter}${CLEAR}31${KEY.enter}`);
    await vi.waitFor(() => expect(r.seen.plan.network.isolated.Storage!.vlan).toBe(31));
    r.stdin.write(`${KEY.esc}l`);
    await vi.waitFor(() => expect(r.lastFrame()).toContain('Layout: flat'));
    expect(r.lastFrame()).not.toContain('InternalApi');
    // Kept, unused while flat, for switching back.
    expect(r.seen.plan.network.isolated.Storage).toMatchObject({ vlan: 31 });
    r.stdin.write('l');
    await vi.waitFor(() => expect(r.lastFrame()).toContain('Layout: isolated'));
    expect(r.seen.plan.network.isolated.Storage).toMatchObject({ enabled: true, vlan: 31 });
    expect(prov(r.seen.plan).dhcpStart).toBe('192.168.24.5');
    r.unmount();
  });

  it('lists every server\'s addresses and filters them', async () => {
    const r = harness('ha-lab', { roles: true });
    await ready(r);
    r.stdin.write('a');
    await vi.waitFor(() => expect(r.lastFrame()).toContain('1-6 of 6'));
    expect(r.lastFrame()).toContain('seed 192.168.24.1');
    expect(r.lastFrame()).toMatch(/node-04 +Compute +192\.168\.24\.\d+/);
    r.stdin.write('/node-05');
    await vi.waitFor(() => expect(r.lastFrame()).toContain('(filtered from 6)'));
    expect(r.lastFrame()).not.toContain('node-04');
    expect(widestLine(r.lastFrame()!)).toBeLessThanOrEqual(80);
    r.unmount();
  });

  it('scrolls the addresses of a thousand servers', async () => {
    const r = harness('datacenter-1000');
    await ready(r);
    r.stdin.write('a');
    await vi.waitFor(() => expect(r.lastFrame()).toContain('of 1000'));
    r.stdin.write(KEY.down.repeat(30));
    // Thirty frames of a 1,000-row table: over a second on a loaded machine.
    await vi.waitFor(() => expect(r.lastFrame()).toMatch(/\d+-31 of 1000/), { timeout: 10_000 });
    r.unmount();
  });

  it('draws the wiring in ASCII mode with ASCII only, within 80 columns', async () => {
    const r = harness('ha-lab', { ascii: true, roles: true });
    await ready(r);
    expect(nonAscii(r.lastFrame()!)).toEqual([]);
    r.stdin.write('t');
    await vi.waitFor(() => expect(r.lastFrame()).toContain("trunk on the servers' nic2"));
    const frame = r.lastFrame()!;
    expect(frame).toContain('enp65s0f1');
    expect(frame).toContain('VLAN 30   Storage');
    expect(frame).toContain('* seed 192.168.24.1');
    expect(nonAscii(frame)).toEqual([]);
    expect(widestLine(frame)).toBeLessThanOrEqual(80);
    r.unmount();
  });

  it('s takes the suggested value back after an edit', async () => {
    const r = harness('two-machine');
    await ready(r);
    r.stdin.write(`${KEY.tab}${KEY.down.repeat(6)}${KEY.enter}${CLEAR}192.168.24.40${KEY.enter}`);
    await vi.waitFor(() => expect(prov(r.seen.plan).dhcpEnd).toBe('192.168.24.40'));
    await vi.waitFor(() => expect(r.lastFrame()).toContain('DHCP end: 192.168.24.40'));
    r.stdin.write(KEY.down);
    r.stdin.write(KEY.up);
    await vi.waitFor(() => expect(r.lastFrame()).toContain('suggested 192.168.24.24'));
    r.stdin.write('s');
    await vi.waitFor(() => expect(prov(r.seen.plan).dhcpEnd).toBe('192.168.24.24'));
    r.unmount();
  });

  it('suggests again when servers were added and nobody edited the network', async () => {
    const first = harness('two-machine');
    await ready(first);
    const suggested = first.seen.plan;
    first.unmount();
    expect(suggested.network.layout).toBe('flat');
    const { world, plan } = lab('ha-lab');
    const grown = { ...plan, network: suggested.network };
    const second = renderScreen(network, { plan: grown, app: { lab: world } });
    await vi.waitFor(() => expect(second.lastFrame()).toContain('Layout: isolated'));
    expect(second.seen.plan.network.isolated.InternalApi).toMatchObject({ enabled: true });
    second.unmount();
  });

  it('no DNS or NTP server is a finding on its field, with how to fix it, in full at 80 columns', async () => {
    const { world, plan } = lab('two-machine');
    plan.network.dns = [];
    plan.network.ntp = [];
    const r = renderScreen(network, { plan, app: { lab: world }, ui: { ascii: true } });
    await ready(r);
    expect(r.lastFrame()).toContain('0 errors, 2 warnings');
    expect(r.lastFrame()).toMatch(/DNS\/NTP\/proxy +!! 2/);
    // Down to DNS/NTP/proxy (flat: the third network), into its fields: the DNS finding in full.
    r.stdin.write(`${KEY.down.repeat(2)}${KEY.tab}`);
    await vi.waitFor(() => expect(flat(r.lastFrame())).toContain("set your site's name servers on the Network screen (DNS/NTP/proxy, DNS servers)"));
    const frame = r.lastFrame()!;
    expect(flat(frame)).toContain('network.dns: no DNS server is set: the undercloud and the servers get none, so they cannot resolve names');
    expect(widestLine(frame)).toBeLessThanOrEqual(80);
    expect(nonAscii(frame)).toEqual([]);
    r.stdin.write(KEY.down);
    await vi.waitFor(() => expect(flat(r.lastFrame())).toContain("set your site's time servers"));
    // A DNS server typed in: the finding goes.
    r.stdin.write(`${KEY.up}${KEY.enter}192.168.1.1${KEY.enter}`);
    await vi.waitFor(() => expect(r.lastFrame()).toContain('0 errors, 1 warning'));
    expect(r.seen.plan.network.dns).toEqual(['192.168.1.1']);
    r.unmount();
  });

  it("the host NIC is picked from this host's NICs, or typed; a name the host does not have is a finding", async () => {
    const r = harness('two-machine');
    await ready(r);
    // Into the fields (the NIC is the first), Enter: the lab's seed host's NICs.
    r.stdin.write(`${KEY.tab}${KEY.enter}`);
    await vi.waitFor(() => expect(r.lastFrame()).toContain("ctlplane NIC (this host): this host's NICs"));
    const frame = r.lastFrame()!;
    expect(frame).toMatch(/eno1 +up, 1 Gb\/s, 192\.168\.1\.20\/24, default route, your session$/m);
    expect(frame).toMatch(/eno2 +up, 10 Gb\/s, no address$/m);
    expect(frame).toContain('another name...');
    expect(widestLine(frame)).toBeLessThanOrEqual(80);
    expect(r.seen.shellKeys).toEqual([]);
    // Up to eno1 (it carries the default route and the session): saved, with its warning.
    r.stdin.write(`${KEY.up}${KEY.enter}`);
    await vi.waitFor(() => expect(prov(r.seen.plan).nic).toBe('eno1'));
    await vi.waitFor(() => expect(flat(r.lastFrame())).toContain('eno1 carries this host\'s default route'));
    // Another name, typed: one this host does not have is named as a finding.
    r.stdin.write(KEY.enter);
    await vi.waitFor(() => expect(r.lastFrame()).toContain('another name...'));
    r.stdin.write(`${KEY.down.repeat(2)}${KEY.enter}`);
    await vi.waitFor(() => expect(r.lastFrame()).toContain('NIC (this host):eno1'));
    r.stdin.write(`${CLEAR}eth7`);
    await vi.waitFor(() => expect(r.lastFrame()).toContain('this host has no NIC named eth7'));
    expect(prov(r.seen.plan).nic).toBe('eno1');
    r.unmount();
  });
});
