// A real, standalone OpenStack Ironic on loopback (Debian's packages; see
// shared/reference/ironic-lab.md): API and conductor in one `/usr/bin/ironic` process, SQLite,
// no Keystone, no message bus. One instance stands for the seed's Ironic (127.0.0.1), a
// second one for the undercloud's (127.0.0.2). Stopped by PID.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { alive } from '../../src/store/lock.js';
import type { PlanInput } from '../../src/plan/schema.js';
import { labSpecs, startBmcLab, type BmcLab, type LabBmcSpec } from './bmc-lab.js';

/** Debian package → a program it installs (the Ironic lab and the BMC lab). */
const IRONIC_BIN = '/usr/bin/ironic';
const IRONIC_DBSYNC_BIN = '/usr/bin/ironic-dbsync';

export interface IronicInstance {
  /** http://HOST:PORT */
  url: string;
  host: string;
  port: number;
  /** The instance's folder: ironic.conf, ironic.db, ironic.log, state. */
  dir: string;
  /** file:// images must live under here (conductor.file_url_allowed_paths). */
  imagesDir: string;
  pid: number;
  /** Stops the process (SIGTERM, then SIGKILL after 8 s). Keeps the folder. */
  stop(): Promise<void>;
  /** Kills it outright (SIGKILL): a crash, with work under way. Keeps the folder. */
  kill(): Promise<void>;
}

export interface IronicOptions {
  host?: string;
  port?: number;
  /** Folder for state; a new temporary one when absent. Reused (schema kept) when it exists. */
  dir?: string;
  /** Extra lines for [DEFAULT]. */
  extraDefault?: string[];
  /** The folder file:// images may come from (several instances can share one). */
  imagesDir?: string;
}

function ironicConf(dir: string, host: string, port: number, extraDefault: string[] = [], imagesDir = `${dir}/images-src`): string {
  return `[DEFAULT]
auth_strategy = noauth
rpc_transport = none
host = ironic-lab-${host}
state_path = ${dir}/state
enabled_hardware_types = fake-hardware,ipmi
enabled_bios_interfaces = no-bios,fake
enabled_boot_interfaces = fake,pxe
enabled_console_interfaces = no-console,fake
enabled_deploy_interfaces = fake,ramdisk
enabled_inspect_interfaces = no-inspect,fake
enabled_management_interfaces = fake,ipmitool
enabled_network_interfaces = noop
enabled_power_interfaces = fake,ipmitool
enabled_raid_interfaces = no-raid,fake
enabled_rescue_interfaces = no-rescue,fake
enabled_storage_interfaces = noop
enabled_vendor_interfaces = no-vendor,fake
default_network_interface = noop
log_file = ${dir}/ironic.log
${extraDefault.join('\n')}
[api]
host_ip = ${host}
port = ${port}
[database]
connection = sqlite:///${dir}/ironic.db
[dhcp]
dhcp_provider = none
[conductor]
automated_clean = false
file_url_allowed_paths = ${imagesDir}
[oslo_concurrency]
lock_path = ${dir}/locks
[ipmi]
min_command_interval = 1
command_retry_timeout = 8
[pxe]
tftp_root = ${dir}/tftpboot
tftp_master_path = ${dir}/tftpboot/master_images
images_path = ${dir}/images
instance_master_path = ${dir}/master_images
[deploy]
http_root = ${dir}/httpboot
http_url = http://${host}:8088
`;
}

/** Polls GET / until Ironic answers (or the process died, or the deadline passed). */
async function waitForApi(url: string, timeoutMs: number, alive: () => boolean = () => true): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url + '/v1', { signal: AbortSignal.timeout(1_000) });
      if (res.ok) return;
    } catch {
      // not up yet
    }
    if (!alive()) throw new Error(`ironic at ${url} exited during start-up`);
    if (Date.now() > deadline) throw new Error(`ironic at ${url} did not answer within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** The process still exists. */
/** Stops a process by PID: `first` (SIGTERM), up to graceMs for it to go, then SIGKILL. */
export async function stopPid(pid: number, graceMs = 8_000, first: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!alive(pid)) return;
  try {
    process.kill(pid, first);
  } catch {
    return;
  }
  const deadline = Date.now() + graceMs;
  while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (alive(pid)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** A TCP port nothing listens on at `host` (the kernel's pick). */
export function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Something already answers HTTP there (another lab, another test run). */
async function answers(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(500) });
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts one Ironic (port 0: a free one). The schema is created once per folder (~4 s);
 * start-up takes 3–6 s. Refuses an address where something already answers.
 */
export async function startIronic(opts: IronicOptions = {}): Promise<IronicInstance> {
  const host = opts.host ?? '127.0.0.1';
  const port = opts.port === 0 ? await freePort(host) : (opts.port ?? 6385);
  if (await answers(`http://${host}:${port}/`)) throw new Error(`something already listens on ${host}:${port} (another Ironic lab?)`);
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'cs-ironic-'));
  const imagesDir = opts.imagesDir ?? join(dir, 'images-src');
  for (const sub of ['state', 'locks', 'tftpboot/master_images', 'images', 'master_images', 'httpboot']) {
    mkdirSync(join(dir, sub), { recursive: true });
  }
  mkdirSync(imagesDir, { recursive: true });
  const conf = join(dir, 'ironic.conf');
  writeFileSync(conf, ironicConf(dir, host, port, opts.extraDefault, imagesDir));
  if (!existsSync(join(dir, 'ironic.db'))) {
    await execa(IRONIC_DBSYNC_BIN, ['--config-file', conf, 'create_schema']);
  }
  const child: ChildProcess = spawn(IRONIC_BIN, ['--config-file', conf], {
    stdio: 'ignore',
  });
  const pid = child.pid;
  if (!pid) throw new Error('could not start ironic');
  let exited = false;
  child.once('exit', () => (exited = true));
  const url = `http://${host}:${port}`;
  try {
    // Ironic (Python) takes ~5 s to answer on a quiet machine and over a minute on a loaded one.
    await waitForApi(url, 240_000, () => !exited && alive(pid));
  } catch (err) {
    await stopPid(pid);
    throw new Error(`${(err as Error).message}; see ${join(dir, 'ironic.log')}`);
  }
  return {
    url,
    host,
    port,
    dir,
    imagesDir,
    pid,
    stop: () => stopPid(pid),
    kill: () => stopPid(pid, 5_000, 'SIGKILL'),
  };
}

/** A kernel and ramdisk Ironic's ramdisk deploy accepts (content does not matter to a BMC sim). */
function writeLabImages(imagesDir: string): { kernel: string; ramdisk: string } {
  const kernel = join(imagesDir, 'deploy.kernel');
  const ramdisk = join(imagesDir, 'deploy.initramfs');
  if (!existsSync(kernel)) writeFileSync(kernel, 'cloudseed lab kernel\n');
  if (!existsSync(ramdisk)) writeFileSync(ramdisk, 'cloudseed lab ramdisk\n');
  return { kernel: 'file://' + kernel, ramdisk: 'file://' + ramdisk };
}

/** The whole local lab: the seed's Ironic, the undercloud's Ironic and N BMCs. */
export interface IronicLab {
  seed: IronicInstance;
  undercloud: IronicInstance;
  bmcs: BmcLab;
  /** file:// URLs both Ironics accept. */
  images: { kernel: string; ramdisk: string };
  /** Stops every process by PID. */
  stop(): Promise<void>;
}

export interface IronicLabOptions {
  servers: number;
  /** BMCs on 127.0.1.FIRST.. (default 1). */
  first?: number;
  /** Folder for both Ironics' state (a temp folder when absent). */
  dir?: string;
  /** Shared images folder (both Ironics allow file:// from it). */
  imagesDir?: string;
  seedPort?: number;
  undercloudPort?: number;
  /** Per-BMC overrides, e.g. another password for one of them. */
  bmcOverrides?: Record<number, Partial<LabBmcSpec>>;
  /** First three octets of the BMC addresses (default 127.0.1). */
  bmcNet?: string;
}

/** A loopback /24 for one bench process's BMCs, apart from lab:up (127.0.1); tests use test-net.ts's labNet. */
export function testBmcNet(): string {
  return `127.0.${50 + (process.pid % 150)}`;
}

/** `npm run lab:up`: where assets/labs/local-ironic.yaml expects the kernel and ramdisk, and how many servers. */
export const LAB_IMAGES_DIR = '/tmp/cloudseed-lab/images';
export const LAB_SERVERS = 4;

const SEED_IRONIC_HOST = '127.0.0.1';
const UNDERCLOUD_IRONIC_HOST = '127.0.0.2';
export const LAB_BMC_NET = '127.0.1';

export async function startIronicLab(opts: IronicLabOptions): Promise<IronicLab> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'cs-ironiclab-'));
  const imagesDir = opts.imagesDir ?? join(dir, 'images');
  mkdirSync(imagesDir, { recursive: true });
  const images = writeLabImages(imagesDir);
  const specs = labSpecs(opts.servers, opts.bmcNet ?? LAB_BMC_NET, opts.first ?? 1).map((s, i) => ({ ...s, ...(opts.bmcOverrides?.[i] ?? {}) }));
  const started = await Promise.allSettled([
    startIronic({ host: SEED_IRONIC_HOST, port: opts.seedPort ?? 6385, dir: join(dir, 'seed'), imagesDir }),
    startIronic({ host: UNDERCLOUD_IRONIC_HOST, port: opts.undercloudPort ?? 6385, dir: join(dir, 'undercloud'), imagesDir }),
    startBmcLab(specs),
  ]);
  const [seed, undercloud, bmcs] = started;
  if (seed.status === 'rejected' || undercloud.status === 'rejected' || bmcs.status === 'rejected') {
    await Promise.all(started.map((r) => (r.status === 'fulfilled' ? r.value.stop() : undefined)));
    const why = started.find((r): r is PromiseRejectedResult => r.status === 'rejected')!.reason;
    throw why instanceof Error ? why : new Error(String(why));
  }
  return {
    seed: seed.value,
    undercloud: undercloud.value,
    bmcs: bmcs.value,
    images,
    stop: async () => {
      await Promise.all([seed.value.stop(), undercloud.value.stop(), bmcs.value.stop()]);
    },
  };
}

/** A server's PXE MAC in the lab (the BMC sim has no NIC: Ironic only needs a port). */
export function labPxeMac(i: number): string {
  return `52:54:00:aa:01:${(i + 1).toString(16).padStart(2, '0')}`;
}

/** The server name the lab gives BMC i. */
export function labNodeName(i: number): string {
  return `node-${String(i + 1).padStart(2, '0')}`;
}

/**
 * An answers file (plan input) for the lab: driver real, both clouds adopted, every BMC a
 * server (the first a controller, the rest computes). Confirmed, as `--yes` would.
 */
export function labPlanInput(
  lab: { seedUrl: string; undercloudUrl: string; images: { kernel: string; ramdisk: string }; bmcs: { address: string; port?: number; user?: string; password?: string }[] },
  overrides: Partial<PlanInput> = {},
): PlanInput {
  return {
    version: 1,
    name: 'local-ironic',
    driver: 'real',
    nodes: lab.bmcs.map((b, i) => ({
      name: labNodeName(i),
      bmc: { type: 'ipmi' as const, address: b.address, ...(b.port && b.port !== 623 ? { port: b.port } : {}), user: b.user ?? 'admin', password: b.password ?? 'password' },
      macs: [labPxeMac(i)],
      cpu: 8,
      memoryMiB: 16384,
      diskGiB: 100,
      role: i === 0 ? ('Controller' as const) : ('Compute' as const),
      roleSource: 'manual' as const,
      source: 'lab' as const,
    })),
    seed: { mode: 'adopt', ironic: { url: lab.seedUrl } },
    undercloud: { mode: 'adopt', ironic: { url: lab.undercloudUrl }, images: lab.images },
    options: { concurrency: 10, acknowledged: [], confirmedAt: new Date(0).toISOString() },
    ...overrides,
  };
}
