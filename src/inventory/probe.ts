// Probing the seed host for real (/proc, /sys, lsblk, ip) or reading it from a lab world.
// The parsers are pure so they can be tested on captured output; probeHost does the I/O.
import { accessSync, constants, existsSync } from 'node:fs';
import { access, readFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { hostname as osHostname } from 'node:os';
import type { HostFacts, HostNic, HostRoute } from './host-facts.js';
import type { LabWorld } from '../lab/world.js';

/** Tools the real driver runs; checked on PATH. */
const HOST_TOOLS = ['ipmitool', 'ssh', 'virsh', 'qemu-img', 'virt-install'] as const;

export function parseCpuinfo(text: string): HostFacts['cpu'] {
  let model = '';
  let cores = 0;
  let vt = false;
  for (const line of text.split('\n')) {
    const sep = line.indexOf(':');
    if (sep < 0) continue;
    const key = line.slice(0, sep).trim();
    const value = line.slice(sep + 1).trim();
    if (key === 'processor') cores++;
    else if (key === 'model name' && !model) model = value;
    else if (key === 'flags' && !vt) vt = /\b(vmx|svm)\b/.test(value);
  }
  return { model: model || 'unknown', cores, vt };
}

export function parseMeminfo(text: string): number {
  const m = /^MemTotal:\s+(\d+)\s*kB/m.exec(text);
  return m ? Math.floor(Number(m[1]) / 1024) : 0;
}

interface LsblkDevice {
  name: string;
  size: number | string | null;
  rota?: boolean | string | null;
  type?: string;
}

/** `lsblk -J -b -o NAME,SIZE,ROTA,TYPE`: whole disks only, empty ones (zram, card readers) left out. */
export function parseLsblk(json: string): HostFacts['disks'] {
  const data = JSON.parse(json) as { blockdevices?: LsblkDevice[] };
  return (data.blockdevices ?? [])
    .filter((d) => d.type === 'disk' && Number(d.size) > 0)
    .map((d) => ({
      name: d.name,
      sizeGiB: Math.floor(Number(d.size) / 1024 ** 3),
      // older lsblk prints "0"/"1", newer true/false
      rotational: d.rota === true || d.rota === '1',
    }));
}

interface IpAddrEntry {
  ifname: string;
  address?: string;
  link_type?: string;
  operstate?: string;
  linkinfo?: { info_kind?: string };
  addr_info?: { family: string; local: string; prefixlen: number }[];
}

/** Virtual devices that can never carry provisioning. */
const PSEUDO_KINDS = new Set(['ifb', 'dummy', 'veth', 'tun', 'vxlan', 'wireguard']);

/** `ip -j -d addr`: every NIC except loopback and pseudo devices; speeds are filled in separately. */
export function parseIpAddr(json: string): HostNic[] {
  const data = JSON.parse(json) as IpAddrEntry[];
  return data
    .filter((e) => e.link_type !== 'loopback' && !PSEUDO_KINDS.has(e.linkinfo?.info_kind ?? ''))
    .map((e) => ({
      name: e.ifname,
      mac: e.address ?? '',
      state: e.operstate === 'UP' ? 'up' : e.operstate === 'DOWN' ? 'down' : 'unknown',
      addresses: (e.addr_info ?? []).filter((a) => a.family === 'inet' || a.family === 'inet6').map((a) => `${a.local}/${a.prefixlen}`),
    }));
}

/** `ip -j route`. */
export function parseIpRoute(json: string): HostRoute[] {
  const data = JSON.parse(json) as { dst: string; gateway?: string; dev: string }[];
  return data.map((r) => ({ dst: r.dst, ...(r.gateway ? { via: r.gateway } : {}), dev: r.dev }));
}

export function parseOsRelease(text: string): string {
  const fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m) fields.set(m[1], m[2].replace(/^["']|["']$/g, ''));
  }
  return fields.get('PRETTY_NAME') ?? ([fields.get('NAME'), fields.get('VERSION')].filter(Boolean).join(' ') || 'unknown');
}

/** The NIC holding the server side address of `SSH_CONNECTION` ("client cport server sport"). */
export function sessionNicFor(sshConnection: string | undefined, nics: readonly HostNic[]): string | undefined {
  const serverIp = sshConnection?.trim().split(/\s+/)[2];
  if (!serverIp) return undefined;
  return nics.find((n) => n.addresses.some((a) => a.split('/')[0] === serverIp))?.name;
}

/** The tool is an executable on `path` (or, given as a path, exists). */
function onPath(tool: string, path: string): boolean {
  if (tool.includes('/')) return existsSync(tool);
  for (const dir of path.split(delimiter).filter(Boolean)) {
    try {
      accessSync(join(dir, tool), constants.X_OK);
      return true;
    } catch {
      // not in this directory
    }
  }
  return false;
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

async function runJson(file: string, args: string[]): Promise<string | undefined> {
  const { execa } = await import('execa');
  const r = await execa(file, args, { reject: false, timeout: 10_000 });
  return r.exitCode === 0 ? r.stdout : undefined;
}

/** Probes the machine cloudseed runs on. Missing sources leave their facts empty, never throw. */
export async function probeHost(env: NodeJS.ProcessEnv = process.env): Promise<HostFacts> {
  const path = env.PATH ?? '';
  const [cpuinfo, meminfo, osRelease, lsblk, ipAddr, ipRoute, kvm, hostname] = await Promise.all([
    readText('/proc/cpuinfo'),
    readText('/proc/meminfo'),
    readText('/etc/os-release'),
    runJson('lsblk', ['-J', '-b', '-o', 'NAME,SIZE,ROTA,TYPE']).catch(() => undefined),
    runJson('ip', ['-j', '-d', 'addr']).catch(() => undefined),
    runJson('ip', ['-j', 'route']).catch(() => undefined),
    access('/dev/kvm', constants.R_OK | constants.W_OK).then(
      () => true,
      () => false,
    ),
    readText('/proc/sys/kernel/hostname'),
  ]);
  const nics = ipAddr ? parseIpAddr(ipAddr) : [];
  await Promise.all(
    nics.map(async (nic) => {
      const speed = Number((await readText(`/sys/class/net/${nic.name}/speed`))?.trim());
      if (Number.isFinite(speed) && speed > 0) nic.speedMbps = speed;
    }),
  );
  const routes = ipRoute ? parseIpRoute(ipRoute) : [];
  const tools: Record<string, boolean> = {};
  for (const tool of HOST_TOOLS) tools[tool] = onPath(tool, path);
  return {
    hostname: hostname?.trim() || osHostname(),
    os: osRelease ? parseOsRelease(osRelease) : 'unknown',
    cpu: cpuinfo ? parseCpuinfo(cpuinfo) : { model: 'unknown', cores: 0, vt: false },
    kvm,
    memoryMiB: meminfo ? parseMeminfo(meminfo) : 0,
    disks: lsblk ? parseLsblk(lsblk) : [],
    nics,
    routes,
    defaultRouteNic: routes.find((r) => r.dst === 'default')?.dev,
    sessionNic: sessionNicFor(env.SSH_CONNECTION, nics),
    tools,
  };
}

/** The seed host of a simulated lab, as a probe would see it. */
export function hostFactsFromLab(world: LabWorld): HostFacts {
  const h = world.seedHost;
  const routes = h.routes.map((r) => ({ ...r }));
  const tools: Record<string, boolean> = {};
  for (const tool of HOST_TOOLS) tools[tool] = h.tools.includes(tool);
  for (const tool of h.tools) tools[tool] = true;
  return {
    hostname: h.hostname,
    os: h.os,
    cpu: { ...h.cpu },
    kvm: h.kvm,
    memoryMiB: h.memoryMiB,
    disks: h.disks.map((d) => ({ ...d })),
    nics: h.nics.map((n) => ({
      name: n.name,
      mac: n.mac,
      state: n.link,
      ...(n.speedMbps ? { speedMbps: n.speedMbps } : {}),
      addresses: [...n.addresses],
    })),
    routes,
    defaultRouteNic: routes.find((r) => r.dst === 'default')?.dev,
    sessionNic: h.sessionNic,
    tools,
  };
}


/** A seed host as the deployment, the Host screen and `cloudseed probe` read it. */
export interface HostProbe {
  facts(signal?: AbortSignal): Promise<HostFacts>;
  /** The tool is installed (on PATH). */
  has(tool: string): boolean;
}

/**
 * The lab's seed host (a Debian host: iproute2 and curl come with it, scp with ssh), or
 * without a lab this machine, its tools looked up on `env`'s PATH.
 */
export function hostProbe(lab: LabWorld | undefined, env: NodeJS.ProcessEnv = process.env): HostProbe {
  if (lab) {
    return {
      facts: async () => hostFactsFromLab(lab),
      has: (tool) => lab.seedHost.tools.includes(tool === 'scp' ? 'ssh' : tool) || tool === 'ip' || tool === 'curl',
    };
  }
  return { facts: () => probeHost(env), has: (tool) => onPath(tool, env.PATH ?? '') };
}
