import { describe, expect, it } from 'vitest';
import { SimBmcClient } from '../../src/inventory/sim-bmc.js';
import { applyInspection, checkBmcs, inspectNodes, mergeScan, scanRange } from '../../src/inventory/scan.js';
import { RealBmcClient } from '../../src/inventory/clients.js';
import { validateNodes } from '../../src/inventory/validate.js';
import { emptyPlan, NodeSchema } from '../../src/plan/schema.js';
import { importNodesFile } from '../../src/inventory/nodes-file.js';
import { assetPath } from '../../src/assets.js';
import { loadLab } from '../../src/lab/load.js';

const lab = loadLab('ha-lab');
const t = (address: string, password = 'password') => ({ type: 'ipmi' as const, address, user: 'admin', password });

describe('the simulated lab BMCs', () => {
  it('a scan of the lab range: four found, node-06 refuses, node-05 and the empty addresses do not answer', async () => {
    const client = new SimBmcClient(lab, { scale: 0.01 });
    const r = await scanRange({ range: lab.bmcDefaults.range, user: 'admin', password: 'password', client });
    expect(r).toMatchObject({ total: 14, found: 4, refused: 1, unreachable: 9, failed: 0 });
    expect(r.refusedAddresses).toEqual(['10.20.0.6']);
    expect(r.unreachableAddresses[0]).toBe('10.20.0.5');
    expect(r.bmcs.map((b) => b.identity.serial)).toEqual(['S3B1A0001', 'S3B1A0002', 'S3B1A0003', '9FJ7KQ2']);
    // the lab's latencies: tens of ms for a live BMC, the whole time-out for a dead one
    const slow = new SimBmcClient(lab);
    let at = performance.now();
    await slow.powerStatus(t('10.20.0.1'));
    expect(performance.now() - at).toBeGreaterThanOrEqual(25);
    at = performance.now();
    await expect(new SimBmcClient(lab, { scale: 0.1 }).powerStatus(t('10.20.0.5'))).rejects.toMatchObject({ kind: 'unreachable' });
    expect(performance.now() - at).toBeGreaterThanOrEqual(190);
  });

  it('power and PXE boot round-trip; the other password works on node-06', async () => {
    const client = new SimBmcClient(lab, { scale: 0.01 });
    expect(await client.powerStatus(t('10.20.0.2'))).toBe('off');
    await client.setPower(t('10.20.0.2'), true);
    expect(await client.powerStatus(t('10.20.0.2'))).toBe('on');
    expect(await client.setBootPxe(t('10.20.0.2'))).toBe('pxe');
    expect(await client.bootDevice(t('10.20.0.2'))).toBe('pxe');
    expect(await client.powerStatus(t('10.20.0.6', 'calvin'))).toBe('off');
    expect(lab.servers[1].power).toBe('off');
  });

  it('check BMCs on the imported lab file: node-05 unreachable, node-06 refused', async () => {
    const { nodes } = await importNodesFile(assetPath('labs', 'ha-lab.instackenv.json'));
    const checks = await checkBmcs(nodes, new SimBmcClient(lab, { scale: 0.01 }));
    expect(checks.map((c) => c.status)).toEqual(['off', 'off', 'off', 'off', 'unreachable', 'refused']);
  });

  it('inspection fills in the hardware; node-04 then has a disk finding', async () => {
    const { nodes } = await importNodesFile(assetPath('labs', 'ha-lab.instackenv.json'));
    const results = await inspectNodes(nodes, new SimBmcClient(lab, { scale: 0.01, inspectMs: 1000 }));
    expect(results.filter((r) => r.error).map((r) => r.name).sort()).toEqual(['node-05', 'node-06']);
    const inspected = applyInspection(nodes, results);
    expect(validateNodes(emptyPlan({ nodes: inspected })).map((f) => f.message)).toEqual(['node-04: the disk is 240 GiB, smaller than the 500 GiB declared']);
    // the NIC it booted from, by name: the undercloud's local_interface when it is this server
    expect(inspected[0].discovered?.pxeNic).toBe(lab.servers[0].nics.find((n) => n.pxe)?.name);
  });

  it('the real driver leaves IPMI inspection to Ironic, and says so', async () => {
    const { nodes } = await importNodesFile(assetPath('labs', 'ha-lab.instackenv.json'));
    const [r] = await inspectNodes(nodes.slice(0, 1), new RealBmcClient());
    expect(r.error).toMatch(/inspected by the undercloud's Ironic/);
  });

  it('cancel stops the scan at once', async () => {
    const ac = new AbortController();
    let atStop = 0;
    // Stopped as the first BMC answers: only the three still in flight may finish after it.
    const onProgress = (p: { scanned: number }) => void (p.scanned === 1 && ((atStop = p.scanned), ac.abort()));
    const r = await scanRange({ range: '10.20.0.0/24', user: 'admin', password: 'password', client: new SimBmcClient(lab), concurrency: 4, signal: ac.signal, onProgress });
    expect(r.cancelled).toBe(true);
    expect(r.scanned).toBeLessThanOrEqual(atStop + 3);
  });

  it('a re-scan merges by serial even when the BMC moved to another address', () => {
    const found = [{ address: '10.20.0.1', power: 'off' as const, identity: { serial: 'S1', guid: 'g1' } }];
    const first = mergeScan([], found, { user: 'admin', password: 'p' });
    const moved = mergeScan(first.nodes, [{ ...found[0], address: '10.20.0.99' }], { user: 'admin', password: 'p' });
    expect(moved).toMatchObject({ added: 0, updated: 1 });
    expect(moved.nodes[0].bmc.address).toBe('10.20.0.99');
  });

  it("a Redfish scan keeps each server's system id with its BMC settings (pm_system_id), not with what was discovered", () => {
    const found = [{ address: '10.20.0.7', port: 8443, power: 'off' as const, identity: { serial: 'R7', systemId: '/redfish/v1/Systems/abc' } }];
    const first = mergeScan([], found, { type: 'redfish', user: 'root', password: 'p' });
    expect(first.nodes[0].bmc).toMatchObject({ type: 'redfish', address: '10.20.0.7', port: 8443, systemId: '/redfish/v1/Systems/abc' });
    expect(first.nodes[0].discovered).not.toHaveProperty('systemId');
    expect(NodeSchema.safeParse(first.nodes[0]).success).toBe(true);
    // the server now answers for another system: the re-scan updates it
    const again = mergeScan(first.nodes, [{ ...found[0], identity: { serial: 'R7', systemId: '/redfish/v1/Systems/def' } }], { type: 'redfish', user: 'root', password: 'p' });
    expect(again.nodes[0].bmc.systemId).toBe('/redfish/v1/Systems/def');
  });
});
