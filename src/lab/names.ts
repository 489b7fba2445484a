// Lab names, checked without loading a lab: `--lab NAME` is checked before the installer
// opens, and loading a world (yaml, zod) waits until after the first frame.
import { readdirSync, readFileSync } from 'node:fs';
import { assetPath } from '../assets.js';

/** A lab that cannot be loaded; the message says which and what exists. */
export class LabError extends Error {
  override name = 'LabError';
}

/** Servers in the `datacenter` lab; `datacenter-N` has N. Here, not in datacenter.ts, so that
 * checking a name does not load the generator. */
export const DATACENTER_DEFAULT_SIZE = 1000;

/** Names a person can pass to `--lab`: the YAML worlds and `datacenter[-N]`. */
export function listLabs(): string[] {
  const files = readdirSync(assetPath('labs')).filter((f) => f.endsWith('.yaml'));
  const worlds = files.map((f) => f.slice(0, -'.yaml'.length)).filter((name) => worldText(name) !== undefined);
  return [...worlds.sort(), 'datacenter'];
}

/** The size of `datacenter` / `datacenter-N`; undefined for other names. */
export function datacenterSize(name: string): number | undefined {
  const dc = /^datacenter(?:-(\d+))?$/.exec(name);
  if (!dc) return undefined;
  const size = dc[1] ? Number(dc[1]) : DATACENTER_DEFAULT_SIZE;
  if (size < 1 || size > 100_000) throw new LabError(`lab "${name}": the datacenter size must be between 1 and 100000`);
  return size;
}

/** The YAML file of the world `name` and its text; throws LabError naming the labs when there is none. */
export function readLabFile(name: string): { file: string; text: string } {
  const text = /^[a-z0-9][a-z0-9-]*$/i.test(name) ? worldText(name) : undefined;
  if (text === undefined) throw new LabError(`no simulated lab named "${name}" -- choose one of: ${listLabs().join(', ')} (or datacenter-N)`);
  return { file: assetPath('labs', `${name}.yaml`), text };
}

/** Throws LabError unless `name` is a lab that exists (its content is checked when it is loaded). */
export function checkLabName(name: string): void {
  if (datacenterSize(name) === undefined) readLabFile(name);
}

/** The text of assets/labs/NAME.yaml when it is a world; undefined otherwise. */
function worldText(name: string): string | undefined {
  // assets/labs also holds answers files for the real driver (local-ironic.yaml). A world
  // has both top-level keys; reading them needs no YAML parser.
  let text: string;
  try {
    text = readFileSync(assetPath('labs', `${name}.yaml`), 'utf8');
  } catch {
    return undefined;
  }
  return /^seedHost\s*:/m.test(text) && /^servers\s*:/m.test(text) ? text : undefined;
}
