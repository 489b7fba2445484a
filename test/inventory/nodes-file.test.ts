import { describe, expect, it } from 'vitest';
import { importNodesFile, parseNodesFile } from '../../src/inventory/nodes-file.js';
import { assetPath } from '../../src/assets.js';
import { roleCatalog } from '../../src/roles/catalog.js';

const where = (r: { findings: { where: string; message: string; severity: string }[] }) => r.findings.map((f) => `${f.severity} ${f.where} ${f.message}`);

describe('TripleO instackenv', () => {
  it('reads the ha-lab file: six nodes with BMC, MAC and declared facts', async () => {
    const r = await importNodesFile(assetPath('labs', 'ha-lab.instackenv.json'));
    expect(r.format).toBe('instackenv');
    expect(r.findings).toEqual([]);
    expect(r.nodes).toHaveLength(6);
    expect(r.nodes[3]).toMatchObject({
      name: 'node-04',
      bmc: { type: 'ipmi', address: '10.20.0.4', user: 'admin', password: 'password' },
      macs: ['f8:bc:12:00:00:04'],
      cpu: 32,
      memoryMiB: 262144,
      diskGiB: 500,
      source: 'import',
    });
  });

  it('reads YAML, pm_type pxe_ipmitool and redfish, numbers written as strings, profiles', () => {
    const text = [
      'nodes:',
      '  - name: ctl-0',
      '    pm_type: pxe_ipmitool',
      '    pm_addr: 10.0.0.21',
      '    pm_user: admin',
      '    pm_password: pw',
      '    mac: ["52:54:00:AA:BB:01"]',
      '    cpu: "8"',
      '    memory: "32768"',
      '    disk: "100"',
      '    capabilities: "profile:control,boot_option:local"',
      '  - name: cmp-0',
      '    pm_type: redfish',
      '    pm_addr: bmc-cmp-0.example.com',
      '    pm_port: 8443',
      '    pm_system_id: /redfish/v1/Systems/1',
      '    pm_user: root',
      '    pm_password: pw',
      '    mac: ["52-54-00-aa-bb-02"]',
    ].join('\n');
    const r = parseNodesFile(text, 'nodes.yaml');
    expect(r.findings).toEqual([]);
    expect(r.nodes[0]).toMatchObject({ name: 'ctl-0', bmc: { type: 'ipmi' }, macs: ['52:54:00:aa:bb:01'], cpu: 8, memoryMiB: 32768, diskGiB: 100, role: 'Controller' });
    expect(r.nodes[1]).toMatchObject({ bmc: { type: 'redfish', address: 'bmc-cmp-0.example.com', port: 8443, systemId: '/redfish/v1/Systems/1' }, macs: ['52:54:00:aa:bb:02'] });
  });

  it("reads upstream's own form: ports, a Redfish URL with its port, pm_system_id; a Redfish BMC without one is a warning", () => {
    const text = JSON.stringify({
      nodes: [
        { name: 'r1', pm_type: 'redfish', pm_addr: 'https://10.0.0.31:8000', pm_system_id: '/redfish/v1/Systems/abc', pm_user: 'root', pm_password: 'pw', ports: [{ address: '52:54:00:AA:BB:31' }] },
        { name: 'r2', pm_type: 'redfish', pm_addr: '10.0.0.32', pm_user: 'root', pm_password: 'pw', ports: [{ address: '52:54:00:aa:bb:32' }] },
        { name: 'r3', pm_type: 'redfish', pm_addr: '10.0.0.33', pm_system_id: 'Systems 1', pm_user: 'root', pm_password: 'pw', ports: [{ address: '52:54:00:aa:bb:33' }] },
      ],
    }, null, 1);
    const r = parseNodesFile(text, 'instackenv.json');
    expect(r.nodes[0]).toMatchObject({ bmc: { type: 'redfish', address: '10.0.0.31', port: 8000, systemId: '/redfish/v1/Systems/abc' }, macs: ['52:54:00:aa:bb:31'] });
    expect(r.nodes[1]).toMatchObject({ bmc: { type: 'redfish', address: '10.0.0.32' }, macs: ['52:54:00:aa:bb:32'] });
    expect(r.nodes.map((n) => n.name)).toEqual(['r1', 'r2']);
    expect(where(r)).toEqual([
      expect.stringMatching(/^warning instackenv\.json:\d+ pm_system_id: no pm_system_id for this Redfish BMC/),
      expect.stringMatching(/^error instackenv\.json:\d+ pm_system_id: "Systems 1" is not a Redfish system path/),
    ]);
  });

  const broken = `{
  "nodes": [
    { "name": "a", "pm_type": "ipmi", "pm_addr": "10.0.0.1", "pm_user": "admin", "pm_password": "hunter2", "mac": ["52:54:00:00:00:01"] },
    { "name": "b", "pm_type": "ipmi", "pm_user": "admin", "pm_password": "hunter2", "mac": ["52:54:00:00:00:02"] },
    { "name": "c", "pm_type": "ipmi", "pm_addr": "10.0.0.300", "pm_user": "admin", "pm_password": "hunter2", "mac": ["52:54:00:00:00:03"] },
    { "name": "d", "pm_type": "ipmi", "pm_addr": "10.0.0.4", "pm_user": "admin", "pm_password": "hunter2", "mac": ["52:54:00:00:00:0G"] },
    { "name": "e", "pm_type": "ipmi", "pm_addr": "10.0.0.5", "pm_user": "admin", "pm_password": "hunter2", "mac": ["52:54:00:00:00:05"], "cpu": "four", "memory": -1 },
    { "name": "f", "pm_type": "ipmi", "pm_addr": "10.0.0.1", "pm_user": "admin", "pm_password": "hunter2", "mac": ["52:54:00:00:00:06"] },
    { "name": "g", "pm_type": "ipmi", "pm_addr": "10.0.0.7", "pm_user": "admin", "pm_password": "hunter2", "mac": ["52:54:00:00:00:01"] },
    { "name": "a", "pm_type": "ipmi", "pm_addr": "10.0.0.8", "pm_user": "admin", "pm_password": "hunter2", "mac": ["52:54:00:00:00:08"] },
    { "name": "h", "pm_type": "pxe_wol", "pm_addr": "10.0.0.9", "pm_user": "admin", "pm_password": "hunter2", "mac": ["52:54:00:00:00:09"] },
    { "name": "i", "pm_type": "ipmi", "pm_addr": "10.0.0.10", "pm_user": "admin", "pm_password": 1234, "mac": ["52:54:00:00:00:10"] }
  ]
}
`;

  it('names file:line and the field for each broken node, and keeps the good ones', () => {
    const r = parseNodesFile(broken, 'instackenv.json');
    expect(where(r)).toEqual([
      'error instackenv.json:4 pm_addr: missing',
      'error instackenv.json:5 pm_addr: "10.0.0.300" is not an IP address or host name',
      'error instackenv.json:6 mac: "52:54:00:00:00:0G" is not a MAC address',
      'error instackenv.json:7 cpu: must be a positive whole number (CPUs), found "four"',
      'error instackenv.json:7 memory: must be a positive whole number (MiB), found -1',
      'error instackenv.json:8 pm_addr: the same BMC (10.0.0.1) as the server on line 3',
      'error instackenv.json:9 mac: 52:54:00:00:00:01 is also the PXE MAC of the server on line 3',
      'error instackenv.json:10 name: "a" is also the name of the server on line 3',
      'error instackenv.json:11 pm_type: "pxe_wol" is not supported',
      'error instackenv.json:12 pm_password: must be text',
    ]);
    expect(r.nodes.map((n) => n.name)).toEqual(['a']);
  });

  it('never echoes a password', () => {
    const r = parseNodesFile(broken, 'instackenv.json');
    expect(JSON.stringify(r.findings)).not.toMatch(/hunter2|1234/);
  });

  it('a syntax error gives line and column; a file without nodes says so', () => {
    expect(where(parseNodesFile('{\n  "nodes": [\n    { "name": "a", }\n  ]\n', 'x.json'))[0]).toMatch(/^error x\.json:3:20 not valid JSON: Expected double-quoted property name/);
    expect(where(parseNodesFile('{"servers": []}', 'x.json'))).toEqual(['error x.json:1 nodes: missing; an instackenv file is {"nodes": [ ... ]}']);
  });

  it('a node as a list instead of a mapping is a finding at its line', () => {
    const r = parseNodesFile('nodes:\n  - [1, 2]\n', 'n.yaml');
    expect(where(r)).toEqual(['error n.yaml:2 nodes: each entry must be a mapping, found a list']);
  });
});

describe('Helion baremetal.csv', () => {
  it('reads 7 and 9 column lines with roles', () => {
    const csv = [
      '52:54:00:00:00:01,admin,pw,10.1.0.1,8,32768,512,Undercloud,IPMI',
      '52:54:00:00:00:02,admin,pw,10.1.0.2,8,32768,512,OvercloudControl,IPMI',
      '# a comment',
      '',
      '52:54:00:00:00:03,admin,pw,10.1.0.3,16,65536,1024',
    ].join('\n');
    const r = parseNodesFile(csv, 'baremetal.csv');
    expect(r.format).toBe('baremetal-csv');
    expect(r.findings).toEqual([]);
    expect(r.nodes.map((n) => [n.name, n.bmc.address, n.macs[0], n.cpu, n.memoryMiB, n.diskGiB, n.role])).toEqual([
      ['node-01', '10.1.0.1', '52:54:00:00:00:01', 8, 32768, 512, 'Undercloud'],
      ['node-02', '10.1.0.2', '52:54:00:00:00:02', 8, 32768, 512, 'Controller'],
      ['node-03', '10.1.0.3', '52:54:00:00:00:03', 16, 65536, 1024, undefined],
    ]);
  });

  it('names the line and the column of each problem', () => {
    const csv = [
      '52:54:00:00:00:01,admin,secretpw,10.1.0.1,8,32768,512',
      '52:54:00:00:00:02,admin,secretpw,10.1.0.2,8,32768',
      'zz:54:00:00:00:03,admin,secretpw,10.1.0.3,8,32768,512',
      '52:54:00:00:00:04,admin,secretpw,10.1.0.999,8,32768,512',
      '52:54:00:00:00:05,admin,secretpw,10.1.0.5,eight,32768,512',
      '52:54:00:00:00:06,admin,secretpw,10.1.0.1,8,32768,512',
      '52:54:00:00:00:01,admin,secretpw,10.1.0.7,8,32768,512',
      '52:54:00:00:00:08,admin,secretpw,10.1.0.8,8,32768,512,OvercloudFoo,IPMI',
      '52:54:00:00:00:09,admin,,10.1.0.9,8,32768,512',
    ].join('\n');
    const r = parseNodesFile(csv, 'bm.csv');
    expect(where(r)).toEqual([
      'error bm.csv:2 columns: 6 columns, expected 7 (mac,bmc_user,bmc_password,bmc_address,cpus,memory_mb,disk_gb) or 9 (…,role,power_management)',
      'error bm.csv:3 mac: "zz:54:00:00:00:03" is not a MAC address',
      'error bm.csv:4 bmc_address: "10.1.0.999" is not an IP address or host name',
      'error bm.csv:5 cpus: must be a positive whole number (CPUs), found "eight"',
      'error bm.csv:6 bmc_address: the same BMC (10.1.0.1) as the server on line 1',
      'error bm.csv:7 mac: 52:54:00:00:00:01 is also the PXE MAC of the server on line 1',
      'error bm.csv:8 role: "OvercloudFoo" is not a Helion role',
      'error bm.csv:9 bmc_password: missing',
    ]);
    expect(JSON.stringify(r.findings)).not.toContain('secretpw');
    expect(r.nodes).toHaveLength(1);
  });

  it('an unclosed quote is a finding with its line', () => {
    const r = parseNodesFile('52:54:00:00:00:01,admin,pw,10.1.0.1,8,32768,512\n52:54:00:00:00:02,"admin,pw,10.1.0.2,8,32768,512\n', 'bm.csv');
    expect(r.findings[0].where).toBe('bm.csv:2');
    expect(r.findings[0].message).toMatch(/not a valid CSV file/);
  });
});

describe('YAML syntax', () => {
  it('a YAML error gives line and column', () => {
    const r = parseNodesFile('nodes:\n  - name: a\n    pm_addr: [1, 2\n', 'n.yaml');
    expect(r.findings[0].where).toMatch(/^n\.yaml:\d+:\d+$/);
    expect(r.findings[0].message).toMatch(/^not valid JSON or YAML/);
  });
});

describe('roles from the role catalog', () => {
  it('every flavour (profile:) and every Helion name the catalog gives a role reads back as that role', () => {
    const specs = [...roleCatalog().values()];
    const instack = JSON.stringify({
      nodes: specs.map((r, i) => ({ pm_type: 'ipmi', pm_addr: `10.0.0.${i + 1}`, pm_user: 'admin', pm_password: 'pw', mac: [`52:54:00:00:00:0${i + 1}`], capabilities: `profile:${r.flavor},boot_option:local` })),
    });
    expect(parseNodesFile(instack, 'instackenv.json').nodes.map((n) => n.role)).toEqual(specs.map((r) => r.name));
    const helion = specs.filter((r) => r.helion);
    const csv = helion.map((r, i) => `52:54:00:00:00:0${i + 1},admin,pw,10.1.0.${i + 1},8,32768,512,${r.helion},IPMI`).join('\n');
    expect(parseNodesFile(csv, 'baremetal.csv').nodes.map((n) => n.role)).toEqual(helion.map((r) => r.name));
  });

  it('Helion storage variants the catalog does not name are read as their roles', () => {
    const csv = ['OvercloudVSAAOStorage', 'OvercloudSOSwiftProxy', 'OvercloudSOSwiftStorage'].map((role, i) => `52:54:00:00:00:0${i + 1},admin,pw,10.1.0.${i + 1},8,32768,512,${role},IPMI`).join('\n');
    expect(parseNodesFile(csv, 'baremetal.csv').nodes.map((n) => n.role)).toEqual(['BlockStorage', 'ObjectStorage', 'ObjectStorage']);
  });
});
