// A small native IPMI v2.0 (RMCP+) client for what cloudseed asks of every BMC: "is a BMC
// there, does it take these credentials, is the server on?", and the changes a deployment
// makes (power on/off/cycle/reset/soft, boot device). ipmitool spends ~50 ms of CPU per call
// before it sends a packet (it parses the 4.7 MB IANA registry at every start); the exchange
// itself is ~15 ms, so on a few cores the fan-out is CPU-bound. Here one process holds all
// sessions: open session, RAKP 1-4 (RAKP-HMAC-SHA1), then encrypted commands (AES-CBC-128,
// HMAC-SHA1-96 integrity: cipher suite 3, as ipmitool -C 3), then close. Commands that do not
// depend on each other go out back to back (IPMI tells answers apart by their sequence
// number), so a power check costs one round trip after the handshake, close included.
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { isIP } from 'node:net';
import { BmcError, fruIdentity, type BmcCallOptions, type BmcIdentity, type BmcTarget, type BootDevice, type PowerAction, type PowerState } from './bmc.js';

const RMCP = Buffer.from([0x06, 0x00, 0xff, 0x07]);
const AUTH_RMCP_PLUS = 0x06;
const PAYLOAD = { ipmi: 0x00, openReq: 0x10, openRes: 0x11, rakp1: 0x12, rakp2: 0x13, rakp3: 0x14, rakp4: 0x15 } as const;
const ADMIN = 0x04;
/** RMCP+ status codes that mean "not these credentials". */
const REFUSED_STATUS = new Set([0x02, 0x0d, 0x0f, 0x12]);

const hmac = (key: Buffer, ...parts: Buffer[]) => {
  const h = createHmac('sha1', key);
  for (const p of parts) h.update(p);
  return h.digest();
};
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
};

/**
 * Random bytes for IVs, console ids and nonces, drawn from one pool: one call into the
 * CSPRNG per 256 packets instead of one per packet (it showed in a scan's CPU profile).
 */
let pool = Buffer.alloc(0);
let poolAt = 0;
function random(n: number): Buffer {
  if (poolAt + n > pool.length) {
    pool = randomBytes(4096);
    poolAt = 0;
  }
  return pool.subarray(poolAt, (poolAt += n));
}

/**
 * One UDP conversation with one BMC: send, wait for the matching answer, resend once. The
 * socket is connected, so the kernel passes on only the BMC's answers and a send needs no
 * address lookup. (An ICMP port unreachable then shows as ECONNREFUSED; it is treated as no
 * answer, as a BMC that is still starting may refuse for a moment.) Its one abort listener
 * (a fan-out budgets one per BMC) cancels every request in flight.
 */
class Channel {
  /** Requests in flight; an answer goes to the first that takes it. */
  private readonly waiting = new Set<{ accept(msg: Buffer): boolean; resolve(msg: Buffer): void; cancel(): void }>();
  private readonly onAbort = () => {
    for (const w of this.waiting) w.cancel();
  };
  private constructor(
    private readonly socket: Socket,
    private readonly signal?: AbortSignal,
  ) {
    socket.on('message', (msg) => {
      for (const w of this.waiting)
        if (w.accept(msg)) {
          w.resolve(msg);
          break;
        }
    });
    socket.on('error', () => {});
    signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  static open(host: string, port: number, signal?: AbortSignal): Promise<Channel> {
    const socket = createSocket(isIP(host) === 6 ? 'udp6' : 'udp4');
    return new Promise((resolve, reject) => {
      const failed = (e: NodeJS.ErrnoException) => {
        socket.removeAllListeners().close();
        reject(new BmcError('unreachable', e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN' ? 'the BMC host name does not resolve' : `the BMC address cannot be reached (${e.message})`));
      };
      // a failed lookup comes to the callback (node passes it though the types do not say so)
      socket.once('error', failed);
      socket.connect(port, host, (e?: NodeJS.ErrnoException) => {
        if (e) return failed(e);
        socket.removeListener('error', failed);
        resolve(new Channel(socket, signal));
      });
    });
  }

  /** Sends `packet` and resolves with the first answer `accept` takes; `tryMs` per try, two tries. */
  async exchange(packet: Buffer, accept: (msg: Buffer) => boolean, tryMs: number): Promise<Buffer> {
    for (let attempt = 0; attempt < 2; attempt++) {
      this.signal?.throwIfAborted();
      const answer = await new Promise<Buffer | undefined>((resolve, reject) => {
        const waiter = {
          accept,
          resolve: (v: Buffer | undefined) => {
            clearTimeout(timer);
            this.waiting.delete(waiter);
            resolve(v);
          },
          cancel: () => {
            clearTimeout(timer);
            this.waiting.delete(waiter);
            reject(new DOMException('cancelled', 'AbortError'));
          },
        };
        const timer = setTimeout(() => waiter.resolve(undefined), tryMs);
        this.waiting.add(waiter);
        this.socket.send(packet, (e) => e && waiter.resolve(undefined));
      });
      if (answer) return answer;
    }
    throw new BmcError('unreachable', 'the BMC does not answer');
  }

  /** Sends without waiting for an answer. */
  send(packet: Buffer) {
    this.socket.send(packet, () => {});
  }

  close() {
    this.signal?.removeEventListener('abort', this.onAbort);
    this.socket.close();
  }
}

interface Session {
  channel: Channel;
  consoleId: number;
  bmcId: number;
  k1: Buffer;
  aesKey: Buffer;
  seq: number;
  rqSeq: number;
  tryMs: number;
  /** The Close Session request, once sent. */
  closing?: Promise<unknown>;
}

/** RMCP + IPMI v2.0 session header + payload, unauthenticated (pre-session). */
function preSession(type: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(12);
  h[0] = AUTH_RMCP_PLUS;
  h[1] = type;
  h.writeUInt16LE(payload.length, 10);
  return Buffer.concat([RMCP, h, payload]);
}

/** Splits an RMCP+ answer: payload type, session id, payload. */
function parse(msg: Buffer): { type: number; sessionId: number; payload: Buffer } | undefined {
  if (msg.length < 16 || msg[0] !== 0x06 || msg[3] !== 0x07 || msg[4] !== AUTH_RMCP_PLUS) return undefined;
  const len = msg.readUInt16LE(14);
  if (msg.length < 16 + len) return undefined;
  return { type: msg[5], sessionId: msg.readUInt32LE(6), payload: msg.subarray(16, 16 + len) };
}

/**
 * The IPMI request (rsAddr, netFn, checksum, rqAddr, rqSeq, cmd, data, checksum) followed by
 * the confidentiality trailer (pad 1, 2, ..., pad length) up to whole AES blocks.
 */
function paddedRequest(netFn: number, cmd: number, rqSeq: number, data: Buffer): Buffer {
  const plainLen = 7 + data.length;
  const b = Buffer.allocUnsafe((plainLen + 1 + 15) & ~15);
  b[0] = 0x20;
  b[1] = netFn << 2;
  b[2] = (0x100 - ((b[0] + b[1]) & 0xff)) & 0xff;
  b[3] = 0x81;
  b[4] = (rqSeq & 0x3f) << 2;
  b[5] = cmd;
  data.copy(b, 6);
  let sum = b[3] + b[4] + b[5];
  for (const x of data) sum += x;
  b[plainLen - 1] = (0x100 - (sum & 0xff)) & 0xff;
  for (let i = plainLen, k = 1; i < b.length - 1; i++, k++) b[i] = k;
  b[b.length - 1] = b.length - 1 - plainLen;
  return b;
}

/**
 * The native client could not open a session with this BMC although it answered (an
 * algorithm or role it does not offer, a handshake that kept crossing retransmissions):
 * ipmitool may still manage, so callers fall back to it. Nothing was changed on the BMC.
 */
export class RmcpSessionError extends BmcError {
  constructor(message: string) {
    super('other', message);
  }
}

/** A handshake that crossed a retransmission; worth one more try. */
class SessionRace extends RmcpSessionError {}

async function openSession(t: BmcTarget, tryMs: number, signal?: AbortSignal): Promise<Session> {
  try {
    return await handshake(t, tryMs, signal);
  } catch (e) {
    if (!(e instanceof SessionRace)) throw e;
    return handshake(t, tryMs, signal);
  }
}

async function handshake(t: BmcTarget, tryMs: number, signal?: AbortSignal): Promise<Session> {
  const channel = await Channel.open(t.address, t.port ?? 623, signal);
  try {
    const consoleId = (random(4).readUInt32LE() | 1) >>> 0;
    const tag = random(1)[0];
    const open = Buffer.concat([
      Buffer.from([tag, ADMIN, 0, 0]),
      u32(consoleId),
      Buffer.from([0x00, 0, 0, 8, 0x01, 0, 0, 0]), // RAKP-HMAC-SHA1
      Buffer.from([0x01, 0, 0, 8, 0x01, 0, 0, 0]), // HMAC-SHA1-96
      Buffer.from([0x02, 0, 0, 8, 0x01, 0, 0, 0]), // AES-CBC-128
    ]);
    const isOpen = (m: Buffer) => parse(m)?.type === PAYLOAD.openRes && parse(m)!.payload[0] === tag;
    const openRes = parse(await channel.exchange(preSession(PAYLOAD.openReq, open), isOpen, tryMs))!.payload;
    if (openRes[1] !== 0) {
      if (REFUSED_STATUS.has(openRes[1]) || openRes[1] === 0x09) throw new BmcError('refused', 'the BMC refused an administrator session');
      throw new RmcpSessionError(`the BMC refused to open a session (RMCP+ status 0x${openRes[1].toString(16)})`);
    }
    const bmcId = openRes.readUInt32LE(8);

    const user = Buffer.from(t.user, 'utf8').subarray(0, 16);
    const kuid = Buffer.alloc(20);
    Buffer.from(t.password, 'utf8').copy(kuid, 0, 0, 20);
    const rm = random(16);
    const role = 0x10 | ADMIN; // name-only lookup, administrator
    const rakp1 = Buffer.concat([Buffer.from([tag, 0, 0, 0]), u32(bmcId), rm, Buffer.from([role, 0, 0, user.length]), user]);
    const isRakp2 = (m: Buffer) => parse(m)?.type === PAYLOAD.rakp2 && parse(m)!.payload[0] === tag;
    const r2 = parse(await channel.exchange(preSession(PAYLOAD.rakp1, rakp1), isRakp2, tryMs))!.payload;
    if (r2[1] !== 0) throw REFUSED_STATUS.has(r2[1]) ? new BmcError('refused', 'the BMC refused the user name or password') : new RmcpSessionError(`RAKP 2 status 0x${r2[1].toString(16)}`);
    const rc = r2.subarray(8, 24);
    const guid = r2.subarray(24, 40);
    const their = r2.subarray(40, 60);
    const nameBlock = Buffer.from([role, user.length]);
    const expected = hmac(kuid, u32(consoleId), u32(bmcId), rm, rc, guid, nameBlock, user);
    if (!expected.equals(their)) {
      // tell the BMC to drop the half-open session (RAKP 3 with "invalid integrity check
      // value"); ipmi_sim stops answering new sessions while one hangs
      channel.send(preSession(PAYLOAD.rakp3, Buffer.concat([Buffer.from([tag, 0x0f, 0, 0]), u32(bmcId)])));
      throw new BmcError('refused', 'the BMC refused the user name or password');
    }

    const sik = hmac(kuid, rm, rc, nameBlock, user);
    const k1 = hmac(sik, Buffer.alloc(20, 1));
    const k2 = hmac(sik, Buffer.alloc(20, 2));
    const rakp3 = Buffer.concat([Buffer.from([tag, 0, 0, 0]), u32(bmcId), hmac(kuid, rc, u32(consoleId), nameBlock, user)]);
    const isRakp4 = (m: Buffer) => parse(m)?.type === PAYLOAD.rakp4 && parse(m)!.payload[0] === tag;
    const r4 = parse(await channel.exchange(preSession(PAYLOAD.rakp3, rakp3), isRakp4, tryMs))!.payload;
    // RAKP 2 already proved the password; a failing RAKP 4 is a lost or doubled packet
    if (r4[1] !== 0) throw new SessionRace(`the BMC did not accept the session (RAKP 4 status 0x${r4[1].toString(16)})`);
    return { channel, consoleId, bmcId, k1, aesKey: k2.subarray(0, 16), seq: 1, rqSeq: 1, tryMs };
  } catch (e) {
    channel.close();
    throw e;
  }
}

/**
 * One command in the session, encrypted and signed; resolves with completion code + data.
 * It is on the wire when this returns: commands called one after the other without
 * awaiting go out back to back.
 */
function command(s: Session, netFn: number, cmd: number, data: number[] | Buffer = [], tryMs = s.tryMs): Promise<Buffer> {
  const rqSeq = s.rqSeq++ & 0x3f;
  // one buffer per packet: RMCP, session header, IV, encrypted request, integrity pad, pad length, next header, auth code
  const iv = random(16);
  const encrypted = createCipheriv('aes-128-cbc', s.aesKey, iv)
    .setAutoPadding(false)
    .update(paddedRequest(netFn, cmd, rqSeq, Buffer.isBuffer(data) ? data : Buffer.from(data)));
  const payloadLen = 16 + encrypted.length;
  const integrityPad = (4 - ((12 + payloadLen + 2) % 4)) % 4;
  const signedEnd = 4 + 12 + payloadLen + integrityPad + 2;
  const packet = Buffer.allocUnsafe(signedEnd + 12);
  RMCP.copy(packet, 0);
  packet[4] = AUTH_RMCP_PLUS;
  packet[5] = 0xc0 | PAYLOAD.ipmi; // encrypted, authenticated
  packet.writeUInt32LE(s.bmcId, 6);
  packet.writeUInt32LE(s.seq++, 10);
  packet.writeUInt16LE(payloadLen, 14);
  iv.copy(packet, 16);
  encrypted.copy(packet, 32);
  packet.fill(0xff, 16 + payloadLen, signedEnd - 2);
  packet[signedEnd - 2] = integrityPad;
  packet[signedEnd - 1] = 0x07;
  createHmac('sha1', s.k1).update(packet.subarray(4, signedEnd)).digest().copy(packet, signedEnd, 0, 12);

  let answer: Buffer | undefined;
  const accept = (m: Buffer): boolean => {
    const msg = opened(s, m);
    // rqAddr netFn chk rsAddr rqSeq cmd cc data... chk
    if (!msg || msg.length < 8 || msg[5] !== cmd || msg[4] >> 2 !== rqSeq) return false;
    answer = msg.subarray(6, msg.length - 1);
    return true;
  };
  return s.channel.exchange(packet, accept, tryMs).then(() => answer!);
}

/** Answers already decrypted: with commands in flight, each answer is offered to all of them. */
const decrypted = new WeakMap<Buffer, Buffer | undefined>();

/** The IPMI message in a session answer (decrypted, padding off), once per answer; undefined if it is none. */
function opened(s: Session, m: Buffer): Buffer | undefined {
  if (decrypted.has(m)) return decrypted.get(m);
  let msg: Buffer | undefined;
  const p = parse(m);
  if (p && (p.type & 0x3f) === PAYLOAD.ipmi && p.sessionId === s.consoleId && p.payload.length >= 32) {
    try {
      const d = createDecipheriv('aes-128-cbc', s.aesKey, p.payload.subarray(0, 16)).setAutoPadding(false);
      const out = Buffer.concat([d.update(p.payload.subarray(16)), d.final()]);
      msg = out.subarray(0, out.length - 1 - out[out.length - 1]);
    } catch {
      // not ours, or damaged
    }
  }
  decrypted.set(m, msg);
  return msg;
}

/** Sends Close Session (once); its answer is awaited by withSession, not by the work. */
function sendClose(s: Session): void {
  s.closing ??= command(s, 0x06, 0x3c, u32(s.bmcId), Math.min(s.tryMs, 250)).catch(() => {
    // the BMC drops idle sessions on its own
  });
}

/** One FRU field (type/length byte, then data): 8-bit ASCII, 6-bit packed ASCII or binary. */
function fruField(b: Buffer, at: number): { text: string; next: number } | undefined {
  const tl = b[at];
  if (tl === undefined || tl === 0xc1) return undefined;
  const len = tl & 0x3f;
  const data = b.subarray(at + 1, at + 1 + len);
  let text: string;
  if (tl >> 6 === 3) text = data.toString('latin1');
  else if (tl >> 6 === 2) {
    text = '';
    for (let i = 0; i < data.length; i += 3) {
      const v = data[i] | ((data[i + 1] ?? 0) << 8) | ((data[i + 2] ?? 0) << 16);
      for (let k = 0; k < 4; k++) text += String.fromCharCode(((v >> (6 * k)) & 0x3f) + 0x20);
    }
  } else text = data.toString('hex');
  return { text: text.replace(/\0/g, '').trim(), next: at + 1 + len };
}

function fruFields(b: Buffer, at: number, count: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const f = fruField(b, at);
    if (!f) break;
    out.push(f.text);
    at = f.next;
  }
  return out;
}

/** Vendor, product and serial from a binary FRU image. */
export function parseFruImage(b: Buffer): Pick<BmcIdentity, 'vendor' | 'product' | 'serial'> {
  if (b.length < 8 || b[0] !== 0x01) return {};
  const [chassisAt, boardAt, productAt] = [b[2] * 8, b[3] * 8, b[4] * 8];
  // product: manufacturer, name, part, version, serial; board: (after 3-byte date) manufacturer, name, serial; chassis: part, serial
  const product = productAt ? fruFields(b, productAt + 3, 5) : [];
  const board = boardAt ? fruFields(b, boardAt + 6, 3) : [];
  const chassis = chassisAt ? fruFields(b, chassisAt + 3, 2) : [];
  return fruIdentity({
    productVendor: product[0],
    productName: product[1],
    productSerial: product[4],
    boardVendor: board[0],
    boardName: board[1],
    boardSerial: board[2],
    chassisSerial: chassis[1],
  });
}

/** The system GUID as ipmitool prints it (SMBIOS byte order). */
function formatGuid(g: Buffer): string {
  const rev = (a: number, b: number) => Buffer.from(g.subarray(a, b)).reverse().toString('hex');
  return `${rev(0, 4)}-${rev(4, 6)}-${rev(6, 8)}-${g.subarray(8, 10).toString('hex')}-${g.subarray(10, 16).toString('hex')}`;
}

/** A completion code other than success, as an error naming the command. */
function check(answer: Buffer, what: string): Buffer {
  if (answer[0] === 0) return answer;
  throw new BmcError('other', `${what} failed (completion code 0x${answer[0].toString(16)})`);
}

/**
 * Opens an administrator session, runs `work` and closes the session. `work` sends its last
 * commands followed by sendClose(), so the close travels with them; otherwise the close goes
 * once `work` is done.
 */
async function withSession<T>(t: BmcTarget, o: BmcCallOptions, work: (s: Session) => Promise<T>): Promise<T> {
  const tryMs = Math.max(100, Math.floor((o.timeoutMs ?? 2000) / 2));
  const s = await openSession(t, tryMs, o.signal);
  try {
    // a session starts at user privilege; LAN settings and changes need administrator. The
    // request goes out with the work's first commands; the BMC takes them in order.
    const priv = command(s, 0x06, 0x3b, [ADMIN]);
    const result = work(s);
    // a refusal below leaves `result` unawaited: its own failure must not go unhandled
    result.catch(() => {});
    const level = await priv;
    if (level[0] === 0x80 || level[0] === 0x81) throw new BmcError('refused', 'the user has not enough privilege on this BMC (administrator needed)');
    check(level, 'Set Session Privilege Level');
    return await result;
  } finally {
    // cancelled: leave at once; the BMC drops the idle session by itself
    if (o.signal?.aborted) s.channel.close();
    else {
      sendClose(s);
      await s.closing;
      s.channel.close();
    }
  }
}

async function chassisPower(s: Session): Promise<PowerState> {
  const r = check(await command(s, 0x00, 0x01), 'Get Chassis Status');
  return r[1] & 1 ? 'on' : 'off';
}

/** Power state over a native RMCP+ session (Get Chassis Status); classified errors as ipmitool's. */
export function rmcpPowerStatus(t: BmcTarget, o: BmcCallOptions = {}): Promise<PowerState> {
  return withSession(t, o, (s) => {
    const power = chassisPower(s);
    sendClose(s);
    return power;
  });
}

/** FRU bytes per Read FRU Data to start with: what ipmitool asks for; ipmi_sim refuses more (0xc8). */
const FRU_CHUNK = 32;
/**
 * Completion codes of a Read FRU Data that asked for more than the BMC returns at once
 * (request data length invalid, response too long, cannot return that many bytes); ipmitool
 * retries those with a smaller count.
 */
const FRU_TOO_BIG = new Set([0xc7, 0xc8, 0xca]);

const readFru = (s: Session, at: number, count: number) => command(s, 0x0a, 0x11, [0, at & 0xff, at >> 8, count]); // Read FRU Data, device 0

/**
 * Power state, FRU (vendor, product, serial), system GUID and the BMC's MAC in one session.
 * A part the BMC does not offer stays empty; only the power state is required.
 * Two round trips after the handshake: the questions with the FRU's first `fruChunk` bytes,
 * then the rest of the FRU (and the close). A BMC that takes fewer bytes per read costs a
 * round trip per halving, down to 8 bytes.
 */
export function rmcpSurvey(t: BmcTarget, o: BmcCallOptions = {}, fruChunk = FRU_CHUNK): Promise<{ power: PowerState; identity: BmcIdentity }> {
  return withSession(t, o, async (s) => {
    let chunk = fruChunk;
    const [power, info, guid, lan, firstRead] = await Promise.all([
      chassisPower(s),
      command(s, 0x0a, 0x10, [0]), // Get FRU Inventory Area Info
      command(s, 0x06, 0x37), // Get System GUID
      command(s, 0x0c, 0x02, [1, 5, 0, 0]), // LAN parameter 5: MAC address
      // before the size is known: a BMC returns what there is of a short FRU
      readFru(s, 0, chunk),
    ]);
    const identity: BmcIdentity = {};
    // bit 0 of the access byte: a FRU addressed in words, which these byte offsets would misread
    if (info[0] === 0 && info.length >= 4 && !(info[3] & 1)) {
      const size = Math.min(info.readUInt16LE(1), 2048);
      let first = firstRead;
      while (FRU_TOO_BIG.has(first[0]) && chunk > 8 && size > 0) {
        chunk = Math.max(8, chunk >> 1);
        first = await readFru(s, 0, Math.min(chunk, size));
      }
      const parts: Buffer[] = [];
      let at = 0;
      if (first[0] === 0 && first[1] > 0) {
        parts.push(first.subarray(2, 2 + first[1]));
        at = first[1];
        const reads: Promise<Buffer>[] = [];
        for (; at < size; at += chunk) reads.push(readFru(s, at, Math.min(chunk, size - at)));
        sendClose(s);
        for (const r of await Promise.all(reads)) {
          if (r[0] !== 0 || r[1] === 0) break;
          parts.push(r.subarray(2, 2 + r[1]));
        }
      }
      Object.assign(identity, parseFruImage(Buffer.concat(parts)));
    }
    if (guid[0] === 0 && guid.length >= 17) identity.guid = formatGuid(guid.subarray(1, 17));
    if (lan[0] === 0 && lan.length >= 8) identity.bmcMac = [...lan.subarray(2, 8)].map((x) => x.toString(16).padStart(2, '0')).join(':');
    return { power, identity };
  });
}

/** Chassis Control's argument for each change (IPMI v2.0 table 28-4). */
const CHASSIS_CONTROL: Record<PowerAction, number> = { off: 0x00, on: 0x01, cycle: 0x02, reset: 0x03, soft: 0x05 };

/** Power on, off (hard), cycle, reset, or soft off (ACPI shutdown) over a native RMCP+ session. */
export function rmcpPowerAction(t: BmcTarget, action: PowerAction, o: BmcCallOptions = {}): Promise<void> {
  return withSession(t, o, async (s) => {
    const r = command(s, 0x00, 0x02, [CHASSIS_CONTROL[action]]);
    sendClose(s);
    const answer = await r;
    // 0xd5: not supported in the present state (cycle or soft off of a server that is off)
    if (answer[0] === 0xd5) throw new BmcError('other', `the BMC cannot power ${action} in the server's present state (is it ${action === 'cycle' || action === 'soft' ? 'off' : 'on'}?)`);
    check(answer, `Chassis Control (power ${action})`);
  });
}

/** Boot device selector values of boot flags parameter 5 (IPMI v2.0 table 28-14, data 2 bits 5:2). */
const BOOT_SELECTOR: Record<'pxe' | 'disk', number> = { pxe: 0x1, disk: 0x2 };

/**
 * The five data bytes of boot flags parameter 5: valid, next boot only or persistent, legacy
 * BIOS boot, the device. What `ipmitool chassis bootdev DEVICE [options=persistent]` sends.
 */
export function bootFlags(device: 'pxe' | 'disk', persistent: boolean): number[] {
  return [0x80 | (persistent ? 0x40 : 0), BOOT_SELECTOR[device] << 2, 0, 0, 0];
}

/** The device in a Get System Boot Options parameter 5 answer (cc, version, parameter, data...). */
export function bootDeviceOf(answer: Buffer): BootDevice {
  if (answer[0] !== 0 || answer.length < 5) return 'unknown';
  const selector = (answer[4] >> 2) & 0x0f;
  return ({ 0x0: 'none', 0x1: 'pxe', 0x2: 'disk', 0x5: 'cdrom', 0x6: 'bios' } as Record<number, BootDevice>)[selector] ?? 'unknown';
}

const getBootFlags = (s: Session) => command(s, 0x00, 0x09, [5, 0, 0]); // Get System Boot Options, parameter 5

/** Sets the boot device (next boot only unless `persistent`); resolves with the device the BMC reports afterwards. */
export function rmcpSetBootDevice(t: BmcTarget, device: 'pxe' | 'disk', persistent: boolean, o: BmcCallOptions = {}): Promise<BootDevice> {
  return withSession(t, o, async (s) => {
    const answers = Promise.all([command(s, 0x00, 0x08, [5, ...bootFlags(device, persistent)]), getBootFlags(s)]); // Set System Boot Options, then read back
    sendClose(s);
    const [set, after] = await answers;
    check(set, `Set System Boot Options (boot from ${device})`);
    return bootDeviceOf(after);
  });
}

/** The boot device the BMC reports (boot flags parameter 5). */
export function rmcpBootDevice(t: BmcTarget, o: BmcCallOptions = {}): Promise<BootDevice> {
  return withSession(t, o, async (s) => {
    const r = getBootFlags(s);
    sendClose(s);
    return bootDeviceOf(await r);
  });
}
