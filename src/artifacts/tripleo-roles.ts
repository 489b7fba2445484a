// Upstream's role definitions (tripleo-heat-templates roles/<Role>.yaml), as generated into
// assets/tripleo/roles.yaml by scripts/tripleo-roles.mjs. roles_data.yaml is built from
// them, so every service, tag and default route is upstream's, not a list kept by hand.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { assetPath } from '../assets.js';
import { OVERCLOUD_ROLES } from '../plan/schema.js';

export type OvercloudRole = (typeof OVERCLOUD_ROLES)[number];

const UpstreamRoleSchema = z.looseObject({
  name: z.enum(OVERCLOUD_ROLES),
  description: z.string(),
  tags: z.array(z.string()).default([]),
  networks: z.record(z.string(), z.looseObject({ subnet: z.string() })).default({}),
  default_route_networks: z.array(z.string()).optional(),
  HostnameFormatDefault: z.string().optional(),
  deprecated_param_ips: z.string().optional(),
  ServicesDefault: z.array(z.string()),
});
export type UpstreamRole = z.infer<typeof UpstreamRoleSchema>;

let cached: ReadonlyMap<OvercloudRole, UpstreamRole> | undefined;

/** Upstream's definition of each overcloud role (read once). */
export function upstreamRoles(): ReadonlyMap<OvercloudRole, UpstreamRole> {
  if (!cached) {
    const raw = parse(readFileSync(assetPath('tripleo', 'roles.yaml'), 'utf8')) as { roles: Record<string, unknown>[] };
    const { roles } = z.strictObject({ roles: z.array(UpstreamRoleSchema) }).parse(raw);
    // Upstream's key order kept (the parse puts the known keys first), defaults added after.
    cached = new Map(roles.map((r, i) => [r.name, Object.assign({}, raw.roles[i], r)]));
  }
  return cached;
}

export function upstreamRole(role: OvercloudRole): UpstreamRole {
  const r = upstreamRoles().get(role);
  if (!r) throw new Error(`role ${role} is missing from assets/tripleo/roles.yaml`);
  return r;
}

/** The host name Heat gives a role's server `index` (HostnameFormatDefault; THT's default without one). */
export function generatedHostname(role: OvercloudRole, stack: string, index: number): string {
  const format = upstreamRole(role).HostnameFormatDefault ?? `%stackname%-${role.toLowerCase()}-%index%`;
  return format.replace('%stackname%', stack).replace('%index%', String(index));
}
