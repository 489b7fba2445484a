// The Plan: everything a person decides. One schema gives the TypeScript types, the
// runtime check of answers files and `cloudseed schema` (JSON Schema for editors).
// Later issues fill rules (src/network, src/roles, ...); the shape of each section is here.
import { z } from 'zod';
import { isBmcAddress } from '../inventory/addresses.js';

export const PLAN_VERSION = 1 as const;

export const ROLE_NAMES = ['Undercloud', 'Controller', 'Compute', 'BlockStorage', 'ObjectStorage', 'CephStorage'] as const;
export const RoleName = z.enum(ROLE_NAMES);
export type RoleName = z.infer<typeof RoleName>;

/** Overcloud roles a server can be given (the undercloud is placed separately). */
export const OVERCLOUD_ROLES = ['Controller', 'Compute', 'BlockStorage', 'ObjectStorage', 'CephStorage'] as const;

/** TripleO releases cloudseed knows, oldest first: an upgrade goes from one to the next. */
export const TRIPLEO_RELEASES = ['train', 'ussuri', 'victoria', 'wallaby'] as const;
export type TripleoRelease = (typeof TRIPLEO_RELEASES)[number];
/** The release of a plan that names none. */
export const DEFAULT_RELEASE: TripleoRelease = 'wallaby';

export const ISOLATED_NETWORKS = ['InternalApi', 'Storage', 'StorageMgmt', 'Tenant', 'Management'] as const;
export const IsolatedNetworkName = z.enum(ISOLATED_NETWORKS);
export type IsolatedNetworkName = z.infer<typeof IsolatedNetworkName>;

const nodeName = z
  .string()
  .regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i, 'a host name: letters, digits and dashes, not starting or ending with a dash');
const mac = z
  .string()
  .regex(/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i, 'a MAC address like 52:54:00:12:34:56');
const port = z.number().int().min(1).max(65535);

// Every string is bounded (a 1 MB value is a quick finding, not minutes of work), and every
// value that becomes an argument of ssh, scp, ipmitool, ip, curl or qemu-img is checked here:
// one line, and never a leading "-" a tool would read as an option. The builders add `--` too.
const NO_CONTROL = /^[^\u0000-\u001f\u007f]*$/;
/** Free text of one line: names, addresses checked by the rule sets, ids. */
const short = z.string().max(255).regex(NO_CONTROL, 'one line of text, without control characters');
/** A BMC password or API token: never on a command line, so only its size is bounded. */
const secret = z.string().max(1024);
/** A file path: one line, not starting with "-". */
const filePath = z
  .string()
  .min(1)
  .max(4096)
  .regex(/^(?!-)[^\u0000-\u001f\u007f]*$/, 'a file path on one line, not starting with "-"');
/** An http(s) URL without spaces (the rule sets check the scheme). */
const url = z
  .string()
  .min(1)
  .max(2048)
  .regex(/^(?!-)[^\s\u0000-\u001f\u007f]+$/, 'a URL without spaces, like http://192.168.24.1:6385');
/** A host name, IPv4 or IPv6 address (the destination of ssh, scp and ipmitool). */
const host = z
  .string()
  .max(253)
  .refine(isBmcAddress, 'must be a host name or an IP address, like 192.168.24.2 or uc.example.com');
/** A login on the BMC (ipmitool -U, Redfish): one line, not starting with "-". */
const bmcUser = z
  .string()
  .min(1)
  .max(64)
  .regex(/^(?!-)[^\u0000-\u001f\u007f]*$/, 'a user name on one line, not starting with "-"');
/** A login on a Linux host (ssh user@host). */
const unixUser = z.string().regex(/^[a-z_][a-z0-9_.-]{0,31}$/i, 'a Linux user name: a letter or _, then letters, digits, _ . -');
/** A Linux network interface name (at most 15 characters). */
const nicName = z
  .string()
  .regex(/^(?!-)(?!\.\.?$)[\w.-]{1,15}$/, 'a network interface name like eno2 (at most 15 letters, digits, _ . -; not starting with "-")');
/** Where an image comes from: an http(s) or file URL, an absolute path, or an image name/UUID. */
const imageSource = z
  .string()
  .max(4096)
  .regex(
    /^((https?|file):\/\/[^\s\u0000-\u001f\u007f]+|\/[^\u0000-\u001f\u007f]*|[A-Za-z0-9][\w.-]*)$/,
    'an http(s):// or file:// URL, an absolute path, or an image name',
  );

export const BmcSchema = z.strictObject({
  type: z.enum(['ipmi', 'redfish']).default('ipmi'),
  /** Host name or IP address of the BMC (the rule set says when it is neither: screens keep what was typed). */
  address: z
    .string()
    .min(1)
    .max(253)
    .regex(/^(?!-)[^\s\u0000-\u001f\u007f]+$/, 'an address without spaces, not starting with "-"'),
  /** 623 for IPMI, 443 for Redfish when absent. */
  port: port.optional(),
  user: bmcUser,
  /** Inline password. Never shown on screen, in logs or exports. */
  password: secret.optional(),
  /** A file holding the password (first line), instead of `password`. */
  passwordFile: filePath.optional(),
  /** Redfish: the server's System resource, e.g. `/redfish/v1/Systems/1` (instackenv `pm_system_id`, mandatory upstream). */
  systemId: z.string().max(255).regex(/^\/redfish\/v1\/Systems\/[^\s/]+$/, 'a Redfish system path like /redfish/v1/Systems/1').optional(),
});
export type Bmc = z.infer<typeof BmcSchema>;

/** What discovery found on the server itself (BMC, FRU, introspection). */
export const DiscoveredSchema = z.strictObject({
  vendor: short.optional(),
  product: short.optional(),
  serial: short.optional(),
  guid: short.optional(),
  power: z.enum(['on', 'off', 'unknown']).optional(),
  cpu: z.number().int().positive().optional(),
  memoryMiB: z.number().int().positive().optional(),
  diskGiB: z.number().int().positive().optional(),
  vt: z.boolean().optional(),
  macs: z.array(mac).max(64).optional(),
  /** The name of the NIC the server PXE-boots from, as inspection saw it (e.g. `eno1`). */
  pxeNic: short.optional(),
  /** The BMC's own MAC (from `lan print`), not a PXE MAC. */
  bmcMac: mac.optional(),
  /** How the BMC answered at the last contact. */
  bmcStatus: z.enum(['ok', 'unreachable', 'refused', 'error']).optional(),
  /** The BMC's error at the last contact, in plain words (never holds a password). */
  bmcError: short.optional(),
  /** ISO time of the last successful contact. */
  at: short.optional(),
});
export type Discovered = z.infer<typeof DiscoveredSchema>;

export const NodeSchema = z.strictObject({
  name: nodeName,
  bmc: BmcSchema,
  /** PXE NIC MACs (the server's, not the BMC's). */
  macs: z.array(mac).max(64).default([]),
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
  /** Out of the cloud: failed or retired, since when and why (a replacement sets it; a person may). */
  outOfService: z
    .strictObject({
      state: z.enum(['failed', 'retired']),
      /** The day it went out of service (YYYY-MM-DD). */
      since: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date like 2026-12-04'),
      reason: short.optional(),
      /** The role it had (what a replacement moved to a spare). */
      role: RoleName.optional(),
    })
    .optional(),
});
export type Node = z.infer<typeof NodeSchema>;

export const ProvisioningNetworkSchema = z.strictObject({
  /** Seed-host NIC carrying provisioning (moved into bridge `brbm`). */
  nic: nicName.optional(),
  cidr: short.default('192.168.24.0/24'),
  gateway: short.optional(),
  seedIp: short.optional(),
  undercloudIp: short.optional(),
  dhcpStart: short.optional(),
  dhcpEnd: short.optional(),
  inspectionStart: short.optional(),
  inspectionEnd: short.optional(),
});

export const ExternalNetworkSchema = z.strictObject({
  cidr: short.default('10.0.0.0/24'),
  gateway: short.optional(),
  /** Absent: untagged on its own NIC. */
  vlan: z.number().int().optional(),
  nic: nicName.optional(),
  publicVip: short.optional(),
  poolStart: short.optional(),
  poolEnd: short.optional(),
  floatingStart: short.optional(),
  floatingEnd: short.optional(),
});

export const IsolatedNetworkSchema = z.strictObject({
  enabled: z.boolean().default(true),
  cidr: short,
  vlan: z.number().int().optional(),
  poolStart: short.optional(),
  poolEnd: short.optional(),
  vip: short.optional(),
});
export type IsolatedNetwork = z.infer<typeof IsolatedNetworkSchema>;

export const NetworkSchema = z.strictObject({
  layout: z.enum(['flat', 'isolated']).default('flat'),
  provisioning: ProvisioningNetworkSchema.default({ cidr: '192.168.24.0/24' }),
  external: ExternalNetworkSchema.default({ cidr: '10.0.0.0/24' }),
  isolated: z.partialRecord(IsolatedNetworkName, IsolatedNetworkSchema).default({}),
  dns: z.array(short).max(64).default([]),
  ntp: z.array(short).max(64).default([]),
  proxy: z
    .strictObject({
      http: url.optional(),
      https: url.optional(),
      noProxy: z.array(short).max(1000).default([]),
    })
    .optional(),
  /**
   * Field paths the person set (`network.layout`, `network.provisioning.cidr`, ...); every other
   * value follows the servers, roles and host (src/network/suggest.ts networkFor). Absent: every
   * value is the person's, as in a hand-written answers file.
   */
  manual: z.array(short).max(1000).optional(),
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
      node: short.optional(),
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
  z.strictObject({ type: z.literal('basic'), user: bmcUser, password: secret.optional(), passwordFile: filePath.optional() }),
  z.strictObject({ type: z.literal('token'), token: secret.optional(), tokenFile: filePath.optional() }),
]);
export type Auth = z.infer<typeof AuthSchema>;

/** How a cloud tier comes to be: built by cloudseed, or adopted (an existing Ironic). */
export const CloudTierSchema = z.strictObject({
  mode: z.enum(['build', 'adopt']).default('build'),
  ironic: z
    .strictObject({
      url,
      auth: AuthSchema.default({ type: 'noauth' }),
      /** Ironic API microversion to expect at least. */
      apiVersion: short.default('1.82'),
      /** This Ironic's SQLite database on this host (a standalone Ironic): `cloudseed backup` copies it. */
      database: filePath.optional(),
    })
    .optional(),
  /** Shell access for the real driver's service steps (TripleO CLI over ssh); absent on an adopted tier: provisioning only. */
  ssh: z.strictObject({ host, user: unixUser.default('stack'), port: port.optional(), identityFile: filePath.optional() }).optional(),
  /** Files this tier's Ironic deploys its servers with (instance_info kernel/ramdisk, image source). */
  images: z
    .strictObject({
      kernel: imageSource.optional(),
      ramdisk: imageSource.optional(),
      image: imageSource.optional(),
    })
    .optional(),
});
export type CloudTier = z.infer<typeof CloudTierSchema>;

/** The seed tier: a cloud tier whose own VM, when built, boots from `vmImage`. */
export const SeedTierSchema = CloudTierSchema.extend({
  /** The seed VM's own disk image (a qcow2 cloud image), not one its Ironic deploys. */
  vmImage: imageSource.optional(),
});

export const SimSchema = z.strictObject({
  lab: short.default('two-machine'),
  /** Time scale: 60 plays one minute of real work in one second. */
  speed: z.number().positive().default(60),
  /** Seed of the lab's randomness; same seed and faults, same run. */
  seed: z.number().int().default(1),
  /** Faults to play, e.g. `pxe-fail:node-05:2`. */
  faults: z.array(short).max(1000).default([]),
});

export const OptionsSchema = z.strictObject({
  /** How many per-server steps run at once. */
  concurrency: z.number().int().min(1).max(1000).default(10),
  /** Gate and warning ids the person acknowledged explicitly. */
  acknowledged: z.array(short).max(1000).default([]),
  /** Set when the person confirmed the plan on Review (or `--yes`). */
  confirmedAt: short.optional(),
  /** The TripleO release the cloud runs (and the exported files are written for); absent: wallaby. Raising it on a deployed cloud is an upgrade. */
  tripleoRelease: z.enum(TRIPLEO_RELEASES).optional(),
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
      hostname: short.optional(),
    })
    .default({}),
  nodes: z.array(NodeSchema).max(100_000).default([]),
  network: NetworkSchema.default({
    layout: 'flat',
    provisioning: { cidr: '192.168.24.0/24' },
    external: { cidr: '10.0.0.0/24' },
    isolated: {},
    dns: [],
    ntp: [],
  }),
  roles: RolesSchema.default({ undercloud: { placement: 'vm' }, targets: {}, allInOne: false }),
  seed: SeedTierSchema.default({ mode: 'build' }),
  undercloud: CloudTierSchema.default({ mode: 'build' }),
  options: OptionsSchema.default({ concurrency: 10, acknowledged: [] }),
});

export type Plan = z.infer<typeof PlanSchema>;
/** What an answers file may hold before defaults are filled in. */
export type PlanInput = z.input<typeof PlanSchema>;

/** The TripleO release a plan's cloud runs. */
export const releaseOf = (plan: Plan): TripleoRelease => plan.options.tripleoRelease ?? DEFAULT_RELEASE;

/** A new, empty plan with every default filled in. */
export function emptyPlan(overrides: Partial<PlanInput> = {}): Plan {
  return PlanSchema.parse({ version: PLAN_VERSION, ...overrides });
}

/** JSON Schema of the answers file, for editors (`cloudseed schema`). */
export function planJsonSchema(): unknown {
  return z.toJSONSchema(PlanSchema, { io: 'input', target: 'draft-2020-12' });
}
