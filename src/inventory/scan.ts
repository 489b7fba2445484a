// Discovery: scan a BMC address range with one set of credentials, merge what answered into
// the plan's nodes, and "check BMCs" of servers already in the plan.
import type { Node } from '../plan/schema.js';
import { expandRange } from './addresses.js';
import { BmcError, bmcPort, bmcTarget, explainBmcError, fanOutSignal, isAbort, type BmcClient, type BmcIdentity, type BmcInventory, type BmcTarget, type PowerState } from './bmc.js';

/**
 * Addresses asked at once. A dead address costs only waiting (the native RMCP+ check holds
 * no process), so this bounds the sessions open against live BMCs at one time.
 */
export const DEFAULT_SCAN_CONCURRENCY = 32;

export interface ScanProgress {
  total: number;
  scanned: number;
  found: number;
  unreachable: number;
  refused: number;
  /** Answered, but with an error other than refused credentials. */
  failed: number;
  elapsedMs: number;
}

export interface FoundBmc {
  address: string;
  port?: number;
  power: PowerState;
  identity: BmcIdentity;
  inventory?: BmcInventory;
  /** Identification failed after the BMC answered power status. */
  identifyError?: string;
}

export interface ScanResult extends ScanProgress {
  found: number;
  bmcs: FoundBmc[];
  unreachableAddresses: string[];
  refusedAddresses: string[];
  failedAddresses: { address: string; message: string }[];
  cancelled: boolean;
}

export interface ScanOptions {
  /** CIDR, first-last, or a list of addresses. */
  range: string | string[];
  type?: 'ipmi' | 'redfish';
  port?: number;
  user: string;
  password: string;
  client: BmcClient;
  /** Addresses asked at once (default DEFAULT_SCAN_CONCURRENCY). */
  concurrency?: number;
  /** Per-address time limit. */
  timeoutMs?: number;
  /** Also ask each BMC found for FRU, LAN and GUID (default true). */
  identify?: boolean;
  signal?: AbortSignal;
  onProgress?(p: ScanProgress): void;
}

/** Runs `work` over `items` with at most `limit` at once; stops taking new items once aborted. */
export async function eachLimited<T>(items: readonly T[], limit: number, signal: AbortSignal | undefined, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length && !signal?.aborted) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

export async function scanRange(o: ScanOptions): Promise<ScanResult> {
  const addresses = Array.isArray(o.range) ? o.range : expandRange(o.range);
  const started = performance.now();
  const r: ScanResult = {
    total: addresses.length,
    scanned: 0,
    found: 0,
    unreachable: 0,
    refused: 0,
    failed: 0,
    elapsedMs: 0,
    bmcs: [],
    unreachableAddresses: [],
    refusedAddresses: [],
    failedAddresses: [],
    cancelled: false,
  };
  const progress = () => {
    r.elapsedMs = Math.round(performance.now() - started);
    o.onProgress?.({ total: r.total, scanned: r.scanned, found: r.found, unreachable: r.unreachable, refused: r.refused, failed: r.failed, elapsedMs: r.elapsedMs });
  };
  const concurrency = o.concurrency ?? DEFAULT_SCAN_CONCURRENCY;
  const signal = fanOutSignal(o.signal, concurrency);
  const call = { signal, timeoutMs: o.timeoutMs };
  progress();
  await eachLimited(addresses, concurrency, signal, async (address) => {
    const t: BmcTarget = { type: o.type ?? 'ipmi', address, ...(o.port ? { port: o.port } : {}), user: o.user, password: o.password };
    try {
      const identify = o.identify !== false;
      const surveyed = identify && o.client.survey ? await o.client.survey(t, call) : undefined;
      const power = surveyed?.power ?? (await o.client.powerStatus(t, call));
      const found: FoundBmc = { address, ...(o.port ? { port: o.port } : {}), power, identity: surveyed?.identity ?? {} };
      if (identify) {
        try {
          if (!surveyed) found.identity = await o.client.identify(t, call);
          if (t.type === 'redfish' && o.client.inventory) found.inventory = await o.client.inventory(t, call);
        } catch (e) {
          if (isAbort(e)) throw e;
          found.identifyError = (e as Error).message;
        }
      }
      r.bmcs.push(found);
      r.found++;
    } catch (e) {
      if (isAbort(e)) return;
      if (e instanceof BmcError && e.kind === 'unreachable') {
        r.unreachable++;
        r.unreachableAddresses.push(address);
      } else if (e instanceof BmcError && e.kind === 'refused') {
        r.refused++;
        r.refusedAddresses.push(address);
      } else {
        r.failed++;
        r.failedAddresses.push({ address, message: (e as Error).message });
      }
    }
    r.scanned++;
    progress();
  });
  r.cancelled = signal.aborted;
  // in range order; a Map, since indexOf per comparison is quadratic on a /16
  const order = new Map(addresses.map((a, i) => [a, i]));
  const byAddress = (a: string, b: string) => order.get(a)! - order.get(b)!;
  r.bmcs.sort((a, b) => byAddress(a.address, b.address));
  r.unreachableAddresses.sort(byAddress);
  r.refusedAddresses.sort(byAddress);
  progress();
  return r;
}

/** The next free `node-NN` name. */
function nextNodeName(nodes: readonly Pick<Node, 'name'>[]): string {
  const taken = new Set(nodes.map((n) => n.name.toLowerCase()));
  for (let i = 1; ; i++) {
    const name = `node-${String(i).padStart(i < 100 ? 2 : 3, '0')}`;
    if (!taken.has(name)) return name;
  }
}

/**
 * Merges the BMCs a scan found into the nodes: a server already known (same serial, else same
 * GUID, else same BMC address and port) is updated, a new one is added. So a re-scan never
 * duplicates. Credentials are those the scan used.
 */
export function mergeScan(
  nodes: readonly Node[],
  bmcs: readonly FoundBmc[],
  creds: { type?: 'ipmi' | 'redfish'; user: string; password: string },
  at = new Date().toISOString(),
): { nodes: Node[]; added: number; updated: number } {
  const out = nodes.map((n) => ({ ...n }));
  const type = creds.type ?? 'ipmi';
  let added = 0;
  let updated = 0;
  for (const b of bmcs) {
    const serial = b.identity.serial?.toLowerCase();
    const guid = b.identity.guid?.toLowerCase();
    const port = bmcPort({ type, port: b.port });
    const match =
      (serial && out.find((n) => n.discovered?.serial?.toLowerCase() === serial)) ||
      (guid && out.find((n) => n.discovered?.guid?.toLowerCase() === guid)) ||
      out.find(
        (n) =>
          n.bmc.address === b.address &&
          bmcPort(n.bmc) === port &&
          // the same address now holding a different server is a new server
          !(serial && n.discovered?.serial && n.discovered.serial.toLowerCase() !== serial),
      );
    // A Redfish system id belongs to the BMC settings (pm_system_id), not to what was discovered.
    const { systemId, ...identity } = b.identity;
    const discovered = {
      ...(match?.discovered ?? {}),
      ...identity,
      ...(b.inventory?.cpu ? { cpu: b.inventory.cpu } : {}),
      ...(b.inventory?.memoryMiB ? { memoryMiB: b.inventory.memoryMiB } : {}),
      ...(b.inventory?.diskGiB ? { diskGiB: b.inventory.diskGiB } : {}),
      ...(b.inventory?.macs ? { macs: b.inventory.macs } : {}),
      power: b.power,
      bmcStatus: 'ok' as const,
      at,
    };
    delete discovered.bmcError;
    if (match) {
      match.bmc = { ...match.bmc, address: b.address, ...(b.port ? { port: b.port } : {}), ...(systemId && match.bmc.type === 'redfish' ? { systemId } : {}) };
      match.discovered = discovered;
      updated++;
    } else {
      out.push({
        name: nextNodeName(out),
        bmc: { type, address: b.address, ...(b.port ? { port: b.port } : {}), user: creds.user, password: creds.password, ...(systemId && type === 'redfish' ? { systemId } : {}) },
        macs: [],
        arch: 'x86_64',
        source: 'scan',
        discovered,
      });
      added++;
    }
  }
  return { nodes: out, added, updated };
}

/** Merges imported (or hand-made) nodes: same BMC address+port or same name replaces the old entry's declared facts. */
/** One field of a known server that a nodes file would change, and what the import does with it. */
export interface ImportChange {
  server: string;
  field: string;
  /** The plan's value now; a password shows as ****** (or "none"), never itself. */
  yours: string;
  /** The file's value, shown the same way ("******, another one" when passwords differ). */
  file: string;
  /** `changed`: the file's value is taken; `kept`: the person's own value stays. */
  outcome: 'changed' | 'kept';
}

export interface MergeOptions {
  /** Take the file's BMC credentials and roles too, over the ones the person set. */
  takeFile?: boolean;
}

/**
 * A nodes file merged into the servers known: new ones added, known ones (same BMC or name)
 * updated from the file, except what the person set in the plan: BMC credentials that differ
 * from the file's, and roles chosen by hand, are kept unless `takeFile`. `preview` lists,
 * per known server and field, what the file changes and what is kept (asked before importing).
 */
export function mergeNodes(nodes: readonly Node[], incoming: readonly Node[], o: MergeOptions = {}): { nodes: Node[]; added: number; updated: number; preview: ImportChange[] } {
  const out = nodes.map((n) => ({ ...n }));
  let added = 0;
  let updated = 0;
  const preview: ImportChange[] = [];
  for (const n of incoming) {
    const port = bmcPort(n.bmc);
    const i = out.findIndex((o) => (o.bmc.address === n.bmc.address && bmcPort(o.bmc) === port) || o.name === n.name);
    if (i >= 0) {
      const mine = out[i];
      const ownCredentials = !o.takeFile && (mine.bmc.user !== n.bmc.user || mine.bmc.password !== n.bmc.password || mine.bmc.passwordFile !== n.bmc.passwordFile);
      const ownRole = !o.takeFile && mine.roleSource === 'manual';
      const merged: Node = {
        ...n,
        name: mine.name,
        bmc: ownCredentials ? { ...n.bmc, user: mine.bmc.user, password: mine.bmc.password, passwordFile: mine.bmc.passwordFile } : n.bmc,
        ...(ownRole ? { role: mine.role, roleSource: mine.roleSource } : {}),
        ...(mine.discovered ? { discovered: mine.discovered } : {}),
      };
      preview.push(...nodeChanges(mine, n, merged));
      out[i] = merged;
      updated++;
    } else {
      out.push({ ...n, name: out.some((o) => o.name === n.name) ? nextNodeName(out) : n.name });
      added++;
    }
  }
  return { nodes: out, added, updated, preview };
}

const MASK = '******';

/** Field by field, where the file differs from a known server, and what the merge kept. */
function nodeChanges(before: Node, file: Node, after: Node): ImportChange[] {
  const out: ImportChange[] = [];
  const field = (what: string, get: (n: Node) => unknown, unit = '', secret = false) => {
    const text = (v: unknown) => (v === undefined || v === '' ? 'none' : secret ? MASK : `${String(v)}${unit}`);
    const [a, b, c] = [get(before), get(file), get(after)];
    if (String(a ?? '') === String(b ?? '')) return;
    out.push({
      server: before.name,
      field: what,
      yours: text(a),
      file: secret && a !== undefined && b !== undefined ? `${MASK}, another one` : text(b),
      outcome: String(c ?? '') === String(a ?? '') ? 'kept' : 'changed',
    });
  };
  field('BMC address', (n) => n.bmc.address);
  field('BMC port', (n) => n.bmc.port);
  field('BMC user', (n) => n.bmc.user);
  field('BMC password', (n) => n.bmc.password, '', true);
  field('password file', (n) => n.bmc.passwordFile);
  field('PXE MAC', (n) => n.macs.join(' '));
  field('CPUs', (n) => n.cpu);
  field('RAM', (n) => n.memoryMiB && n.memoryMiB / 1024, ' GiB');
  field('disk', (n) => n.diskGiB, ' GiB');
  field('role', (n) => n.role);
  return out;
}

export interface BmcCheck {
  name: string;
  address: string;
  status: 'on' | 'off' | 'unreachable' | 'refused' | 'error';
  /** The BMC's message, and for problems the likely cause and what to do. */
  message?: string;
  cause?: string;
  fix?: string;
}

/** "Check BMCs": power state of every server; problems come with their likely cause. */
export async function checkBmcs(
  nodes: readonly Node[],
  client: BmcClient,
  o: { concurrency?: number; timeoutMs?: number; signal?: AbortSignal; onResult?(c: BmcCheck, done: number): void } = {},
): Promise<BmcCheck[]> {
  const results: BmcCheck[] = new Array(nodes.length);
  let done = 0;
  const concurrency = o.concurrency ?? DEFAULT_SCAN_CONCURRENCY;
  const signal = fanOutSignal(o.signal, concurrency);
  await eachLimited(
    nodes.map((n, i) => [n, i] as const),
    concurrency,
    signal,
    async ([node, i]) => {
      let c: BmcCheck;
      try {
        const power = await client.powerStatus(await bmcTarget(node), { signal, timeoutMs: o.timeoutMs });
        c = { name: node.name, address: node.bmc.address, status: power };
      } catch (e) {
        if (isAbort(e)) return;
        const kind = e instanceof BmcError ? e.kind : 'other';
        const { cause, fix } = explainBmcError(kind);
        c = { name: node.name, address: node.bmc.address, status: kind === 'other' ? 'error' : kind, message: (e as Error).message, cause, fix };
      }
      results[i] = c;
      o.onResult?.(c, ++done);
    },
  );
  return results.filter(Boolean);
}

/** Records the checks on the nodes (discovered.power / bmcStatus / bmcError). */
export function applyBmcChecks(nodes: readonly Node[], checks: readonly BmcCheck[], at = new Date().toISOString()): Node[] {
  const byName = new Map(checks.map((c) => [c.name, c]));
  return nodes.map((n) => {
    const c = byName.get(n.name);
    if (!c) return n;
    const d = { ...(n.discovered ?? {}) };
    if (c.status === 'on' || c.status === 'off') {
      d.power = c.status;
      d.bmcStatus = 'ok';
      delete d.bmcError;
      d.at = at;
    } else {
      d.power = 'unknown';
      d.bmcStatus = c.status;
      d.bmcError = c.message;
    }
    return { ...n, discovered: d };
  });
}

export interface InspectResult {
  name: string;
  inventory?: BmcInventory;
  /** Why the server could not be inspected. */
  error?: string;
}

/** Inspects servers (hardware facts into `discovered`); a server that fails says why. */
export async function inspectNodes(
  nodes: readonly Node[],
  client: BmcClient,
  o: { concurrency?: number; signal?: AbortSignal; onResult?(r: InspectResult, done: number): void } = {},
): Promise<InspectResult[]> {
  const results: InspectResult[] = [];
  const concurrency = o.concurrency ?? DEFAULT_SCAN_CONCURRENCY;
  const signal = fanOutSignal(o.signal, concurrency);
  await eachLimited(nodes, concurrency, signal, async (node) => {
    let r: InspectResult;
    try {
      if (!client.inspect) throw new BmcError('other', 'this driver cannot inspect servers');
      r = { name: node.name, inventory: await client.inspect(await bmcTarget(node), { signal }) };
    } catch (e) {
      if (isAbort(e)) return;
      r = { name: node.name, error: (e as Error).message };
    }
    results.push(r);
    o.onResult?.(r, results.length);
  });
  return results;
}

/** Records inspected hardware on the nodes. */
export function applyInspection(nodes: readonly Node[], results: readonly InspectResult[], at = new Date().toISOString()): Node[] {
  const byName = new Map(results.filter((r) => r.inventory).map((r) => [r.name, r.inventory!]));
  return nodes.map((n) => {
    const inv = byName.get(n.name);
    if (!inv) return n;
    return {
      ...n,
      // the NIC the inspection image booted from is the PXE NIC: it fills in what a scan could not know
      macs: n.macs.length ? n.macs : (inv.macs ?? []),
      discovered: {
        ...(n.discovered ?? {}),
        ...(inv.cpu ? { cpu: inv.cpu } : {}),
        ...(inv.memoryMiB ? { memoryMiB: inv.memoryMiB } : {}),
        ...(inv.diskGiB ? { diskGiB: inv.diskGiB } : {}),
        ...(inv.macs?.length ? { macs: inv.macs } : {}),
        ...(inv.pxeNic ? { pxeNic: inv.pxeNic } : {}),
        at,
      },
    };
  });
}
