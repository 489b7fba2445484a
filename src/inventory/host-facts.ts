// Facts about the seed host (the machine cloudseed runs on): probed for real, or taken
// from a simulated lab's seed host. Checks, network suggestions and the screens read this.

export interface HostNic {
  name: string;
  mac: string;
  state: 'up' | 'down' | 'unknown';
  speedMbps?: number;
  /** Addresses in CIDR form. */
  addresses: string[];
}

export interface HostRoute {
  /** `default` or a CIDR. */
  dst: string;
  via?: string;
  dev: string;
}

export interface HostFacts {
  hostname: string;
  os: string;
  cpu: { model: string; cores: number; vt: boolean };
  /** /dev/kvm is present and usable. */
  kvm: boolean;
  memoryMiB: number;
  disks: { name: string; sizeGiB: number; rotational: boolean }[];
  nics: HostNic[];
  routes: HostRoute[];
  /** NIC of the default route, if any. */
  defaultRouteNic?: string;
  /** NIC the current SSH session comes in through, if known. */
  sessionNic?: string;
  /** Tool name (ipmitool, virsh, qemu-img, ssh, ...) → found on PATH. */
  tools: Record<string, boolean>;
}
