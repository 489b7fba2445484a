// undercloud.conf as python-tripleoclient reads it (config/undercloud.py's options, checked
// by undercloud_preflight): upstream's defaults where the plan says nothing. Pure.
import { stringify as iniStringify } from 'ini';
import type { Allocation } from '../network/allocate.js';
import { formatAddress, lastOf, offset, parseAddress, parseCidr, parseRange } from '../network/address.js';
import { warning, type Finding } from '../plan/findings.js';
import type { Plan } from '../plan/schema.js';
import { ctlplaneGateway } from './network.js';

/** The undercloud's provisioning NIC inside the undercloud VM cloudseed builds (on bridge brbm). */
const VM_PROVISIONING_NIC = 'eth1';

const stripPrefix = (ip: string) => ip.split('/')[0];

/** The undercloud's address on ctlplane: the plan's, else upstream's default (the first host) unless the seed has it. */
export function undercloudAddress(plan: Plan): string | undefined {
  const p = plan.network.provisioning;
  if (p.undercloudIp) return stripPrefix(p.undercloudIp);
  const cidr = parseCidr(p.cidr);
  if (!cidr) return undefined;
  for (let i = 1; i < 4; i++) {
    const a = offset(cidr, i);
    if (a && formatAddress(a) !== p.seedIp) return formatAddress(a);
  }
  return undefined;
}

/**
 * Upstream puts undercloud_public_host and undercloud_admin_host on .2 and .3; here the first
 * two addresses of the subnet nothing else uses (not the undercloud, seed, gateway, a range
 * Neutron or inspection hands out, a server's or VIP's address, a DNS server).
 */
function endpointHosts(plan: Plan, localIp: string, gateway: string, allocation: Allocation): string[] {
  const p = plan.network.provisioning;
  const cidr = parseCidr(p.cidr);
  if (!cidr) return [];
  const used = new Set([localIp, gateway, p.seedIp, ...plan.network.dns, ...allocation.nodes.map((n) => n.addresses.ctlplane), allocation.vips.ctlplane].filter(Boolean) as string[]);
  const ranges = [p.dhcpStart && p.dhcpEnd ? parseRange(p.dhcpStart, p.dhcpEnd) : undefined, p.inspectionStart && p.inspectionEnd ? parseRange(p.inspectionStart, p.inspectionEnd) : undefined];
  const out: string[] = [];
  for (let i = 2; out.length < 2 && i < 4096; i++) {
    const a = offset(cidr, i);
    if (!a || a.value === lastOf(cidr)) break;
    const text = formatAddress(a);
    if (used.has(text) || ranges.some((r) => r && a.value >= r.start && a.value <= r.end)) continue;
    out.push(text);
  }
  return out;
}

export function undercloudConf(plan: Plan, allocation: Allocation): { content: string; notes: string[]; findings: Finding[] } {
  const p = plan.network.provisioning;
  const cidr = parseCidr(p.cidr);
  const notes: string[] = [];
  const findings: Finding[] = [];
  const localIp = undercloudAddress(plan);
  const route = localIp ? ctlplaneGateway(plan, localIp) : undefined;
  const [publicHost, adminHost] = localIp && route ? endpointHosts(plan, localIp, route.gateway, allocation) : [];
  let localInterface: string | undefined = VM_PROVISIONING_NIC;
  if (plan.roles.undercloud.placement === 'server') {
    const node = plan.nodes.find((n) => n.name === plan.roles.undercloud.node);
    localInterface = node?.discovered?.pxeNic;
    if (!localInterface) {
      const where = node ? `nodes[${plan.nodes.indexOf(node)}].discovered.pxeNic` : 'roles.undercloud.node';
      findings.push(
        warning(
          'export.undercloud-nic-unknown',
          where,
          `the undercloud server's provisioning NIC is not known: undercloud.conf leaves local_interface at upstream's default (eth1)`,
          `inspect ${node?.name ?? 'the undercloud server'} (its PXE NIC becomes local_interface), or set local_interface in undercloud.conf by hand`,
          'roles',
        ),
      );
    }
  }
  if (route) notes.push(`ctlplane gateway ${route.gateway}: ${route.why}`);
  const defined = (o: Record<string, string | boolean | undefined>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== ''));
  const content = iniStringify({
    DEFAULT: defined({
      local_ip: localIp && cidr ? `${localIp}/${cidr.prefix}` : undefined,
      local_interface: localInterface,
      undercloud_public_host: publicHost,
      undercloud_admin_host: adminHost,
      undercloud_nameservers: plan.network.dns.filter((d) => parseAddress(d)).join(','),
      undercloud_ntp_servers: plan.network.ntp.join(','),
      local_subnet: 'ctlplane-subnet',
      subnets: 'ctlplane-subnet',
    }),
    'ctlplane-subnet': defined({
      cidr: p.cidr,
      dhcp_start: p.dhcpStart,
      dhcp_end: p.dhcpEnd,
      inspection_iprange: p.inspectionStart && p.inspectionEnd ? `${p.inspectionStart},${p.inspectionEnd}` : undefined,
      gateway: route?.gateway,
      masquerade: route?.masquerade,
    }),
  });
  return { content, notes, findings };
}
