// What cloudseed sends Ironic for a plan's server (pure parts of src/ironic/provision.ts).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { driverFor, nodeCreateFor } from '../../src/ironic/provision.js';
import { NodeSchema } from '../../src/plan/schema.js';

describe('nodeCreateFor', () => {
  it('an IPMI server: driver ipmi, cipher suite 3, facts as properties, the role as a TripleO profile', () => {
    const node = NodeSchema.parse({
      name: 'node-03',
      bmc: { type: 'ipmi', address: '10.20.0.13', user: 'admin', password: 'calvin' },
      macs: ['52:54:00:aa:01:03'],
      cpu: 24,
      memoryMiB: 131072,
      diskGiB: 894,
      role: 'Controller',
    });
    expect(nodeCreateFor(node, 'lab')).toEqual({
      name: 'node-03',
      driver: 'ipmi',
      driver_info: { ipmi_address: '10.20.0.13', ipmi_port: 623, ipmi_username: 'admin', ipmi_password: 'calvin', ipmi_cipher_suite: '3' },
      properties: { cpu_arch: 'x86_64', cpus: 24, memory_mb: 131072, local_gb: 894, capabilities: 'profile:control' },
      extra: { cloudseed_plan: 'lab' },
    });
  });

  it('a Redfish server: an https address (IPv6 in brackets), the password from its file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cs-pw-'));
    writeFileSync(join(dir, 'pw'), 'from-file\nignored\n', { mode: 0o600 });
    const bmc = NodeSchema.parse({ name: 'n', bmc: { type: 'redfish', address: 'fd00::5', port: 8443, user: 'root', passwordFile: join(dir, 'pw') } }).bmc;
    expect(driverFor(bmc)).toEqual({
      driver: 'redfish',
      driver_info: { redfish_address: 'https://[fd00::5]:8443', redfish_username: 'root', redfish_password: 'from-file' },
    });
  });
});
