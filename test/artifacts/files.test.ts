import { parse as csvParse } from 'csv-parse/sync';
import { parse as iniParse } from 'ini';
import { describe, expect, it } from 'vitest';
import { parse as yamlParse } from 'yaml';
import { buildArtifacts, MASKED, type Artifact, type ArtifactName } from '../../src/artifacts/files.js';
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
const file = (files: Artifact[], name: ArtifactName) => files.find((f) => f.name === name)!.content;

describe('TripleO and Helion files', () => {
  const plan = haPlan();
  const files = buildArtifacts(plan, { secrets: inline });
  const overcloud = plan.nodes.filter((n) => n.role !== 'Undercloud');

  it('instackenv.json: every overcloud server with its BMC, MACs, size and profile', () => {
    const doc = JSON.parse(file(files, 'instackenv.json')) as { nodes: Record<string, unknown>[] };
    expect(doc.nodes.map((n) => n.name)).toEqual(overcloud.map((n) => n.name));
    for (const [i, n] of overcloud.entries()) {
      expect(doc.nodes[i]).toMatchObject({
        pm_type: 'ipmi',
        pm_addr: n.bmc.address,
        pm_user: n.bmc.user,
        pm_password: n.bmc.password,
        mac: n.macs,
        cpu: n.discovered?.cpu,
        memory: n.discovered?.memoryMiB,
        disk: n.discovered?.diskGiB,
      });
    }
    expect(doc.nodes[0].capabilities).toBe('profile:control,boot_option:local');
    expect(doc.nodes[4].capabilities).toBe('profile:compute,boot_option:local');
  });

  it('baremetal.csv: nine Helion columns, undercloud first, then controllers, then computes', () => {
    const rows = csvParse(file(files, 'baremetal.csv')) as string[][];
    expect(rows).toHaveLength(plan.nodes.length);
    expect(rows.every((r) => r.length === 9)).toBe(true);
    expect(rows.map((r) => r[7])).toEqual(['Undercloud', 'OvercloudControl', 'OvercloudControl', 'OvercloudControl', 'OvercloudCompute', 'OvercloudCompute']);
    const n6 = plan.nodes.find((n) => n.name === 'node-06')!;
    expect(rows[5]).toEqual([n6.macs[0], 'admin', 'calvin', '10.20.0.6', '40', '393216', '1920', 'OvercloudCompute', 'IPMI']);
  });

  it('the disk declared is never larger than the disk discovered', () => {
    const p = haPlan();
    const n4 = p.nodes.find((n) => n.name === 'node-04')!;
    n4.diskGiB = 500; // the lab's import file claims 500; the server has 480
    const rows = csvParse(file(buildArtifacts(p, { secrets: inline }), 'baremetal.csv')) as string[][];
    expect(rows.find((r) => r[3] === '10.20.0.4')?.[6]).toBe('480');
  });

  it('undercloud.conf: the provisioning network as TripleO reads it', () => {
    const conf = iniParse(file(files, 'undercloud.conf'));
    expect(conf.DEFAULT).toMatchObject({ local_ip: '192.168.24.2/24', local_interface: 'eth1', undercloud_nameservers: '192.168.1.1,9.9.9.9', local_subnet: 'ctlplane-subnet' });
    expect(conf['ctlplane-subnet']).toEqual({
      cidr: '192.168.24.0/24',
      dhcp_start: '192.168.24.5',
      dhcp_end: '192.168.24.30',
      inspection_iprange: '192.168.24.100,192.168.24.120',
      gateway: '192.168.24.1',
      masquerade: true,
    });
  });

  it('network_data.yaml and network-environment.yaml: subnets, pools and VLANs of the plan', () => {
    const data = yamlParse(file(files, 'network_data.yaml')) as Record<string, unknown>[];
    expect(data.map((n) => n.name)).toEqual(['External', 'InternalApi', 'Storage', 'StorageMgmt', 'Tenant', 'Management']);
    expect(data[1]).toEqual({
      name: 'InternalApi',
      name_lower: 'internal_api',
      vip: true,
      vlan: 20,
      ip_subnet: '172.16.2.0/24',
      allocation_pools: [{ start: '172.16.2.4', end: '172.16.2.250' }],
      enabled: true,
    });
    expect(data[5].enabled).toBe(false);
    const env = (yamlParse(file(files, 'network-environment.yaml')) as { parameter_defaults: Record<string, unknown> }).parameter_defaults;
    expect(env).toMatchObject({
      ControlPlaneSubnetCidr: '24',
      ControlPlaneDefaultRoute: '192.168.24.1',
      EC2MetadataIp: '192.168.24.2',
      ExternalNetCidr: '10.0.0.0/24',
      ExternalNetworkVlanID: 10,
      TenantNetCidr: '172.16.0.0/24',
      TenantAllocationPools: [{ start: '172.16.0.4', end: '172.16.0.250' }],
      ExternalInterfaceDefaultRoute: '10.0.0.1',
      DnsServers: ['192.168.1.1', '9.9.9.9'],
    });
    expect(env.ManagementNetCidr).toBeUndefined();
    expect(env.PublicVirtualFixedIPs).toEqual([{ ip_address: '10.0.0.5' }]);
    expect(env.InternalApiVirtualFixedIPs).toBeUndefined(); // no VIP set for it in this plan
  });

  it('roles_data.yaml and node-info.yaml: counts and flavours of the plan', () => {
    const roles = yamlParse(file(files, 'roles_data.yaml')) as Record<string, unknown>[];
    expect(roles.map((r) => [r.name, r.CountDefault])).toEqual([
      ['Controller', 3],
      ['Compute', 2],
      ['BlockStorage', 0],
      ['ObjectStorage', 0],
      ['CephStorage', 0],
    ]);
    expect(roles[0].networks).toEqual(['External', 'InternalApi', 'Storage', 'StorageMgmt', 'Tenant']);
    const info = (yamlParse(file(files, 'node-info.yaml')) as { parameter_defaults: Record<string, unknown> }).parameter_defaults;
    expect(info).toMatchObject({ ControllerCount: 3, ComputeCount: 2, OvercloudControllerFlavor: 'control', OvercloudComputeFlavor: 'compute', CephStorageCount: 0 });
  });

  it('all-in-one: the controller carries the compute services', () => {
    const p = autoAssign(labPlan('two-machine')).plan;
    const files2 = buildArtifacts(p, { secrets: inline });
    const roles = yamlParse(file(files2, 'roles_data.yaml')) as { name: string; ServicesDefault: string[] }[];
    expect(roles[0].ServicesDefault).toContain('OS::TripleO::Services::NovaCompute');
    const info = (yamlParse(file(files2, 'node-info.yaml')) as { parameter_defaults: Record<string, unknown> }).parameter_defaults;
    expect(info).toMatchObject({ ControllerCount: 1, ComputeCount: 0 });
    const csv = files2.find((f) => f.name === 'baremetal.csv')!;
    expect((csvParse(csv.content) as string[][]).map((r) => r[7])).toEqual(['OvercloudControl']);
    expect(csv.notes[0]).toContain('the undercloud is a VM on this host');
  });

  it('baremetal.csv leaves out what Helion cannot say, and says so', () => {
    const p = haPlan();
    p.nodes[5] = { ...p.nodes[5], bmc: { ...p.nodes[5].bmc, type: 'redfish' } };
    p.nodes[4] = { ...p.nodes[4], role: 'CephStorage' };
    const csv = buildArtifacts(p, { secrets: inline }).find((f) => f.name === 'baremetal.csv')!;
    const rows = csvParse(csv.content) as string[][];
    expect(rows.map((r) => r[3])).not.toContain('10.20.0.6');
    expect(rows.find((r) => r[3] === '10.20.0.5')?.[7]).toBe('');
    expect(csv.notes).toEqual([
      'node-05 written without a role: Helion has no CephStorage role',
      "node-06 left out: Helion's baremetal.csv knows IPMI only, not redfish",
    ]);
    const instack = JSON.parse(buildArtifacts(p, { secrets: inline })[0].content) as { nodes: { name: string; pm_type: string }[] };
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
