// Reading the nodes files operators already have: TripleO instackenv.json (JSON or YAML)
// and Helion baremetal.csv. Every problem is a finding at `file:line` naming the field;
// passwords are never echoed back.
import { readFile } from 'node:fs/promises';
import { parse as parseCsv } from 'csv-parse/sync';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode, type YAMLMap } from 'yaml';
import { error, warning, type Finding } from '../plan/findings.js';
import { BmcSchema, NodeSchema, type Node, type RoleName } from '../plan/schema.js';
import { roleCatalog } from '../roles/catalog.js';
import { isBmcAddress, normalizeMac } from './addresses.js';
import { bmcPort } from './bmc.js';

export type NodesFileFormat = 'instackenv' | 'baremetal-csv';

export interface ImportResult {
  format: NodesFileFormat;
  /** Nodes read without errors, in file order. */
  nodes: Node[];
  findings: Finding[];
}

const RULE = 'inventory.import';

/** TripleO pm_type → cloudseed BMC type; the iDRAC/iLO drivers also speak IPMI over LAN. */
const PM_TYPES: Record<string, { type: 'ipmi' | 'redfish'; note?: string }> = {
  ipmi: { type: 'ipmi' },
  pxe_ipmitool: { type: 'ipmi' },
  ipmitool: { type: 'ipmi' },
  redfish: { type: 'redfish' },
  idrac: { type: 'ipmi', note: 'iDRAC is driven over IPMI' },
  pxe_drac: { type: 'ipmi', note: 'iDRAC is driven over IPMI' },
  ilo: { type: 'ipmi', note: 'iLO is driven over IPMI' },
  pxe_ilo: { type: 'ipmi', note: 'iLO is driven over IPMI' },
};

/** TripleO capability `profile:<x>` → role: the flavours of the role catalog. */
function profileRole(profile: string): RoleName | undefined {
  return [...roleCatalog().values()].find((r) => r.flavor === profile)?.name;
}

/** Helion 1.1 role names the catalog does not hold: storage variants of its roles. */
const HELION_VARIANTS: Record<string, RoleName> = {
  overcloudvsaaostorage: 'BlockStorage',
  overcloudsoswiftproxy: 'ObjectStorage',
  overcloudsoswiftstorage: 'ObjectStorage',
};

/** Helion 1.1 roles in baremetal.csv, lower case → role: the catalog's Helion names and their variants. */
function helionRoles(): Map<string, RoleName> {
  const roles = new Map(Object.entries(HELION_VARIANTS));
  for (const r of roleCatalog().values()) if (r.helion) roles.set(r.helion.toLowerCase(), r.name);
  return roles;
}

function detectFormat(text: string, file: string): NodesFileFormat {
  if (/\.csv$/i.test(file)) return 'baremetal-csv';
  if (/\.(json|ya?ml)$/i.test(file)) return 'instackenv';
  return /^\s*(\{|nodes\s*:|---)/.test(text) ? 'instackenv' : 'baremetal-csv';
}

export async function importNodesFile(path: string): Promise<ImportResult> {
  return parseNodesFile(await readFile(path, 'utf8'), path);
}

export function parseNodesFile(text: string, file: string): ImportResult {
  return detectFormat(text, file) === 'baremetal-csv' ? parseBaremetalCsv(text, file) : parseInstackenv(text, file);
}

/** Collects the findings of one record and turns a clean record into a Node. */
class Entry {
  findings: Finding[] = [];
  constructor(
    readonly file: string,
    readonly line: number,
  ) {}
  at(line = this.line) {
    return `${this.file}:${line}`;
  }
  error(field: string, message: string, fix: string, line?: number) {
    this.findings.push(error(RULE, this.at(line), `${field}: ${message}`, fix, 'servers'));
  }
  warn(field: string, message: string, fix: string, line?: number) {
    this.findings.push(warning(RULE, this.at(line), `${field}: ${message}`, fix, 'servers'));
  }
  get ok() {
    return !this.findings.some((f) => f.severity === 'error');
  }
}

/** A positive whole number, also when written as a string ("16"). */
function positiveInt(value: unknown): number | undefined | null {
  if (value === undefined || value === null || value === '') return undefined;
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
  return Number.isInteger(n) && n > 0 ? n : null;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return `"${value.length > 40 ? value.slice(0, 40) + '…' : value}"`;
  if (Array.isArray(value)) return 'a list';
  if (value && typeof value === 'object') return 'a mapping';
  return String(value);
}

interface Draft {
  name?: string;
  type: 'ipmi' | 'redfish';
  address: string;
  port?: number;
  user: string;
  password: string;
  /** Redfish: pm_system_id. */
  systemId?: string;
  macs: string[];
  cpu?: number;
  memoryMiB?: number;
  diskGiB?: number;
  arch?: string;
  role?: RoleName;
}

/** Flags duplicates (same BMC address+port, MAC or name) against earlier records. */
class Duplicates {
  private bmc = new Map<string, number>();
  private mac = new Map<string, number>();
  private name = new Map<string, number>();
  /** `fields` names the fields as the file calls them, with their lines when known. */
  check(rec: Entry, d: Draft, fields: { bmc: [string, number?]; mac: [string, number?]; name: [string, number?] }) {
    const bmcKey = `${d.address.toLowerCase()}:${bmcPort(d)}`;
    const prev = this.bmc.get(bmcKey);
    if (prev !== undefined) rec.error(fields.bmc[0], `the same BMC (${d.address}) as the server on line ${prev}`, 'remove one of the two entries, or correct the address', fields.bmc[1]);
    for (const m of d.macs) {
      const p = this.mac.get(m);
      if (p !== undefined) rec.error(fields.mac[0], `${m} is also the PXE MAC of the server on line ${p}`, 'each server boots from its own NIC: correct the MAC or remove the duplicate', fields.mac[1]);
    }
    if (d.name) {
      const p = this.name.get(d.name.toLowerCase());
      if (p !== undefined) rec.error(fields.name[0], `"${d.name}" is also the name of the server on line ${p}`, 'give each server its own name', fields.name[1]);
    }
    if (!rec.ok) return;
    this.bmc.set(bmcKey, rec.line);
    for (const m of d.macs) this.mac.set(m, rec.line);
    if (d.name) this.name.set(d.name.toLowerCase(), rec.line);
  }
}

function finish(drafts: { rec: Entry; draft: Draft }[], format: NodesFileFormat, extra: Finding[]): ImportResult {
  const findings = [...extra];
  const nodes: Node[] = [];
  const taken = new Set(drafts.map((d) => d.draft.name?.toLowerCase()).filter(Boolean));
  let counter = 0;
  for (const { rec, draft } of drafts) {
    findings.push(...rec.findings);
    if (!rec.ok) continue;
    let name = draft.name;
    while (!name) {
      const candidate = `node-${String(++counter).padStart(2, '0')}`;
      if (!taken.has(candidate)) name = candidate;
    }
    const parsed = NodeSchema.safeParse({
      name,
      bmc: { type: draft.type, address: draft.address, ...(draft.port ? { port: draft.port } : {}), user: draft.user, password: draft.password, ...(draft.systemId ? { systemId: draft.systemId } : {}) },
      macs: draft.macs,
      ...(draft.cpu ? { cpu: draft.cpu } : {}),
      ...(draft.memoryMiB ? { memoryMiB: draft.memoryMiB } : {}),
      ...(draft.diskGiB ? { diskGiB: draft.diskGiB } : {}),
      ...(draft.arch ? { arch: draft.arch } : {}),
      ...(draft.role ? { role: draft.role, roleSource: 'manual' as const } : {}),
      source: 'import',
    });
    if (parsed.success) nodes.push(parsed.data);
    else
      for (const issue of parsed.error.issues)
        findings.push(error(RULE, rec.at(), `${issue.path.join('.')}: ${issue.message}`, 'correct this field in the file', 'servers'));
  }
  return { format, nodes, findings };
}

// ---- TripleO instackenv ----

/** JSON's own syntax error (stricter than YAML's: no trailing commas), at line:column. */
function jsonSyntaxError(text: string, file: string): Finding | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (e) {
    const message = (e as Error).message;
    const pos = Number(/at position (\d+)/.exec(message)?.[1] ?? NaN);
    const before = Number.isFinite(pos) ? text.slice(0, pos).split('\n') : undefined;
    const at = before ? `${before.length}:${before[before.length - 1].length + 1}` : '1';
    return error(RULE, `${file}:${at}`, `not valid JSON: ${message.replace(/ in JSON at position \d+.*$/, '')}`, 'fix the syntax at this place and import again', 'servers');
  }
}

export function parseInstackenv(text: string, file: string): ImportResult {
  if (/\.json$/i.test(file) || /^\s*\{/.test(text)) {
    const syntax = jsonSyntaxError(text, file);
    if (syntax) return { format: 'instackenv', nodes: [], findings: [syntax] };
  }
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: false });
  const lineOf = (n: YamlNode | null | undefined, fallback: number) => (n?.range ? lc.linePos(n.range[0]).line : fallback);
  if (doc.errors.length) {
    const e = doc.errors[0];
    const pos = e.linePos?.[0];
    return {
      format: 'instackenv',
      nodes: [],
      findings: [
        error(RULE, `${file}:${pos ? `${pos.line}:${pos.col}` : 1}`, `not valid JSON or YAML: ${e.message.split('\n')[0]}`, 'fix the syntax at this place and import again', 'servers'),
      ],
    };
  }
  const root = doc.contents;
  const nodesSeq = isMap(root) ? root.get('nodes', true) : undefined;
  if (!isSeq(nodesSeq)) {
    return {
      format: 'instackenv',
      nodes: [],
      findings: [error(RULE, `${file}:${lineOf(root as YamlNode, 1)}`, 'nodes: missing; an instackenv file is {"nodes": [ ... ]}', 'put the servers in a list under "nodes"', 'servers')],
    };
  }
  const dup = new Duplicates();
  const drafts: { rec: Entry; draft: Draft }[] = [];
  for (const item of nodesSeq.items) {
    const rec = new Entry(file, lineOf(item as YamlNode, 1));
    if (!isMap(item)) {
      rec.error('nodes', `each entry must be a mapping, found ${describe((item as YamlNode | null)?.toJSON?.())}`, 'write each server as {"pm_type": ..., "pm_addr": ..., ...}');
      drafts.push({ rec, draft: {} as Draft });
      continue;
    }
    const map = item as YAMLMap;
    const lineOfKey = (key: string) => {
      const pair = map.items.find((p) => isScalar(p.key) && p.key.value === key);
      return pair ? lineOf((pair.value ?? pair.key) as YamlNode, rec.line) : rec.line;
    };
    const obj = map.toJSON() as Record<string, unknown>;
    const draft = instackNode(rec, obj, lineOfKey);
    if (rec.ok) dup.check(rec, draft, { bmc: ['pm_addr', lineOfKey('pm_addr')], mac: ['mac', lineOfKey('mac')], name: ['name', lineOfKey('name')] });
    drafts.push({ rec, draft });
  }
  return finish(drafts, 'instackenv', []);
}

function instackNode(rec: Entry, o: Record<string, unknown>, lineOf: (key: string) => number): Draft {
  const str = (key: string, required: boolean): string => {
    const v = o[key];
    if (v === undefined || v === null || v === '') {
      if (required) rec.error(key, 'missing', `add "${key}" to this server`, rec.line);
      return '';
    }
    if (typeof v === 'number' && key !== 'pm_password' && key !== 'pm_user') return String(v);
    if (typeof v !== 'string') {
      // never echo what stands in the password field
      rec.error(key, key === 'pm_password' ? 'must be text' : `must be text, found ${describe(v)}`, `write ${key} as a string`, lineOf(key));
      return '';
    }
    return v;
  };
  const pmType = str('pm_type', true);
  let type: 'ipmi' | 'redfish' = 'ipmi';
  if (pmType) {
    const known = PM_TYPES[pmType.toLowerCase()];
    if (!known) rec.error('pm_type', `"${pmType}" is not supported`, 'use ipmi (pxe_ipmitool) or redfish', lineOf('pm_type'));
    else {
      type = known.type;
      if (known.note) rec.warn('pm_type', `"${pmType}": ${known.note}`, 'make sure IPMI over LAN is enabled on this BMC', lineOf('pm_type'));
    }
  }
  let address = str('pm_addr', true);
  // Redfish's pm_addr may be a URL (https://host:port): the port has no field of its own there.
  const url = type === 'redfish' ? /^https?:\/\/(\[[^\]]+\]|[^/:]+)(?::(\d+))?\/?$/i.exec(address) : null;
  if (url) address = url[1].replace(/^\[|\]$/g, '');
  if (address && !isBmcAddress(address)) rec.error('pm_addr', `"${address}" is not an IP address or host name`, 'write the BMC address, e.g. 10.0.0.21', lineOf('pm_addr'));
  const user = str('pm_user', true);
  const password = str('pm_password', true);
  let port: number | undefined = url?.[2] ? Number(url[2]) : undefined;
  let systemId: string | undefined;
  if (type === 'redfish') {
    systemId = o.pm_system_id === undefined ? undefined : str('pm_system_id', false) || undefined;
    if (systemId && !BmcSchema.shape.systemId.safeParse(systemId).success)
      rec.error('pm_system_id', `"${systemId}" is not a Redfish system path`, 'write it like /redfish/v1/Systems/1', lineOf('pm_system_id'));
    else if (!systemId && rec.ok) rec.warn('pm_system_id', 'no pm_system_id for this Redfish BMC (TripleO needs it)', 'add e.g. "pm_system_id": "/redfish/v1/Systems/1", or let discovery read it', rec.line);
  }
  if (o.pm_port !== undefined) {
    const p = positiveInt(o.pm_port);
    if (!p || p > 65535) rec.error('pm_port', `must be a port number 1-65535, found ${describe(o.pm_port)}`, 'write the BMC port, e.g. 623', lineOf('pm_port'));
    else port = p;
  }
  const name = o.name === undefined ? undefined : str('name', false);
  if (name && !NodeSchema.shape.name.safeParse(name).success)
    rec.error('name', `"${name}" is not a valid host name`, 'use letters, digits and dashes, not starting or ending with a dash', lineOf('name'));
  const macs: string[] = [];
  // `ports: [{address}]` is upstream's form; `mac` is the deprecated one.
  const fromPorts = Array.isArray(o.ports) ? o.ports.map((p: unknown) => (p && typeof p === 'object' ? (p as { address?: unknown }).address : p)) : [];
  if (o.ports !== undefined && !Array.isArray(o.ports)) rec.error('ports', `must be a list, found ${describe(o.ports)}`, 'write "ports": [{"address": "52:54:00:12:34:56"}]', lineOf('ports'));
  const rawMacs = o.mac === undefined ? fromPorts : typeof o.mac === 'string' ? [o.mac, ...fromPorts] : Array.isArray(o.mac) ? [...o.mac, ...fromPorts] : o.mac;
  if (!Array.isArray(rawMacs)) rec.error('mac', `must be a list of MAC addresses, found ${describe(o.mac)}`, 'write "ports": [{"address": "52:54:00:12:34:56"}]', lineOf('mac'));
  else
    for (const m of rawMacs) {
      const norm = typeof m === 'string' ? normalizeMac(m) : undefined;
      if (!norm) rec.error('mac', `${describe(m)} is not a MAC address`, 'write it like 52:54:00:12:34:56', lineOf('mac'));
      else macs.push(norm);
    }
  if (macs.length === 0 && rec.ok) rec.warn('mac', 'no PXE MAC given', 'add the MAC of the NIC the server boots from (or let discovery fill it in)', rec.line);
  const num = (key: string, unit: string) => {
    const v = positiveInt(o[key]);
    if (v === null) rec.error(key, `must be a positive whole number (${unit}), found ${describe(o[key])}`, `write ${key} as a number of ${unit}`, lineOf(key));
    return v ?? undefined;
  };
  const cpu = num('cpu', 'CPUs');
  const memoryMiB = num('memory', 'MiB');
  const diskGiB = num('disk', 'GiB');
  let arch: string | undefined;
  if (o.arch !== undefined) {
    arch = String(o.arch);
    if (!['x86_64', 'aarch64', 'ppc64le'].includes(arch)) {
      rec.error('arch', `"${arch}" is not supported`, 'use x86_64, aarch64 or ppc64le', lineOf('arch'));
      arch = undefined;
    }
  }
  let role: RoleName | undefined;
  if (typeof o.capabilities === 'string') {
    const profile = /(?:^|,)\s*profile:([\w-]+)/.exec(o.capabilities)?.[1];
    if (profile) role = profileRole(profile);
  }
  return { name, type, address, port, user, password, systemId, macs, cpu, memoryMiB, diskGiB, arch, role };
}

// ---- Helion baremetal.csv ----

const CSV_COLUMNS = ['mac', 'bmc_user', 'bmc_password', 'bmc_address', 'cpus', 'memory_mb', 'disk_gb', 'role', 'power_management'];

export function parseBaremetalCsv(text: string, file: string): ImportResult {
  let rows: { record: string[]; info: { lines: number } }[];
  try {
    rows = parseCsv(text, { info: true, relax_column_count: true, skip_empty_lines: true, comment: '#', trim: true }) as unknown as typeof rows;
  } catch (e) {
    const line = (e as { lines?: number }).lines ?? 1;
    return {
      format: 'baremetal-csv',
      nodes: [],
      findings: [error(RULE, `${file}:${line}`, `not a valid CSV file: ${(e as Error).message}`, 'close the quote or remove it', 'servers')],
    };
  }
  const dup = new Duplicates();
  const helion = helionRoles();
  const drafts: { rec: Entry; draft: Draft }[] = [];
  for (const { record, info } of rows) {
    const rec = new Entry(file, info.lines);
    if (record.length < 7 || record.length > 9) {
      rec.error('columns', `${record.length} columns, expected 7 (${CSV_COLUMNS.slice(0, 7).join(',')}) or 9 (…,role,power_management)`, 'one server per line, fields separated by commas');
      drafts.push({ rec, draft: {} as Draft });
      continue;
    }
    const [mac, user, password, address, cpus, memory, disk, roleText, pm] = record;
    const macs: string[] = [];
    const norm = normalizeMac(mac);
    if (!norm) rec.error('mac', `"${mac}" is not a MAC address`, 'column 1 is the PXE NIC’s MAC, like 52:54:00:12:34:56');
    else macs.push(norm);
    if (!user) rec.error('bmc_user', 'missing', 'column 2 is the BMC user name');
    if (!password) rec.error('bmc_password', 'missing', 'column 3 is the BMC password');
    if (!address) rec.error('bmc_address', 'missing', 'column 4 is the BMC address');
    else if (!isBmcAddress(address)) rec.error('bmc_address', `"${address}" is not an IP address or host name`, 'column 4 is the BMC address, e.g. 10.0.0.21');
    const num = (value: string, field: string, unit: string) => {
      const v = positiveInt(value);
      if (!v) rec.error(field, `must be a positive whole number (${unit}), found ${describe(value)}`, `write ${field} as a number of ${unit}`);
      return v ?? undefined;
    };
    const cpu = num(cpus, 'cpus', 'CPUs');
    const memoryMiB = num(memory, 'memory_mb', 'MiB');
    const diskGiB = num(disk, 'disk_gb', 'GiB');
    let role: RoleName | undefined;
    if (roleText) {
      role = helion.get(roleText.toLowerCase());
      if (!role) rec.error('role', `"${roleText}" is not a Helion role`, `use one of ${helion.size} roles such as OvercloudControl or OvercloudCompute`);
    }
    if (pm) {
      const kind = pm.split(':')[0].toUpperCase();
      if (kind !== 'IPMI' && kind !== 'HP_ILO4')
        rec.error('power_management', `"${pm}" is not supported`, 'use IPMI (or HP_iLO4, driven over IPMI)');
    }
    const draft: Draft = { type: 'ipmi', address, user, password, macs, cpu, memoryMiB, diskGiB, role };
    if (rec.ok) dup.check(rec, draft, { bmc: ['bmc_address'], mac: ['mac'], name: ['name'] });
    drafts.push({ rec, draft });
  }
  return finish(drafts, 'baremetal-csv', []);
}
