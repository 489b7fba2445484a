// Loads a simulated lab: a YAML world under assets/labs/, or the generated datacenter.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { generateDatacenter } from './datacenter.js';
import { datacenterSize, labFile, LabError, listLabs, unknownLab } from './names.js';
import { LabWorldSchema, type LabWorld } from './world.js';

export { generateDatacenter, LabError, listLabs };

/**
 * `two-machine`, `ha-lab`, ... from assets/labs; `datacenter` (1,000 servers) or
 * `datacenter-N` (N servers) generated with `seed`.
 */
export function loadLab(name: string, seed = 1): LabWorld {
  const size = datacenterSize(name);
  if (size !== undefined) return generateDatacenter(size, seed);
  const file = labFile(name);
  let raw: unknown;
  try {
    raw = parse(readFileSync(file, 'utf8'));
  } catch {
    throw unknownLab(name);
  }
  if (!raw || typeof raw !== 'object' || !('seedHost' in raw) || !('servers' in raw)) throw unknownLab(name);
  const parsed = LabWorldSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new LabError(`lab file ${file} is broken at ${issue.path.join('.')}: ${issue.message}`);
  }
  return parsed.data;
}
