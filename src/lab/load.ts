// Loads a simulated lab: a YAML world under assets/labs/, or the generated datacenter.
import { parse } from 'yaml';
import { generateDatacenter } from './datacenter.js';
import { datacenterSize, LabError, listLabs, readLabFile } from './names.js';
import { LabWorldSchema, type LabWorld } from './world.js';

export { generateDatacenter, LabError, listLabs };

/**
 * `two-machine`, `ha-lab`, ... from assets/labs; `datacenter` (1,000 servers) or
 * `datacenter-N` (N servers) generated with `seed`.
 */
export function loadLab(name: string, seed = 1): LabWorld {
  const size = datacenterSize(name);
  if (size !== undefined) return generateDatacenter(size, seed);
  // The name is checked, and the file read, by names.ts: what is left is its content.
  const { file, text } = readLabFile(name);
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (e) {
    throw new LabError(`lab file ${file} is not valid YAML: ${(e as Error).message.split('\n', 1)[0]}`);
  }
  const parsed = LabWorldSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new LabError(`lab file ${file} is broken at ${issue.path.join('.')}: ${issue.message}`);
  }
  return parsed.data;
}
