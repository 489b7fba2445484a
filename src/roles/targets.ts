// Target counts as a person types them: empty means "as auto-assignment suggests".
import { OVERCLOUD_ROLES, type Roles } from '../plan/schema.js';
import type { OvercloudRole } from './assign.js';

export type TargetFields = Record<OvercloudRole, string>;

/** The plan's targets as text fields (absent → empty). */
export function targetFields(targets: Roles['targets']): TargetFields {
  return Object.fromEntries(OVERCLOUD_ROLES.map((r) => [r, targets[r] === undefined ? '' : String(targets[r])])) as TargetFields;
}

/** Parses the fields: a whole number per role or empty; each problem named per role. */
export function parseTargets(fields: TargetFields): { targets: Roles['targets']; problems: Partial<Record<OvercloudRole, string>> } {
  const targets: Roles['targets'] = {};
  const problems: Partial<Record<OvercloudRole, string>> = {};
  for (const role of OVERCLOUD_ROLES) {
    const text = fields[role].trim();
    if (text === '') continue;
    if (!/^\d{1,6}$/.test(text)) problems[role] = `"${text}" is not a whole number (leave it empty for the suggested count)`;
    else targets[role] = Number(text);
  }
  return { targets, problems };
}
