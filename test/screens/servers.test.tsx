import { describe, expect, it, vi } from 'vitest';
import { servers } from '../../screens/servers.js';
import { loadLab } from '../../src/lab/load.js';
import { emptyPlan } from '../../src/plan/schema.js';
import { KEY, flat, nonAscii, renderScreen, widestLine } from './helpers.js';

const haLab = () => loadLab('ha-lab');

describe('Servers screen', () => {
  it('scans the lab range with live progress and lists what answered', async () => {
    const moved: string[] = [];
    const { lastFrame, stdin, seen, unmount } = renderScreen(servers, { app: { lab: haLab(), next: () => moved.push('next') } });
    await vi.waitFor(() => expect(lastFrame()).toContain('No servers yet'));
    stdin.write('s');
    await vi.waitFor(() => expect(lastFrame()).toContain('Scan a BMC address range'));
    expect(lastFrame()).toContain('Range:');
    expect(lastFrame()).toContain('10.20.0.0/28');
    expect(lastFrame()).toContain('14 addresses');
    expect(lastFrame()).toContain('Enter: scan. Tab/Down: next field.');
    // range, user and password are filled in from the lab: one Enter scans
    stdin.write(KEY.enter);
    await vi.waitFor(() => expect(lastFrame()).toContain('Scanning 10.20.0.0/28'));
    await vi.waitFor(() => expect(lastFrame()).toMatch(/found [1-9]/));
    expect(lastFrame()).toContain('/14');
    expect(lastFrame()).toContain('Esc cancels');
    // IPMI gives neither PXE MACs nor sizes: the lab inspects what the scan found
    await vi.waitFor(() => expect(lastFrame()).toContain('Scan: 4 found (4 new), 1 wrong password, 9 no answer; inspected 4 of 4'), { timeout: 10_000 });
    const frame = lastFrame()!;
    expect(frame).toContain('10.20.0.6: refused admin and the password given');
    expect(frame).toMatch(/node-01\s+10\.20\.0\.1\s+off\s+16/);
    expect(frame).not.toContain('no PXE MAC');
    expect(seen.plan.nodes[0].macs).toEqual(['ac:1f:6b:00:00:01']);
    expect(widestLine(frame)).toBeLessThanOrEqual(80);
    expect(seen.plan.nodes.map((n) => n.discovered?.serial)).toEqual(['S3B1A0001', 'S3B1A0002', 'S3B1A0003', '9FJ7KQ2']);

    // a second scan (the form keeps what was typed) merges instead of duplicating
    stdin.write(`s${KEY.enter}`);
    await vi.waitFor(() => expect(lastFrame()).toContain('Scan done: 4 found (0 new, 4 updated)'), { timeout: 10_000 });
    // and Enter on the table goes on to the next screen
    stdin.write(KEY.enter);
    await vi.waitFor(() => expect(moved).toEqual(['next']));
    expect(seen.plan.nodes).toHaveLength(4);
    unmount();
  });

  it('Esc cancels a scan and keeps what was found', async () => {
    const { lastFrame, stdin, unmount } = renderScreen(servers, { app: { lab: haLab() } });
    stdin.write('s');
    await vi.waitFor(() => expect(lastFrame()).toContain('Range:'));
    stdin.write(KEY.enter);
    await vi.waitFor(() => expect(lastFrame()).toContain('Scanning'));
    stdin.write(KEY.esc);
    await vi.waitFor(() => expect(lastFrame()).toContain('Scan cancelled'));
    unmount();
  });

  it('a bad range is an inline error, and the scan does not start', async () => {
    const { lastFrame, stdin, unmount } = renderScreen(servers, { app: { lab: haLab() } });
    stdin.write('s');
    await vi.waitFor(() => expect(lastFrame()).toContain('Range:'));
    stdin.write(`\u0015` + `10.20.0.300/28${KEY.enter}`);
    await vi.waitFor(() => expect(lastFrame()).toContain('is not a CIDR range'));
    expect(lastFrame()).not.toContain('Scanning');
    unmount();
  });

  it('imports the lab file, then check BMCs explains the dead and the wrong-password BMC', async () => {
    const { lastFrame, stdin, seen, unmount } = renderScreen(servers, { app: { lab: haLab() } });
    stdin.write('i');
    await vi.waitFor(() => expect(lastFrame()).toContain('ha-lab.instackenv.json'));
    stdin.write(KEY.enter);
    await vi.waitFor(() => expect(lastFrame()).toContain('6 servers read (6 new, 0 updated)'));
    expect(lastFrame()).toMatch(/node-04\s+10\.20\.0\.4\s+\?\s+32\s+256G\s+500G\s+f8:bc:12:00:00:04\s+unchecked/);
    // the same file again updates the six instead of adding six more
    stdin.write('i');
    await vi.waitFor(() => expect(lastFrame()).toContain('ha-lab.instackenv.json'));
    stdin.write(KEY.enter);
    await vi.waitFor(() => expect(lastFrame()).toContain('6 servers read (0 new, 6 updated)'));
    expect(seen.plan.nodes).toHaveLength(6);
    stdin.write('c');
    await vi.waitFor(() => expect(lastFrame()).toContain('Checked 6 BMCs: 4 answer (0 on), 1 no answer, 1 wrong password'), { timeout: 10_000 });
    const frame = lastFrame()!;
    expect(frame).toMatch(/node-05 .*unreachable/);
    expect(frame).toMatch(/node-06 .*wrong password/);
    expect(seen.plan.nodes[4].discovered?.bmcStatus).toBe('unreachable');
    // the cursor on node-05 shows the likely cause
    stdin.write(KEY.down.repeat(4));
    await vi.waitFor(() => expect(lastFrame()).toContain('node-05: no answer from the BMC'));
    stdin.write(KEY.down);
    await vi.waitFor(() => expect(lastFrame()).toContain('node-06: the BMC answered but refused the user name or password'));
    expect(widestLine(lastFrame()!)).toBeLessThanOrEqual(80);
    unmount();
  });

  it('an empty field: Enter goes to it instead of scanning', async () => {
    const { lastFrame, stdin, unmount } = renderScreen(servers, { app: { lab: haLab() } });
    stdin.write('s');
    await vi.waitFor(() => expect(lastFrame()).toContain('Range:'));
    stdin.write(`${KEY.tab}\u0015${KEY.up}${KEY.enter}`);
    await vi.waitFor(() => expect(lastFrame()).toMatch(/User: +BMC administrator/));
    stdin.write(`root${KEY.enter}`);
    await vi.waitFor(() => expect(lastFrame()).toContain('Scanning'));
    unmount();
  });

  it('a new password clears "wrong password" and is tried at once', async () => {
    const { lastFrame, stdin, seen, unmount } = renderScreen(servers, { app: { lab: haLab() } });
    stdin.write('i');
    await vi.waitFor(() => expect(lastFrame()).toContain('ha-lab.instackenv.json'));
    stdin.write(KEY.enter);
    await vi.waitFor(() => expect(lastFrame()).toContain('6 servers read'));
    stdin.write('c');
    await vi.waitFor(() => expect(lastFrame()).toMatch(/node-06 .*wrong password/), { timeout: 10_000 });
    stdin.write(KEY.down.repeat(5));
    await vi.waitFor(() => expect(lastFrame()).toContain('node-06: the BMC answered but refused'));
    stdin.write('e');
    await vi.waitFor(() => expect(lastFrame()).toContain('Edit node-06'));
    stdin.write(`${KEY.down.repeat(6)}calvin${KEY.down.repeat(4)}${KEY.enter}`);
    await vi.waitFor(() => expect(lastFrame()).toContain('Checked 1 BMCs: 1 answer'), { timeout: 10_000 });
    expect(lastFrame()).toMatch(/node-06 .* ok/);
    expect(seen.plan.nodes[5].discovered?.bmcStatus).toBe('ok');
    unmount();
  });

  it('an import shows field by field what it would change (passwords masked) and keeps the BMC password the person fixed', async () => {
    const { lastFrame, stdin, seen, unmount } = renderScreen(servers, { app: { lab: haLab() } });
    stdin.write('i');
    await vi.waitFor(() => expect(lastFrame()).toContain('ha-lab.instackenv.json'));
    stdin.write(KEY.enter);
    await vi.waitFor(() => expect(lastFrame()).toContain('6 servers read'));
    // node-06's real password is not the file's: fix it by hand
    stdin.write(`${KEY.down.repeat(5)}e`);
    await vi.waitFor(() => expect(lastFrame()).toContain('Edit node-06'));
    stdin.write(`${KEY.down.repeat(6)}calvin${KEY.down.repeat(4)}${KEY.enter}`);
    await vi.waitFor(() => expect(lastFrame()).toContain('node-06 changed'));
    // and the disk of node-04 by hand too: the file says otherwise
    seen.plan.nodes[3].diskGiB = 240;
    stdin.write('i');
    await vi.waitFor(() => expect(lastFrame()).toContain('ha-lab.instackenv.json'));
    stdin.write(KEY.enter);
    await vi.waitFor(() => expect(lastFrame()).toContain('It changes 1 and keeps 1 field of 2 servers you have:'));
    const frame = lastFrame()!;
    expect(frame).toMatch(/node-04 +disk +240 GiB +500 GiB +takes file's/);
    expect(frame).toMatch(/node-06 +BMC password +\*{6} +\*{6}, another one +keeps yours/);
    expect(frame).not.toContain('calvin');
    expect(frame).toContain("y: import, keeping yours");
    expect(frame).toContain("o: import, taking the file's");
    expect(widestLine(frame)).toBeLessThanOrEqual(80);
    stdin.write('n');
    await vi.waitFor(() => expect(lastFrame()).toContain('File:'));
    expect(seen.plan.nodes[3].diskGiB).toBe(240);
    stdin.write(KEY.enter);
    await vi.waitFor(() => expect(lastFrame()).toContain('y: import, keeping yours'));
    stdin.write('y');
    await vi.waitFor(() => expect(flat(lastFrame())).toContain('kept node-06: your BMC password'));
    expect(seen.plan.nodes[5].bmc.password).toBe('calvin');
    expect(seen.plan.nodes[3].diskGiB).toBe(500);
    // Asked for, the file's own values win: the password is the file's again.
    stdin.write('i');
    await vi.waitFor(() => expect(lastFrame()).toContain('ha-lab.instackenv.json'));
    stdin.write(KEY.enter);
    await vi.waitFor(() => expect(lastFrame()).toContain("o: import, taking the file's"));
    stdin.write('o');
    await vi.waitFor(() => expect(seen.plan.nodes[5].bmc.password).not.toBe('calvin'));
    await vi.waitFor(() => expect(flat(lastFrame())).not.toContain('kept node-06'));
    unmount();
  });

  it('removing the last row: the cursor and the detail line show the same server', async () => {
    const { lastFrame, stdin, unmount } = renderScreen(servers, { app: { lab: haLab() } });
    stdin.write('i');
    await vi.waitFor(() => expect(lastFrame()).toContain('ha-lab.instackenv.json'));
    stdin.write(KEY.enter);
    await vi.waitFor(() => expect(lastFrame()).toContain('6 servers read'));
    stdin.write(`${KEY.down.repeat(5)}d`);
    await vi.waitFor(() => expect(lastFrame()).toContain('Remove node-06 from the plan? y/n'));
    stdin.write('y');
    await vi.waitFor(() => expect(lastFrame()).toContain('node-06 removed'));
    expect(lastFrame()).toMatch(/❯ node-05/);
    expect(lastFrame()).toMatch(/^node-05: /m);
    unmount();
  });

  it('inspection finds the disk smaller than the file declares (a finding on node-04)', async () => {
    const plan = emptyPlan({ driver: 'sim', sim: { lab: 'ha-lab', speed: 6000 } });
    const { lastFrame, stdin, seen, unmount } = renderScreen(servers, { plan, app: { lab: haLab() } });
    stdin.write('i');
    await vi.waitFor(() => expect(lastFrame()).toContain('ha-lab.instackenv.json'));
    stdin.write(KEY.enter);
    await vi.waitFor(() => expect(lastFrame()).toContain('6 servers read'));
    stdin.write('n');
    await vi.waitFor(() => expect(lastFrame()).toContain('Inspecting the hardware'));
    await vi.waitFor(() => expect(lastFrame()).toContain('Inspected 4 of 6 servers; 2 could not be inspected'), { timeout: 10_000 });
    expect(seen.plan.nodes[3].discovered).toMatchObject({ diskGiB: 240, cpu: 32, macs: ['f8:bc:12:00:00:04'] });
    expect(lastFrame()).toContain('node-05: the BMC does not answer');
    expect(lastFrame()).toMatch(/node-04 .* 240G! f8:bc:12:00:00:04/);
    // back to the plan's own findings: the disk is one of them
    stdin.write('c');
    await vi.waitFor(() => expect(lastFrame()).toContain('Checked 6 BMCs'), { timeout: 10_000 });
    stdin.write(KEY.down.repeat(3));
    await vi.waitFor(() => expect(lastFrame()).toContain('node-04: the disk is 240 GiB, smaller than the 500 GiB declared'));
    unmount();
  });

  it('the form: adds a server with inline validation, then edits and removes it', async () => {
    const { lastFrame, stdin, seen, unmount } = renderScreen(servers, { app: { lab: haLab() } });
    stdin.write('a');
    await vi.waitFor(() => expect(lastFrame()).toContain('Add a server'));
    stdin.write(`web-1${KEY.tab}${KEY.tab}10.0.0.300${KEY.tab}`);
    await vi.waitFor(() => expect(lastFrame()).toContain('an IP address (10.0.0.21) or a host name'));
    // back to the address, fix it, fill in the rest
    stdin.write(`${KEY.up}${KEY.backspace.repeat(3)}30${KEY.tab}${KEY.tab}${KEY.tab}admin${KEY.tab}s3cret${KEY.tab}52:54:00:zz:00:01${KEY.tab}`);
    await vi.waitFor(() => expect(lastFrame()).toContain('is not a MAC address'));
    expect(lastFrame()).not.toContain('an IP address (10.0.0.21)');
    expect(lastFrame()).toContain('BMC password: ******');
    expect(lastFrame()).not.toContain('s3cret');
    stdin.write(`${KEY.up}${'\u0015'}52:54:00:aa:00:01${KEY.tab}8${KEY.tab}32${KEY.tab}500${KEY.enter}`);
    await vi.waitFor(() => expect(lastFrame()).toContain('web-1 added'));
    expect(lastFrame()).toMatch(/web-1\s+10\.0\.0\.30\s+\?\s+8\s+32G\s+500G\s+52:54:00:aa:00:01/);
    expect(seen.plan.nodes[0]).toMatchObject({ name: 'web-1', bmc: { type: 'ipmi', address: '10.0.0.30', user: 'admin', password: 's3cret' }, macs: ['52:54:00:aa:00:01'], cpu: 8, memoryMiB: 32768, diskGiB: 500, source: 'form' });

    // edit: the password field starts empty and keeps the password
    stdin.write('e');
    await vi.waitFor(() => expect(lastFrame()).toContain('Edit web-1'));
    stdin.write(`${KEY.down.repeat(8)}${KEY.backspace}16${KEY.tab}${KEY.tab}${KEY.enter}`);
    await vi.waitFor(() => expect(lastFrame()).toContain('web-1 changed'));
    expect(seen.plan.nodes[0]).toMatchObject({ cpu: 16, bmc: { password: 's3cret' } });

    stdin.write('d');
    await vi.waitFor(() => expect(lastFrame()).toContain('Remove web-1 from the plan? y/n'));
    stdin.write('y');
    await vi.waitFor(() => expect(lastFrame()).toContain('web-1 removed'));
    expect(seen.plan.nodes).toEqual([]);
    unmount();
  });

  it('hundreds of rows: scrolls and filters; ASCII mode stays ASCII', async () => {
    const lab = loadLab('datacenter-300');
    const plan = emptyPlan({
      nodes: lab.servers.map((s, i) => ({ name: `n-${i}`, bmc: { type: 'ipmi' as const, address: s.bmc.address, user: 'admin', password: 'x' }, macs: [s.nics[0].mac] })),
    });
    const { lastFrame, stdin, unmount } = renderScreen(servers, { plan, ui: { ascii: true }, app: { lab } });
    await vi.waitFor(() => expect(lastFrame()).toContain('of 300'));
    stdin.write('/n-299');
    await vi.waitFor(() => expect(lastFrame()).toContain('(filtered from 300)'));
    expect(lastFrame()).toMatch(/n-299 /);
    expect(nonAscii(lastFrame()!)).toEqual([]);
    expect(widestLine(lastFrame()!)).toBeLessThanOrEqual(80);
    unmount();
  });
});
