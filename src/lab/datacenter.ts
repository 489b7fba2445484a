// The generated `datacenter` lab: N servers in racks of 40, mixed hardware generations,
// a few BMC faults, all from a seed so the same seed gives the same world.
import { DATACENTER_DEFAULT_SIZE } from './names.js';
import { pick, randomInt, seededRandom } from './random.js';
import type { LabServer, LabWorld } from './world.js';

const MODELS = [
  { vendor: 'Dell Inc.', product: 'PowerEdge R650', cores: 32, memoryMiB: 262144, disk: 960 },
  { vendor: 'Dell Inc.', product: 'PowerEdge R640', cores: 24, memoryMiB: 131072, disk: 480 },
  { vendor: 'HPE', product: 'ProLiant DL380 Gen10', cores: 40, memoryMiB: 393216, disk: 1920 },
  { vendor: 'Supermicro', product: 'SYS-1029P-WTR', cores: 16, memoryMiB: 65536, disk: 480 },
  { vendor: 'Lenovo', product: 'ThinkSystem SR630', cores: 28, memoryMiB: 196608, disk: 960 },
] as const;

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

function mac(prefix: string, n: number): string {
  const h = hex(n, 6);
  return `${prefix}:${h.slice(0, 2)}:${h.slice(2, 4)}:${h.slice(4, 6)}`;
}

export function generateDatacenter(size: number, seed = 1): LabWorld {
  const random = seededRandom(seed);
  const servers: LabServer[] = [];
  for (let i = 1; i <= size; i++) {
    const model = pick(random, MODELS);
    // BMCs live in 10.128.0.0/16 (simulated; never touched on a real network): 250 per /24.
    const address = `10.128.${Math.floor((i - 1) / 250)}.${((i - 1) % 250) + 1}`;
    const faults: LabServer['faults'] = [];
    const roll = random();
    if (roll < 0.004) faults.push('bmc-unreachable');
    else if (roll < 0.008) faults.push('bmc-other-password');
    const rack = Math.ceil(i / 40);
    servers.push({
      name: `r${String(rack).padStart(2, '0')}-node-${String(i).padStart(4, '0')}`,
      bmc: {
        type: 'ipmi',
        address,
        user: 'admin',
        password: faults.includes('bmc-other-password') ? 'changeme' : 'password',
        latencyMs: randomInt(random, 20, 80),
        mac: mac('0c:c4:7a', i),
      },
      power: random() < 0.3 ? 'on' : 'off',
      vendor: model.vendor,
      product: model.product,
      serial: `DC${hex(seed & 0xff, 2).toUpperCase()}${String(i).padStart(6, '0')}`,
      guid: `00000000-0000-4000-8000-${hex(seed & 0xffff, 4)}${hex(i, 8)}`,
      cpu: { cores: model.cores, vt: true, arch: 'x86_64' },
      memoryMiB: model.memoryMiB,
      disks: [{ name: 'sda', sizeGiB: model.disk, rotational: false }],
      nics: [
        { name: 'eno1', mac: mac('0c:c4:7b', i), link: 'up', pxe: true, addresses: [] },
        { name: 'eno2', mac: mac('0c:c4:7c', i), link: 'up', pxe: false, addresses: [] },
      ],
      faults,
    });
  }
  return {
    name: size === DATACENTER_DEFAULT_SIZE ? 'datacenter' : `datacenter-${size}`,
    description: `Generated data centre: ${size} servers in racks of 40 (seed ${seed})`,
    bmcDefaults: { user: 'admin', password: 'password', range: `10.128.0.1-${servers[servers.length - 1]?.bmc.address ?? '10.128.0.1'}` },
    seedHost: {
      hostname: 'deploy-01',
      os: 'Debian GNU/Linux 12 (bookworm)',
      cpu: { model: 'Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz', cores: 64, vt: true },
      kvm: true,
      memoryMiB: 262144,
      disks: [{ name: 'nvme0n1', sizeGiB: 1788, rotational: false }],
      nics: [
        { name: 'eno1', mac: '0c:c4:7a:ff:00:01', link: 'up', speedMbps: 1000, addresses: ['172.20.0.10/24'], pxe: false },
        { name: 'ens1f0', mac: '0c:c4:7a:ff:00:02', link: 'up', speedMbps: 25000, addresses: [], pxe: false },
        { name: 'ens1f1', mac: '0c:c4:7a:ff:00:03', link: 'up', speedMbps: 25000, addresses: [], pxe: false },
      ],
      routes: [
        { dst: 'default', via: '172.20.0.1', dev: 'eno1' },
        { dst: '172.20.0.0/24', dev: 'eno1' },
      ],
      tools: ['ipmitool', 'virsh', 'virt-install', 'qemu-img', 'ssh', 'vbmc'],
      sessionNic: 'eno1',
    },
    servers,
    network: { rogueDhcp: false, takenAddresses: [] },
  };
}
