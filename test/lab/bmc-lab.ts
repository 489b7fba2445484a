// A real IPMI lab on loopback: one ipmi_sim process per BMC on 127.0.x.N:623 (see
// ../shared/reference/bmc-lab.md), each with its own FRU image (serial), GUID and BMC MAC.
// Power and boot device live in small files the chassis script reads and writes.
// Every process started is stopped by its PID.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fruImage } from './fru.js';

export interface LabBmcSpec {
  address: string;
  port?: number;
  user?: string;
  password?: string;
  vendor?: string;
  product?: string;
  serial: string;
  /** 32 hex digits. */
  guid?: string;
  bmcMac?: string;
  power?: 'on' | 'off';
}

export interface RunningBmc extends Required<Omit<LabBmcSpec, 'port'>> {
  port: number;
  pid: number;
  dir: string;
}

export interface BmcLab {
  bmcs: RunningBmc[];
  dir: string;
  /** Power state as the chassis script holds it. */
  power(i: number): Promise<'on' | 'off'>;
  boot(i: number): Promise<string>;
  /** Every change the BMC passed to its chassis script, in order (`power 1`, `reset 1`, `boot pxe`). */
  controls(i: number): Promise<string[]>;
  stop(): Promise<void>;
}

// `get` must stay fork-free: ipmi_sim runs it synchronously and blocks meanwhile.
const CHASSIS = `#!/bin/sh
d=$1; shift
op=$1; shift
if [ "$op" = get ]; then
  for p in "$@"; do
    case $p in
      power) read v < "$d/power"; echo "power:$v";;
      boot) read v < "$d/boot"; echo "boot:$v";;
    esac
  done
else
  while [ $# -gt 1 ]; do
    echo "$1 $2" >> "$d/control.log"
    case $1 in
      power) echo "$2" > "$d/power";;
      boot) echo "$2" > "$d/boot";;
    esac
    shift 2
  done
fi
`;

const LAN = `#!/bin/sh
d=$1; shift
op=$1; shift
[ "$op" = get ] || exit 0
for p in "$@"; do
  case $p in
    mac_addr) read v < "$d/mac"; echo "mac_addr:$v";;
    ip_addr) read v < "$d/ip"; echo "ip_addr:$v";;
    ip_addr_src) echo "ip_addr_src:static";;
    subnet_mask) echo "subnet_mask:255.255.255.0";;
  esac
done
`;

/** `count` BMC specs on `base`.first.. with distinct serials, GUIDs and MACs. */
export function labSpecs(count: number, base: string, first = 10, over: Partial<LabBmcSpec> = {}): LabBmcSpec[] {
  return Array.from({ length: count }, (_, i) => {
    const n = first + i;
    const hex = n.toString(16).padStart(2, '0');
    return {
      address: `${base}.${n}`,
      serial: `CSLAB${base.split('.').join('')}${String(n).padStart(3, '0')}`,
      guid: `a1b2c3d4e5f60718293a4b5c${base.split('.')[2]?.padStart(4, '0') ?? '0000'}${hex.padStart(4, '0')}`,
      bmcMac: `52:54:00:cb:${(Number(base.split('.')[2] ?? 0) & 255).toString(16).padStart(2, '0')}:${hex}`,
      ...over,
    };
  });
}

function udpBound(table: string, address: string, port: number): boolean {
  const hexAddr = address
    .split('.')
    .map((o) => Number(o).toString(16).padStart(2, '0').toUpperCase())
    .reverse()
    .join('');
  return table.includes(` ${hexAddr}:${port.toString(16).toUpperCase().padStart(4, '0')} `);
}

export async function startBmcLab(specs: LabBmcSpec[]): Promise<BmcLab> {
  const dir = await mkdtemp(join(tmpdir(), 'cs-bmclab-'));
  await writeFile(join(dir, 'chassis.sh'), CHASSIS);
  await writeFile(join(dir, 'lan.sh'), LAN);
  await chmod(join(dir, 'chassis.sh'), 0o755);
  await chmod(join(dir, 'lan.sh'), 0o755);
  const children: ChildProcess[] = [];
  const bmcs: RunningBmc[] = [];
  // a script that dies of an error before stop() still takes its BMCs with it
  const killOnExit = () => {
    for (const c of children) if (c.pid && c.exitCode === null && c.signalCode === null) process.kill(c.pid, 'SIGKILL');
  };
  process.once('exit', killOnExit);
  const stop = async () => {
    process.removeListener('exit', killOnExit);
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            const kill = setTimeout(() => c.pid && process.kill(c.pid, 'SIGKILL'), 1000);
            c.once('exit', () => {
              clearTimeout(kill);
              resolve();
            });
            if (c.pid) process.kill(c.pid, 'SIGTERM');
          }),
      ),
    );
    await rm(dir, { recursive: true, force: true });
  };
  try {
    for (const [i, s] of specs.entries()) {
      const b: RunningBmc = {
        address: s.address,
        port: s.port ?? 623,
        user: s.user ?? 'admin',
        password: s.password ?? 'password',
        vendor: s.vendor ?? 'Supermicro',
        product: s.product ?? 'SYS-1029P-WTR',
        serial: s.serial,
        guid: s.guid ?? `a1b2c3d4e5f60718293a4b5c${String(i).padStart(8, '0')}`,
        bmcMac: s.bmcMac ?? `52:54:00:cc:00:${(i & 255).toString(16).padStart(2, '0')}`,
        power: s.power ?? 'off',
        pid: 0,
        dir: join(dir, `bmc${i}`),
      };
      await mkdir(join(b.dir, 'state'), { recursive: true });
      const fru = fruImage({ vendor: b.vendor, product: b.product, serial: b.serial });
      await writeFile(join(b.dir, 'fru.bin'), fru);
      await writeFile(join(b.dir, 'power'), b.power === 'on' ? '1\n' : '0\n');
      await writeFile(join(b.dir, 'boot'), 'default\n');
      await writeFile(join(b.dir, 'mac'), `${b.bmcMac}\n`);
      await writeFile(join(b.dir, 'ip'), `${b.address}\n`);
      await writeFile(
        join(b.dir, 'lan.conf'),
        [
          `name "bmc${i}"`,
          'set_working_mc 0x20',
          '  startlan 1',
          `    addr ${b.address} ${b.port}`,
          '    priv_limit admin',
          ...['callback', 'user', 'operator', 'admin'].map((p) => `    allowed_auths_${p} none md2 md5 straight`),
          `    guid ${b.guid}`,
          `    lan_config_program "${join(dir, 'lan.sh')} ${b.dir}"`,
          '  endlan',
          `  chassis_control "${join(dir, 'chassis.sh')} ${b.dir}"`,
          `  user 2 true "${b.user}" "${b.password}" admin 10 none md2 md5 straight`,
          '',
        ].join('\n'),
      );
      await writeFile(
        join(b.dir, 'node.emu'),
        [
          'mc_setbmc 0x20',
          'mc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02 persist_sdr',
          'sel_enable 0x20 1000 0x0a',
          `mc_add_fru_data 0x20 0 ${fru.length} file 0 "${join(b.dir, 'fru.bin')}"`,
          'mc_enable 0x20',
          '',
        ].join('\n'),
      );
      const child = spawn('ipmi_sim', ['-n', '-c', join(b.dir, 'lan.conf'), '-f', join(b.dir, 'node.emu'), '-s', join(b.dir, 'state')], {
        stdio: 'ignore',
      });
      children.push(child);
      await new Promise<void>((resolve, reject) => {
        child.once('spawn', resolve);
        child.once('error', reject);
      });
      b.pid = child.pid!;
      bmcs.push(b);
    }
    // ready when every BMC's UDP socket is bound (about 130 ms after start)
    const deadline = Date.now() + 10_000;
    for (;;) {
      const table = await readFile('/proc/net/udp', 'utf8');
      const exited = children.find((c) => c.exitCode !== null);
      if (exited) throw new Error(`ipmi_sim for ${bmcs[children.indexOf(exited)].address} exited (address in use?)`);
      if (bmcs.every((b) => udpBound(table, b.address, b.port))) break;
      if (Date.now() > deadline) throw new Error('ipmi_sim BMCs did not start within 10 s');
      await new Promise((r) => setTimeout(r, 25));
    }
  } catch (e) {
    await stop();
    throw e;
  }
  const read = async (i: number, f: string) => (await readFile(join(bmcs[i].dir, f), 'utf8')).trim();
  return {
    bmcs,
    dir,
    power: async (i) => ((await read(i, 'power')) === '1' ? 'on' : 'off'),
    boot: (i) => read(i, 'boot'),
    controls: async (i) => (await readFile(join(bmcs[i].dir, 'control.log'), 'utf8').catch(() => '')).split('\n').filter(Boolean),
    stop,
  };
}
