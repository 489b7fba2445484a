// Every exported file, for the three labs and a plan with Redfish and storage roles, passes
// the checks upstream's tools make (test/artifacts/upstream.ts, facts read from the reference).
import { readFileSync } from 'node:fs';
import { parse as csvParse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { parse as yamlParse } from 'yaml';
import { assetPath } from '../../src/assets.js';
import { buildArtifacts, overcloudDeployFiles, type Artifact, type ArtifactName } from '../../src/artifacts/files.js';
import { NIC_CONFIG_FILES } from '../../src/artifacts/network.js';
import { hostFactsFromLab } from '../../src/inventory/probe.js';
import { loadLab } from '../../src/lab/load.js';
import { allocate } from '../../src/network/allocate.js';
import { overcloudNodes } from '../../src/network/networks.js';
import { OVERCLOUD_ROLES, type Plan } from '../../src/plan/schema.js';
import { defaultPlan } from '../../src/roles/commands.js';
import { labPlan } from '../roles/fixtures.js';
import {
  networkEnvironmentErrors,
  nodePoolSizeWarnings,
  registryServices,
  tht,
  thtHas,
  undercloudPreflight,
  upstreamRoleFile,
  validateNodes,
  validateRole,
} from './upstream.js';

/** The plan `cloudseed init --lab NAME` writes, once the servers are inspected (PXE MACs and sizes known). */
function initPlan(lab: string, change: (p: Plan) => void = () => {}): Plan {
  const world = loadLab(lab);
  const nodes = labPlan(lab).nodes;
  const pxe = new Map(world.servers.map((s) => [s.name, s.nics.find((n) => n.pxe)?.name]));
  for (const n of nodes) n.discovered = { ...n.discovered, pxeNic: pxe.get(n.name) };
  const base = { nodes } as Plan;
  change(base);
  return defaultPlan(base.nodes, hostFactsFromLab(world), world).plan;
}

/** 40 servers: Redfish BMCs among them, and every storage role. */
function storagePlan(): Plan {
  return initPlan('datacenter-40', (p) => {
    const manual = (i: number, role: Plan['nodes'][number]['role']) => Object.assign(p.nodes[i], { role, roleSource: 'manual' });
    [10, 11].forEach((i) => manual(i, 'BlockStorage'));
    [12, 13].forEach((i) => manual(i, 'ObjectStorage'));
    [14, 15, 16].forEach((i) => manual(i, 'CephStorage'));
    for (const i of [14, 20, 21]) p.nodes[i].bmc = { ...p.nodes[i].bmc, type: 'redfish', port: 8443, systemId: `/redfish/v1/Systems/${i}` };
  });
}

const PLANS: [string, () => Plan][] = [
  ['two-machine', () => initPlan('two-machine')],
  ['ha-lab', () => initPlan('ha-lab')],
  ['datacenter', () => initPlan('datacenter')],
  ['Redfish and storage roles', storagePlan],
];

const yaml = (files: Artifact[], name: ArtifactName) => yamlParse(files.find((f) => f.name === name)!.content) as Record<string, unknown>;
const params = (files: Artifact[], name: ArtifactName) => (yaml(files, name).parameter_defaults ?? {}) as Record<string, unknown>;
const registry = (files: Artifact[], name: ArtifactName) => (yaml(files, name).resource_registry ?? {}) as Record<string, string>;

describe.each(PLANS)('%s: the exported files pass upstream checks', (_name, make) => {
  const plan = make();
  const files = buildArtifacts(plan, { secrets: (n) => n.bmc.password });
  const of = (name: ArtifactName) => files.find((f) => f.name === name)!;
  const roles = (yamlParse(of('roles_data.yaml').content) as Record<string, unknown>[]).map((r) => r as { name: string; ServicesDefault: string[]; networks: Record<string, unknown>; tags?: string[]; CountDefault: number });
  const networks = yamlParse(of('network_data.yaml').content) as { name: string; name_lower: string; enabled: boolean }[];
  const enabledLower = networks.filter((n) => n.enabled).map((n) => n.name_lower);

  it('every TripleO file is written (only Helion may refuse, and says why)', () => {
    for (const f of files) if (f.name !== 'baremetal.csv') expect([f.name, f.refused, f.findings.filter((x) => x.severity === 'error')]).toEqual([f.name, false, []]);
    const csv = of('baremetal.csv');
    if (csv.refused) expect(csv.findings[0].message).toMatch(/^baremetal\.csv not written: /);
  });

  it('instackenv.json: validate_nodes accepts it; ports, never mac, never an empty list', () => {
    const nodes = (JSON.parse(of('instackenv.json').content) as { nodes: Record<string, unknown>[] }).nodes;
    expect(nodes).toHaveLength(overcloudNodes(plan).length);
    expect(validateNodes(nodes)).toEqual([]);
    for (const n of nodes) {
      expect(n).not.toHaveProperty('mac');
      expect((n.ports as unknown[]).length).toBeGreaterThan(0);
    }
  });

  it('roles_data.yaml: validate_role_yaml accepts each role; upstream services, tags and default routes; every service resolves in the registry', () => {
    const services = registryServices();
    expect(services.size).toBeGreaterThan(100);
    for (const role of roles) {
      expect(validateRole(role)).toBeUndefined();
      const up = upstreamRoleFile(role.name);
      expect(role.ServicesDefault).toEqual(expect.arrayContaining(up.ServicesDefault as string[]));
      expect(role.tags).toEqual(up.tags);
      expect((role as Record<string, unknown>).default_route_networks).toEqual(up.default_route_networks);
      for (const s of role.ServicesDefault) expect([s, services.has(s)]).toEqual([s, true]);
      for (const n of Object.keys(role.networks)) expect(networks.find((x) => x.name === n)?.enabled).toBe(true);
    }
    // The Controller runs what upstream's Controller runs: messaging, placement, time sync, OVN...
    const controller = roles.find((r) => r.name === 'Controller')!;
    for (const s of ['OsloMessagingRpc', 'OsloMessagingNotify', 'PlacementApi', 'Timesync', 'Memcached', 'HeatEngine', 'NovaMetadata', 'OVNDBs', 'NeutronApi'])
      expect(controller.ServicesDefault).toContain(`OS::TripleO::Services::${s}`);
    expect(roles.map((r) => [r.name, r.CountDefault])).toEqual(OVERCLOUD_ROLES.map((r) => [r, plan.nodes.filter((n) => n.role === r).length]));
  });

  it('network isolation: every network and port template it names is one the templates render for these networks', () => {
    for (const name of ['network-isolation.yaml', 'ips-from-pool-all.yaml', 'fixed-ip-vips.yaml'] as const) {
      for (const path of Object.values(registry(files, name))) {
        expect(path.startsWith('/usr/share/openstack-tripleo-heat-templates/')).toBe(true);
        expect([path, thtHas(path.replace('/usr/share/openstack-tripleo-heat-templates/', ''), enabledLower)]).toEqual([path, true]);
      }
    }
    // each role's servers get a port on each of its networks
    const iso = registry(files, 'network-isolation.yaml');
    for (const role of roles) for (const n of Object.keys(role.networks)) expect(iso[`OS::TripleO::${role.name}::Ports::${n}Port`]).toBeDefined();
  });

  it('network-environment.yaml with the pinned IPs: network_environment finds nothing; every role has its IPs', () => {
    const env = params(files, 'network-environment.yaml');
    const ips = params(files, 'ips-from-pool-all.yaml');
    const statics = Object.fromEntries(Object.entries(ips).filter(([k]) => k.endsWith('IPs')));
    expect(networkEnvironmentErrors({ ...env, ...statics })).toEqual([]);
    expect(nodePoolSizeWarnings(params(files, 'node-info.yaml'), ips)).toEqual([]);
    // no *IPs or VIP list in the network environment itself (upstream keeps them apart)
    expect(Object.keys(env).filter((k) => k.endsWith('IPs'))).toEqual([]);
    for (const role of OVERCLOUD_ROLES) expect(env[`${role}NetworkConfigTemplate`]).toBe(`/home/stack/${NIC_CONFIG_FILES[role]}`);
  });

  it('fixed-ip-vips.yaml: the plan\'s VIPs in upstream\'s parameter names and list form', () => {
    const upstream = (yamlParse(readFileSync(tht('environments', 'fixed-ip-vips.yaml'), 'utf8')) as { parameter_defaults: Record<string, unknown> }).parameter_defaults;
    const vips = params(files, 'fixed-ip-vips.yaml');
    for (const [k, v] of Object.entries(vips)) {
      expect(Object.keys(upstream)).toContain(k);
      expect(v).toEqual([{ ip_address: expect.any(String) }]);
    }
    const allocation = allocate(plan);
    if (allocation.vips.External) expect(vips.PublicVirtualFixedIPs).toEqual([{ ip_address: allocation.vips.External }]);
  });

  it('every address `plan` prints for a server is pinned in the files', () => {
    const allocation = allocate(plan);
    const ips = params(files, 'ips-from-pool-all.yaml') as Record<string, Record<string, Record<string, unknown>>>;
    const hostnames = Object.entries(ips.HostnameMap as unknown as Record<string, string>);
    const ports = ips.DeployedServerPortMap as Record<string, { fixed_ips: { ip_address: string }[] }>;
    let pinned = 0;
    for (const node of overcloudNodes(plan)) {
      if (!node.role || node.role === 'Undercloud') continue;
      const printed = allocation.byNode.get(node.name)!.addresses;
      const [generated] = hostnames.find(([, name]) => name === node.name)!;
      const index = Number(generated.split('-').pop());
      for (const [net, address] of Object.entries(printed)) {
        if (net === 'ctlplane') expect(ports[`${node.name}-ctlplane`].fixed_ips[0].ip_address).toBe(address);
        else {
          const param = node.role === 'ObjectStorage' ? 'SwiftStorageIPs' : `${node.role}IPs`;
          const lower = net.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
          expect([node.name, net, (ips[param][lower] as unknown as string[])[index]]).toEqual([node.name, net, address]);
        }
        pinned++;
      }
    }
    expect(pinned).toBeGreaterThan(0);
  });

  it('undercloud.conf: known options only, and the preflight network checks pass', () => {
    expect(undercloudPreflight(of('undercloud.conf').content)).toEqual([]);
  });

  it('NIC configs: one per role, each network of the role once, one interface per bridge, one default route', () => {
    const vars = (text: string) => text.replace(/\{\{ (\w+) \}\}/g, (_, v: string) => (v.endsWith('_vlan_id') ? '10' : v.endsWith('nameservers') ? '[]' : v.endsWith('cidr') ? '24' : v === 'neutron_physical_bridge_name' ? 'br-ex' : '192.0.2.1'));
    for (const role of roles) {
      const config = (yamlParse(vars(of(NIC_CONFIG_FILES[role.name as keyof typeof NIC_CONFIG_FILES]).content)) as { network_config: Record<string, unknown>[] }).network_config;
      const all = config.flatMap((e) => [e, ...((e.members as Record<string, unknown>[] | undefined) ?? [])]);
      for (const bridge of config.filter((e) => e.type === 'ovs_bridge')) {
        expect((bridge.members as { type: string }[]).filter((m) => m.type === 'interface')).toHaveLength(1);
        expect(bridge.name).not.toBe('br-int');
      }
      const text = of(NIC_CONFIG_FILES[role.name as keyof typeof NIC_CONFIG_FILES]).content;
      for (const n of Object.keys(role.networks)) expect(text.match(new RegExp(`\\{\\{ ${n.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase()}_ip \\}\\}`, 'g'))).toHaveLength(1);
      expect(all.flatMap((e) => (e.routes as { default?: boolean }[] | undefined) ?? []).filter((r) => r.default)).toHaveLength(1);
    }
  });

  it('baremetal.csv, when written, follows Helion\'s rules: 7-100 lines, MAC and numbers on each, the smallest server second, Helion role names', () => {
    const csv = of('baremetal.csv');
    expect(csv.notes[0]).toContain("Helion 1.1's format");
    if (csv.refused) return;
    const rows = csvParse(csv.content) as string[][];
    expect(rows.length).toBeGreaterThanOrEqual(7);
    expect(rows.length).toBeLessThanOrEqual(100);
    for (const r of rows) {
      expect(r[0]).toMatch(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
      for (const i of [4, 5, 6]) expect(Number(r[i])).toBeGreaterThan(0);
      expect(['Undercloud', 'OvercloudControl', 'OvercloudCompute', 'OvercloudSwiftStorage', 'OvercloudVSAStorage']).toContain(r[7]);
    }
    expect(rows[0][7]).toBe('Undercloud');
    for (const r of rows.slice(2)) for (const i of [4, 5, 6]) expect(Number(r[i])).toBeGreaterThanOrEqual(Number(rows[1][i]));
  });
});

describe("the role data shipped in assets/tripleo/roles.yaml", () => {
  it("is upstream's roles/<Role>.yaml, entry for entry (else: node scripts/tripleo-roles.mjs)", () => {
    const shipped = (yamlParse(readFileSync(assetPath('tripleo', 'roles.yaml'), 'utf8')) as { roles: { name: string }[] }).roles;
    expect(shipped.map((r) => r.name)).toEqual([...OVERCLOUD_ROLES]);
    for (const role of shipped) expect(role).toEqual(upstreamRoleFile(role.name));
  });
});

describe('the Redfish and storage plan', () => {
  it('has storage roles and Redfish BMCs, written with their system and the port in the address', () => {
    const plan = storagePlan();
    const of = (name: ArtifactName) => buildArtifacts(plan, { secrets: () => 'pw', only: [name] })[0];
    for (const role of ['BlockStorage', 'ObjectStorage', 'CephStorage']) expect(plan.nodes.filter((n) => n.role === role).length).toBeGreaterThan(1);
    const nodes = (JSON.parse(of('instackenv.json').content) as { nodes: Record<string, unknown>[] }).nodes.filter((n) => n.pm_type === 'redfish');
    expect(nodes.map((n) => [n.pm_addr, n.pm_system_id])).toEqual([14, 20, 21].map((i) => [`https://${plan.nodes[i].bmc.address}:8443`, `/redfish/v1/Systems/${i}`]));
  });

});

describe('the checks themselves reject what upstream rejects', () => {
  it('validate_nodes: mac, a Redfish node without pm_system_id or with pm_port, duplicates', () => {
    expect(validateNodes([{ pm_type: 'ipmi', pm_addr: '10.0.0.1', mac: [] }])).toEqual(['node #0: Unknown field mac']);
    expect(validateNodes([{ pm_type: 'ipmi', pm_user: 'admin' }])).toEqual(['node #0: The following fields are missing: pm_addr']);
    expect(validateNodes([{ pm_type: 'redfish', pm_addr: '10.0.0.1', pm_port: 8443 }])).toEqual(['node #0: The following fields are missing: pm_system_id', 'node #0: Unknown field pm_port']);
    const a = { pm_type: 'ipmi', pm_addr: '10.0.0.1', name: 'a', ports: [{ address: '52:54:00:00:00:01' }] };
    expect(validateNodes([a, a])).toEqual(['node #1: MAC 52:54:00:00:00:01 is not unique', 'node #1: Node identified by 10.0.0.1 is already present', 'node #1: Name "a" is not unique']);
  });

  it('roles, registry, network environment, undercloud.conf', () => {
    expect(validateRole({ name: 'X', CountDefault: '1' })).toMatch(/CountDefault is not of expected type int/);
    expect(registryServices().has('OS::TripleO::Services::Ntp')).toBe(false);
    expect(registryServices().get('OS::TripleO::Services::RabbitMQ')).toBe('OS::Heat::None');
    const env = { InternalApiNetCidr: '172.16.2.0/24', InternalApiAllocationPools: [{ start: '172.16.2.10', end: '172.16.2.20' }] };
    expect(networkEnvironmentErrors({ ...env, ControllerIPs: { internal_api: ['172.16.2.11'], ctlplane: ['192.168.24.9'] } })).toEqual([
      'IP address 172.16.2.11 from ControllerIPs[internal_api] is in the InternalApiAllocationPools pool.',
      "Service 'ctlplane' does not have a corresponding range: 'CtlplaneNetCidr'.",
    ]);
    expect(networkEnvironmentErrors({ PublicVirtualFixedIPs: [{ ip_address: '10.0.0.5' }] })).toEqual(['The PublicVirtualFixedIPs must be a dictionary.']);
    expect(undercloudPreflight('[DEFAULT]\nlocal_ip=192.168.24.1/24\nlocal_interface=eth1\nfoo=1\n[ctlplane-subnet]\ncidr=192.168.24.0/24\ngateway=10.0.0.1\n')).toEqual([
      'unknown option [DEFAULT] foo',
      'Config option gateway "10.0.0.1" not in defined CIDR "192.168.24.0/24"',
      'Config option undercloud_admin_host "undefined" not in defined CIDR "192.168.24.0/24"',
      'Config option undercloud_public_host "undefined" not in defined CIDR "192.168.24.0/24"',
    ]);
  });
});

describe('what the real driver passes to overcloud deploy', () => {
  it('every environment it names is copied, and the NIC configs network-environment.yaml points at', () => {
    const { files, args } = overcloudDeployFiles();
    const named = args.filter((_, i) => ['-r', '-n', '-e'].includes(args[i - 1]));
    expect(named).toEqual(['roles_data.yaml', 'network_data.yaml', 'node-info.yaml', 'network-isolation.yaml', 'network-environment.yaml', 'ips-from-pool-all.yaml', 'fixed-ip-vips.yaml']);
    expect(files).toEqual(expect.arrayContaining([...named, ...Object.values(NIC_CONFIG_FILES)]));
  });
});
