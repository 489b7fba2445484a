// The servers table, as text cells: the same columns in `cloudseed import/discover` and on
// the Servers screen. Passwords are never part of it.
import type { Node } from '../plan/schema.js';
import { bmcPort } from './bmc.js';

const INVENTORY_COLUMNS = ['name', 'bmc', 'power', 'model', 'serial', 'cpu', 'ram', 'disk', 'pxeMac', 'status'] as const;
export type InventoryColumn = (typeof INVENTORY_COLUMNS)[number];

const INVENTORY_HEADINGS: Record<InventoryColumn, string> = {
  name: 'NAME',
  bmc: 'BMC',
  power: 'POWER',
  model: 'VENDOR/MODEL',
  serial: 'SERIAL',
  cpu: 'CPU',
  ram: 'RAM',
  disk: 'DISK',
  pxeMac: 'PXE MAC',
  status: 'STATUS',
};

const gib = (mib: number) => `${Math.round(mib / 1024)}G`;

/** Declared value, or the discovered one when nothing was declared; less found than declared: `found!`. */
function fact(declared: number | undefined, found: number | undefined, show: (n: number) => string): string {
  if (declared !== undefined && found !== undefined && found < declared) return `${show(found)}!`;
  const v = declared ?? found;
  return v === undefined ? '-' : show(v);
}

/** One-word status of a server: BMC state first, then whether it is complete. */
function nodeStatus(n: Node): string {
  switch (n.discovered?.bmcStatus) {
    case 'unreachable':
      return 'unreachable';
    case 'refused':
      return 'wrong password';
    case 'error':
      return 'BMC error';
  }
  if (n.macs.length === 0 && !n.discovered?.macs?.length) return 'no PXE MAC';
  return n.discovered?.bmcStatus === 'ok' ? 'ok' : 'unchecked';
}

export function inventoryRow(n: Node): Record<InventoryColumn, string> {
  const d = n.discovered;
  const port = n.bmc.port && n.bmc.port !== bmcPort({ type: n.bmc.type }) ? `:${n.bmc.port}` : '';
  return {
    name: n.name,
    bmc: `${n.bmc.type === 'redfish' ? 'rf ' : ''}${n.bmc.address}${port}`,
    power: d?.power === 'on' || d?.power === 'off' ? d.power : '?',
    model: [d?.vendor, d?.product].filter(Boolean).join(' ') || '-',
    serial: d?.serial ?? '-',
    cpu: fact(n.cpu, d?.cpu, String),
    ram: fact(n.memoryMiB, d?.memoryMiB, gib),
    disk: fact(n.diskGiB, d?.diskGiB, (g) => `${g}G`),
    pxeMac: n.macs[0] ?? d?.macs?.[0] ?? '-',
    status: nodeStatus(n),
  };
}

/** The table as aligned text lines (plain output of the commands). */
export function formatInventory(nodes: readonly Node[]): string[] {
  const rows = [INVENTORY_HEADINGS, ...nodes.map(inventoryRow)];
  const width = Object.fromEntries(INVENTORY_COLUMNS.map((c) => [c, Math.max(...rows.map((r) => r[c].length))])) as Record<InventoryColumn, number>;
  return rows.map((r) =>
    INVENTORY_COLUMNS.map((c) => r[c].padEnd(width[c]))
      .join('  ')
      .trimEnd(),
  );
}

/** A node without its BMC password, for JSON output. */
export function publicNode(n: Node): Node {
  const { password: _password, ...bmc } = n.bmc;
  return { ...n, bmc };
}
