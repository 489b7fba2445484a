// The real IPMI client: cloudseed's own RMCP+ sessions (rmcp.ts) first, ipmitool over
// lanplus as the fallback, run through execa with argument arrays. The password travels in
// ipmitool's environment (-E reads IPMI_PASSWORD), never on the command line where `ps`
// would show it.
import { BmcError, fruIdentity, type BmcCallOptions, type BmcClient, type BmcIdentity, type BmcTarget, type BootDevice, type PowerAction, type PowerState } from './bmc.js';
import { rmSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { normalizeMac } from './addresses.js';
import { rmcpBootDevice, rmcpPowerAction, rmcpPowerStatus, rmcpSetBootDevice, rmcpSurvey, RmcpSessionError } from './rmcp.js';

export interface IpmitoolOptions {
  /** The ipmitool binary. */
  binary?: string;
  /**
   * Talk to the BMC over cloudseed's own RMCP+ session (rmcp.ts) instead of an ipmitool
   * process (power state, power changes, boot device, the scan's survey): a fan-out then
   * costs no process per address. Default true. ipmitool stays the fallback: for a question,
   * when the native client gets an error other than no answer / refused; for a change, when
   * it could not open a session at all (so a change is never sent twice).
   */
  nativePower?: boolean;
  /** Default per-call time limit; a BMC that has not answered by then is unreachable. */
  timeoutMs?: number;
}

/** `Key : Value` lines of ipmitool's reports (fru print, lan print, mc guid). */
function parseColonReport(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const sep = line.indexOf(' : ');
    if (sep < 0) continue;
    const key = line.slice(0, sep).trim();
    if (key && !out.has(key)) out.set(key, line.slice(sep + 3).trim());
  }
  return out;
}

export function parsePowerStatus(text: string): PowerState | undefined {
  const m = /Chassis Power is (on|off)/i.exec(text);
  return m ? (m[1].toLowerCase() as PowerState) : undefined;
}

/** `chassis bootparam get 5`: the boot device selector. */
export function parseBootDevice(text: string): BootDevice {
  const m = /Boot Device Selector\s*:\s*(.*)/.exec(text);
  if (!m) return 'unknown';
  const s = m[1];
  if (/PXE/i.test(s)) return 'pxe';
  if (/Hard-Drive|Hard Drive/i.test(s)) return 'disk';
  if (/CD|DVD/i.test(s)) return 'cdrom';
  if (/BIOS Setup/i.test(s)) return 'bios';
  if (/No override/i.test(s)) return 'none';
  return 'unknown';
}

/** `fru print 0`: vendor, product and serial. */
export function parseFru(text: string): Pick<BmcIdentity, 'vendor' | 'product' | 'serial'> {
  const r = parseColonReport(text);
  return fruIdentity({
    productVendor: r.get('Product Manufacturer'),
    productName: r.get('Product Name'),
    productSerial: r.get('Product Serial'),
    boardVendor: r.get('Board Mfg'),
    boardName: r.get('Board Product'),
    boardSerial: r.get('Board Serial'),
    chassisSerial: r.get('Chassis Serial'),
  });
}

export function parseLanMac(text: string): string | undefined {
  const mac = parseColonReport(text).get('MAC Address');
  return mac ? normalizeMac(mac) : undefined;
}

export function parseGuid(text: string): string | undefined {
  const g = parseColonReport(text).get('System GUID');
  return g ? g.toLowerCase() : undefined;
}

/**
 * Sorts a failed call: no answer (unreachable), a refused login (RAKP 2 says so), or another
 * error. Needs ipmitool's -v output, which names the RAKP failure.
 */
export function classifyIpmitoolError(stderr: string): BmcError {
  const text = stderr.trim();
  const last = text.split('\n').filter((l) => !/^Loading IANA|^Running Get VSO|^Invalid completion code received: Invalid command|^Discovered IPMB/.test(l)).pop() ?? text;
  // A BMC out of sessions is busy, not refusing: it must not be reported as a wrong password.
  if (/insufficient resources for session/i.test(text)) return new BmcError('other', 'the BMC has no free session (busy); try again in a moment');
  if (/RAKP 2 HMAC is invalid|unauthorized name|invalid integrity check|Activate Session error|Invalid user name|Unauthorized name/i.test(text))
    return new BmcError('refused', 'the BMC refused the user name or password');
  if (/Insufficient privilege|requested maximum privilege level/i.test(text))
    return new BmcError('refused', 'the user has not enough privilege on this BMC (administrator needed)');
  if (/Get Auth Capabilities error|No response from remote controller|Unable to establish IPMI v2|unable to establish lan session|Address lookup for .* failed/i.test(text))
    return new BmcError('unreachable', /Address lookup/.test(text) ? 'the BMC host name does not resolve' : 'the BMC does not answer');
  return new BmcError('other', last || 'ipmitool failed');
}

export class IpmitoolClient implements BmcClient {
  private readonly binary: string;
  private readonly timeoutMs: number;
  private readonly nativePower: boolean;
  constructor(opts: IpmitoolOptions = {}) {
    this.binary = opts.binary ?? 'ipmitool';
    this.timeoutMs = opts.timeoutMs ?? 3000;
    this.nativePower = opts.nativePower ?? true;
  }

  /** Runs one ipmitool command against the target; resolves with its stdout. */
  async run(t: BmcTarget, command: string[], o: BmcCallOptions = {}, batch?: string): Promise<string> {
    const { execa } = await import('execa');
    if (batch !== undefined) command = ['exec', await batchFile(batch)];
    const timeoutMs = o.timeoutMs ?? this.timeoutMs;
    // ipmitool waits -N seconds per try, twice with -R 1; the execa timeout is the hard stop.
    const perTry = Math.max(1, Math.floor(timeoutMs / 2000));
    const args = ['-v', '-I', 'lanplus', '-C', '3', '-N', String(perTry), '-R', '1', '-H', t.address, '-p', String(t.port ?? 623), '-U', t.user, '-E', ...command];
    const r = await execa(this.binary, args, {
      env: { IPMI_PASSWORD: t.password },
      stdin: 'ignore',
      reject: false,
      timeout: timeoutMs,
      ...(o.signal ? { cancelSignal: o.signal } : {}),
    });
    if (r.isCanceled) throw new DOMException('cancelled', 'AbortError');
    if (r.timedOut) throw new BmcError('unreachable', `the BMC did not answer within ${(timeoutMs / 1000).toFixed(1)} s`);
    if (r.failed) {
      if ((r as { code?: string }).code === 'ENOENT') throw new BmcError('other', `${this.binary} is not installed (Debian package: ipmitool)`);
      const e = classifyIpmitoolError(r.stderr);
      // reports (lan print, exec batches) exit 1 when one parameter is unsupported, after printing the rest
      if (e.kind === 'other' && batch !== undefined && r.stdout.trim()) return r.stdout;
      throw e;
    }
    return r.stdout;
  }

  async powerStatus(t: BmcTarget, o?: BmcCallOptions): Promise<PowerState> {
    const native = await this.natively(() => rmcpPowerStatus(t, { timeoutMs: this.timeoutMs, ...o }), BmcError);
    if (native) return native.value;
    const out = await this.run(t, ['power', 'status'], o);
    const state = parsePowerStatus(out);
    if (!state) throw new BmcError('other', `unexpected answer to power status: ${out.trim().slice(0, 80)}`);
    return state;
  }

  async setPower(t: BmcTarget, on: boolean, o?: BmcCallOptions): Promise<void> {
    await this.powerAction(t, on ? 'on' : 'off', o);
  }

  /** Power on, off, cycle, reset or soft off. */
  async powerAction(t: BmcTarget, action: PowerAction, o?: BmcCallOptions): Promise<void> {
    if (await this.natively(() => rmcpPowerAction(t, action, { timeoutMs: this.timeoutMs, ...o }), RmcpSessionError)) return;
    await this.run(t, ['power', action], o);
  }

  async setBootPxe(t: BmcTarget, o?: BmcCallOptions): Promise<BootDevice> {
    return this.setBootDevice(t, 'pxe', {}, o);
  }

  /** Boot from the network or the disk, at the next boot only unless `persistent`; returns the device the BMC reports afterwards. */
  async setBootDevice(t: BmcTarget, device: 'pxe' | 'disk', { persistent = false }: { persistent?: boolean }, o?: BmcCallOptions): Promise<BootDevice> {
    const native = await this.natively(() => rmcpSetBootDevice(t, device, persistent, { timeoutMs: this.timeoutMs, ...o }), RmcpSessionError);
    if (native) return native.value;
    await this.run(t, ['chassis', 'bootdev', device, ...(persistent ? ['options=persistent'] : [])], o);
    return this.bootDevice(t, o);
  }

  async bootDevice(t: BmcTarget, o?: BmcCallOptions): Promise<BootDevice> {
    const native = await this.natively(() => rmcpBootDevice(t, { timeoutMs: this.timeoutMs, ...o }), BmcError);
    if (native) return native.value;
    return parseBootDevice(await this.run(t, ['chassis', 'bootparam', 'get', '5'], o));
  }

  /**
   * Runs `work` over the native client when it is on; undefined when ipmitool should do it
   * instead: the native client is off, or failed with a `fallback` error of kind other.
   */
  private async natively<T>(work: () => Promise<T>, fallback: typeof BmcError): Promise<{ value: T } | undefined> {
    if (!this.nativePower) return undefined;
    try {
      return { value: await work() };
    } catch (e) {
      if (e instanceof fallback && e.kind === 'other') return undefined;
      throw e;
    }
  }

  /** FRU, LAN and GUID in one session (`ipmitool exec` with a command file). */
  async identify(t: BmcTarget, o?: BmcCallOptions): Promise<BmcIdentity> {
    return identityOf(await this.run(t, [], o, 'fru print 0\nlan print 1\nmc guid\n'));
  }

  /**
   * Power state and identity in one session: natively (rmcp.ts), or through one ipmitool
   * process when the native client cannot talk to this BMC.
   */
  async survey(t: BmcTarget, o?: BmcCallOptions): Promise<{ power: PowerState; identity: BmcIdentity }> {
    const native = await this.natively(() => rmcpSurvey(t, { timeoutMs: this.timeoutMs, ...o }), BmcError);
    if (native) return native.value;
    const out = await this.run(t, [], o, 'power status\nfru print 0\nlan print 1\nmc guid\n');
    const power = parsePowerStatus(out);
    if (!power) throw new BmcError('other', `unexpected answer to power status: ${out.trim().split('\n')[0]?.slice(0, 80) ?? ''}`);
    return { power, identity: identityOf(out) };
  }
}

const batchFiles = new Map<string, Promise<string>>();

/**
 * A file holding ipmitool commands for `exec` (one session, one process). ipmitool cannot read
 * them from stdin: Node's stdio pipes are sockets, which /dev/stdin cannot open. The
 * contents are fixed command lists, never credentials.
 */
function batchFile(commands: string): Promise<string> {
  let file = batchFiles.get(commands);
  if (!file) {
    file = (async () => {
      const dir = await mkdtemp(join(tmpdir(), 'cloudseed-ipmitool-'));
      const path = join(dir, 'commands');
      await writeFile(path, commands);
      process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
      return path;
    })();
    batchFiles.set(commands, file);
  }
  return file;
}

function identityOf(report: string): BmcIdentity {
  const guid = parseGuid(report);
  const bmcMac = parseLanMac(report);
  return { ...parseFru(report), ...(guid ? { guid } : {}), ...(bmcMac ? { bmcMac } : {}) };
}
