// Adding or editing one server by hand: the form's fields as text, checked field by field
// (for inline errors) and turned into a Node. Pure.
import { BmcSchema, NodeSchema, type Node } from '../plan/schema.js';
import { isBmcAddress, normalizeMac } from './addresses.js';
import { bmcPort } from './bmc.js';

export const NODE_FORM_FIELDS = ['name', 'type', 'address', 'port', 'systemId', 'user', 'password', 'macs', 'cpu', 'ramGiB', 'diskGiB'] as const;
export type NodeFormField = (typeof NODE_FORM_FIELDS)[number];
export type NodeForm = Record<NodeFormField, string>;

export const NODE_FORM_LABELS: Record<NodeFormField, string> = {
  name: 'Name',
  type: 'BMC type',
  address: 'BMC address',
  port: 'BMC port',
  systemId: 'Redfish id',
  user: 'BMC user',
  password: 'BMC password',
  macs: 'PXE MAC(s)',
  cpu: 'CPUs',
  ramGiB: 'RAM (GiB)',
  diskGiB: 'Disk (GiB)',
};

export function nodeForm(node?: Node): NodeForm {
  return {
    name: node?.name ?? '',
    type: node?.bmc.type ?? 'ipmi',
    address: node?.bmc.address ?? '',
    port: node?.bmc.port ? String(node.bmc.port) : '',
    systemId: node?.bmc.systemId ?? '',
    user: node?.bmc.user ?? '',
    // never shown: an empty field keeps the password the server has
    password: '',
    macs: node?.macs.join(', ') ?? '',
    cpu: node?.cpu ? String(node.cpu) : '',
    ramGiB: node?.memoryMiB ? String(Math.round((node.memoryMiB / 1024) * 10) / 10) : '',
    diskGiB: node?.diskGiB ? String(node.diskGiB) : '',
  };
}

const wholeOrEmpty = (v: string) => v.trim() === '' || /^\d+$/.test(v.trim());

/** Errors by field (absent: fine). `editing` is the server being edited, if any. */
export function checkNodeForm(f: NodeForm, nodes: readonly Node[], editing?: Node): Partial<Record<NodeFormField, string>> {
  const e: Partial<Record<NodeFormField, string>> = {};
  const others = nodes.filter((n) => n !== editing);
  if (!f.name.trim()) e.name = 'a name is needed';
  else if (!NodeSchema.shape.name.safeParse(f.name.trim()).success) e.name = 'letters, digits and dashes, not starting or ending with a dash';
  else if (others.some((n) => n.name.toLowerCase() === f.name.trim().toLowerCase())) e.name = 'another server has this name';
  if (f.type !== 'ipmi' && f.type !== 'redfish') e.type = 'ipmi or redfish';
  if (!f.address.trim()) e.address = 'the BMC address is needed';
  else if (!isBmcAddress(f.address.trim())) e.address = 'an IP address (10.0.0.21) or a host name';
  if (f.port.trim() && (!/^\d+$/.test(f.port.trim()) || Number(f.port) < 1 || Number(f.port) > 65535)) e.port = 'a port 1-65535, or empty for the default';
  if (!e.address && !e.port) {
    const port = bmcPort({ type: f.type, port: Number(f.port) || undefined });
    const same = others.find((n) => n.bmc.address === f.address.trim() && bmcPort(n.bmc) === port);
    if (same) e.address = `${same.name} has this BMC`;
  }
  if (f.systemId.trim() && f.type !== 'redfish') e.systemId = 'only for a Redfish BMC: leave it empty';
  else if (f.systemId.trim() && !BmcSchema.shape.systemId.safeParse(f.systemId.trim()).success) e.systemId = 'a path like /redfish/v1/Systems/1, or empty (a scan reads it)';
  if (!f.user.trim()) e.user = 'the BMC user is needed';
  if (!f.password && !(editing && (editing.bmc.password !== undefined || editing.bmc.passwordFile))) e.password = 'the BMC password is needed';
  const macs = f.macs.split(/[,\s]+/).filter(Boolean);
  const bad = macs.find((m) => !normalizeMac(m));
  if (bad) e.macs = `"${bad}" is not a MAC address (52:54:00:12:34:56)`;
  else {
    const taken = macs.map((m) => normalizeMac(m)!).find((m) => others.some((n) => n.macs.includes(m)));
    if (taken) e.macs = `${taken} is the PXE MAC of ${others.find((n) => n.macs.includes(taken))!.name}`;
  }
  if (!wholeOrEmpty(f.cpu) || f.cpu.trim() === '0') e.cpu = 'a whole number, or empty';
  if (f.ramGiB.trim() && !(Number(f.ramGiB) > 0)) e.ramGiB = 'a number of GiB, or empty';
  if (!wholeOrEmpty(f.diskGiB) || f.diskGiB.trim() === '0') e.diskGiB = 'a whole number of GiB, or empty';
  return e;
}

/** The server the form describes; call only when checkNodeForm found nothing. */
export function nodeFromForm(f: NodeForm, editing?: Node): Node {
  const n = (v: string) => (v.trim() ? Number(v) : undefined);
  const type = f.type as 'ipmi' | 'redfish';
  const keep = editing && !f.password ? { password: editing.bmc.password, passwordFile: editing.bmc.passwordFile } : { password: f.password };
  const bmc = {
    type,
    address: f.address.trim(),
    ...(n(f.port) ? { port: n(f.port) } : {}),
    ...(type === 'redfish' && f.systemId.trim() ? { systemId: f.systemId.trim() } : {}),
    user: f.user.trim(),
    ...(keep.password !== undefined ? { password: keep.password } : {}),
    ...(keep.passwordFile ? { passwordFile: keep.passwordFile } : {}),
  };
  const sameBmc = editing && editing.bmc.address === bmc.address && editing.bmc.port === bmc.port && editing.bmc.type === type && editing.bmc.systemId === bmc.systemId;
  const ram = n(f.ramGiB);
  return NodeSchema.parse({
    ...(editing ?? {}),
    name: f.name.trim(),
    bmc,
    macs: f.macs
      .split(/[,\s]+/)
      .filter(Boolean)
      .map((m) => normalizeMac(m)!),
    cpu: n(f.cpu),
    memoryMiB: ram ? Math.round(ram * 1024) : undefined,
    diskGiB: n(f.diskGiB),
    source: editing?.source ?? 'form',
    // a different BMC: what was discovered through the old one no longer holds; new
    // credentials: its last answer ("wrong password") was to the old ones
    discovered: sameBmc ? withoutBmcAnswer(editing?.discovered, editing?.bmc.user !== bmc.user || !!f.password) : undefined,
  });
}

/** The discovered facts without the BMC's last answer, when that answer no longer holds. */
function withoutBmcAnswer(d: Node['discovered'], stale: boolean): Node['discovered'] {
  if (!d || !stale) return d;
  const { bmcStatus: _status, bmcError: _error, ...rest } = d;
  return rest;
}
