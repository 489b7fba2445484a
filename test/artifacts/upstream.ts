// The checks upstream's own code makes on the exported files, in TypeScript, with every fact
// (field names, mandatory fields, option names, registry entries, template names) read at
// test time from the reference checkout in shared/reference/tripleo-upstream (SOURCES.md):
// tripleo-common validate_nodes and validate_role_yaml, python-tripleoclient's undercloud.conf
// options and preflight network checks, the resource registry and process-templates' file
// names of tripleo-heat-templates, and tripleo-validations' network_environment checks.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as iniParse } from 'ini';
import { parse as yamlParse } from 'yaml';
import { cidrOf, parseAddress, parseCidr, parseInterfaceAddress, type Cidr } from '../../src/network/address.js';

/** shared/reference/tripleo-upstream beside the repository (or beside a parent: worktrees, CI's clone). */
export function referenceDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dirname(dir), 'shared', 'reference', 'tripleo-upstream');
    if (existsSync(join(candidate, 'SOURCES.md'))) return candidate;
    if (dirname(dir) === dir) throw new Error('shared/reference/tripleo-upstream not found beside the repository: the upstream checks need it');
    dir = dirname(dir);
  }
}

const read = (...parts: string[]) => readFileSync(join(referenceDir(), ...parts), 'utf8');
export const tht = (...parts: string[]) => join(referenceDir(), 'tripleo-heat-templates', ...parts);

// ---- tripleo-common utils/nodes.py: validate_nodes ----

interface DriverInfo {
  prefix: string;
  mapping: Set<string>;
  mandatory: string[];
  uniqueId(node: Record<string, unknown>): string | undefined;
}

function nodesPy() {
  const src = read('tripleo-common', 'tripleo_common', 'utils', 'nodes.py');
  const block = (start: string, end: string) => src.slice(src.indexOf(start), src.indexOf(end, src.indexOf(start)));
  const nonDriver = new Set([...block('_NON_DRIVER_FIELDS = {', '}\n').matchAll(/'(\w+)':/g)].map((m) => m[1]));
  const interfaces = /'%s_interface' % field for field in \(([^)]*)\)/s.exec(src)![1];
  for (const m of interfaces.matchAll(/'(\w+)'/g)) nonDriver.add(`${m[1]}_interface`);
  const special = new Set([.../_SPECIAL_NON_DRIVER_FIELDS = \{([^}]*)\}/.exec(src)![1].matchAll(/'(\w+)'/g)].map((m) => m[1]));
  const redfish = block('class RedfishDriverInfo', 'class oVirtDriverInfo');
  const ipmiEntry = /r'\^\(ipmi\|\.\*_ipmitool\)\$': PrefixedDriverInfo\(([^)]*)\)/s.exec(src)![1];
  const list = (text: string) => [...text.matchAll(/'(\w+)'/g)].map((m) => m[1]);
  const drivers: Record<string, DriverInfo> = {
    ipmi: {
      prefix: /^'(\w+)'/.exec(ipmiEntry)![1],
      // PrefixedDriverInfo: pm_addr, pm_user, pm_password, and pm_port with has_port
      mapping: new Set(['pm_addr', 'pm_user', 'pm_password', ...(/has_port=True/.test(ipmiEntry) ? ['pm_port'] : [])]),
      mandatory: list(/mandatory_fields=\[([^\]]*)\]/.exec(ipmiEntry)![1]),
      uniqueId: (n) => (n.pm_addr === undefined ? undefined : n.pm_port !== undefined ? `${n.pm_addr}:${n.pm_port}` : String(n.pm_addr)),
    },
    redfish: {
      prefix: 'redfish',
      mapping: new Set([...redfish.matchAll(/'(pm_\w+)': 'redfish_\w+'/g)].map((m) => m[1])),
      mandatory: list(/mandatory_fields = \[([^\]]*)\]/.exec(redfish)![1]),
      uniqueId: (n) =>
        n.pm_addr === undefined || n.pm_system_id === undefined ? undefined : `${String(n.pm_addr).replace(/^https?:\/\//i, '').replace(/\/+$/, '')}/${String(n.pm_system_id).replace(/^\/+/, '')}`,
    },
  };
  return { nonDriver, special, drivers };
}

/** validate_nodes' failures for an instackenv node list ("node #i: ..."), empty when accepted. */
export function validateNodes(nodes: Record<string, unknown>[]): string[] {
  const { nonDriver, special, drivers } = nodesPy();
  const failures: string[] = [];
  const ids = new Set<string>();
  const names = new Set<string>();
  const macs = new Set<string>();
  nodes.forEach((node, i) => {
    const fail = (msg: string) => failures.push(`node #${i}: ${msg}`);
    const handler = drivers[String(node.pm_type)];
    if (!handler) return fail(`unknown pm_type ${String(node.pm_type)}`);
    const missing = handler.mandatory.filter((f) => !node[f]);
    if (missing.length) fail(`The following fields are missing: ${missing.join(', ')}`);
    for (const port of (node.ports as { address: string }[] | undefined) ?? []) {
      if (!/^([0-9a-f]{2}[:-]){5}[0-9a-f]{2}$/i.test(port.address)) fail(`MAC address ${port.address} is invalid`);
      if (macs.has(port.address)) fail(`MAC ${port.address} is not unique`);
      macs.add(port.address);
    }
    const id = handler.uniqueId(node);
    if (id && ids.has(id)) fail(`Node identified by ${id} is already present`);
    if (id) ids.add(id);
    if (node.name) {
      if (names.has(String(node.name))) fail(`Name "${String(node.name)}" is not unique`);
      names.add(String(node.name));
    }
    if (typeof node.capabilities === 'string' && node.capabilities.split(',').some((c) => !c.includes(':'))) fail(`Invalid capabilities: ${node.capabilities}`);
    for (const field of Object.keys(node)) {
      const converted = handler.mapping.has(field) || field.startsWith(handler.prefix);
      if (!converted && !nonDriver.has(field) && !special.has(field)) fail(`Unknown field ${field}`);
    }
  });
  return failures;
}

// ---- tripleo-common utils/roles.py: validate_role_yaml ----

/** validate_role_yaml's complaint about one role, or undefined. */
export function validateRole(role: Record<string, unknown>): string | undefined {
  const src = read('tripleo-common', 'tripleo_common', 'utils', 'roles.py');
  if (!('name' in role)) return 'Role name is missing from the role';
  const types: Record<string, (v: unknown) => boolean> = {
    'six.string_types': (v) => typeof v === 'string',
    int: (v) => Number.isInteger(v),
    bool: (v) => typeof v === 'boolean',
    list: (v) => Array.isArray(v),
    '[list, dict]': (v) => typeof v === 'object' && v !== null,
  };
  for (const m of src.matchAll(/'(\w+)': \{'type': ([^}]+)\}/g)) {
    const check = types[m[2].trim()];
    if (!check) throw new Error(`roles.py: unknown type ${m[2]}`);
    if (m[1] in role && !check(role[m[1]])) return `Role '${String(role.name)}': ${m[1]} is not of expected type ${m[2]}`;
  }
  return undefined;
}

// ---- tripleo-heat-templates: the resource registry and the rendered file names ----

/** OS::TripleO::Services::* of overcloud-resource-registry-puppet.j2.yaml and what each maps to. */
export function registryServices(): Map<string, string> {
  const src = read('tripleo-heat-templates', 'overcloud-resource-registry-puppet.j2.yaml');
  return new Map([...src.matchAll(/^ {2}(OS::TripleO::Services::\w+):\s*(\S+)/gm)].map((m) => [m[1], m[2]]));
}

/** Upstream's role file, parsed. */
export function upstreamRoleFile(role: string): Record<string, unknown> {
  return (yamlParse(read('tripleo-heat-templates', 'roles', `${role}.yaml`)) as Record<string, unknown>[])[0];
}

/**
 * Whether `path` (relative to the templates) is a file the templates have, or one
 * process-templates.py renders for a network of `networks` (name_lower values): ports/
 * templates replace "port", others "network", in `<x>.network.j2.yaml`.
 */
export function thtHas(path: string, networks: string[]): boolean {
  if (existsSync(tht(path))) return true;
  const dir = dirname(path);
  const file = path.slice(dir.length + 1);
  if (!existsSync(tht(dir))) return false;
  const word = dir.endsWith('ports') ? 'port' : 'network';
  return readdirSync(tht(dir))
    .filter((f) => f.endsWith('.network.j2.yaml'))
    .some((f) => networks.some((n) => f.replace('.network.j2.yaml', '.yaml').replace(word, n) === file));
}

// ---- python-tripleoclient: undercloud.conf options and preflight ----

function optionNames(src: string): string[] {
  return [...src.matchAll(/cfg\.\w+Opt\(\s*'(\w+)'/g)].map((m) => m[1]);
}

/** The options undercloud.conf may set: [DEFAULT] and a subnet section. */
export function undercloudOptions(): { defaults: Set<string>; subnet: Set<string> } {
  const dir = ['python-tripleoclient', 'tripleoclient', 'config'];
  const uc = read(...dir, 'undercloud.py');
  const start = uc.indexOf('def get_local_subnet_opts');
  const subnet = uc.slice(start, uc.indexOf('def get_remote_subnet_opts'));
  return {
    defaults: new Set([...optionNames(read(...dir, 'base.py')), ...optionNames(read(...dir, 'standalone.py')), ...optionNames(uc.slice(0, start))]),
    subnet: new Set(optionNames(subnet)),
  };
}

/** undercloud_preflight's network checks on the file (what does not depend on the machine). */
export function undercloudPreflight(text: string): string[] {
  const conf = iniParse(text) as Record<string, Record<string, string | boolean>>;
  const errors: string[] = [];
  const d = conf.DEFAULT ?? {};
  const { defaults, subnet } = undercloudOptions();
  for (const k of Object.keys(d)) if (!defaults.has(k)) errors.push(`unknown option [DEFAULT] ${k}`);
  const local = parseInterfaceAddress(String(d.local_ip ?? ''));
  if (!local || local.cidr.prefix === 32) errors.push(`local_ip "${String(d.local_ip)}" not valid: Value must be in CIDR format.`);
  for (const ns of String(d.undercloud_nameservers ?? '').split(',').filter(Boolean)) if (!parseAddress(ns)) errors.push(`undercloud_nameservers "${ns}" must be a valid IP address`);
  for (const name of String(d.subnets ?? 'ctlplane-subnet').split(',')) {
    const s = conf[name];
    if (!s) {
      errors.push(`no section [${name}]`);
      continue;
    }
    for (const k of Object.keys(s)) if (!subnet.has(k)) errors.push(`unknown option [${name}] ${k}`);
    const cidr = parseCidr(String(s.cidr));
    if (!cidr) {
      errors.push(`[${name}] cidr "${String(s.cidr)}" is not a subnet`);
      continue;
    }
    const inCidr = (what: string, v: unknown) => {
      const a = parseAddress(String(v));
      if (!a || !sameNet(cidr, a.value)) errors.push(`Config option ${what} "${String(v)}" not in defined CIDR "${String(s.cidr)}"`);
    };
    inCidr('gateway', s.gateway);
    if (s.dhcp_start) inCidr('dhcp_start', s.dhcp_start);
    if (s.dhcp_end) inCidr('dhcp_end', s.dhcp_end);
    if (name === (d.local_subnet ?? 'ctlplane-subnet')) {
      if (local) inCidr('local_ip', String(d.local_ip).split('/')[0]);
      inCidr('undercloud_admin_host', d.undercloud_admin_host);
      inCidr('undercloud_public_host', d.undercloud_public_host);
    }
    if (s.dhcp_start && s.dhcp_end && parseAddress(String(s.dhcp_start))!.value >= parseAddress(String(s.dhcp_end))!.value) errors.push('Invalid dhcp range specified');
    if (s.inspection_iprange) {
      const [a, b] = String(s.inspection_iprange).split(',').map((x) => parseAddress(x)?.value);
      if (a === undefined || b === undefined || a >= b) errors.push('Invalid inspection range specified');
    }
  }
  return errors;
}

const sameNet = (c: Cidr, value: bigint) => cidrOf({ family: c.family, value }, c.prefix).network === c.network;

// ---- tripleo-validations library/network_environment.py ----

type Pool = { start: string; end: string };
const range = (p: Pool) => ({ start: parseAddress(p.start)?.value, end: parseAddress(p.end)?.value });
const inside = (a: bigint, p: Pool) => {
  const r = range(p);
  return r.start !== undefined && r.end !== undefined && a >= r.start && a <= r.end;
};

/**
 * validate_network_environment on the parameters of the network environment (with the
 * *IPs of the ips-from-pool file added, as the IPs it pins must pass the same checks).
 */
export function networkEnvironmentErrors(params: Record<string, unknown>): string[] {
  const errors: string[] = [];
  const cidrs: Record<string, string> = {};
  const pools: Record<string, Pool[]> = {};
  const vlans: Record<string, unknown> = {};
  const statics: Record<string, Record<string, string[]>> = {};
  for (const [k, v] of Object.entries(params)) {
    if (k.endsWith('NetCidr')) cidrs[k] = String(v);
    else if (k.endsWith('AllocationPools')) pools[k] = v as Pool[];
    else if (k.endsWith('NetworkVlanID')) vlans[k] = v;
    else if (k.endsWith('IPs')) {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) errors.push(`The ${k} must be a dictionary.`);
      else statics[k] = v as Record<string, string[]>;
    }
  }
  const nets = Object.values(cidrs).map((c) => parseCidr(c));
  nets.forEach((a, i) => {
    if (!a) errors.push(`Invalid network: ${Object.values(cidrs)[i]}`);
    nets.slice(i + 1).forEach((b) => {
      if (a && b && a.family === b.family && (sameNet(a, b.network) || sameNet(b, a.network))) errors.push(`Networks ${Object.values(cidrs)[i]} overlap.`);
    });
  });
  for (const [k, list] of Object.entries(pools)) {
    const cidr = parseCidr(cidrs[k.split('AllocationPools')[0] + 'NetCidr'] ?? '');
    if (!cidr) {
      errors.push(`The ${k.split('AllocationPools')[0]}NetCidr CIDR is not specified for ${k}.`);
      continue;
    }
    for (const p of list) {
      const r = range(p);
      if (r.start === undefined || r.end === undefined) errors.push(`Invalid format of the IP range in ${k}`);
      else if (!sameNet(cidr, r.start) || !sameNet(cidr, r.end)) errors.push(`Allocation pool ${k} outside of subnet`);
      else if (list.some((o) => o !== p && (inside(r.start!, o) || inside(r.end!, o)))) errors.push(`Some pools in ${k} are overlapping.`);
    }
  }
  const seenVlan = new Map<unknown, string>();
  for (const [k, v] of Object.entries(vlans)) {
    if (seenVlan.has(v)) errors.push(`Vlan ID ${String(v)} (${k}) already exists in ${seenVlan.get(v)}`);
    else seenVlan.set(v, k);
  }
  const poolRanges = Object.entries(pools).flatMap(([name, list]) => list.map((p) => ({ name, ...range(p) })));
  const seenIp = new Map<string, string>();
  for (const [role, services] of Object.entries(statics)) {
    for (const [service, ips] of Object.entries(services)) {
      const rangeName = service.replace(/(^|_)(\w)/g, (_, _u, c: string) => c.toUpperCase()).replace(/_/g, '') + 'NetCidr';
      const cidr = parseCidr(cidrs[rangeName] ?? '');
      if (!cidr) errors.push(`Service '${service}' does not have a corresponding range: '${rangeName}'.`);
      for (const ip of ips) {
        const a = parseAddress(ip);
        if (!a) {
          errors.push(`${ip} is not a valid IP address`);
          continue;
        }
        const hit = poolRanges.find((r) => r.start !== undefined && r.end !== undefined && a.value >= r.start && a.value <= r.end);
        if (hit) errors.push(`IP address ${ip} from ${role}[${service}] is in the ${hit.name} pool.`);
        if (cidr && !sameNet(cidr, a.value)) errors.push(`The IP address ${ip} is outside of the ${rangeName} range`);
        if (seenIp.has(ip)) errors.push(`The ${ip} IP address was entered multiple times: ${seenIp.get(ip)}, ${role}[${service}].`);
        seenIp.set(ip, `${role}[${service}]`);
      }
    }
  }
  return errors;
}

/** validate_node_pool_size: every role with servers has enough pinned IPs on each network. */
export function nodePoolSizeWarnings(planEnv: Record<string, unknown>, ipPools: Record<string, unknown>): string[] {
  const counts = new Map<string, number>();
  for (const [k, v] of Object.entries(planEnv)) if (k.endsWith('Count') && Number(v) > 0) counts.set(k.replace('Count', ''), Number(v));
  // upstream's own rename (TODO in network_environment.py)
  if (counts.has('ObjectStorage')) {
    counts.set('SwiftStorage', counts.get('ObjectStorage')!);
    counts.delete('ObjectStorage');
  }
  const warnings: string[] = [];
  for (const [role, count] of counts) {
    const pools = ipPools[`${role}IPs`] as Record<string, string[]> | undefined;
    if (!pools) {
      warnings.push(`Found ${count} node(s) assigned to '${role}' role, but no static IP pools defined.`);
      continue;
    }
    for (const [name, ips] of Object.entries(pools)) if (ips.length < count) warnings.push(`Insufficient number of IPs in '${name}' pool for '${role}' role`);
  }
  return warnings;
}
