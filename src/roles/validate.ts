// Role rules: every finding says which server or count is wrong and how to fix it. Pure.
import { error, warning, type Finding } from '../plan/findings.js';
import { OVERCLOUD_ROLES, type Plan, type RoleName } from '../plan/schema.js';
import { roleFloor } from './assign.js';
import { roleCatalog, roleSpec, type Catalog } from './catalog.js';
import { fit, nodeFacts } from './fit.js';

const screen = 'roles' as const;

const plural = (role: RoleName) => (role === 'Controller' ? 'controllers' : `${role} servers`);

/** What is missing without a role, in plain words. */
const MISSING: Partial<Record<RoleName, string>> = {
  Controller: 'no server is a Controller: the overcloud would have no API, database or scheduler',
  Compute: 'no server is a Compute: the cloud could run no virtual machines',
};

export function validateRoles(plan: Plan, catalog: Catalog = roleCatalog()): Finding[] {
  const out: Finding[] = [];
  const nodes = plan.nodes;
  if (nodes.length === 0) return out;
  const { allInOne, undercloud, targets } = plan.roles;

  const counts = { Undercloud: 0, Controller: 0, Compute: 0, BlockStorage: 0, ObjectStorage: 0, CephStorage: 0 };
  const unknown: string[] = [];
  nodes.forEach((n, i) => {
    if (!n.role) return;
    counts[n.role]++;
    const facts = nodeFacts(n);
    const verdict = fit(facts, roleFloor(n.role, allInOne, catalog));
    const as = n.role === 'Controller' && allInOne ? 'an all-in-one controller and compute' : `a ${n.role}`;
    if (!verdict.fits) {
      out.push(
        error(
          'roles.below-floor',
          `nodes[${i}].role`,
          `${n.name} is ${as} but has ${verdict.short.join(', ')}`,
          'give it a role it fits, or choose a larger server for this role',
          screen,
        ),
      );
    } else if (verdict.unknown) unknown.push(n.name);
  });
  if (unknown.length > 0) {
    const shown = unknown.slice(0, 3).join(', ') + (unknown.length > 3 ? ` and ${unknown.length - 3} more` : '');
    out.push(
      warning(
        'roles.size-unknown',
        'nodes',
        `the size of ${unknown.length} server${unknown.length === 1 ? '' : 's'} with a role is not known (${shown}), so their fit cannot be checked`,
        'discover them (check BMCs / introspection) or declare CPUs, RAM and disk',
        screen,
      ),
    );
  }

  // The undercloud: one place only.
  if (counts.Undercloud > (roleSpec('Undercloud', catalog).count.max ?? 1)) {
    out.push(error('roles.two-underclouds', 'nodes', `${counts.Undercloud} servers have the Undercloud role; there is one undercloud`, 'keep the role on one server', screen));
  }
  if (undercloud.placement === 'server') {
    const i = nodes.findIndex((n) => n.name === undercloud.node);
    if (i < 0) {
      out.push(
        error('roles.undercloud-node', 'roles.undercloud.node', `the undercloud is placed on "${undercloud.node ?? ''}", which is not one of the servers`, 'pick one of the servers, or run the undercloud as a VM on this host', screen),
      );
    } else if (nodes[i].role !== 'Undercloud') {
      out.push(error('roles.undercloud-node', `nodes[${i}].role`, `the undercloud is placed on ${nodes[i].name}, but that server has the role ${nodes[i].role ?? '(none)'}`, 'give it the Undercloud role, or move the undercloud', screen));
    }
  } else if (counts.Undercloud > 0) {
    out.push(error('roles.undercloud-node', 'roles.undercloud.placement', 'a server has the Undercloud role, but the undercloud is placed as a VM on this host', 'place the undercloud on that server, or give the server another role', screen));
  }

  // Counts.
  const overcloud = OVERCLOUD_ROLES.reduce((sum, r) => sum + counts[r], 0);
  const available = nodes.length - counts.Undercloud;
  const wanted = OVERCLOUD_ROLES.reduce((sum, r) => sum + (targets[r] ?? 0), 0);
  if (wanted > available) {
    const asked = OVERCLOUD_ROLES.filter((r) => targets[r]).map((r) => `${targets[r]} ${r}`).join(', ');
    out.push(
      error('roles.not-enough-servers', 'roles.targets', `the targets ask for ${wanted} servers (${asked}) but only ${available} are left for the overcloud`, 'lower the targets, or add servers', screen),
    );
  }
  for (const role of OVERCLOUD_ROLES) {
    const t = targets[role];
    if (t !== undefined && counts[role] < t && wanted <= available) {
      out.push(warning('roles.target-unmet', `roles.targets.${role}`, `${t} ${role} wanted, ${counts[role]} assigned`, 'run auto-assign, or give more servers this role by hand', screen));
    }
  }

  // Count rules from the catalog: a minimum (Controller, Compute), quorum (odd counts).
  const controllers = counts.Controller;
  for (const role of OVERCLOUD_ROLES) {
    const rule = roleSpec(role, catalog).count;
    const n = counts[role];
    if (n < rule.min && !(role === 'Compute' && allInOne) && !(role === 'Compute' && controllers === 0)) {
      out.push(error(`roles.no-${role.toLowerCase()}`, 'nodes', MISSING[role] ?? `${n} ${role} servers; at least ${rule.min} are needed`, `give ${rule.min === 1 ? 'a server' : `${rule.min} servers`} the ${role} role, or run auto-assign`, screen));
    }
    if (rule.odd && n > 1 && (n % 2 === 0 || n < rule.oddFrom)) {
      out.push(error(`roles.${role.toLowerCase()}-quorum`, 'nodes', `${n} ${plural(role)} cannot keep quorum: when one fails, the rest cannot outvote it, so the cluster stops`, `use ${n - 1} or ${n + 1} (1, or an odd number from ${rule.oddFrom})`, screen));
    }
    const t = targets[role];
    if (rule.odd && t !== undefined && t > 1 && (t % 2 === 0 || t < rule.oddFrom)) {
      out.push(error(`roles.${role.toLowerCase()}-quorum`, `roles.targets.${role}`, `a target of ${t} ${plural(role)} cannot keep quorum`, `set 1, or an odd number from ${rule.oddFrom}`, screen));
    }
  }
  if (allInOne && overcloud > 1) {
    out.push(warning('roles.all-in-one', 'roles.allInOne', `all-in-one is set, but ${overcloud} servers are in the overcloud`, 'turn all-in-one off (run auto-assign) so controllers and computes are separate', screen));
  }
  for (const role of ['ObjectStorage', 'CephStorage'] as const) {
    const advised = roleSpec(role, catalog).count.advisedMin;
    if (advised && counts[role] > 0 && counts[role] < advised) {
      out.push(
        warning('roles.few-replicas', 'nodes', `${counts[role]} ${role} server${counts[role] === 1 ? '' : 's'}: data is kept in ${advised} copies, so a failure loses data`, `use at least ${advised} ${role} servers`, screen),
      );
    }
  }
  return out;
}
