// What a person reads when Ironic itself misbehaves: a socket it closes mid-answer and an API
// that stops answering, against a small real HTTP server on loopback.
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IronicClient, IronicError } from '../../src/ironic/client.js';
import { stepErrorOf } from '../../src/deploy/steps/common.js';

let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    // Closes the connection without an answer (what undici calls UND_ERR_SOCKET).
    if (req.url === '/v1/nodes/reset') return req.socket.destroy();
    // Never answers.
    if (req.url === '/v1/nodes/hang') return;
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

async function failure(path: string, client = new IronicClient({ url })): Promise<IronicError> {
  try {
    await client.request('GET', path);
  } catch (e) {
    if (e instanceof IronicError) return e;
    throw e;
  }
  throw new Error('no error');
}

describe('Ironic failures in plain words', () => {
  it('a connection Ironic drops says so, without a raw error code', async () => {
    const err = await failure('/v1/nodes/reset');
    expect(err.kind).toBe('unreachable');
    expect(err.message).toMatch(/^cannot reach Ironic at http:\/\/127\.0\.0\.1:\d+: the connection (closed before Ironic answered|was reset)/);
    expect(err.message).not.toMatch(/UND_ERR|ECONN/);
  });

  it('an Ironic that stops answering is named as the one to look at, not the server', async () => {
    const err = await failure('/v1/nodes/hang', new IronicClient({ url, requestTimeoutMs: 300 }));
    expect(err.kind).toBe('timeout');
    const step = stepErrorOf(err);
    expect(step.message).toContain(`Ironic at ${url} did not answer`);
    expect(step.hint).toContain(`Ironic at ${url} stopped answering`);
    expect(step.hint).not.toMatch(/console|BMC/);
  });
});
