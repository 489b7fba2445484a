// A scan of 50 ipmi_sim BMCs (power status of each), three ways in the same run:
// cloudseed's scan (its native RMCP+ sessions, and ipmitool processes, bounded concurrency),
// a serial ipmitool loop over the same list, and FreeIPMI's multi-host ipmi-power fan-out.
// Prints times and ratios.
// Target: cloudseed >= 3x faster than the serial loop.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensurePackages } from '../test/lab/ensure-packages.js';
import { labSpecs, startBmcLab } from '../test/lab/bmc-lab.js';
import { IpmitoolClient } from '../src/inventory/ipmi.js';
import { scanRange } from '../src/inventory/scan.js';

const COUNT = 50;
const ROUNDS = 3;
const USER = 'admin';
const PASSWORD = 'password';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (n: number) => `${n.toFixed(0).padStart(6)} ms`;

ensurePackages();
const lab = await startBmcLab(labSpecs(COUNT, '127.0.9', 10));
const addresses = lab.bmcs.map((b) => b.address);
const dir = mkdtempSync(join(tmpdir(), 'cs-bench-scan-'));
// FreeIPMI reads the credentials from a config file, so the password stays off the command line
const conf = join(dir, 'freeipmi.conf');
writeFileSync(conf, `username ${USER}\npassword ${PASSWORD}\n`, { mode: 0o600 });

try {
  const native = new IpmitoolClient({ timeoutMs: 3000 });
  const viaIpmitool = new IpmitoolClient({ timeoutMs: 3000, nativePower: false });
  const env = { ...process.env, IPMI_PASSWORD: PASSWORD };

  const cloudseed = async (client: IpmitoolClient, concurrency: number, identify: boolean) => {
    const t = performance.now();
    const r = await scanRange({ range: addresses, user: USER, password: PASSWORD, client, concurrency, identify });
    if (r.found !== COUNT) throw new Error(`cloudseed found ${r.found} of ${COUNT} (${r.unreachable} unreachable, ${r.refused} refused, ${r.failed} failed)`);
    return performance.now() - t;
  };
  const serial = () => {
    const t = performance.now();
    for (const a of addresses) {
      const out = execFileSync('ipmitool', ['-I', 'lanplus', '-C', '3', '-N', '1', '-R', '1', '-H', a, '-U', USER, '-E', 'power', 'status'], { env, encoding: 'utf8' });
      if (!out.includes('Chassis Power is')) throw new Error(`serial: ${a}: ${out}`);
    }
    return performance.now() - t;
  };
  const freeipmi = () => {
    const t = performance.now();
    const out = execFileSync('ipmi-power', ['--config-file', conf, '-D', 'LAN_2_0', '-I', '3', '-W', 'opensesspriv', '-h', addresses.join(','), '--stat'], { encoding: 'utf8' });
    const answered = out.split('\n').filter((l) => /: (on|off)$/.test(l)).length;
    if (answered !== COUNT) throw new Error(`ipmi-power answered for ${answered} of ${COUNT}:\n${out}`);
    return performance.now() - t;
  };

  // warm-up: page cache, ipmi_sim first sessions
  await cloudseed(native, 16, false);
  await cloudseed(viaIpmitool, 8, false);
  serial();
  freeipmi();

  const NATIVE = 'cloudseed, RMCP+ sessions c=16';
  const results: Record<string, number[]> = {
    serial: [],
    freeipmi: [],
    [NATIVE]: [],
    'cloudseed, ipmitool procs c=8': [],
    'cloudseed, ipmitool procs c=16': [],
    'cloudseed full scan (+FRU/LAN/GUID)': [],
  };
  for (let i = 0; i < ROUNDS; i++) {
    results.serial.push(serial());
    results.freeipmi.push(freeipmi());
    results[NATIVE].push(await cloudseed(native, 16, false));
    results['cloudseed, ipmitool procs c=8'].push(await cloudseed(viaIpmitool, 8, false));
    results['cloudseed, ipmitool procs c=16'].push(await cloudseed(viaIpmitool, 16, false));
    results['cloudseed full scan (+FRU/LAN/GUID)'].push(await cloudseed(native, 16, true));
  }

  const base = median(results.serial);
  const fi = median(results.freeipmi);
  console.log(`scan of ${COUNT} ipmi_sim BMCs, power status each; median of ${ROUNDS} rounds`);
  for (const [name, xs] of Object.entries(results)) {
    const m = median(xs);
    console.log(`  ${name.padEnd(36)} ${ms(m)}   ${(base / m).toFixed(2)}x serial   ${(m / fi).toFixed(2)}x FreeIPMI's time   (${(COUNT / (m / 1000)).toFixed(0)} BMC/s)`);
  }
  const best = median(results[NATIVE]);
  console.log(`cloudseed vs serial ipmitool: ${(base / best).toFixed(2)}x faster (target >= 3x)`);
  console.log(`cloudseed vs FreeIPMI ipmi-power fan-out: ${best > fi ? `${(best / fi).toFixed(2)}x slower` : `${(fi / best).toFixed(2)}x faster`}`);
} finally {
  await lab.stop();
  rmSync(dir, { recursive: true, force: true });
}
