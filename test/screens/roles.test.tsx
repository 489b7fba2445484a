import { describe, expect, it, vi } from 'vitest';
import type { Plan } from '../../src/plan/schema.js';
import { autoAssign, setRoles } from '../../src/roles/assign.js';
import { roles } from '../../screens/roles.js';
import { labPlan } from '../roles/fixtures.js';
import { hostFactsFromLab } from '../../src/inventory/probe.js';
import { loadLab } from '../../src/lab/load.js';
import { networkFor } from '../../src/network/suggest.js';
import { flat, KEY, nonAscii, renderScreen, widestLine } from './helpers.js';

const DOWN = KEY.down;
const ENTER = KEY.enter;

const harness = (plan: Plan, options: { ascii?: boolean } = {}) => renderScreen(roles, { plan, ui: { ascii: options.ascii ?? false } });

const roleOf = (plan: Plan, name: string) => plan.nodes.find((n) => n.name === name);

describe('Roles screen', () => {
  it('two-machine: assigns on its own and shows the all-in-one layout', async () => {
    const { lastFrame, seen, unmount } = harness(labPlan('two-machine'));
    await vi.waitFor(() => expect(lastFrame()).toContain('all-in-one: node-01 is controller and compute'));
    expect(lastFrame()).toContain('Undercloud: VM on this host');
    expect(lastFrame()).toContain('Ctrl+Compute');
    expect(lastFrame()).toContain('roles: no findings');
    expect(roleOf(seen.plan, 'node-01')?.role).toBe('Controller');
    unmount();
  });

  it('Enter goes on (the suggested roles need no change); e opens the role picker', async () => {
    const went: string[] = [];
    const { lastFrame, stdin, unmount } = renderScreen(roles, { plan: labPlan('two-machine'), app: { next: () => went.push('next') } });
    await vi.waitFor(() => expect(lastFrame()).toContain('all-in-one: node-01 is controller and compute'));
    stdin.write(ENTER);
    await vi.waitFor(() => expect(went).toEqual(['next']));
    expect(lastFrame()).not.toContain('Role for node-01');
    stdin.write('e');
    await vi.waitFor(() => expect(lastFrame()).toContain('Role for node-01'));
    expect(roles.keys.map((k) => k.keys)).not.toContain('Enter');
    unmount();
  });

  it('ha-lab: 3 controllers, counts against targets, and why for the server under the cursor', async () => {
    const { lastFrame, stdin, unmount } = harness(labPlan('ha-lab'));
    await vi.waitFor(() => expect(lastFrame()).toContain('Controller 3/3'));
    expect(lastFrame()).toContain('Compute 2/2');
    expect(lastFrame()).toContain('3 controllers for high availability: 5 overcloud servers allow it');
    expect(lastFrame()).toContain('Undercloud: server node-01');
    // node-04's 480 GiB disk meets the Controller floor (60 GiB) but not the advised 512 GiB.
    expect(lastFrame()).toMatch(/node-04 +Controller .* fits, small/);
    stdin.write(DOWN);
    await vi.waitFor(() => expect(lastFrame()).toContain('node-02 \u2192 Controller: 64 GiB \u2265 8 GiB, smallest of 5 that fit'));
    unmount();
  });

  it('picks a role for one server; keys in one chunk land right; the choice is manual', async () => {
    const { lastFrame, stdin, seen, unmount } = harness(labPlan('ha-lab'));
    await vi.waitFor(() => expect(lastFrame()).toContain('Controller 3/3'));
    // Cursor to node-06 (5 down), open the picker (on its role, Compute), one down: BlockStorage.
    stdin.write(`${DOWN.repeat(5)}e`);
    await vi.waitFor(() => expect(lastFrame()).toContain('Role for node-06'));
    expect(lastFrame()).toMatch(/❯ Compute/);
    stdin.write(`${DOWN}${ENTER}`);
    await vi.waitFor(() => expect(lastFrame()).toContain('node-06: BlockStorage (kept when you auto-assign)'));
    expect(roleOf(seen.plan, 'node-06')).toMatchObject({ role: 'BlockStorage', roleSource: 'manual' });
    expect(lastFrame()).toContain('BlockStor*');
    expect(lastFrame()).toMatch(/❯ \S+ node-06/); // the cursor stays on the server
    // Auto-assign keeps it.
    stdin.write('a');
    await vi.waitFor(() => expect(lastFrame()).toContain('auto-assigned (your own choices kept)'));
    expect(roleOf(seen.plan, 'node-06')?.role).toBe('BlockStorage');
    // Reset forgets it.
    stdin.write('r');
    await vi.waitFor(() => expect(lastFrame()).toContain('reset: every role'));
    expect(roleOf(seen.plan, 'node-06')).toMatchObject({ role: 'Compute', roleSource: 'auto' });
    expect(seen.shellKeys).toEqual([]);
    unmount();
  });

  it('bulk change: mark two servers, set both, and the quorum finding shows inline', async () => {
    const { lastFrame, stdin, seen, unmount } = harness(labPlan('ha-lab'));
    await vi.waitFor(() => expect(lastFrame()).toContain('Controller 3/3'));
    // Mark node-04 and node-05, make both Compute: 2 controllers remain.
    stdin.write(`${DOWN.repeat(3)} ${DOWN} e`);
    await vi.waitFor(() => expect(lastFrame()).toContain('Role for 2 marked servers'));
    stdin.write(`${DOWN}${ENTER}`);
    await vi.waitFor(() => expect(lastFrame()).toContain('2 servers: Compute'));
    expect(roleOf(seen.plan, 'node-04')?.role).toBe('Compute');
    expect(lastFrame()).toContain('Controller 2/3');
    expect(lastFrame()).toContain('2 controllers cannot keep quorum');
    unmount();
  });

  it('filters a thousand servers by role; * marks every shown one', async () => {
    const plan = autoAssign(labPlan('datacenter')).plan;
    const { lastFrame, stdin, seen, unmount } = harness(plan);
    await vi.waitFor(() => expect(lastFrame()).toContain('Controller 3/3'));
    expect(lastFrame()).toContain('of 1000');
    stdin.write('/controller');
    await vi.waitFor(() => expect(lastFrame()).toContain('of 3 (filtered from 1000)'));
    stdin.write(ENTER);
    // Mark every shown server, then make them all Compute.
    stdin.write('*');
    await vi.waitFor(() => expect(lastFrame()).toContain('3 marked'));
    stdin.write('e');
    await vi.waitFor(() => expect(lastFrame()).toContain('Role for 3 marked servers'));
    stdin.write(`${DOWN}${ENTER}`);
    await vi.waitFor(() => expect(lastFrame()).toContain('3 servers: Compute'));
    expect(seen.plan.nodes.filter((n) => n.role === 'Controller')).toEqual([]);
    unmount();
  });

  it('* marks the servers the filter shows now, after a role change moved one out of it', async () => {
    const { lastFrame, stdin, seen, unmount } = harness(labPlan('ha-lab'));
    await vi.waitFor(() => expect(lastFrame()).toContain('Compute 2/2'));
    stdin.write('/compute');
    await vi.waitFor(() => expect(lastFrame()).toContain('of 2 (filtered from 6)'));
    // node-05 (first shown) becomes BlockStorage: the filter now shows node-06 only.
    stdin.write(ENTER);
    stdin.write('e');
    await vi.waitFor(() => expect(lastFrame()).toContain('Role for node-05'));
    stdin.write(`${DOWN}${ENTER}`);
    await vi.waitFor(() => expect(lastFrame()).toContain('node-05: BlockStorage'));
    expect(roleOf(seen.plan, 'node-05')?.role).toBe('BlockStorage');
    await vi.waitFor(() => expect(lastFrame()).toContain('of 1 (filtered from 6)'));
    stdin.write('*');
    await vi.waitFor(() => expect(lastFrame()).toContain('1 marked'));
    expect(lastFrame()).not.toContain('2 marked');
    unmount();
  });

  it('filters by size text', async () => {
    const plan = autoAssign(labPlan('datacenter')).plan;
    const { lastFrame, stdin, unmount } = harness(plan);
    await vi.waitFor(() => expect(lastFrame()).toContain('of 1000'));
    stdin.write('/384 gib');
    await vi.waitFor(() => expect(lastFrame()).toMatch(/of \d+ \(filtered from 1000\)/));
    const frame = lastFrame() ?? '';
    const lines = frame.split('\n').filter((l) => /^\S? +\S+ r\d\d-node-\d{4}/.test(l));
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((l) => l.includes('384 GiB'))).toBe(true);
    unmount();
  });

  it('servers added since the last visit get roles; choices made by hand stay', async () => {
    const before = setRoles(autoAssign(labPlan('ha-lab')).plan, new Set(['node-06']), 'CephStorage');
    const added = { ...before.nodes[5], name: 'node-07', bmc: { ...before.nodes[5].bmc, address: '10.20.0.7' }, role: undefined, roleSource: undefined };
    const { lastFrame, seen, unmount } = harness({ ...before, nodes: [...before.nodes, added] });
    await vi.waitFor(() => expect(lastFrame()).toContain('1 server without a role: auto-assigned (your own choices kept)'));
    expect(roleOf(seen.plan, 'node-07')?.role).toBe('Compute');
    expect(roleOf(seen.plan, 'node-06')).toMatchObject({ role: 'CephStorage', roleSource: 'manual' });
    unmount();
  });

  it('sets target counts: a typo is named, the counts apply and roles follow', async () => {
    const plan = autoAssign(labPlan('datacenter')).plan;
    const { lastFrame, stdin, seen, unmount } = harness(plan);
    await vi.waitFor(() => expect(lastFrame()).toContain('Controller 3/3'));
    stdin.write('t');
    await vi.waitFor(() => expect(lastFrame()).toContain('Target counts (empty: as suggested)'));
    stdin.write('x');
    await vi.waitFor(() => expect(lastFrame()).toContain('"x" is not a whole number'));
    stdin.write(`${KEY.backspace}5${KEY.tab}${KEY.tab}${KEY.tab}${KEY.tab}3${ENTER}`);
    await vi.waitFor(() => expect(lastFrame()).toContain('targets: Controller 5, CephStorage 3; auto-assigned'));
    expect(lastFrame()).toContain('Controller 5/5');
    expect(lastFrame()).toContain('Ceph 3/3');
    expect(seen.plan.roles.targets).toEqual({ Controller: 5, CephStorage: 3 });
    expect(seen.plan.nodes.filter((n) => n.role === 'CephStorage')).toHaveLength(3);
    expect(seen.shellKeys).toEqual([]);
    unmount();
  });

  it('fits 80 columns, and ASCII mode draws only ASCII', async () => {
    const { lastFrame, stdin, unmount } = harness(labPlan('ha-lab'), { ascii: true });
    await vi.waitFor(() => expect(lastFrame()).toContain('Controller 3/3'));
    stdin.write(DOWN);
    await vi.waitFor(() => expect(lastFrame()).toContain('node-02 -> Controller: 64 GiB >= 8 GiB'));
    const frame = lastFrame() ?? '';
    expect(frame.split('\n').length).toBeLessThanOrEqual(19);
    expect(widestLine(frame)).toBeLessThanOrEqual(80);
    // Ink's own truncation ellipsis is rewritten by the shell's AsciiBox, not by the screen.
    expect(nonAscii(frame).filter((ch) => ch !== '\u2026')).toEqual([]);
    expect(frame).toContain('->');
    // The reasons wrap at 80 columns: nothing of them is cut off.
    expect(flat(frame)).toContain('node-02 -> Controller: 64 GiB >= 8 GiB, smallest of 5 that fit; advised for a real cloud: 480 GiB disk < 512 GiB');
    expect(flat(frame)).toContain('3 controllers for high availability: 5 overcloud servers allow it (quorum survives one failure)');
    expect(frame).not.toContain('...');
    // The table, with ASCII check boxes ("[ ]"), ends within column 80: no row is cut.
    expect(frame).toMatch(/Disk Fit\s*$/m);
    expect(frame).not.toMatch(/^[> ] \[.\] node-0\d.*\u2026$/m);
    unmount();
  });

  it('the networks follow the roles, not the way there: one controller makes the ha-lab flat, as for a plan that asked for one at once', async () => {
    const world = loadLab('ha-lab');
    const facts = hostFactsFromLab(world);
    const assigned = autoAssign(labPlan('ha-lab')).plan;
    // The wizard suggested the networks for three controllers (isolated) and the person set a DNS server.
    const suggested = networkFor({ ...assigned, network: { ...assigned.network, manual: [] } }, facts);
    expect(suggested.layout).toBe('isolated');
    const plan: Plan = { ...assigned, network: { ...suggested, dns: ['192.0.2.53'] } };
    const { lastFrame, stdin, seen, unmount } = renderScreen(roles, { plan, app: { lab: world } });
    await vi.waitFor(() => expect(lastFrame()).toContain('Controller 3/3'));
    stdin.write('t');
    await vi.waitFor(() => expect(lastFrame()).toContain('Target counts (empty: as suggested)'));
    stdin.write(`1${ENTER}`);
    await vi.waitFor(() => expect(seen.plan.network.layout).toBe('flat'));
    expect(seen.plan.network.isolated).toEqual({});
    expect(seen.plan.network.dns).toEqual(['192.0.2.53']);
    // The same roles reached directly: the same networks, subnets and ranges.
    const direct = autoAssign({ ...labPlan('ha-lab'), roles: { ...assigned.roles, targets: { Controller: 1 } } }).plan;
    const fresh = networkFor({ ...direct, network: { ...direct.network, manual: [], dns: ['192.0.2.53'] } }, facts);
    expect(seen.plan.network).toEqual(fresh);
    unmount();
  });
});
