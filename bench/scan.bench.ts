// A scan of 50 ipmi_sim BMCs, several ways in the same run: cloudseed's scan (its native
// RMCP+ sessions, and ipmitool processes, bounded concurrency), a serial ipmitool loop over
// the same list, and FreeIPMI's multi-host ipmi-power fan-out (its default fan-out, 64).
// Then the changes a deployment makes to every server (power on, power off, PXE next boot),
// through the native client and through its fallback, ipmitool processes.
// Targets: power status <= 1.0x FreeIPMI's time; the full scan (+FRU/LAN/GUID) <= 1.5x
// FreeIPMI's power-only time. The load average at start and end says how busy the machine was.
// Where the time goes: each way's CPU on the BMC side (the ipmi_sim processes and the chassis
// and LAN scripts they run) and on the client side, so a ratio can be read against the work
// each way makes the BMCs do.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensurePackages } from '../test/lab/ensure-packages.js';
import { labSpecs, startBmcLab } from '../test/lab/bmc-lab.js';
import type { BmcTarget } from '../src/inventory/bmc.js';
import { IpmitoolClient } from '../src/inventory/ipmi.js';
import { DEFAULT_SCAN_CONCURRENCY, eachLimited, scanRange } from '../src/inventory/scan.js';

const COUNT = 50;
const ROUNDS = 3;
const USER = 'admin';
const PASSWORD = 'password';
const POWER_TARGET = 1.0;
const FULL_TARGET = 1.5;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (n: number) => `${n.toFixed(0).padStart(6)} ms`;
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
const loadAtStart = load();

ensurePackages();
const lab = await startBmcLab(labSpecs(COUNT, '127.0.9', 10));
const addresses = lab.bmcs.map((b) => b.address);
/** CPU ms of processes `pids` and of their children they waited for (/proc/PID/stat utime, stime, cutime, cstime). */
const ticks = (pids: (number | 'self')[], children: boolean) =>
  pids.reduce<number>((sum, pid) => {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return sum + (children ? 0 : +f[11] + +f[12]) + +f[13] + +f[14];
  }, 0) * 10;
const simPids = lab.bmcs.map((b) => b.pid);
const targets: BmcTarget[] = addresses.map((address) => ({ type: 'ipmi', address, user: USER, password: PASSWORD }));
const dir = mkdtempSync(join(tmpdir(), 'cs-bench-scan-'));
// FreeIPMI reads the credentials from a config file, so the password stays off the command line
const conf = join(dir, 'freeipmi.conf');
writeFileSync(conf, `username ${USER}\npassword ${PASSWORD}\n`, { mode: 0o600 });

try {
  // generous time limits: a loaded machine should slow the figures down, not fail the run
  const native = new IpmitoolClient({ timeoutMs: 10_000 });
  const viaIpmitool = new IpmitoolClient({ timeoutMs: 10_000, nativePower: false });
  const env = { ...process.env, IPMI_PASSWORD: PASSWORD };
  /** Runs that missed BMCs (a loaded machine): their times are printed but flagged. */
  const incomplete: string[] = [];

  const cloudseed = async (client: IpmitoolClient, concurrency: number, identify: boolean) => {
    const t = performance.now();
    const r = await scanRange({ range: addresses, user: USER, password: PASSWORD, client, concurrency, identify });
    if (r.found !== COUNT) incomplete.push(`cloudseed c=${concurrency} found ${r.found} of ${COUNT} (${r.unreachable} unreachable, ${r.refused} refused, ${r.failed} failed)`);
    if (identify && r.bmcs.some((b) => !b.identity.serial || !b.identity.guid || !b.identity.bmcMac)) incomplete.push('the full scan missed a serial, GUID or MAC');
    return performance.now() - t;
  };
  const serial = () => {
    const t = performance.now();
    for (const a of addresses) {
      try {
        execFileSync('ipmitool', ['-I', 'lanplus', '-C', '3', '-N', '1', '-R', '1', '-H', a, '-U', USER, '-E', 'power', 'status'], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      } catch {
        incomplete.push('the serial ipmitool loop missed BMCs');
      }
    }
    return performance.now() - t;
  };
  const freeipmi = () => {
    const t = performance.now();
    // ipmi-power exits 1 when a host did not answer; what it printed still counts
    let out: string;
    // Retransmissions after 5 s, as the native client's tries (10 s limit): FreeIPMI's default
    // 0.4 s re-ran each BMC's chassis script faster than a loaded machine ran it, a storm that
    // took the lab down (0 of 50 answered in 20 s, 10 s of script CPU). On a quiet machine no
    // answer takes 0.4 s, so its time is the same.
    try {
      out = execFileSync('ipmi-power', ['--config-file', conf, '-D', 'LAN_2_0', '-I', '3', '-W', 'opensesspriv', '--retransmission-timeout', '5000', '-h', addresses.join(','), '--stat'], { encoding: 'utf8' });
    } catch (e) {
      out = String((e as { stdout?: string }).stdout ?? '');
    }
    const answered = out.split('\n').filter((l) => /: (on|off)$/.test(l)).length;
    if (answered !== COUNT) incomplete.push(`FreeIPMI answered for ${answered} of ${COUNT}`);
    return performance.now() - t;
  };
  /** One change to every BMC, `concurrency` at once; checked on the BMCs' side afterwards. */
  const change = async (client: IpmitoolClient, concurrency: number, what: 'on' | 'off' | 'pxe') => {
    const t = performance.now();
    await eachLimited(targets, concurrency, undefined, async (target) => {
      try {
        if (what === 'pxe') await client.setBootDevice(target, 'pxe', {});
        else await client.powerAction(target, what);
      } catch {
        // counted below, on the BMCs' side
      }
    });
    const took = performance.now() - t;
    const states = await Promise.all(lab.bmcs.map((_, i) => (what === 'pxe' ? lab.boot(i) : lab.power(i))));
    const missed = states.filter((s) => s !== what).length;
    if (missed) incomplete.push(`after ${what} through ${client === native ? 'RMCP+' : 'ipmitool'}: ${missed} BMCs are not ${what}`);
    return took;
  };

  /** BMC-side and client-side CPU of each measured way (ms, per run). */
  const cpu: Record<string, { bmc: number[]; client: number[] }> = {};
  const measured = async (name: string, run: () => number | Promise<number>): Promise<number> => {
    const sim0 = ticks(simPids, false);
    const own0 = process.cpuUsage();
    // what this process's children (ipmitool, ipmi-power) used, once they were waited for
    const kids0 = ticks(['self'], true);
    const took = await run();
    const own = process.cpuUsage(own0);
    (cpu[name] ??= { bmc: [], client: [] }).bmc.push(ticks(simPids, false) - sim0);
    cpu[name].client.push((own.user + own.system) / 1000 + ticks(['self'], true) - kids0);
    return took;
  };

  const C = DEFAULT_SCAN_CONCURRENCY;
  // warm-up: page cache, ipmi_sim first sessions
  await cloudseed(native, C, false);
  await cloudseed(viaIpmitool, 8, false);
  serial();
  freeipmi();

  const NATIVE = `cloudseed, RMCP+ sessions c=${C}`;
  const FULL = `cloudseed full scan (+FRU/LAN/GUID) c=${C}`;
  const results: Record<string, number[]> = {
    serial: [],
    freeipmi: [],
    [NATIVE]: [],
    'cloudseed, RMCP+ sessions c=16': [],
    'cloudseed, ipmitool procs c=8': [],
    'cloudseed, ipmitool procs c=16': [],
    [FULL]: [],
  };
  const changes: Record<string, number[]> = {};
  const record = (name: string, took: number) => (changes[name] ??= []).push(took);
  for (let i = 0; i < ROUNDS; i++) {
    results.serial.push(await measured('serial', serial));
    results.freeipmi.push(await measured('freeipmi', freeipmi));
    results[NATIVE].push(await measured(NATIVE, () => cloudseed(native, C, false)));
    results['cloudseed, RMCP+ sessions c=16'].push(await measured('cloudseed, RMCP+ sessions c=16', () => cloudseed(native, 16, false)));
    results['cloudseed, ipmitool procs c=8'].push(await measured('cloudseed, ipmitool procs c=8', () => cloudseed(viaIpmitool, 8, false)));
    results['cloudseed, ipmitool procs c=16'].push(await measured('cloudseed, ipmitool procs c=16', () => cloudseed(viaIpmitool, 16, false)));
    results[FULL].push(await measured(FULL, () => cloudseed(native, C, true)));
    for (const [how, client, c] of [
      [`RMCP+ sessions c=${C}`, native, C],
      ['ipmitool procs c=8 (fallback)', viaIpmitool, 8],
    ] as const) {
      record(`power on, ${how}`, await change(client, c, 'on'));
      record(`power off, ${how}`, await change(client, c, 'off'));
      record(`PXE next boot, ${how}`, await change(client, c, 'pxe'));
    }
  }

  const base = median(results.serial);
  const fi = median(results.freeipmi);
  console.log(`scan of ${COUNT} ipmi_sim BMCs, power status each; median of ${ROUNDS} rounds`);
  for (const [name, xs] of Object.entries(results)) {
    const m = median(xs);
    console.log(`  ${name.padEnd(42)} ${ms(m)}   ${(base / m).toFixed(2).padStart(5)}x serial   ${(m / fi).toFixed(2)}x FreeIPMI's time   (${(COUNT / (m / 1000)).toFixed(0)} BMC/s)`);
  }
  console.log(`CPU per scan, median of ${ROUNDS} rounds: BMC side (ipmi_sim and the scripts it runs) and client side`);
  for (const [name, c] of Object.entries(cpu)) console.log(`  ${name.padEnd(42)} BMCs ${ms(median(c.bmc))}   client ${ms(median(c.client))}`);
  console.log(`changes to ${COUNT} BMCs (each checked on the BMCs afterwards); median of ${ROUNDS} rounds`);
  for (const [name, xs] of Object.entries(changes)) {
    const m = median(xs);
    console.log(`  ${name.padEnd(42)} ${ms(m)}   (${(COUNT / (m / 1000)).toFixed(0)} BMC/s)`);
  }
  // a run that missed BMCs timed out on them: its time says nothing about the target
  const verdict = (ratio: number, target: number) =>
    `${ratio.toFixed(2)}x   (target <= ${target.toFixed(1)}x: ${incomplete.length ? 'no verdict, runs incomplete' : ratio <= target ? 'met' : 'NOT met'})`;
  console.log(`ratio power status, cloudseed / FreeIPMI fan-out:       ${verdict(median(results[NATIVE]) / fi, POWER_TARGET)}`);
  console.log(`ratio full scan, cloudseed / FreeIPMI power-only time:  ${verdict(median(results[FULL]) / fi, FULL_TARGET)}`);
  console.log(`cloudseed vs serial ipmitool: ${(base / median(results[NATIVE])).toFixed(2)}x faster`);
  for (const note of new Set(incomplete)) console.log(`  incomplete run: ${note} -- figures of a loaded machine`);
  console.log(`load average (1/5/15 min): ${loadAtStart} at start, ${load()} at end, on ${availableParallelism()} cores`);
} finally {
  await lab.stop();
  rmSync(dir, { recursive: true, force: true });
}
