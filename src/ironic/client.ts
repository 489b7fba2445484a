// A small client for OpenStack Ironic's REST API, on Node's fetch. cloudseed drives Ironic;
// it does not re-implement provisioning. Every request carries the API microversion (without
// it Ironic speaks 1.1: no names, no provision states), errors carry Ironic's own reason
// (`faultstring`, a node's `last_error`), and asynchronous actions (202) are polled with
// backoff up to a deadline.
import { readSecret } from '../plan/answers.js';
import type { Auth } from '../plan/schema.js';
import { FAILED_STATES, type ProvisionTarget } from './states.js';

export interface IronicClientOptions {
  /** Base URL, e.g. http://127.0.0.1:6385 (with or without a trailing /v1). */
  url: string;
  auth?: Auth;
  /** Microversion sent with every request. */
  apiVersion?: string;
  /** Deadline of one HTTP request. */
  requestTimeoutMs?: number;
  /** For tests and benchmarks: another fetch. */
  fetch?: typeof fetch;
}

export type IronicErrorKind = 'unreachable' | 'auth' | 'not-found' | 'conflict' | 'http' | 'state' | 'timeout' | 'aborted';

/** A failure talking to Ironic, or a node that reached a failure state. */
export class IronicError extends Error {
  override name = 'IronicError';
  constructor(
    readonly kind: IronicErrorKind,
    message: string,
    readonly details: { url?: string; status?: number; faultstring?: string; lastError?: string; node?: string } = {},
  ) {
    super(message);
  }
}

/** The fields of a node cloudseed reads. */
export interface IronicNode {
  uuid: string;
  name: string | null;
  driver: string;
  provision_state: string;
  target_provision_state: string | null;
  power_state: string | null;
  target_power_state: string | null;
  last_error: string | null;
  maintenance: boolean;
  maintenance_reason: string | null;
  instance_info?: Record<string, unknown>;
  driver_info?: Record<string, unknown>;
  properties?: Record<string, unknown>;
  /** Set once an inspection finished. */
  inspection_finished_at?: string | null;
}

export interface IronicPort {
  uuid: string;
  address: string;
  node_uuid: string;
}

export interface NodeCreate {
  name: string;
  driver: string;
  driver_info: Record<string, unknown>;
  properties?: Record<string, unknown>;
  instance_info?: Record<string, unknown>;
  [field: string]: unknown;
}

/** `add`/`replace`/`remove` JSON patch operations Ironic accepts on PATCH. */
export type PatchOp = { op: 'add' | 'replace'; path: string; value: unknown } | { op: 'remove'; path: string };

export interface WaitOptions {
  /** Give up after this long (ms). */
  timeoutMs: number;
  signal?: AbortSignal;
  /** First poll interval; it grows ×1.5 up to maxIntervalMs. */
  intervalMs?: number;
  maxIntervalMs?: number;
  /** Called whenever provision_state or power_state changes. */
  onChange?(node: IronicNode): void;
  /** The node was put in maintenance on purpose (a retirement): that is not a failure of the wait. */
  inMaintenance?: boolean;
}

const DEFAULT_API_VERSION = '1.82';
/** Node polls per second one client allows itself when many servers are waited for. */
const POLL_BUDGET = 50;

/** Ironic wraps its reason as a JSON string in `error_message`; older ones send it plain. */
export function faultOf(body: string): string | undefined {
  if (!body) return undefined;
  try {
    const parsed = JSON.parse(body) as Record<string, unknown>;
    let inner: unknown = parsed.error_message ?? parsed;
    if (typeof inner === 'string') {
      const plain = inner;
      try {
        inner = JSON.parse(plain);
      } catch {
        return plain;
      }
    }
    if (inner && typeof inner === 'object' && typeof (inner as Record<string, unknown>).faultstring === 'string') {
      return (inner as Record<string, string>).faultstring;
    }
    return undefined;
  } catch {
    return body.slice(0, 300);
  }
}

/** Node's and undici's error codes, in words a person can act on. */
const NETWORK_ERRORS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'unknown host',
  EAI_AGAIN: 'the host name could not be looked up (DNS)',
  ECONNRESET: 'the connection was reset (Ironic, or something on the way, closed it)',
  EPIPE: 'the connection was closed while sending',
  UND_ERR_SOCKET: 'the connection closed before Ironic answered',
  UND_ERR_CLOSED: 'the connection closed before Ironic answered',
  UND_ERR_CONNECT_TIMEOUT: 'connecting timed out',
  UND_ERR_HEADERS_TIMEOUT: 'Ironic accepted the connection but sent no answer in time',
  UND_ERR_BODY_TIMEOUT: 'Ironic stopped sending its answer half-way',
  ETIMEDOUT: 'connecting timed out',
  EHOSTUNREACH: 'no route to the host',
  ENETUNREACH: 'no route to that network',
};

function causeCode(err: unknown): string | undefined {
  let cur: unknown = err;
  for (let i = 0; i < 4 && cur && typeof cur === 'object'; i++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new IronicError('aborted', 'stopped'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new IronicError('aborted', 'stopped'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** What cloudseed asks of an Ironic: the REST client below, or the simulated lab's fake (src/ironic/fake.ts). */
export interface IronicApi {
  readonly url: string;
  version(signal?: AbortSignal): Promise<{ min: string; max: string }>;
  getNode(id: string, signal?: AbortSignal): Promise<IronicNode | undefined>;
  listNodes(signal?: AbortSignal): Promise<IronicNode[]>;
  createNode(spec: NodeCreate, signal?: AbortSignal): Promise<IronicNode>;
  patchNode(id: string, ops: PatchOp[], signal?: AbortSignal): Promise<IronicNode>;
  clearMaintenance(id: string, signal?: AbortSignal): Promise<void>;
  setMaintenance(id: string, reason: string, signal?: AbortSignal): Promise<void>;
  /** Removes the node (and its ports); Ironic allows it in maintenance, or when enroll/manageable/available. */
  deleteNode(id: string, signal?: AbortSignal): Promise<void>;
  portsByAddress(mac: string, signal?: AbortSignal): Promise<IronicPort[]>;
  nodePorts(nodeUuid: string, signal?: AbortSignal): Promise<IronicPort[]>;
  createPort(nodeUuid: string, mac: string, signal?: AbortSignal): Promise<IronicPort>;
  setProvisionState(id: string, target: ProvisionTarget, signal?: AbortSignal): Promise<void>;
  waitForNode(id: string, settled: (node: IronicNode) => boolean, opts: WaitOptions): Promise<IronicNode>;
}

/**
 * Where a wait stands once `node` is read: true when `settled`, false to keep waiting; throws
 * when the node landed in a failure state or went into maintenance with a reason.
 */
export function settledOrFailed(node: IronicNode, settled: (node: IronicNode) => boolean, inMaintenance = false): boolean {
  if (settled(node)) return true;
  const name = node.name ?? node.uuid;
  // A failure state keeps its target (deploy failed → active): it has settled all the same.
  if (FAILED_STATES.has(node.provision_state)) {
    throw new IronicError('state', `${name} is in "${node.provision_state}": ${node.last_error ?? 'Ironic gave no reason'}`, {
      node: name,
      lastError: node.last_error ?? undefined,
    });
  }
  if (node.maintenance && node.maintenance_reason && !inMaintenance) {
    throw new IronicError('state', `${name} went into maintenance: ${node.maintenance_reason}`, { node: name, lastError: node.maintenance_reason });
  }
  return false;
}

export class IronicClient implements IronicApi {
  readonly url: string;
  readonly apiVersion: string;
  private readonly headers: Record<string, string>;
  private readonly requestTimeoutMs: number;
  private readonly fetchImpl: typeof fetch;

  constructor(opts: IronicClientOptions) {
    this.url = opts.url.replace(/\/+$/, '').replace(/\/v1$/, '');
    this.apiVersion = opts.apiVersion ?? DEFAULT_API_VERSION;
    this.requestTimeoutMs = opts.requestTimeoutMs ?? 30_000;
    this.fetchImpl = opts.fetch ?? fetch;
    this.headers = { 'X-OpenStack-Ironic-API-Version': this.apiVersion, Accept: 'application/json' };
    const auth = opts.auth ?? { type: 'noauth' };
    if (auth.type === 'basic') {
      const password = readSecret(auth);
      this.headers.Authorization = 'Basic ' + Buffer.from(`${auth.user}:${password}`).toString('base64');
    } else if (auth.type === 'token') {
      this.headers['X-Auth-Token'] = readSecret({ password: auth.token, passwordFile: auth.tokenFile });
    }
  }

  /** One HTTP exchange; the parsed JSON body (undefined for an empty body). */
  async request<T = unknown>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    const url = this.url + path;
    const signals = [AbortSignal.timeout(this.requestTimeoutMs)];
    if (signal) signals.push(signal);
    let res: Response;
    try {
      res = await this.fetchImpl(url, {
        method,
        headers: body === undefined ? this.headers : { ...this.headers, 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.any(signals),
      });
    } catch (err) {
      if (signal?.aborted) throw new IronicError('aborted', 'stopped', { url });
      if ((err as Error)?.name === 'TimeoutError') {
        throw new IronicError('timeout', `Ironic at ${this.url} did not answer within ${Math.round(this.requestTimeoutMs / 1000)} s (${method} ${path})`, { url: this.url });
      }
      const code = causeCode(err);
      const why = (code && NETWORK_ERRORS[code]) ?? (code ? `network error ${code}` : (err as Error).message);
      throw new IronicError('unreachable', `cannot reach Ironic at ${this.url}: ${why}`, { url });
    }
    const text = await res.text();
    if (res.status === 502 || res.status === 503 || res.status === 504) {
      // Stopping, starting, or behind a proxy whose backend is gone: as good as not there.
      throw new IronicError('unreachable', `cannot reach Ironic at ${this.url}: ${res.status} ${res.statusText}`, { url, status: res.status });
    }
    if (!res.ok) {
      const faultstring = faultOf(text);
      const kind: IronicErrorKind =
        res.status === 401 || res.status === 403 ? 'auth' : res.status === 404 ? 'not-found' : res.status === 409 ? 'conflict' : 'http';
      const reason = faultstring ?? `${res.status} ${res.statusText}`;
      throw new IronicError(kind, `Ironic refused ${method} ${path}: ${reason}`, { url, status: res.status, faultstring });
    }
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** The API's version range (GET /v1 headers, falling back to the root document). */
  async version(signal?: AbortSignal): Promise<{ min: string; max: string }> {
    const root = await this.request<{ default_version?: { min_version?: string; version?: string } }>('GET', '/', undefined, signal);
    const v = root?.default_version;
    if (!v?.version) throw new IronicError('http', `${this.url} answers, but not like an Ironic API (no default_version)`, { url: this.url });
    return { min: v.min_version ?? '1.1', max: v.version };
  }

  async getNode(id: string, signal?: AbortSignal): Promise<IronicNode | undefined> {
    try {
      return await this.request<IronicNode>('GET', `/v1/nodes/${encodeURIComponent(id)}`, undefined, signal);
    } catch (err) {
      if (err instanceof IronicError && err.kind === 'not-found') return undefined;
      throw err;
    }
  }

  async listNodes(signal?: AbortSignal): Promise<IronicNode[]> {
    const res = await this.request<{ nodes: IronicNode[] }>('GET', '/v1/nodes?detail=true', undefined, signal);
    return res.nodes;
  }

  async createNode(spec: NodeCreate, signal?: AbortSignal): Promise<IronicNode> {
    return this.request<IronicNode>('POST', '/v1/nodes', spec, signal);
  }

  async patchNode(id: string, ops: PatchOp[], signal?: AbortSignal): Promise<IronicNode> {
    return this.request<IronicNode>('PATCH', `/v1/nodes/${encodeURIComponent(id)}`, ops, signal);
  }

  async portsByAddress(mac: string, signal?: AbortSignal): Promise<IronicPort[]> {
    const res = await this.request<{ ports: IronicPort[] }>(
      'GET',
      `/v1/ports?address=${encodeURIComponent(mac.toLowerCase())}&fields=uuid,address,node_uuid`,
      undefined,
      signal,
    );
    return res.ports;
  }

  async nodePorts(nodeUuid: string, signal?: AbortSignal): Promise<IronicPort[]> {
    const res = await this.request<{ ports: IronicPort[] }>(
      'GET',
      `/v1/ports?node_uuid=${encodeURIComponent(nodeUuid)}&fields=uuid,address,node_uuid`,
      undefined,
      signal,
    );
    return res.ports;
  }

  /** Ports need the node's UUID, not its name. */
  async createPort(nodeUuid: string, mac: string, signal?: AbortSignal): Promise<IronicPort> {
    return this.request<IronicPort>('POST', '/v1/ports', { node_uuid: nodeUuid, address: mac.toLowerCase() }, signal);
  }

  async clearMaintenance(id: string, signal?: AbortSignal): Promise<void> {
    await this.request('DELETE', `/v1/nodes/${encodeURIComponent(id)}/maintenance`, undefined, signal);
  }

  async setMaintenance(id: string, reason: string, signal?: AbortSignal): Promise<void> {
    await this.request('PUT', `/v1/nodes/${encodeURIComponent(id)}/maintenance`, { reason }, signal);
  }

  async deleteNode(id: string, signal?: AbortSignal): Promise<void> {
    await this.request('DELETE', `/v1/nodes/${encodeURIComponent(id)}`, undefined, signal);
  }

  async setProvisionState(id: string, target: ProvisionTarget, signal?: AbortSignal): Promise<void> {
    await this.request('PUT', `/v1/nodes/${encodeURIComponent(id)}/states/provision`, { target }, signal);
  }

  /**
   * Polls a node until `settled(node)` says true, or throws. A node that lands in a failure
   * state, or goes into maintenance with a reason, fails the wait with Ironic's last_error.
   */
  async waitForNode(id: string, settled: (node: IronicNode) => boolean, opts: WaitOptions): Promise<IronicNode> {
    this.waiting++;
    try {
      return await this.poll(id, settled, opts);
    } finally {
      this.waiting--;
    }
  }

  /** Nodes being waited for right now: the poll interval stretches with them. */
  private waiting = 0;

  private async poll(id: string, settled: (node: IronicNode) => boolean, opts: WaitOptions): Promise<IronicNode> {
    const deadline = Date.now() + opts.timeoutMs;
    let interval = opts.intervalMs ?? 250;
    let last: IronicNode | undefined;
    for (;;) {
      // A thousand servers deploying must not become a thousand GETs every 2 s: keep this
      // client near POLL_BUDGET requests per second in all.
      const maxInterval = Math.max(opts.maxIntervalMs ?? 2_000, (this.waiting * 1000) / POLL_BUDGET);
      const node = await this.getNode(id, opts.signal);
      if (!node) throw new IronicError('not-found', `node ${id} is no longer enrolled in Ironic at ${this.url}`, { node: id });
      if (!last || last.provision_state !== node.provision_state || last.power_state !== node.power_state || last.target_provision_state !== node.target_provision_state) {
        opts.onChange?.(node);
      }
      last = node;
      if (settledOrFailed(node, settled, opts.inMaintenance)) return node;
      const left = deadline - Date.now();
      if (left <= 0) {
        const name = node.name ?? id;
        const what = node.target_provision_state ? `${node.provision_state} → ${node.target_provision_state}` : node.provision_state;
        throw new IronicError('timeout', `${name} still "${what}" after ${Math.round(opts.timeoutMs / 1000)} s`, {
          node: name,
          lastError: node.last_error ?? undefined,
        });
      }
      // The first quick polls too: at most 4x the budget while many waits start together.
      interval = Math.max(interval, (this.waiting * 1000) / (POLL_BUDGET * 4));
      await sleep(Math.min(interval, left), opts.signal);
      interval = Math.min(maxInterval, Math.round(interval * 1.5));
    }
  }
}
