// The Ironic client's HTTP side against a small real HTTP server on loopback that answers the
// way Ironic does (headers, double-encoded faults, 202 + polling). The real Ironic is
// exercised by test/deploy/real.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { faultOf, IronicClient, IronicError } from '../../src/ironic/client.js';

let server: Server;
let url: string;
const seen: IncomingMessage[] = [];
/** Provision state the fake node reports, per poll. */
let states: { provision_state: string; target_provision_state: string | null; last_error: string | null }[] = [];

const fault = (text: string) => JSON.stringify({ error_message: JSON.stringify({ faultcode: 'Client', faultstring: text, debuginfo: null }) });

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(req);
    const send = (status: number, body: string) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(body);
    };
    if (req.url === '/') return send(200, JSON.stringify({ default_version: { id: 'v1', min_version: '1.1', version: '1.82' } }));
    if (req.url === '/v1/nodes' && req.method === 'POST') return send(400, fault('Cannot create node with invalid name "x y"'));
    if (req.url === '/v1/nodes/secret') return send(401, JSON.stringify({ error: { code: 401, title: 'Unauthorized' } }));
    if (req.url === '/v1/nodes/gone') return send(404, fault('Node gone could not be found.'));
    if (req.url === '/v1/nodes/n1') {
      const s = states.length > 1 ? states.shift()! : states[0];
      return send(200, JSON.stringify({ uuid: 'u1', name: 'n1', driver: 'ipmi', power_state: 'power off', target_power_state: null, maintenance: false, maintenance_reason: null, ...s }));
    }
    send(404, fault('no such thing'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address() as { port: number };
  url = `http://127.0.0.1:${addr.port}`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('IronicClient', () => {
  it('sends the API microversion, and basic or token credentials', async () => {
    await new IronicClient({ url, auth: { type: 'basic', user: 'ironic', password: 'pw' } }).version();
    let req = seen.at(-1)!;
    expect(req.headers['x-openstack-ironic-api-version']).toBe('1.82');
    expect(req.headers.authorization).toBe('Basic ' + Buffer.from('ironic:pw').toString('base64'));
    const dir = mkdtempSync(join(tmpdir(), 'cs-token-'));
    writeFileSync(join(dir, 'token'), 'gAAAA-token\n', { mode: 0o600 });
    await new IronicClient({ url: url + '/v1/', auth: { type: 'token', tokenFile: join(dir, 'token') }, apiVersion: '1.78' }).version();
    req = seen.at(-1)!;
    expect(req.headers['x-auth-token']).toBe('gAAAA-token');
    expect(req.headers['x-openstack-ironic-api-version']).toBe('1.78');
    expect(req.headers.authorization).toBeUndefined();
  });

  it("carries Ironic's faultstring in its errors, with a kind per status", async () => {
    const c = new IronicClient({ url });
    const err = await c.createNode({ name: 'x y', driver: 'ipmi', driver_info: {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IronicError);
    expect((err as IronicError).message).toBe('Ironic refused POST /v1/nodes: Cannot create node with invalid name "x y"');
    expect((err as IronicError).details.faultstring).toBe('Cannot create node with invalid name "x y"');
    expect(((await c.getNode('secret').catch((e: unknown) => e)) as IronicError).kind).toBe('auth');
    expect(await c.getNode('gone')).toBeUndefined();
    expect(faultOf('{"error_message": "plain words"}')).toBe('plain words');
  });

  it('says "cannot reach Ironic at URL" when nothing listens there', async () => {
    const free = createServer();
    await new Promise<void>((r) => free.listen(0, '127.0.0.1', r));
    const port = (free.address() as { port: number }).port;
    await new Promise<void>((r) => free.close(() => r()));
    const err = (await new IronicClient({ url: `http://127.0.0.1:${port}` }).version().catch((e: unknown) => e)) as IronicError;
    expect(err.kind).toBe('unreachable');
    expect(err.message).toBe(`cannot reach Ironic at http://127.0.0.1:${port}: connection refused`);
  });

  it('polls a node until it settles; a failure state fails the wait with last_error', async () => {
    const c = new IronicClient({ url });
    states = [
      { provision_state: 'deploying', target_provision_state: 'active', last_error: null },
      { provision_state: 'wait call-back', target_provision_state: 'active', last_error: null },
      { provision_state: 'active', target_provision_state: null, last_error: null },
    ];
    const passed: string[] = [];
    const n = await c.waitForNode('n1', (x) => x.provision_state === 'active', { timeoutMs: 5_000, intervalMs: 10, onChange: (x) => passed.push(x.provision_state) });
    expect(n.provision_state).toBe('active');
    expect(passed).toEqual(['deploying', 'wait call-back', 'active']);

    states = [{ provision_state: 'deploy failed', target_provision_state: null, last_error: 'PXE boot timed out' }];
    const err = (await c.waitForNode('n1', (x) => x.provision_state === 'active', { timeoutMs: 5_000, intervalMs: 10 }).catch((e: unknown) => e)) as IronicError;
    expect(err.kind).toBe('state');
    expect(err.message).toBe('n1 is in "deploy failed": PXE boot timed out');
  });

  it('many servers waited for at once: the polls stretch to keep the request rate bounded', async () => {
    const c = new IronicClient({ url });
    states = [{ provision_state: 'deploying', target_provision_state: 'active', last_error: null }];
    const before = seen.length;
    const waits = Array.from({ length: 500 }, () => c.waitForNode('n1', () => false, { timeoutMs: 2_000, intervalMs: 250 }).catch(() => undefined));
    await Promise.all(waits);
    // Unbounded, 500 waits polling from 250 ms up would make ~2,500 requests in these 2 s; bounded, two each.
    expect(seen.length - before).toBeLessThan(1_100);
  });

  it('gives up at the deadline, and stops at once when aborted', async () => {
    const c = new IronicClient({ url });
    states = [{ provision_state: 'deploying', target_provision_state: 'active', last_error: null }];
    const late = (await c.waitForNode('n1', () => false, { timeoutMs: 200, intervalMs: 20 }).catch((e: unknown) => e)) as IronicError;
    expect(late.kind).toBe('timeout');
    expect(late.message).toBe('n1 still "deploying → active" after 0 s');
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    const t = Date.now();
    const stopped = (await c.waitForNode('n1', () => false, { timeoutMs: 60_000, intervalMs: 5_000, signal: ac.signal }).catch((e: unknown) => e)) as IronicError;
    expect(stopped.kind).toBe('aborted');
    // It did not sleep out the 5 s poll interval (a bound that holds on a loaded machine).
    expect(Date.now() - t).toBeLessThan(5_000);
  });
});
