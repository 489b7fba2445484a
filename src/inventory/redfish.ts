// A Redfish client: the node's System (else the first of /redfish/v1/Systems) over HTTPS JSON. BMCs ship
// self-signed certificates, so certificate checks are off unless asked for. Every failure
// becomes a BmcError (unreachable / refused / other); nothing here throws anything else.
import { request as httpsRequest } from 'node:https';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { BmcError, type BmcCallOptions, type BmcClient, type BmcIdentity, type BmcInventory, type BmcTarget, type BootDevice, type PowerState } from './bmc.js';
import { normalizeMac } from './addresses.js';

export interface RedfishOptions {
  timeoutMs?: number;
  /** Check the BMC's TLS certificate (most BMCs have a self-signed one). */
  verifyTls?: boolean;
  /** `http` only for tests against a local server. */
  scheme?: 'https' | 'http';
}

type Json = Record<string, unknown>;

const BOOT: Record<string, BootDevice> = { Pxe: 'pxe', Hdd: 'disk', Cd: 'cdrom', BiosSetup: 'bios', None: 'none' };

export class RedfishClient implements BmcClient {
  private readonly timeoutMs: number;
  private readonly verifyTls: boolean;
  private readonly scheme: 'https' | 'http';
  constructor(opts: RedfishOptions = {}) {
    this.timeoutMs = opts.timeoutMs ?? 5000;
    this.verifyTls = opts.verifyTls ?? false;
    this.scheme = opts.scheme ?? 'https';
  }

  async call(t: BmcTarget, method: string, path: string, body: unknown, o: BmcCallOptions = {}): Promise<Json> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const request = this.scheme === 'https' ? httpsRequest : httpRequest;
    const res = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(
        {
          host: t.address,
          port: t.port ?? (this.scheme === 'https' ? 443 : 80),
          path,
          method,
          headers: {
            Accept: 'application/json',
            Authorization: 'Basic ' + Buffer.from(`${t.user}:${t.password}`).toString('base64'),
            ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) } : {}),
          },
          timeout: o.timeoutMs ?? this.timeoutMs,
          signal: o.signal,
          ...(this.scheme === 'https' ? { rejectUnauthorized: this.verifyTls } : {}),
        },
        (r: IncomingMessage) => {
          let text = '';
          r.setEncoding('utf8');
          r.on('data', (c: string) => (text += c));
          r.on('end', () => resolve({ status: r.statusCode ?? 0, text }));
          r.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new BmcError('unreachable', 'the BMC did not answer in time')));
      req.on('error', (e: NodeJS.ErrnoException) => {
        if (e instanceof BmcError || e.name === 'AbortError') return reject(e);
        if (['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET'].includes(e.code ?? ''))
          return reject(new BmcError('unreachable', `the BMC does not answer over HTTPS (${e.code})`));
        reject(new BmcError('other', e.message));
      });
      req.end(payload);
    });
    if (res.status === 401 || res.status === 403) throw new BmcError('refused', 'the BMC refused the user name or password');
    if (res.status >= 400) throw new BmcError('other', `the BMC answered ${method} ${path} with HTTP ${res.status}`);
    if (!res.text) return {};
    try {
      return JSON.parse(res.text) as Json;
    } catch {
      throw new BmcError('other', `the BMC answered ${path} with something other than JSON`);
    }
  }

  private async system(t: BmcTarget, o?: BmcCallOptions): Promise<{ path: string; data: Json }> {
    if (t.systemId) return { path: t.systemId, data: await this.call(t, 'GET', t.systemId, undefined, o) };
    const list = await this.call(t, 'GET', '/redfish/v1/Systems', undefined, o);
    const path = (list.Members as { '@odata.id'?: string }[] | undefined)?.[0]?.['@odata.id'];
    if (typeof path !== 'string') throw new BmcError('other', 'the BMC lists no system under /redfish/v1/Systems');
    return { path, data: await this.call(t, 'GET', path, undefined, o) };
  }

  async powerStatus(t: BmcTarget, o?: BmcCallOptions): Promise<PowerState> {
    const { data } = await this.system(t, o);
    return data.PowerState === 'On' ? 'on' : 'off';
  }

  async setPower(t: BmcTarget, on: boolean, o?: BmcCallOptions): Promise<void> {
    const { path } = await this.system(t, o);
    await this.call(t, 'POST', `${path}/Actions/ComputerSystem.Reset`, { ResetType: on ? 'On' : 'ForceOff' }, o);
  }

  async setBootPxe(t: BmcTarget, o?: BmcCallOptions): Promise<BootDevice> {
    const { path } = await this.system(t, o);
    await this.call(t, 'PATCH', path, { Boot: { BootSourceOverrideTarget: 'Pxe', BootSourceOverrideEnabled: 'Once' } }, o);
    return this.bootDevice(t, o);
  }

  async bootDevice(t: BmcTarget, o?: BmcCallOptions): Promise<BootDevice> {
    const { data } = await this.system(t, o);
    const target = (data.Boot as Json | undefined)?.BootSourceOverrideTarget;
    return (typeof target === 'string' && BOOT[target]) || 'unknown';
  }

  async identify(t: BmcTarget, o?: BmcCallOptions): Promise<BmcIdentity> {
    const { path, data } = await this.system(t, o);
    const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
    // The system's path is what TripleO calls pm_system_id.
    const id: BmcIdentity = { systemId: path.replace(/\/+$/, '') };
    if (str(data.Manufacturer)) id.vendor = str(data.Manufacturer);
    if (str(data.Model)) id.product = str(data.Model);
    if (str(data.SerialNumber)) id.serial = str(data.SerialNumber);
    if (str(data.UUID)) id.guid = str(data.UUID)!.toLowerCase();
    return id;
  }

  /** Processors, memory, the largest drive and the NICs' MACs; parts the BMC lacks stay empty. */
  async inventory(t: BmcTarget, o?: BmcCallOptions): Promise<BmcInventory> {
    const { data } = await this.system(t, o);
    const inv: BmcInventory = {};
    const cpu = (data.ProcessorSummary as Json | undefined)?.Count;
    if (typeof cpu === 'number' && cpu > 0) inv.cpu = cpu;
    const gib = (data.MemorySummary as Json | undefined)?.TotalSystemMemoryGiB;
    if (typeof gib === 'number' && gib > 0) inv.memoryMiB = Math.round(gib * 1024);
    const link = (key: string) => ((data[key] as Json | undefined)?.['@odata.id'] as string | undefined) ?? undefined;
    const members = async (path: string | undefined) => {
      if (!path) return [] as Json[];
      const coll = await this.call(t, 'GET', path, undefined, o).catch(() => ({}) as Json);
      const out: Json[] = [];
      for (const m of (coll.Members as { '@odata.id'?: string }[] | undefined) ?? []) {
        const p = m['@odata.id'];
        if (typeof p === 'string') out.push(await this.call(t, 'GET', p, undefined, o).catch(() => ({}) as Json));
      }
      return out;
    };
    const macs = (await members(link('EthernetInterfaces')))
      .map((n) => (typeof n.MACAddress === 'string' ? normalizeMac(n.MACAddress) : undefined))
      .filter((m): m is string => !!m);
    if (macs.length) inv.macs = macs;
    let largest = 0;
    for (const storage of await members(link('Storage'))) {
      for (const d of (storage.Drives as { '@odata.id'?: string }[] | undefined) ?? []) {
        const p = d['@odata.id'];
        if (typeof p !== 'string') continue;
        const drive = await this.call(t, 'GET', p, undefined, o).catch(() => ({}) as Json);
        if (typeof drive.CapacityBytes === 'number') largest = Math.max(largest, Math.floor(drive.CapacityBytes / 1024 ** 3));
      }
    }
    if (largest > 0) inv.diskGiB = largest;
    return inv;
  }
}
