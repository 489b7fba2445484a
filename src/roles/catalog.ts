// The role catalog (assets/roles.yaml): each role's hardware floor, count rules, networks,
// TripleO flavour and Helion name. Read once; the rules and the screens take it from here.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { assetPath } from '../assets.js';
import { IsolatedNetworkName, RoleName, ROLE_NAMES } from '../plan/schema.js';

const HardwareSchema = z.strictObject({
  cpu: z.number().int().positive(),
  memoryMiB: z.number().int().positive(),
  diskGiB: z.number().int().positive(),
  /** Hardware virtualization (VT-x / AMD-V) is required. */
  vt: z.boolean().default(false),
});
export type Hardware = z.infer<typeof HardwareSchema>;

const RoleSpecSchema = z.strictObject({
  name: RoleName,
  description: z.string(),
  floor: HardwareSchema,
  recommended: HardwareSchema,
  count: z.strictObject({
    min: z.number().int().min(0),
    max: z.number().int().positive().optional(),
    /** 1, or an odd number from `oddFrom` up (quorum). */
    odd: z.boolean().default(false),
    oddFrom: z.number().int().positive().default(3),
    /** Below this (when the role is used at all) is a warning: replicas need it. */
    advisedMin: z.number().int().positive().optional(),
  }),
  networks: z.array(z.union([z.literal('External'), IsolatedNetworkName])),
  flavor: z.string(),
  helion: z.string().optional(),
});
export type RoleSpec = z.infer<typeof RoleSpecSchema>;

const CatalogSchema = z
  .strictObject({ roles: z.array(RoleSpecSchema) })
  .refine((c) => ROLE_NAMES.every((n) => c.roles.some((r) => r.name === n)), 'every role needs an entry');

export type Catalog = ReadonlyMap<RoleName, RoleSpec>;

/** Builds a catalog from parsed YAML (throws a zod error naming the bad field). */
export function catalogFrom(data: unknown): Catalog {
  const parsed = CatalogSchema.parse(data);
  return new Map(parsed.roles.map((r) => [r.name, r]));
}

let cached: Catalog | undefined;

/** The catalog shipped in assets/roles.yaml (read once). */
export function roleCatalog(): Catalog {
  cached ??= catalogFrom(parse(readFileSync(assetPath('roles.yaml'), 'utf8')));
  return cached;
}

export function roleSpec(role: RoleName, catalog: Catalog = roleCatalog()): RoleSpec {
  const spec = catalog.get(role);
  if (!spec) throw new Error(`role ${role} is missing from the catalog`);
  return spec;
}
