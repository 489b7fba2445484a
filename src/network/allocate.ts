// Per-server addresses on every network, deterministic and stable.
//
// How a server's address is chosen on a network: its name is hashed (FNV-1a) and mapped to
// a slot of the network's pool with a jump consistent hash (Lamping & Veach); if that slot
// is taken (a static address, or a server earlier in plan order), the next free slot is
// used. So:
// - the same plan always gives the same addresses (reload, other machine, other run);
// - adding servers never moves an existing server (it only takes free slots);
// - growing a pool moves only the few servers the new slots draw (the jump hash's promise),
//   not all of them;
// - removing or reordering servers moves only a server that had collided with another.
// Nothing is stored: the plan is the single source of truth.
import type { Plan, RoleName } from '../plan/schema.js';
import { formatAddress, parseAddress, parseRange, rangeSize, type Range } from './address.js';
import { enabledNetworks, networksOfNode, overcloudNodes, type NetworkId, type NetworkView } from './networks.js';

export interface NodeAddresses {
  node: string;
  role?: RoleName;
  /** Network → address; a network the server is on but got no address on is absent. */
  addresses: Partial<Record<NetworkId, string>>;
}

export interface Allocation {
  /** Enabled networks, in display order. */
  networks: NetworkId[];
  /** Every server, in plan order (the undercloud server too, with its static address). */
  nodes: NodeAddresses[];
  byNode: Map<string, NodeAddresses>;
  seed?: string;
  undercloud?: string;
  /** Network → VIP (External: the public VIP). */
  vips: Partial<Record<NetworkId, string>>;
  /** Servers that could not get an address, and why (pool full or unreadable). */
  unallocated: { node: string; network: NetworkId; reason: string }[];
}

/** FNV-1a, 32 bits: a stable hash of a name. */
function nameHash(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * Jump consistent hash: a bucket in [0, buckets) for a key; growing `buckets` from n to
 * n+1 moves only 1/(n+1) of the keys. The random sequence is mulberry32 seeded by the key.
 */
export function jumpHash(key: number, buckets: number): number {
  let state = key >>> 0;
  let b = -1;
  let j = 0;
  while (j < buckets) {
    b = j;
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const random = (((t ^ (t >>> 14)) >>> 0) + 1) / 4294967297; // (0, 1)
    j = Math.floor((b + 1) / random);
  }
  return b;
}

/** Slots used when a pool is larger (IPv6): 2^32 is more than any deployment needs. */
const MAX_SLOTS = 2 ** 32;

/** Hands out slots of one pool: the hashed slot, or the next free one. */
class Pool {
  private readonly slots: number;
  private readonly dense?: Uint8Array;
  private readonly sparse?: Set<number>;
  private used = 0;
  constructor(readonly range: Range) {
    const size = rangeSize(range);
    this.slots = size > BigInt(MAX_SLOTS) ? MAX_SLOTS : Number(size);
    if (this.slots <= 1 << 22) this.dense = new Uint8Array(this.slots);
    else this.sparse = new Set();
  }
  private taken(slot: number): boolean {
    return this.dense ? this.dense[slot] === 1 : this.sparse!.has(slot);
  }
  private take(slot: number): void {
    if (this.dense) this.dense[slot] = 1;
    else this.sparse!.add(slot);
    this.used++;
  }
  /** Marks a static address inside the pool as not to be handed out. */
  reserve(value: bigint): void {
    if (value < this.range.start || value > this.range.end) return;
    const slot = value - this.range.start;
    if (slot < BigInt(this.slots) && !this.taken(Number(slot))) this.take(Number(slot));
  }
  /** `key` is the server's nameHash, the same on every network. */
  place(key: number): bigint | undefined {
    if (this.used >= this.slots) return undefined;
    let slot = jumpHash(key, this.slots);
    while (this.taken(slot)) slot = slot + 1 === this.slots ? 0 : slot + 1;
    this.take(slot);
    return this.range.start + BigInt(slot);
  }
}

function poolOf(view: NetworkView): Pool | string {
  if (view.pool.start === undefined || view.pool.end === undefined) return 'the pool is not set';
  const range = parseRange(view.pool.start, view.pool.end);
  if (!range || range.start > range.end) return 'the pool cannot be read (see the findings)';
  const pool = new Pool(range);
  const reserved = [view.gateway, ...view.statics.map((s) => s.address)];
  for (const text of reserved) {
    const a = text === undefined ? undefined : parseAddress(text);
    if (a && a.family === range.family) pool.reserve(a.value);
  }
  return pool;
}

/** Addresses for every server on every network it is on, plus the seed, undercloud and VIPs. */
export function allocate(plan: Plan): Allocation {
  const views = enabledNetworks(plan.network);
  const enabled = new Set(views.map((v) => v.id));
  const p = plan.network.provisioning;
  const allocation: Allocation = {
    networks: views.map((v) => v.id),
    nodes: [],
    byNode: new Map(),
    seed: p.seedIp,
    undercloud: p.undercloudIp,
    vips: {},
    unallocated: [],
  };
  for (const v of views) {
    const vip = v.statics.find((s) => s.path.endsWith('.vip') || s.path.endsWith('.publicVip'));
    if (vip) allocation.vips[v.id] = vip.address;
  }
  const pools = new Map(views.map((v) => [v.id, poolOf(v)] as const));
  const overcloud = new Set(overcloudNodes(plan).map((n) => n.name));
  for (const node of plan.nodes) {
    const entry: NodeAddresses = { node: node.name, role: node.role, addresses: {} };
    allocation.nodes.push(entry);
    allocation.byNode.set(node.name, entry);
    if (!overcloud.has(node.name)) {
      // The server that becomes the undercloud has its static provisioning address.
      if (p.undercloudIp) entry.addresses.ctlplane = p.undercloudIp;
      continue;
    }
    const key = nameHash(node.name);
    for (const id of networksOfNode(node.role, enabled)) {
      const pool = pools.get(id)!;
      if (typeof pool === 'string') {
        allocation.unallocated.push({ node: node.name, network: id, reason: pool });
        continue;
      }
      const value = pool.place(key);
      if (value === undefined) allocation.unallocated.push({ node: node.name, network: id, reason: 'the pool is full' });
      else entry.addresses[id] = formatAddress({ family: pool.range.family, value });
    }
  }
  return allocation;
}
