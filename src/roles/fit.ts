// Does a server meet a role's hardware floor? Pure: facts in, a verdict in plain words out.
import type { Node } from '../plan/schema.js';
import type { Hardware } from './catalog.js';

/** What is known of a server's hardware: discovered facts win over declared ones. */
export interface Facts {
  cpu?: number;
  memoryMiB?: number;
  diskGiB?: number;
  /** Hardware virtualization; undefined when nobody knows. */
  vt?: boolean;
}

export function nodeFacts(node: Node): Facts {
  const d = node.discovered;
  return {
    cpu: d?.cpu ?? node.cpu,
    memoryMiB: d?.memoryMiB ?? node.memoryMiB,
    diskGiB: d?.diskGiB ?? node.diskGiB,
    vt: d?.vt,
  };
}

/** Facts are missing for CPUs, RAM or disk: fit cannot be judged. */
export function factsUnknown(f: Facts): boolean {
  return f.cpu === undefined || f.memoryMiB === undefined || f.diskGiB === undefined;
}

export interface Fit {
  fits: boolean;
  /** Some fact is unknown (the known ones fit). */
  unknown: boolean;
  /** Each shortfall in plain words: "16 GiB RAM < 32 GiB". */
  short: string[];
}

export function gib(mib: number): string {
  const g = mib / 1024;
  return `${Number.isInteger(g) ? g : g.toFixed(1)} GiB`;
}

export function fit(f: Facts, floor: Hardware): Fit {
  const short: string[] = [];
  if (f.cpu !== undefined && f.cpu < floor.cpu) short.push(`${f.cpu} CPUs < ${floor.cpu}`);
  if (f.memoryMiB !== undefined && f.memoryMiB < floor.memoryMiB) short.push(`${gib(f.memoryMiB)} RAM < ${gib(floor.memoryMiB)}`);
  if (f.diskGiB !== undefined && f.diskGiB < floor.diskGiB) short.push(`${f.diskGiB} GiB disk < ${floor.diskGiB} GiB`);
  if (floor.vt && f.vt === false) short.push('no hardware virtualization (VT-x/AMD-V)');
  return { fits: short.length === 0, unknown: factsUnknown(f), short };
}

/** The floor of a server holding several roles at once (all-in-one): the larger of each. */
export function combinedFloor(floors: readonly Hardware[]): Hardware {
  return floors.reduce((a, b) => ({
    cpu: Math.max(a.cpu, b.cpu),
    memoryMiB: Math.max(a.memoryMiB, b.memoryMiB),
    diskGiB: Math.max(a.diskGiB, b.diskGiB),
    vt: a.vt || b.vt,
  }));
}

/** Orders servers smallest first: RAM, then CPUs, then disk (callers break ties by name). */
export function compareSize(a: Facts, b: Facts): number {
  return (a.memoryMiB ?? 0) - (b.memoryMiB ?? 0) || (a.cpu ?? 0) - (b.cpu ?? 0) || (a.diskGiB ?? 0) - (b.diskGiB ?? 0);
}

/** "64 GiB, 16 CPUs, 900 GiB" (what is known). */
export function describeFacts(f: Facts): string {
  const parts: string[] = [];
  if (f.memoryMiB !== undefined) parts.push(gib(f.memoryMiB));
  if (f.cpu !== undefined) parts.push(`${f.cpu} CPUs`);
  if (f.diskGiB !== undefined) parts.push(`${f.diskGiB} GiB disk`);
  return parts.length ? parts.join(', ') : 'size unknown';
}
