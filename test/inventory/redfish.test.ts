import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedfishClient } from '../../src/inventory/redfish.js';

// A small Redfish service on 127.0.0.1 (plain HTTP: the client's test mode).
let server: Server;
let port = 0;
let power = 'Off';
let boot = 'None';
const docs: Record<string, unknown> = {
  '/redfish/v1/Systems': { Members: [{ '@odata.id': '/redfish/v1/Systems/1' }] },
  '/redfish/v1/Systems/1/EthernetInterfaces': { Members: [{ '@odata.id': '/redfish/v1/Systems/1/EthernetInterfaces/1' }] },
  '/redfish/v1/Systems/1/EthernetInterfaces/1': { MACAddress: 'F8:BC:12:00:00:09' },
  '/redfish/v1/Systems/1/Storage': { Members: [{ '@odata.id': '/redfish/v1/Systems/1/Storage/1' }] },
  '/redfish/v1/Systems/1/Storage/1': { Drives: [{ '@odata.id': '/redfish/v1/Systems/1/Storage/1/Drives/0' }, { '@odata.id': '/redfish/v1/Systems/1/Storage/1/Drives/1' }] },
  '/redfish/v1/Systems/1/Storage/1/Drives/0': { CapacityBytes: 480103981056 },
  '/redfish/v1/Systems/1/Storage/1/Drives/1': { CapacityBytes: 960197124096 },
};

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.headers.authorization !== `Basic ${Buffer.from('root:calvin').toString('base64')}`) return res.writeHead(401).end();
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const url = req.url ?? '';
      if (url === '/redfish/v1/Systems/1' && req.method === 'GET')
        return res.end(
          JSON.stringify({
            Manufacturer: 'Dell Inc.',
            Model: 'PowerEdge R640',
            SerialNumber: 'RF0009',
            UUID: '4C4C4544-0000-0000-0000-000000000009',
            PowerState: power,
            ProcessorSummary: { Count: 2 },
            MemorySummary: { TotalSystemMemoryGiB: 192 },
            Boot: { BootSourceOverrideTarget: boot },
            EthernetInterfaces: { '@odata.id': '/redfish/v1/Systems/1/EthernetInterfaces' },
            Storage: { '@odata.id': '/redfish/v1/Systems/1/Storage' },
          }),
        );
      if (url === '/redfish/v1/Systems/1' && req.method === 'PATCH') {
        boot = JSON.parse(body).Boot.BootSourceOverrideTarget;
        return res.writeHead(204).end();
      }
      if (url.endsWith('ComputerSystem.Reset')) {
        power = JSON.parse(body).ResetType === 'On' ? 'On' : 'Off';
        return res.writeHead(204).end();
      }
      if (url === '/broken') return res.end('not json');
      if (docs[url]) return res.end(JSON.stringify(docs[url]));
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const client = new RedfishClient({ scheme: 'http', timeoutMs: 1000 });
const target = (password = 'calvin') => ({ type: 'redfish' as const, address: '127.0.0.1', port, user: 'root', password });

describe('Redfish client', () => {
  it('reads identity and inventory from the first system', async () => {
    expect(await client.identify(target())).toEqual({
      vendor: 'Dell Inc.',
      product: 'PowerEdge R640',
      serial: 'RF0009',
      guid: '4c4c4544-0000-0000-0000-000000000009',
      systemId: '/redfish/v1/Systems/1',
    });
    expect(await client.inventory(target())).toEqual({ cpu: 2, memoryMiB: 196608, diskGiB: 894, macs: ['f8:bc:12:00:00:09'] });
  });

  it('a node that names its system is asked about that system, not the first one listed', async () => {
    await expect(client.identify({ ...target(), systemId: '/redfish/v1/Systems/2' })).rejects.toMatchObject({ kind: 'other', message: expect.stringContaining('/redfish/v1/Systems/2') });
    expect((await client.identify({ ...target(), systemId: '/redfish/v1/Systems/1' })).serial).toBe('RF0009');
  });

  it('power and PXE boot round-trip', async () => {
    expect(await client.powerStatus(target())).toBe('off');
    await client.setPower(target(), true);
    expect(await client.powerStatus(target())).toBe('on');
    expect(await client.setBootPxe(target())).toBe('pxe');
  });

  it('errors are classified, never thrown raw', async () => {
    await expect(client.powerStatus(target('wrong'))).rejects.toMatchObject({ kind: 'refused' });
    await expect(client.powerStatus({ ...target(), port: 1 })).rejects.toMatchObject({ kind: 'unreachable' });
    await expect(client.call(target(), 'GET', '/broken', undefined)).rejects.toMatchObject({ kind: 'other' });
    await expect(new RedfishClient({ timeoutMs: 500 }).powerStatus({ ...target(), port })).rejects.toMatchObject({ name: 'BmcError' });
  });
});
