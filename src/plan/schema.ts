// The Plan: everything a person decides. One schema gives the TypeScript types, the
// runtime check of answers files and `cloudseed schema` (JSON Schema for editors).
// Later issues fill rules (src/network, src/roles, ...); the shape of each section is here.
import { z } from 'zod';

export const PLAN_VERSION = 1 as const;

export const ROLE_NAMES = ['Undercloud', 'Controller', 'Compute', 'BlockStorage', 'ObjectStorage', 'CephStorage'] as const;
export const RoleName = z.enum(ROLE_NAMES);
export type RoleName = z.infer<typeof RoleName>;

/** Overcloud roles a server can be given (the undercloud is placed separately). */
export const OVERCLOUD_ROLES = ['Controller', 'Compute', 'BlockStorage', 'ObjectStorage', 'CephStorage'] as const;

export const ISOLATED_NETWORKS = ['InternalApi', 'Storage', 'StorageMgmt', 'Tenant', 'Management'] as const;
export const IsolatedNetworkName = z.enum(ISOLATED_NETWORKS);
export type IsolatedNetworkName = z.infer<typeof IsolatedNetworkName>;

const nodeName = z
  .string()
  .regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i, 'a host name: letters, digits and dashes, not starting or ending with a dash');
const mac = z
  .string()
  .regex(/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i, 'a MAC address like 52:54:00:12:34:56');
const text = z.string().min(1);
const port = z.number().int().min(1).max(65535);

export const BmcSchema = z.strictObject({
  type: z.enum(['ipmi', 'redfish']).default('ipmi'),
  /** Host name or IP address of the BMC. */
  address: text,
  /** 623 for IPMI, 443 for Redfish when absent. */
  port: port.optional(),
  user: text,
  /** Inline password. Never shown on screen, in logs or exports. */
  password: z.string().optional(),
  /** A file holding the password (first line), instead of `password`. */
  passwordFile: z.string().optional(),
  /** Redfish: the server's System resource, e.g. `/redfish/v1/Systems/1` (instackenv `pm_system_id`, mandatory upstream). */
  systemId: z.string().regex(/^\/redfish\/v1\/Systems\/[^\s/]+$/, 'a Redfish system path like /redfish/v1/Systems/1').optional(),
});
export type Bmc = z.infer<typeof BmcSchema>;

/** What discovery found on the server itself (BMC, FRU, introspection). */
export const DiscoveredSchema = z.strictObject({
  vendor: z.string().optional(),
  product: z.string().optional(),
  serial: z.string().optional(),
  guid: z.string().optional(),
  power: z.enum(['on', 'off', 'unknown']).optional(),
  cpu: z.number().int().positive().optional(),
  memoryMiB: z.number().int().positive().optional(),
  diskGiB: z.number().int().positive().optional(),
  vt: z.boolean().optional(),
  macs: z.array(mac).optional(),
  /** The name of the NIC the server PXE-boots from, as inspection saw it (e.g. `eno1`). */
  pxeNic: z.string().optional(),
  /** The BMC's own MAC (from `lan print`), not a PXE MAC. */
  bmcMac: mac.optional(),
  /** How the BMC answered at the last contact. */
  bmcStatus: z.enum(['ok', 'unreachable', 'refused', 'error']).optional(),
  /** The BMC's error at the last contact, in plain words (never holds a password). */
  bmcError: z.string().optional(),
  /** ISO time of the last successful contact. */
  at: z.string().optional(),
});
export type Discovered = z.infer<typeof DiscoveredSchema>;

export const NodeSchema = z.strictObject({
  name: nodeName,
  bmc: BmcSchema,
  /** PXE NIC MACs (the server's, not the BMC's). */
  macs: z.array(mac).default([]),
  cpu: z.number().int().positive().optional(),
  memoryMiB: z.number().int().positive().optional(),
  diskGiB: z.number().int().positive().optional(),
  arch: z.enum(['x86_64', 'aarch64', 'ppc64le']).default('x86_64'),
  /** The role this server will have; absent until assigned. */
  role: RoleName.optional(),
  /** `manual` roles survive a re-run of auto-assignment. */
  roleSource: z.enum(['auto', 'manual']).optional(),
  /** Where the server came from: a nodes file, a BMC scan, the form. */
  source: z.enum(['import', 'scan', 'form', 'lab']).optional(),
  discovered: DiscoveredSchema.optional(),
});
export type Node = z.infer<typeof NodeSchema>;

export const ProvisioningNetworkSchema = z.strictObject({
  /** Seed-host NIC carrying provisioning (moved into bridge `brbm`). */
  nic: z.string().optional(),
  cidr: z.string().default('192.168.24.0/24'),
  gateway: z.string().optional(),
  seedIp: z.string().optional(),
  undercloudIp: z.string().optional(),
  dhcpStart: z.string().optional(),
  dhcpEnd: z.string().optional(),
  inspectionStart: z.string().optional(),
  inspectionEnd: z.string().optional(),
});

export const ExternalNetworkSchema = z.strictObject({
  cidr: z.string().default('10.0.0.0/24'),
  gateway: z.string().optional(),
  /** Absent: untagged on its own NIC. */
  vlan: z.number().int().optional(),
  nic: z.string().optional(),
  publicVip: z.string().optional(),
  poolStart: z.string().optional(),
  poolEnd: z.string().optional(),
  floatingStart: z.string().optional(),
  floatingEnd: z.string().optional(),
});

export const IsolatedNetworkSchema = z.strictObject({
  enabled: z.boolean().default(true),
  cidr: z.string(),
  vlan: z.number().int().optional(),
  poolStart: z.string().optional(),
  poolEnd: z.string().optional(),
  vip: z.string().optional(),
});
export type IsolatedNetwork = z.infer<typeof IsolatedNetworkSchema>;

export const NetworkSchema = z.strictObject({
  layout: z.enum(['flat', 'isolated']).default('flat'),
  provisioning: ProvisioningNetworkSchema.default({ cidr: '192.168.24.0/24' }),
  external: ExternalNetworkSchema.default({ cidr: '10.0.0.0/24' }),
  isolated: z.partialRecord(IsolatedNetworkName, IsolatedNetworkSchema).default({}),
  dns: z.array(z.string()).default([]),
  ntp: z.array(z.string()).default([]),
  proxy: z
    .strictObject({
      http: z.string().optional(),
      https: z.string().optional(),
      noProxy: z.array(z.string()).default([]),
    })
    .optional(),
});
export type Network = z.infer<typeof NetworkSchema>;

const roleCounts = z.strictObject({
  Controller: z.number().int().min(0).optional(),
  Compute: z.number().int().min(0).optional(),
  BlockStorage: z.number().int().min(0).optional(),
  ObjectStorage: z.number().int().min(0).optional(),
  CephStorage: z.number().int().min(0).optional(),
});

export const RolesSchema = z.strictObject({
  /** Where the undercloud lives: a VM on the seed host, or one of the servers. */
  undercloud: z
    .strictObject({
      placement: z.enum(['vm', 'server']).default('vm'),
      /** The server's name when placement is `server`. */
      node: z.string().optional(),
      /** `manual`: the person chose the placement; auto-assignment keeps it. */
      source: z.enum(['auto', 'manual']).optional(),
    })
    .default({ placement: 'vm' }),
  /** Target counts per overcloud role; absent means "as auto-assignment suggests". */
  targets: roleCounts.default({}),
  /** One server is controller and compute at once (two-machine labs). */
  allInOne: z.boolean().default(false),
});
export type Roles = z.infer<typeof RolesSchema>;

export const AuthSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('noauth') }),
  z.strictObject({ type: z.literal('basic'), user: text, password: z.string().optional(), passwordFile: z.string().optional() }),
  z.strictObject({ type: z.literal('token'), token: z.string().optional(), tokenFile: z.string().optional() }),
]);
export type Auth = z.infer<typeof AuthSchema>;

/** How a cloud tier comes to be: built by cloudseed, or adopted (an existing Ironic). */
export const CloudTierSchema = z.strictObject({
  mode: z.enum(['build', 'adopt']).default('build'),
  ironic: z
    .strictObject({
      url: z.string(),
      auth: AuthSchema.default({ type: 'noauth' }),
      /** Ironic API microversion to expect at least. */
      apiVersion: z.string().default('1.82'),
      /** This Ironic's SQLite database on this host (a standalone Ironic): `cloudseed backup` copies it. */
      database: z.string().optional(),
    })
    .optional(),
  /** Shell access for the real driver's service steps (TripleO CLI over ssh); absent on an adopted tier: provisioning only. */
  ssh: z.strictObject({ host: text, user: z.string().default('stack'), port: port.optional(), identityFile: z.string().optional() }).optional(),
  /** Files Ironic boots the servers with (instance_info kernel/ramdisk, image source). */
  images: z
    .strictObject({
      kernel: z.string().optional(),
      ramdisk: z.string().optional(),
      image: z.string().optional(),
    })
    .optional(),
});
export type CloudTier = z.infer<typeof CloudTierSchema>;

export const SimSchema = z.strictObject({
  lab: z.string().default('two-machine'),
  /** Time scale: 60 plays one minute of real work in one second. */
  speed: z.number().positive().default(60),
  /** Seed of the lab's randomness; same seed and faults, same run. */
  seed: z.number().int().default(1),
  /** Faults to play, e.g. `pxe-fail:node-05:2`. */
  faults: z.array(z.string()).default([]),
});

export const OptionsSchema = z.strictObject({
  /** How many per-server steps run at once. */
  concurrency: z.number().int().min(1).max(1000).default(10),
  /** Gate and warning ids the person acknowledged explicitly. */
  acknowledged: z.array(z.string()).default([]),
  /** Set when the person confirmed the plan on Review (or `--yes`). */
  confirmedAt: z.string().optional(),
  /** The TripleO release the exported files are written for; absent: wallaby (the only one so far). */
  tripleoRelease: z.enum(['wallaby']).optional(),
});

export const PlanSchema = z.strictObject({
  version: z.literal(PLAN_VERSION),
  /** The cloud's name; typed by the person to confirm a real deployment. */
  name: z.string().regex(/^[a-z][a-z0-9-]{0,30}$/i, 'a short name: a letter, then letters, digits, dashes').default('overcloud'),
  driver: z.enum(['sim', 'real']).default('sim'),
  sim: SimSchema.optional(),
  seedHost: z
    .strictObject({
      /** Host name of the machine cloudseed runs on, as probed. */
      hostname: z.string().optional(),
    })
    .default({}),
  nodes: z.array(NodeSchema).default([]),
  network: NetworkSchema.default({
    layout: 'flat',
    provisioning: { cidr: '192.168.24.0/24' },
    external: { cidr: '10.0.0.0/24' },
    isolated: {},
    dns: [],
    ntp: [],
  }),
  roles: RolesSchema.default({ undercloud: { placement: 'vm' }, targets: {}, allInOne: false }),
  seed: CloudTierSchema.default({ mode: 'build' }),
  undercloud: CloudTierSchema.default({ mode: 'build' }),
  options: OptionsSchema.default({ concurrency: 10, acknowledged: [] }),
});

export type Plan = z.infer<typeof PlanSchema>;
/** What an answers file may hold before defaults are filled in. */
export type PlanInput = z.input<typeof PlanSchema>;

/** A new, empty plan with every default filled in. */
export function emptyPlan(overrides: Partial<PlanInput> = {}): Plan {
  return PlanSchema.parse({ version: PLAN_VERSION, ...overrides });
}

/** JSON Schema of the answers file, for editors (`cloudseed schema`). */
export function planJsonSchema(): unknown {
  return z.toJSONSchema(PlanSchema, { io: 'input', target: 'draft-2020-12' });
}
