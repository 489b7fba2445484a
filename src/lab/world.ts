// A simulated lab: the world the `sim` driver discovers and deploys into. It describes
// the hardware as it really is; the plan learns it only through discovery.
import { z } from 'zod';

const mac = z.string().regex(/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i);

export const LabNicSchema = z.strictObject({
  name: z.string(),
  mac,
  link: z.enum(['up', 'down']).default('up'),
  speedMbps: z.number().int().optional(),
  /** Addresses in CIDR form, e.g. 192.168.1.10/24. */
  addresses: z.array(z.string()).default([]),
  /** The NIC can PXE boot (servers). */
  pxe: z.boolean().default(false),
});

export const LabDiskSchema = z.strictObject({
  name: z.string(),
  sizeGiB: z.number().int().positive(),
  rotational: z.boolean().default(false),
});

export const LabRouteSchema = z.strictObject({
  /** `default` or a CIDR. */
  dst: z.string(),
  via: z.string().optional(),
  dev: z.string(),
});

export const LabSeedHostSchema = z.strictObject({
  hostname: z.string(),
  os: z.string(),
  cpu: z.strictObject({ model: z.string(), cores: z.number().int().positive(), vt: z.boolean() }),
  kvm: z.boolean(),
  memoryMiB: z.number().int().positive(),
  disks: z.array(LabDiskSchema),
  nics: z.array(LabNicSchema),
  routes: z.array(LabRouteSchema).default([]),
  /** Tools installed on the host (ipmitool, virsh, qemu-img, ssh, ...). */
  tools: z.array(z.string()).default([]),
  /** The NIC the person is logged in through (SSH session). */
  sessionNic: z.string().optional(),
});

/** Faults a server can play. */
export const LAB_SERVER_FAULTS = [
  'bmc-unreachable', // the BMC never answers
  'bmc-other-password', // credentials are other than the lab's usual ones
  'disk-smaller-than-declared', // the import file shipped with the lab claims a larger disk
  'no-pxe', // no NIC boots from the network
] as const;

export const LabServerSchema = z.strictObject({
  /** The label on the rack; discovery learns the name from the BMC/FRU or a nodes file. */
  name: z.string(),
  bmc: z.strictObject({
    type: z.enum(['ipmi', 'redfish']).default('ipmi'),
    address: z.string(),
    port: z.number().int().optional(),
    user: z.string(),
    password: z.string(),
    /** Typical answer time of this BMC. */
    latencyMs: z.number().int().nonnegative().default(40),
    mac: mac.optional(),
  }),
  power: z.enum(['on', 'off']).default('off'),
  vendor: z.string(),
  product: z.string(),
  serial: z.string(),
  guid: z.string(),
  cpu: z.strictObject({ cores: z.number().int().positive(), vt: z.boolean().default(true), arch: z.enum(['x86_64', 'aarch64', 'ppc64le']).default('x86_64') }),
  memoryMiB: z.number().int().positive(),
  disks: z.array(LabDiskSchema),
  nics: z.array(LabNicSchema),
  faults: z.array(z.enum(LAB_SERVER_FAULTS)).default([]),
});

export const LabWorldSchema = z.strictObject({
  name: z.string(),
  description: z.string(),
  seedHost: LabSeedHostSchema,
  /** Credentials most BMCs of this lab use (what the person would type for a scan). */
  bmcDefaults: z.strictObject({ user: z.string(), password: z.string(), range: z.string() }),
  servers: z.array(LabServerSchema),
  network: z
    .strictObject({
      /** Another DHCP server answers on the seed host's provisioning NIC. */
      rogueDhcp: z.boolean().default(false),
      /** Addresses already in use on the provisioning network. */
      takenAddresses: z.array(z.string()).default([]),
    })
    .default({ rogueDhcp: false, takenAddresses: [] }),
});

export type LabNic = z.infer<typeof LabNicSchema>;
export type LabSeedHost = z.infer<typeof LabSeedHostSchema>;
export type LabServer = z.infer<typeof LabServerSchema>;
export type LabWorld = z.infer<typeof LabWorldSchema>;
