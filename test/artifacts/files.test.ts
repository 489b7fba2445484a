import { parse as csvParse } from 'csv-parse/sync';
import { parse as iniParse } from 'ini';
import { describe, expect, it } from 'vitest';
import { parse as yamlParse } from 'yaml';
import { buildArtifacts, MASKED, type Artifact, type ArtifactName } from '../../src/artifacts/files.js';
import { parseBaremetalCsv } from '../../src/inventory/nodes-file.js';
import { allocate } from '../../src/network/allocate.js';
import type { Plan } from '../../src/plan/schema.js';
import { autoAssign } from '../../src/roles/assign.js';
import { labPlan } from '../roles/fixtures.js';

/** ha-lab with an isolated network layout typed in full (as the Network screen would save it). */
function haPlan(): Plan {
  const plan = autoAssign(labPlan('ha-lab')).plan;
  plan.network = {
    layout: 'isolated',
    provisioning: {
      nic: 'enp65s0f1',
      cidr: '192.168.24.0/24',
      gateway: '192.168.24.1',
      seedIp: '192.168.24.1',
      undercloudIp: '192.168.24.2',
      dhcpStart: '192.168.24.5',
      dhcpEnd: '192.168.24.30',
      inspectionStart: '192.168.24.100',
      inspectionEnd: '192.168.24.120',
    },
    external: { cidr: '10.0.0.0/24', gateway: '10.0.0.1', vlan: 10, poolStart: '10.0.0.4', poolEnd: '10.0.0.250', publicVip: '10.0.0.5' },
    isolated: {
      InternalApi: { enabled: true, cidr: '172.16.2.0/24', vlan: 20, poolStart: '172.16.2.4', poolEnd: '172.16.2.250' },
      Storage: { enabled: true, cidr: '172.16.1.0/24', vlan: 30, poolStart: '172.16.1.4', poolEnd: '172.16.1.250' },
      StorageMgmt: { enabled: true, cidr: '172.16.3.0/24', vlan: 40, poolStart: '172.16.3.4', poolEnd: '172.16.3.250' },
      Tenant: { enabled: true, cidr: '172.16.0.0/24', vlan: 50, poolStart: '172.16.0.4', poolEnd: '172.16.0.250' },
      Management: { enabled: false, cidr: '10.0.1.0/24', vlan: 60 },
    },
    dns: ['192.168.1.1', '9.9.9.9'],
    ntp: ['pool.ntp.org'],
  };
  return plan;
}

const inline = (n: Plan['nodes'][number]) => n.bmc.password;

/** A small Swift server (the smallest of the plan). */
function swift(name: string, i: number): Plan['nodes'][number] {
  return {
    name,
    bmc: { type: 'ipmi', address: `10.20.0.${i}`, user: 'admin', password: 'calvin' },
    macs: [`52:54:00:00:00:0${i}`],
    arch: 'x86_64',
    role: 'ObjectStorage',
    roleSource: 'manual',
    discovered: { cpu: 8, memoryMiB: 32768, diskGiB: 400 },
  };
}
const file = (files: Artifact[], name: ArtifactName) => files.find((f) => f.name === name)!.content;

describe('TripleO and Helion files', () => {
  const plan = haPlan();
  const files = buildArtifacts(plan, { secrets: inline });
  const overcloud = plan.nodes.filter((n) => n.role !== 'Undercloud');

  it('instackenv.json: every overcloud server with its BMC, PXE MAC as a port, size, profile and index', () => {
    const doc = JSON.parse(file(files, 'instackenv.json')) as { nodes: Record<string, unknown>[] };
    expect(doc.nodes.map((n) => n.name)).toEqual(overcloud.map((n) => n.name));
    for (const [i, n] of overcloud.entries()) {
      expect(doc.nodes[i]).toMatchObject({
        pm_type: 'ipmi',
        pm_addr: n.bmc.address,
        pm_user: n.bmc.user,
        pm_password: n.bmc.password,
        ports: n.macs.map((address) => ({ address })),
        cpu: n.discovered?.cpu,
        memory: n.discovered?.memoryMiB,
        disk: n.discovered?.diskGiB,
      });
      expect(doc.nodes[i]).not.toHaveProperty('mac');
    }
    expect(doc.nodes[0].capabilities).toBe('profile:control,node:controller-0,boot_option:local');
    expect(doc.nodes[4].capabilities).toBe('profile:compute,node:compute-1,boot_option:local');
  });

  it('instackenv.json is refused while a server has no PXE MAC or a Redfish BMC has no system id; Redfish takes its port in the address', () => {
    const p = haPlan();
    p.nodes[2] = { ...p.nodes[2], macs: [] };
    p.nodes[5] = { ...p.nodes[5], bmc: { ...p.nodes[5].bmc, type: 'redfish', port: 8443 } };
    let [instack] = buildArtifacts(p, { secrets: inline, only: ['instackenv.json'] });
    expect(instack.refused).toBe(true);
    expect(instack.findings.map((f) => [f.severity, f.where, f.message])).toEqual([
      ['error', 'nodes[2].macs', 'node-03 has no PXE MAC: Ironic would not know the server when it boots from the network'],
      ['error', 'nodes[5].bmc.systemId', 'node-06 has a Redfish BMC but no system id: TripleO needs pm_system_id for Redfish'],
    ]);
    expect(instack.findings[0].fix).toContain('inspect node-03 first');
    p.nodes[2] = { ...p.nodes[2], macs: ['ac:1f:6b:00:00:03'] };
    p.nodes[5].bmc.systemId = '/redfish/v1/Systems/1';
    [instack] = buildArtifacts(p, { secrets: inline, only: ['instackenv.json'] });
    expect(instack.refused).toBe(false);
    const n6 = (JSON.parse(instack.content) as { nodes: Record<string, unknown>[] }).nodes[4];
    expect(n6).toMatchObject({ pm_type: 'redfish', pm_addr: 'https://10.20.0.6:8443', pm_system_id: '/redfish/v1/Systems/1' });
    expect(n6).not.toHaveProperty('pm_port');
  });

  it("baremetal.csv: Helion's 7 to 100 lines, or not written, with a finding that says why", () => {
    const csv = files.find((f) => f.name === 'baremetal.csv')!;
    expect(csv.refused).toBe(true);
    expect(csv.findings.map((f) => f.message)).toEqual(['baremetal.csv not written: Helion takes 7 to 100 servers (undercloud, 3 controllers, 2 Swift, computes); this plan has 6 it can write']);
    expect(csv.notes[0]).toBe("Helion 1.1's format (hp_ced_installer), not the CSV of `openstack overcloud node import`: TripleO takes instackenv.json");
  });

  it('baremetal.csv with two Swift servers: undercloud first, the smallest server second, then controllers, storage, computes', () => {
    const p = haPlan();
    p.nodes.push(swift('node-07', 7), swift('node-08', 8));
    const csv = buildArtifacts(p, { secrets: inline }).find((f) => f.name === 'baremetal.csv')!;
    expect(csv.refused).toBe(false);
    const rows = csvParse(csv.content) as string[][];
    expect(rows.map((r) => [r[3], r[7]])).toEqual([
      ['10.20.0.1', 'Undercloud'],
      ['10.20.0.7', 'OvercloudSwiftStorage'],
      ['10.20.0.2', 'OvercloudControl'],
      ['10.20.0.3', 'OvercloudControl'],
      ['10.20.0.4', 'OvercloudControl'],
      ['10.20.0.8', 'OvercloudSwiftStorage'],
      ['10.20.0.5', 'OvercloudCompute'],
      ['10.20.0.6', 'OvercloudCompute'],
    ]);
    const n6 = p.nodes.find((n) => n.name === 'node-06')!;
    expect(rows[7]).toEqual([n6.macs[0], 'admin', 'calvin', '10.20.0.6', '40', '393216', '1920', 'OvercloudCompute', 'IPMI']);
    // and it reads back as the same servers
    const back = parseBaremetalCsv(csv.content, 'baremetal.csv');
    expect(back.findings).toEqual([]);
    expect(back.nodes.map((n) => [n.bmc.address, n.macs[0], n.role])).toEqual(rows.map((r) => [r[3], r[0], p.nodes.find((x) => x.bmc.address === r[3])!.role]));
    // a smallest server that is larger in one dimension than another server: Helion would size that one wrong
    p.nodes[6] = { ...p.nodes[6], discovered: { ...p.nodes[6].discovered, cpu: 64, diskGiB: 200 } };
    const refused = buildArtifacts(p, { secrets: inline }).find((f) => f.name === 'baremetal.csv')!;
    expect(refused.refused).toBe(true);
    expect(refused.findings[0].message).toContain('no server is the smallest in memory, CPUs and disk at once');
  });

  it('the disk declared is never larger than the disk discovered', () => {
    const p = haPlan();
    const n4 = p.nodes.find((n) => n.name === 'node-04')!;
    n4.diskGiB = 500; // the lab's import file claims 500; the server has 480
    const rows = csvParse(file(buildArtifacts(p, { secrets: inline }), 'baremetal.csv')) as string[][];
    expect(rows.find((r) => r[3] === '10.20.0.4')?.[6]).toBe('480');
  });

  it("undercloud.conf: the undercloud routes when the plan's gateway is the seed; endpoints on free addresses; the server's PXE NIC", () => {
    const conf = iniParse(file(files, 'undercloud.conf'));
    expect(conf.DEFAULT).toMatchObject({
      local_ip: '192.168.24.2/24',
      undercloud_public_host: '192.168.24.3',
      undercloud_admin_host: '192.168.24.4',
      undercloud_nameservers: '192.168.1.1,9.9.9.9',
      local_subnet: 'ctlplane-subnet',
    });
    expect(conf['ctlplane-subnet']).toEqual({
      cidr: '192.168.24.0/24',
      dhcp_start: '192.168.24.5',
      dhcp_end: '192.168.24.30',
      inspection_iprange: '192.168.24.100,192.168.24.120',
      gateway: '192.168.24.2',
      masquerade: true,
    });
    // the undercloud is node-01: its NIC is unknown until inspected, then it is local_interface
    const uc = files.find((f) => f.name === 'undercloud.conf')!;
    expect(conf.DEFAULT.local_interface).toBeUndefined();
    expect(uc.findings.map((f) => [f.severity, f.where])).toEqual([['warning', 'nodes[0].discovered.pxeNic']]);
    const p = haPlan();
    p.nodes[0].discovered = { ...p.nodes[0].discovered, pxeNic: 'eno1' };
    p.network.provisioning.gateway = '192.168.24.254';
    const conf2 = iniParse(file(buildArtifacts(p, { secrets: inline, only: ['undercloud.conf'] }), 'undercloud.conf'));
    expect(conf2.DEFAULT.local_interface).toBe('eno1');
    expect(conf2['ctlplane-subnet']).toMatchObject({ gateway: '192.168.24.254', masquerade: false });
  });

  it('network_data.yaml and network-environment.yaml: subnets, VLANs, and Neutron pools that leave out every pinned address', () => {
    const data = yamlParse(file(files, 'network_data.yaml')) as Record<string, unknown>[];
    expect(data.map((n) => n.name)).toEqual(['External', 'InternalApi', 'Storage', 'StorageMgmt', 'Tenant', 'Management']);
    expect(data[1]).toMatchObject({ name: 'InternalApi', name_lower: 'internal_api', vip: true, vlan: 20, ip_subnet: '172.16.2.0/24', mtu: 1500, enabled: true });
    expect(data[5].enabled).toBe(false);
    const env = (yamlParse(file(files, 'network-environment.yaml')) as { parameter_defaults: Record<string, unknown> }).parameter_defaults;
    expect(env).toMatchObject({
      ControlPlaneSubnetCidr: '24',
      ControlPlaneDefaultRoute: '192.168.24.2',
      EC2MetadataIp: '192.168.24.2',
      ExternalNetCidr: '10.0.0.0/24',
      ExternalNetworkVlanID: 10,
      TenantNetCidr: '172.16.0.0/24',
      ExternalInterfaceDefaultRoute: '10.0.0.1',
      DnsServers: ['192.168.1.1', '9.9.9.9'],
      ControllerNetworkConfigTemplate: '/home/stack/nic-controller.j2',
    });
    expect(env.ManagementNetCidr).toBeUndefined();
    const allocation = allocate(plan);
    const pinned = allocation.nodes.map((n) => n.addresses.Tenant).filter(Boolean);
    expect(pinned).toHaveLength(5);
    const pools = env.TenantAllocationPools as { start: string; end: string }[];
    const size = pools.reduce((sum, r) => sum + Number(r.end.split('.')[3]) - Number(r.start.split('.')[3]) + 1, 0);
    expect(size).toBe(247 - pinned.length); // .4-.250 without the servers' addresses
    const vips = (yamlParse(file(files, 'fixed-ip-vips.yaml')) as { parameter_defaults: Record<string, unknown> }).parameter_defaults;
    expect(vips).toEqual({ PublicVirtualFixedIPs: [{ ip_address: '10.0.0.5' }] });
  });

  it('roles_data.yaml and node-info.yaml: upstream roles with the counts and networks of the plan', () => {
    const roles = yamlParse(file(files, 'roles_data.yaml')) as Record<string, unknown>[];
    expect(roles.map((r) => [r.name, r.CountDefault])).toEqual([
      ['Controller', 3],
      ['Compute', 2],
      ['BlockStorage', 0],
      ['ObjectStorage', 0],
      ['CephStorage', 0],
    ]);
    expect(roles[0].networks).toEqual({
      External: { subnet: 'external_subnet' },
      InternalApi: { subnet: 'internal_api_subnet' },
      Storage: { subnet: 'storage_subnet' },
      StorageMgmt: { subnet: 'storage_mgmt_subnet' },
      Tenant: { subnet: 'tenant_subnet' },
    });
    expect(roles[0]).toMatchObject({ tags: ['primary', 'controller', 'external_bridge'], default_route_networks: ['External'] });
    // Management switched on: every role joins it (the role catalog), as its own subnet
    const p = haPlan();
    p.network.isolated.Management = { enabled: true, cidr: '10.0.1.0/24', vlan: 60, poolStart: '10.0.1.4', poolEnd: '10.0.1.250' };
    const withManagement = yamlParse(file(buildArtifacts(p, { secrets: inline, only: ['roles_data.yaml'] }), 'roles_data.yaml')) as { networks: Record<string, unknown> }[];
    expect(withManagement.every((r) => (r.networks.Management as { subnet: string }).subnet === 'management_subnet')).toBe(true);
    const info = (yamlParse(file(files, 'node-info.yaml')) as { parameter_defaults: Record<string, unknown> }).parameter_defaults;
    expect(info).toMatchObject({ ControllerCount: 3, ComputeCount: 2, OvercloudControllerFlavor: 'control', OvercloudComputeFlavor: 'compute', CephStorageCount: 0 });
  });

  it('all-in-one: the controller carries the compute services; Helion has no file for it', () => {
    const p = autoAssign(labPlan('two-machine')).plan;
    const files2 = buildArtifacts(p, { secrets: inline });
    const roles = yamlParse(file(files2, 'roles_data.yaml')) as { name: string; ServicesDefault: string[] }[];
    expect(roles[0].ServicesDefault).toEqual(expect.arrayContaining(['OS::TripleO::Services::NovaCompute', 'OS::TripleO::Services::NovaLibvirt', 'OS::TripleO::Services::Keystone']));
    expect(new Set(roles[0].ServicesDefault).size).toBe(roles[0].ServicesDefault.length);
    const info = (yamlParse(file(files2, 'node-info.yaml')) as { parameter_defaults: Record<string, unknown> }).parameter_defaults;
    expect(info).toMatchObject({ ControllerCount: 1, ComputeCount: 0 });
    const csv = files2.find((f) => f.name === 'baremetal.csv')!;
    expect(csv.refused).toBe(true);
    expect(csv.findings[0]).toMatchObject({ where: 'roles.undercloud.placement', message: expect.stringContaining('the undercloud is a VM cloudseed creates') });
  });

  it('baremetal.csv leaves out what Helion cannot say, and says so', () => {
    const p = haPlan();
    p.nodes[5] = { ...p.nodes[5], bmc: { ...p.nodes[5].bmc, type: 'redfish', systemId: '/redfish/v1/Systems/1' } };
    p.nodes[4] = { ...p.nodes[4], role: 'CephStorage' };
    const csv = buildArtifacts(p, { secrets: inline }).find((f) => f.name === 'baremetal.csv')!;
    const rows = csvParse(csv.content) as string[][];
    expect(rows.map((r) => r[3])).not.toContain('10.20.0.6');
    expect(rows.map((r) => r[3])).not.toContain('10.20.0.5');
    expect(csv.notes.slice(1)).toEqual(['node-05 left out: Helion has no CephStorage role', "node-06 left out: Helion's baremetal.csv knows IPMI only, not redfish"]);
    const instack = JSON.parse(file(buildArtifacts(p, { secrets: inline }), 'instackenv.json')) as { nodes: { name: string; pm_type: string }[] };
    expect(instack.nodes.find((n) => n.name === 'node-06')?.pm_type).toBe('redfish');
  });

  it('masked: no password of the plan appears, and only two files are secret', () => {
    const masked = buildArtifacts(plan, { secrets: MASKED });
    for (const f of masked) {
      expect(f.content).not.toContain('calvin');
      expect(f.content).not.toMatch(/password"?,?:? ?"?password/);
    }
    expect(masked.filter((f) => f.secret).map((f) => f.name)).toEqual(['instackenv.json', 'baremetal.csv']);
    // Asked for some files, only those are built (in the usual order).
    const some = buildArtifacts(plan, { secrets: MASKED, only: ['node-info.yaml', 'baremetal.csv'] });
    expect(some.map((f) => f.name)).toEqual(['baremetal.csv', 'node-info.yaml']);
    expect(some[0].content).toBe(masked[1].content);
  });
});
