// The IPMI client and the scan against real ipmi_sim BMCs on a loopback /24 of this run's own (test/lab/test-net.ts).
import { execFileSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtemp, readFile, rm, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { labNet } from '../lab/test-net.js';
import { labSpecs, startBmcLab, type BmcLab } from '../lab/bmc-lab.js';
import { IpmitoolClient } from '../../src/inventory/ipmi.js';
import { BmcError, type BmcTarget } from '../../src/inventory/bmc.js';
import { bootDeviceOf, bootFlags, parseFruImage, rmcpSurvey } from '../../src/inventory/rmcp.js';
import { fruImage } from '../lab/fru.js';
import { checkBmcs, mergeScan, scanRange, type ScanProgress } from '../../src/inventory/scan.js';
import { emptyPlan } from '../../src/plan/schema.js';
import { validateNodes } from '../../src/inventory/validate.js';

const BASE = labNet(1);

/** Commands of this process's children (ps exits 1 when there are none). */
function childCommands(): string {
  try {
    return execFileSync('ps', ['-o', 'comm=', '--ppid', String(process.pid)], { encoding: 'utf8' });
  } catch {
    return '';
  }
}
let lab: BmcLab;
const client = new IpmitoolClient({ timeoutMs: 2000 });
const target = (i: number, password = 'password'): BmcTarget => ({ type: 'ipmi', address: lab.bmcs[i].address, user: 'admin', password });

beforeAll(async () => {
  // twenty BMCs on .10-.29, one more on .30 with another password; .31-.34 have nothing behind them
  lab = await startBmcLab([...labSpecs(20, BASE, 10), ...labSpecs(1, BASE, 30, { password: 'calvin', vendor: 'HPE', product: 'ProLiant DL360 Gen10' })]);
}, 30_000);

afterAll(async () => {
  await lab?.stop();
  const left = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' }).split('\n').filter((l) => l.includes('cs-bmclab-') && l.includes('ipmi_sim'));
  expect(left.filter((l) => lab.bmcs.some((b) => l.includes(b.dir)))).toEqual([]);
});

describe('IPMI client against ipmi_sim', () => {
  it('powers a server on and off and reads the state back', async () => {
    expect(await client.powerStatus(target(0))).toBe('off');
    await client.setPower(target(0), true);
    expect(await client.powerStatus(target(0))).toBe('on');
    expect(await lab.power(0)).toBe('on');
    await client.setPower(target(0), false);
    expect(await client.powerStatus(target(0))).toBe('off');
  });

  it('sets PXE as the next boot device and reads it back', async () => {
    expect(await client.setBootPxe(target(1))).toBe('pxe');
    expect(await lab.boot(1)).toBe('pxe');
    expect(await client.bootDevice(target(1))).toBe('pxe');
  });

  it('reads vendor, product and serial from the FRU, the BMC MAC and the GUID', async () => {
    const id = await client.identify(target(2));
    expect(id).toMatchObject({ vendor: 'Supermicro', product: 'SYS-1029P-WTR', serial: lab.bmcs[2].serial, bmcMac: lab.bmcs[2].bmcMac });
    expect(id.guid).toMatch(/^[0-9a-f-]{36}$/);
    // the native session reads the same, in the same form
    expect(await client.survey(target(2))).toEqual({ power: 'off', identity: id });
  });

  it('reads the whole FRU from a BMC that refuses the first read size: smaller reads, same identity', async () => {
    // ipmi_sim answers 0xc8 to a 64-byte Read FRU Data (it returns at most 32 at once)
    const whole = await rmcpSurvey(target(3));
    expect(whole.identity).toMatchObject({ vendor: 'Supermicro', product: 'SYS-1029P-WTR', serial: lab.bmcs[3].serial, bmcMac: lab.bmcs[3].bmcMac });
    expect(await rmcpSurvey(target(3), {}, 64)).toEqual(whole);
  });

  it('tells a refused password from an address with nothing behind it', async () => {
    await expect(client.powerStatus(target(20, 'password'))).rejects.toMatchObject({ kind: 'refused' });
    const dead = client.powerStatus({ ...target(0), address: `${BASE}.33` }).catch((e: unknown) => e);
    const e = await dead;
    expect(e).toBeInstanceOf(BmcError);
    expect((e as BmcError).kind).toBe('unreachable');
    expect(await client.powerStatus(target(20, 'calvin'))).toBe('off');
  });
});

/** What ipmitool itself reads from BMC `i` (a second opinion on what the native client did). */
function ipmitool(i: number, ...command: string[]): string {
  return execFileSync('ipmitool', ['-I', 'lanplus', '-C', '3', '-N', '1', '-R', '1', '-H', lab.bmcs[i].address, '-U', 'admin', '-E', ...command], {
    encoding: 'utf8',
    env: { ...process.env, IPMI_PASSWORD: 'password' },
  });
}

describe('power changes and boot device over the native RMCP+ session', () => {
  it('powers on, cycles, resets, asks for a soft off and powers off; the BMC did each', async () => {
    const t = target(5);
    await client.powerAction(t, 'on');
    expect(ipmitool(5, 'power', 'status')).toContain('Chassis Power is on');
    await client.powerAction(t, 'cycle');
    // ipmi_sim cycles as off, then on again a second later
    await vi.waitFor(() => expect(ipmitool(5, 'power', 'status')).toContain('Chassis Power is on'), { timeout: 10_000 });
    await client.powerAction(t, 'reset');
    await client.powerAction(t, 'soft');
    await client.setPower(t, false);
    expect(ipmitool(5, 'power', 'status')).toContain('Chassis Power is off');
    // what the BMC passed on to its chassis, in order: the cycle is off-then-on, the soft off an ACPI shutdown request
    expect(await lab.controls(5)).toEqual(['power 1', 'power 0', 'power 1', 'reset 1', 'shutdown 1', 'power 0']);
    expect(childCommands()).not.toContain('ipmitool');
  }, 20_000);

  it('sets PXE and disk, next boot or persistent; ipmitool bootparam 5 shows the device', async () => {
    const t = target(6);
    expect(await client.setBootDevice(t, 'pxe', { persistent: true })).toBe('pxe');
    expect(ipmitool(6, 'chassis', 'bootparam', 'get', '5')).toMatch(/Boot Device Selector : Force PXE/);
    expect(await lab.boot(6)).toBe('pxe');
    expect(await client.setBootDevice(t, 'disk', {})).toBe('disk');
    expect(ipmitool(6, 'chassis', 'bootparam', 'get', '5')).toMatch(/Boot Device Selector : Force Boot from default Hard-Drive/);
    expect(await client.bootDevice(t)).toBe('disk');
    expect(await client.setBootPxe(t)).toBe('pxe');
    expect(await lab.boot(6)).toBe('pxe');
  }, 20_000);

  it('refuses a wrong password without touching the server', async () => {
    await expect(client.powerAction(target(20, 'password'), 'on')).rejects.toMatchObject({ kind: 'refused' });
    await expect(client.setBootDevice(target(20, 'password'), 'pxe', {})).rejects.toMatchObject({ kind: 'refused' });
    expect(await lab.controls(20)).toEqual([]);
  });

  it('ipmitool processes do the same when the native client is off', async () => {
    const viaIpmitool = new IpmitoolClient({ timeoutMs: 3000, nativePower: false });
    await viaIpmitool.powerAction(target(7), 'on');
    expect(await client.powerStatus(target(7))).toBe('on');
    expect(await viaIpmitool.setBootDevice(target(7), 'disk', { persistent: true })).toBe('disk');
    expect(await client.bootDevice(target(7))).toBe('disk');
    await viaIpmitool.powerAction(target(7), 'off');
    expect(await lab.power(7)).toBe('off');
  }, 20_000);
});

describe('power status through ipmitool processes (nativePower off)', () => {
  const viaIpmitool = new IpmitoolClient({ timeoutMs: 2000, nativePower: false });
  it('agrees with the native RMCP+ session and classifies the same way', async () => {
    await client.setPower(target(3), true);
    expect(await viaIpmitool.powerStatus(target(3))).toBe('on');
    expect(await client.powerStatus(target(3))).toBe('on');
    await client.setPower(target(3), false);
    expect(await viaIpmitool.powerStatus(target(3))).toBe('off');
    await expect(viaIpmitool.powerStatus(target(20))).rejects.toMatchObject({ kind: 'refused' });
    await expect(viaIpmitool.powerStatus({ ...target(0), address: `${BASE}.34` })).rejects.toMatchObject({ kind: 'unreachable' });
  }, 15_000);
});

describe('scan of a range', () => {
  const range = `${BASE}.10-${BASE}.34`;

  it('counts found, unreachable and refused right and reads each FRU', async () => {
    const seen: ScanProgress[] = [];
    const r = await scanRange({ range, user: 'admin', password: 'password', client, concurrency: 16, timeoutMs: 2000, onProgress: (p) => seen.push(p) });
    expect(r).toMatchObject({ total: 25, scanned: 25, found: 20, refused: 1, unreachable: 4, failed: 0, cancelled: false });
    expect(r.refusedAddresses).toEqual([`${BASE}.30`]);
    expect(r.unreachableAddresses).toEqual([31, 32, 33, 34].map((n) => `${BASE}.${n}`));
    expect(new Set(r.bmcs.map((b) => b.identity.serial))).toEqual(new Set(lab.bmcs.slice(0, 20).map((b) => b.serial)));
    expect(seen.at(-1)).toMatchObject({ scanned: 25, found: 20 });
    expect(seen.map((p) => p.scanned)).toEqual([...seen.map((p) => p.scanned)].sort((a, b) => a - b));

    // merged into a plan, then scanned again: the same twenty servers, not forty
    const first = mergeScan([], r.bmcs, { user: 'admin', password: 'password' });
    expect(first).toMatchObject({ added: 20, updated: 0 });
    const again = await scanRange({ range: `${BASE}.10-${BASE}.29`, user: 'admin', password: 'password', client, concurrency: 16, timeoutMs: 2000 });
    const second = mergeScan(first.nodes, again.bmcs, { user: 'admin', password: 'password' });
    expect(second).toMatchObject({ added: 0, updated: 20 });
    expect(second.nodes.map((n) => n.name)).toEqual(first.nodes.map((n) => n.name));
    expect(second.nodes[0].discovered).toMatchObject({ serial: lab.bmcs[0].serial, vendor: 'Supermicro', bmcStatus: 'ok' });
  }, 30_000);

  it('check BMCs explains the wrong password and the dead address', async () => {
    const plan = emptyPlan({
      nodes: [
        { name: 'good', bmc: { type: 'ipmi', address: `${BASE}.11`, user: 'admin', password: 'password' }, macs: ['52:54:00:00:00:11'] },
        { name: 'other-pw', bmc: { type: 'ipmi', address: `${BASE}.30`, user: 'admin', password: 'password' }, macs: ['52:54:00:00:00:30'] },
        { name: 'gone', bmc: { type: 'ipmi', address: `${BASE}.34`, user: 'admin', password: 'password' }, macs: ['52:54:00:00:00:34'] },
      ],
    });
    const checks = await checkBmcs(plan.nodes, client, { timeoutMs: 2000 });
    expect(checks.map((c) => [c.name, c.status])).toEqual([
      ['good', 'off'],
      ['other-pw', 'refused'],
      ['gone', 'unreachable'],
    ]);
    expect(checks[1].cause).toMatch(/password/);
    expect(checks[2].cause).toMatch(/no answer/);
  }, 15_000);

  it.each([
    ['native RMCP+ sessions', client],
    ['ipmitool processes', new IpmitoolClient({ timeoutMs: 4000, nativePower: false })],
  ])('cancels (%s): stops at once and leaves no ipmitool behind', async (_, c) => {
    const ac = new AbortController();
    const pending = scanRange({ range: `${BASE}.40-${BASE}.79`, user: 'admin', password: 'password', client: c, concurrency: 8, timeoutMs: 4000, signal: ac.signal });
    setTimeout(() => ac.abort(), 300);
    const r = await pending;
    // Nothing answers in that range: without the stop all 40 addresses would be waited out.
    // (How fast it stops is a benchmark's business: a timed assertion failed at load 45.)
    expect(r.cancelled).toBe(true);
    expect(r.scanned).toBeLessThan(40);
    expect(childCommands()).not.toContain('ipmitool');
  }, 10_000);
});

describe('boot flags (IPMI v2.0 table 28-14)', () => {
  it('are marked valid, next boot only or persistent, with the device selector where ipmitool puts it', () => {
    // ipmi_sim reports ipmitool's `chassis bootdev pxe` as data 00 04 00 00 00 and `disk` as 00 08 ...
    expect(bootFlags('pxe', false)).toEqual([0x80, 0x04, 0, 0, 0]);
    expect(bootFlags('disk', true)).toEqual([0xc0, 0x08, 0, 0, 0]);
    expect(bootDeviceOf(Buffer.from([0, 1, 5, 0x00, 0x04, 0, 0, 0]))).toBe('pxe');
    expect(bootDeviceOf(Buffer.from([0, 1, 5, 0xc0, 0x08, 0, 0, 0]))).toBe('disk');
    expect(bootDeviceOf(Buffer.from([0xc1]))).toBe('unknown');
  });
});

describe('a BMC the native client cannot open a session with', () => {
  it('gets its power change and boot device through ipmitool instead', async () => {
    // answers every Open Session Request with "no matching cipher suite" (RMCP+ status 0x11)
    const bmc = createSocket('udp4');
    bmc.on('message', (m, from) => {
      const answer = Buffer.alloc(24);
      Buffer.from([0x06, 0x00, 0xff, 0x07, 0x06, 0x11]).copy(answer);
      answer.writeUInt16LE(8, 14);
      answer[16] = m[16]; // the request's tag
      answer[17] = 0x11;
      bmc.send(answer, from.port, from.address);
    });
    await new Promise<void>((resolve) => bmc.bind(0, `${BASE}.250`, resolve));
    const dir = await mkdtemp(join(tmpdir(), 'cs-ipmitool-'));
    const fake = join(dir, 'ipmitool');
    await writeFile(fake, `#!/bin/sh\necho "$@" >> "${dir}/calls"\necho "Boot Device Selector : Force PXE"\n`);
    await chmod(fake, 0o755);
    try {
      const c = new IpmitoolClient({ binary: fake, timeoutMs: 2000 });
      const t: BmcTarget = { type: 'ipmi', address: `${BASE}.250`, port: bmc.address().port, user: 'admin', password: 'password' };
      await c.powerAction(t, 'cycle');
      expect(await c.setBootDevice(t, 'pxe', { persistent: true })).toBe('pxe');
      const calls = (await readFile(join(dir, 'calls'), 'utf8')).trim().split('\n');
      expect(calls.map((l) => l.split(' -E ')[1])).toEqual(['power cycle', 'chassis bootdev pxe options=persistent', 'chassis bootparam get 5']);
    } finally {
      bmc.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('FRU images', () => {
  it('the native parser reads what the lab writes', () => {
    expect(parseFruImage(fruImage({ vendor: 'Dell Inc.', product: 'PowerEdge R740', serial: '9FJ7KQ2' }))).toEqual({ vendor: 'Dell Inc.', product: 'PowerEdge R740', serial: '9FJ7KQ2' });
    expect(parseFruImage(Buffer.from([0, 1, 2]))).toEqual({});
  });
});

describe('the password never reaches the command line', () => {
  it('goes to ipmitool through IPMI_PASSWORD with -E', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cs-ipmitool-'));
    const fake = join(dir, 'ipmitool');
    await writeFile(fake, `#!/bin/sh\necho "$@" > "${dir}/argv"\necho "$IPMI_PASSWORD" > "${dir}/env"\necho "Chassis Power is on"\n`);
    await chmod(fake, 0o755);
    const c = new IpmitoolClient({ binary: fake, nativePower: false });
    expect(await c.powerStatus({ type: 'ipmi', address: `${BASE}.250`, user: 'admin', password: 's3cret-pw' })).toBe('on');
    const argv = await readFile(join(dir, 'argv'), 'utf8');
    expect(argv).not.toContain('s3cret-pw');
    expect(argv).toContain('-E');
    expect(argv).toMatch(/-I lanplus -C 3 -N 1 -R 1/);
    expect((await readFile(join(dir, 'env'), 'utf8')).trim()).toBe('s3cret-pw');
    await rm(dir, { recursive: true, force: true });
  });
});

describe('validateNodes on scanned servers', () => {
  it('a scanned server without a PXE MAC is a warning', () => {
    const plan = emptyPlan();
    const merged = mergeScan([], [{ address: `${BASE}.10`, power: 'off', identity: { serial: 'X1' } }], { user: 'admin', password: 'p' });
    const findings = validateNodes({ ...plan, nodes: merged.nodes });
    expect(findings.map((f) => f.rule)).toEqual(['inventory.no-pxe-mac']);
  });
});
