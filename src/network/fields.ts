// The Network section as fields a person edits one at a time: what each field holds, how
// its text is read (an unreadable value is refused with the reason, never stored), and the
// findings a candidate value would bring. The Network screen renders these; it holds no rules.
import type { HostFacts } from '../inventory/host-facts.js';
import type { Finding } from '../plan/findings.js';
import { ISOLATED_NETWORKS, type IsolatedNetwork, type IsolatedNetworkName, type Network, type Plan } from '../plan/schema.js';
import { parseAddressResult, parseCidrResult } from './address.js';
import { NETWORKS_WITH_VIP, networkViews, type NetworkId } from './networks.js';
import { findingsOf, validateNetwork } from './validate.js';

export type FieldKind = 'nic' | 'cidr' | 'address' | 'vlan' | 'toggle' | 'list' | 'url';

export interface FieldDef {
  /** Field path, as findings name it: `network.provisioning.dhcpStart`. */
  path: string;
  label: string;
  kind: FieldKind;
  /** May be left empty (then absent from the plan). */
  optional: boolean;
  get(network: Network): string;
  /** The network with this field set to an already-read value. */
  put(network: Network, value: string | number | boolean | string[] | undefined): Network;
}

export interface NetworkSection {
  id: NetworkId | 'services';
  title: string;
  /** Path prefix of its fields and findings. */
  path: string;
  fields: FieldDef[];
}

type Prov = Network['provisioning'];
type Ext = Network['external'];

function provField(key: keyof Prov, label: string, kind: FieldKind, optional = false): FieldDef {
  return {
    path: `network.provisioning.${key}`,
    label,
    kind,
    optional,
    get: (n) => String(n.provisioning[key] ?? ''),
    put: (n, v) => ({ ...n, provisioning: { ...n.provisioning, [key]: v } as Prov }),
  };
}

function extField(key: keyof Ext, label: string, kind: FieldKind, optional = false): FieldDef {
  return {
    path: `network.external.${key}`,
    label,
    kind,
    optional,
    get: (n) => (n.external[key] === undefined ? '' : String(n.external[key])),
    put: (n, v) => ({ ...n, external: { ...n.external, [key]: v } as Ext }),
  };
}

function isoField(id: IsolatedNetworkName, key: keyof IsolatedNetwork, label: string, kind: FieldKind, optional = false): FieldDef {
  return {
    path: `network.isolated.${id}.${key}`,
    label,
    kind,
    optional,
    get: (n) => {
      const v = n.isolated[id]?.[key];
      return kind === 'toggle' ? (v === false ? 'off' : 'on') : v === undefined ? '' : String(v);
    },
    put: (n, v) => ({ ...n, isolated: { ...n.isolated, [id]: { enabled: true, cidr: '', ...n.isolated[id], [key]: v } } }),
  };
}

const listField = (key: 'dns' | 'ntp', label: string): FieldDef => ({
  path: `network.${key}`,
  label,
  kind: 'list',
  optional: true,
  get: (n) => n[key].join(', '),
  put: (n, v) => ({ ...n, [key]: (v as string[] | undefined) ?? [] }),
});

const proxyField = (key: 'http' | 'https' | 'noProxy', label: string): FieldDef => ({
  path: `network.proxy.${key}`,
  label,
  kind: key === 'noProxy' ? 'list' : 'url',
  optional: true,
  get: (n) => (key === 'noProxy' ? (n.proxy?.noProxy ?? []).join(', ') : (n.proxy?.[key] ?? '')),
  put: (n, v) => {
    const proxy = { noProxy: [], ...n.proxy, [key]: key === 'noProxy' ? ((v as string[] | undefined) ?? []) : v };
    const empty = !proxy.http && !proxy.https && proxy.noProxy.length === 0;
    return { ...n, proxy: empty ? undefined : proxy };
  },
});

/** The sections the screen lists, for the current layout. */
export function networkSections(network: Network): NetworkSection[] {
  const out: NetworkSection[] = [
    {
      id: 'ctlplane',
      title: 'ctlplane',
      path: 'network.provisioning',
      fields: [
        provField('nic', 'NIC (this host)', 'nic'),
        provField('cidr', 'Subnet', 'cidr'),
        provField('gateway', 'Gateway', 'address', true),
        provField('seedIp', 'Seed', 'address'),
        provField('undercloudIp', 'Undercloud', 'address'),
        provField('dhcpStart', 'DHCP start', 'address'),
        provField('dhcpEnd', 'DHCP end', 'address'),
        provField('inspectionStart', 'Inspect start', 'address'),
        provField('inspectionEnd', 'Inspect end', 'address'),
      ],
    },
    {
      id: 'External',
      title: 'External',
      path: 'network.external',
      fields: [
        extField('nic', 'NIC (this host)', 'nic', true),
        extField('cidr', 'Subnet', 'cidr'),
        extField('gateway', 'Gateway', 'address', true),
        extField('vlan', 'VLAN', 'vlan', true),
        extField('publicVip', 'Public VIP', 'address'),
        extField('poolStart', 'Pool start', 'address'),
        extField('poolEnd', 'Pool end', 'address'),
        extField('floatingStart', 'Floating start', 'address', true),
        extField('floatingEnd', 'Floating end', 'address', true),
      ],
    },
  ];
  if (network.layout === 'isolated') {
    for (const id of ISOLATED_NETWORKS) {
      out.push({
        id,
        title: id,
        path: `network.isolated.${id}`,
        fields: [
          isoField(id, 'enabled', 'Enabled', 'toggle'),
          isoField(id, 'cidr', 'Subnet', 'cidr'),
          isoField(id, 'vlan', 'VLAN', 'vlan'),
          ...(NETWORKS_WITH_VIP.has(id) ? [isoField(id, 'vip', 'VIP', 'address')] : []),
          isoField(id, 'poolStart', 'Pool start', 'address'),
          isoField(id, 'poolEnd', 'Pool end', 'address'),
        ],
      });
    }
  }
  out.push({
    id: 'services',
    title: 'DNS/NTP/proxy',
    path: 'network.services',
    fields: [listField('dns', 'DNS servers'), listField('ntp', 'NTP servers'), proxyField('http', 'HTTP proxy'), proxyField('https', 'HTTPS proxy'), proxyField('noProxy', 'No proxy for')],
  });
  return out;
}

/** Reads a field's text: the value to store, or why it cannot be stored. */
export function readField(field: FieldDef, text: string): { value: string | number | boolean | string[] | undefined } | { problem: string } {
  const t = text.trim();
  if (t === '' && field.kind !== 'list') {
    if (field.kind === 'vlan' && field.path === 'network.external.vlan') return { value: undefined };
    return field.optional ? { value: undefined } : { problem: `${field.label} cannot be empty` };
  }
  switch (field.kind) {
    case 'cidr': {
      const r = parseCidrResult(t);
      return r.ok ? { value: t } : { problem: r.problem };
    }
    case 'address': {
      const r = parseAddressResult(t);
      return r.ok ? { value: t } : { problem: r.problem };
    }
    case 'vlan': {
      if (!/^\d+$/.test(t)) return { problem: `"${t}" is not a VLAN ID (a number from 1 to 4094${field.path === 'network.external.vlan' ? ', or empty for untagged' : ''})` };
      const n = Number(t);
      return n >= 1 && n <= 4094 ? { value: n } : { problem: `VLAN ${n} is outside 1-4094` };
    }
    case 'toggle':
      if (/^(on|yes|true|1)$/i.test(t)) return { value: true };
      if (/^(off|no|false|0)$/i.test(t)) return { value: false };
      return { problem: 'write on or off' };
    case 'list': {
      const items = t.split(/[\s,]+/).filter(Boolean);
      if (field.path === 'network.dns') {
        const bad = items.map((i) => parseAddressResult(i)).find((r) => !r.ok);
        if (bad && !bad.ok) return { problem: `DNS server ${bad.problem}` };
      }
      return { value: items };
    }
    case 'url':
      try {
        const u = new URL(t);
        if (u.protocol !== 'http:' && u.protocol !== 'https:') return { problem: 'a proxy URL starts with http:// or https://' };
        return { value: t };
      } catch {
        return { problem: `"${t}" is not a URL (write it like http://proxy.example.com:3128)` };
      }
    case 'nic':
      return /^[\w.:@-]{1,15}$/.test(t) ? { value: t } : { problem: `"${t}" is not a NIC name` };
  }
}

export interface FieldCheck {
  /** The text cannot be stored at all (shown at once, never saved). */
  problem?: string;
  /** The plan with the value, when it could be read. */
  plan?: Plan;
  /** Findings the value would bring, on this field or elsewhere (saved only when confirmed). */
  findings: Finding[];
}

/**
 * What storing `text` in `field` would do: refused, or the plan and its findings there.
 * `current` is the plan's findings as they are (the screen has them already: passed, they are
 * not worked out again on every keystroke).
 */
export function checkField(plan: Plan, field: FieldDef, text: string, hostFacts?: HostFacts, current?: readonly Finding[]): FieldCheck {
  const read = readField(field, text);
  if ('problem' in read) return { problem: read.problem, findings: [] };
  const next = { ...plan, network: field.put(plan.network, read.value) };
  const key = (f: Finding) => `${f.rule}|${f.where}|${f.message}`;
  const before = new Set((current ?? validateNetwork(plan, hostFacts)).map(key));
  const after = validateNetwork(next, hostFacts);
  // Findings on this field first, then those it causes elsewhere (an overlap names the other end).
  const here = (f: Finding) => isOnField(f, field.path);
  const findings = [...after.filter(here), ...after.filter((f) => !here(f) && !before.has(key(f)))];
  return { plan: next, findings };
}

/** Whether a finding is on this field (a list field's items count: `network.dns[1]`). */
export function isOnField(f: Finding, path: string): boolean {
  return f.where === path || f.where.startsWith(`${path}[`);
}

/** Findings of one section (the services section gathers dns, ntp and proxy). */
export function sectionFindings(findings: readonly Finding[], section: NetworkSection): Finding[] {
  if (section.id === 'services') return findings.filter((f) => /^network\.(dns|ntp|proxy)/.test(f.where));
  return findingsOf(findings, section);
}

/** Whether an isolated network is off (listed dim). */
export function sectionEnabled(network: Network, section: NetworkSection): boolean {
  if (section.id === 'services') return true;
  return networkViews(network).find((v) => v.id === section.id)?.enabled ?? false;
}

/** This host's NICs as choices for a NIC field: name, and what the person needs to pick one. */
export function hostNicChoices(facts: HostFacts): { name: string; hint: string }[] {
  return facts.nics.map((n) => {
    const parts: string[] = [n.state === 'unknown' ? 'link unknown' : n.state];
    if (n.speedMbps) parts.push(n.speedMbps >= 1000 ? `${n.speedMbps / 1000} Gb/s` : `${n.speedMbps} Mb/s`);
    parts.push(n.addresses.length ? n.addresses.join(' ') : 'no address');
    if (n.name === facts.defaultRouteNic) parts.push('default route');
    if (n.name === facts.sessionNic) parts.push('your session');
    return { name: n.name, hint: parts.join(', ') };
  });
}
