// A finding: one problem found in a plan or a file, said so a person can fix it.

/** Which wizard screen owns the field a finding is about (Review groups by it). */
export type FindingScreen = 'host' | 'servers' | 'network' | 'roles' | 'review' | 'deploy';

export interface Finding {
  severity: 'error' | 'warning';
  /** Field path such as `nodes[3].bmc.address`, or `file:line:column` for a file. */
  where: string;
  /** What is wrong, in plain words. */
  message: string;
  /** How to fix it. */
  fix: string;
  /** Stable identifier of the rule, e.g. `network.dhcp-too-small` (used for acknowledgements). */
  rule: string;
  screen?: FindingScreen;
}

export function error(rule: string, where: string, message: string, fix: string, screen?: FindingScreen): Finding {
  return { severity: 'error', rule, where, message, fix, screen };
}

export function warning(rule: string, where: string, message: string, fix: string, screen?: FindingScreen): Finding {
  return { severity: 'warning', rule, where, message, fix, screen };
}

export function hasErrors(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.severity === 'error');
}

/** One line per finding: `error nodes[3].bmc.address: message — fix`. */
export function formatFinding(f: Finding): string {
  return `${f.severity} ${f.where}: ${f.message} -- ${f.fix}`;
}

/** Turns a path array into `nodes[3].bmc.address`. */
export function pathToString(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || '(root)';
}
