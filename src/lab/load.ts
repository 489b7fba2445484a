// Loads a simulated lab: a YAML world under assets/labs/, or the generated datacenter.
import { readdirSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { assetPath } from '../assets.js';
import { generateDatacenter, DATACENTER_DEFAULT_SIZE } from './datacenter.js';
import { LabWorldSchema, type LabWorld } from './world.js';

export { generateDatacenter };

/** A lab that cannot be loaded; the message says which and what exists. */
export class LabError extends Error {
  override name = 'LabError';
}

/** Names a person can pass to `--lab`: the YAML worlds and `datacenter[-N]`. */
export function listLabs(): string[] {
  const files = readdirSync(assetPath('labs')).filter((f) => f.endsWith('.yaml'));
  const worlds = files.map((f) => f.slice(0, -'.yaml'.length)).filter((name) => isWorldFile(name));
  return [...worlds.sort(), 'datacenter'];
}

function isWorldFile(name: string): boolean {
  // assets/labs also holds answers files for the real driver (local-ironic.yaml).
  try {
    const raw = parse(readFileSync(assetPath('labs', `${name}.yaml`), 'utf8')) as Record<string, unknown> | null;
    return !!raw && typeof raw === 'object' && 'seedHost' in raw && 'servers' in raw;
  } catch {
    return false;
  }
}

/**
 * `two-machine`, `ha-lab`, ... from assets/labs; `datacenter` (1,000 servers) or
 * `datacenter-N` (N servers) generated with `seed`.
 */
export function loadLab(name: string, seed = 1): LabWorld {
  const dc = /^datacenter(?:-(\d+))?$/.exec(name);
  if (dc) {
    const size = dc[1] ? Number(dc[1]) : DATACENTER_DEFAULT_SIZE;
    if (size < 1 || size > 100_000) throw new LabError(`lab "${name}": the datacenter size must be between 1 and 100000`);
    return generateDatacenter(size, seed);
  }
  const unknown = () => new LabError(`no simulated lab named "${name}" -- choose one of: ${listLabs().join(', ')} (or datacenter-N)`);
  if (!/^[a-z0-9][a-z0-9-]*$/i.test(name)) throw unknown();
  const file = assetPath('labs', `${name}.yaml`);
  // Read only the named file: start-up time counts (listLabs parses every lab).
  let raw: unknown;
  try {
    raw = parse(readFileSync(file, 'utf8'));
  } catch {
    throw unknown();
  }
  if (!raw || typeof raw !== 'object' || !('seedHost' in raw) || !('servers' in raw)) throw unknown();
  const parsed = LabWorldSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new LabError(`lab file ${file} is broken at ${issue.path.join('.')}: ${issue.message}`);
  }
  return parsed.data;
}
