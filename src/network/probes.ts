// The gates' two probes: the real one (busybox udhcpc for a DHCP discover, arping for
// duplicate addresses, optionally inside a network namespace) and the simulated lab's.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fanOutSignal, type BmcClient } from '../inventory/bmc.js';
import { bmcClientFor } from '../inventory/clients.js';
import { eachLimited } from '../inventory/scan.js';
import type { LabWorld } from '../lab/world.js';
import type { AddressInUse, DhcpOffer, NetworkProbe } from './gates.js';

export interface RealProbeOptions {
  /** Run the tools inside this network namespace (`ip netns exec NS ...`). */
  netns?: string;
  /** DHCP discover packets to send, and seconds to wait for an offer after each. */
  dhcpTries?: number;
  dhcpWaitS?: number;
  /** ARP probes per address, and addresses probed at once. */
  arpCount?: number;
  concurrency?: number;
  bmc?: BmcClient;
  env?: NodeJS.ProcessEnv;
}

// udhcpc runs this at each event; it records an offer it was bound with and configures nothing.
const DHCP_SCRIPT = `#!/bin/sh
case "$1" in
  bound|renew) printf 'server=%s ip=%s router=%s\\n' "$serverid" "$ip" "$router" >> "$CS_DHCP_OUT" ;;
esac
exit 0
`;

/** Parses the lines the udhcpc script wrote. */
export function parseDhcpRecord(text: string): DhcpOffer[] {
  const offers: DhcpOffer[] = [];
  for (const line of text.split('\n')) {
    const fields = Object.fromEntries(
      line
        .trim()
        .split(/\s+/)
        .map((kv) => kv.split('=') as [string, string])
        .filter(([k, v]) => k && v),
    );
    if (fields.server || fields.ip) offers.push({ server: fields.server ?? 'unknown', ...(fields.ip ? { address: fields.ip } : {}), ...(fields.router ? { router: fields.router.split(' ')[0] } : {}) });
  }
  return offers;
}

/** The MAC in an arping reply line (Thomas Habets' or iputils' arping). */
export function parseArpingMac(output: string): string | undefined {
  return /(?:from|\[)\s*([0-9a-f]{2}(?::[0-9a-f]{2}){5})/i.exec(output)?.[1]?.toLowerCase();
}

const TOOL_TIMEOUT_MS = 60_000;

/** Runs a tool (inside the namespace when one is set); a cancelled run throws an AbortError. */
async function run(argv: string[], o: RealProbeOptions, signal?: AbortSignal, env?: Record<string, string>) {
  const { execa } = await import('execa');
  const full = o.netns ? ['ip', 'netns', 'exec', o.netns, ...argv] : argv;
  // execa adds process.env under `env` (extendEnv).
  const r = await execa(full[0], full.slice(1), { reject: false, all: true, cancelSignal: signal, env: { ...o.env, ...env }, timeout: TOOL_TIMEOUT_MS });
  if (r.isCanceled) throw new DOMException('cancelled', 'AbortError');
  return r;
}

/** Throws when a tool could not do its work at all (missing, no such NIC, not root). */
function failedTool(name: string, r: { exitCode?: number; all?: unknown; failed: boolean; code?: string; timedOut: boolean }): void {
  const text = String(r.all ?? '');
  const last = text.trim().split('\n').pop() ?? '';
  if (r.timedOut) throw new Error(`${name} did not finish within ${TOOL_TIMEOUT_MS / 1000} s`);
  if (r.exitCode === undefined) throw new Error(`${name} could not be started (${r.code ?? 'not found'}): install it`);
  if (/SIOCGIFINDEX|No such device|not permitted|Permission denied|Cannot open network namespace|can't|unknown iface|invalid argument/i.test(text)) {
    throw new Error(`${name}: ${last}`);
  }
}

let arpingFlavour: Promise<'habets' | 'iputils'> | undefined;

/** Two arpings exist: Thomas Habets' (Debian `arping`) and iputils' (`iputils-arping`). */
function flavour(o: RealProbeOptions): Promise<'habets' | 'iputils'> {
  arpingFlavour ??= run(['arping', '--help'], { env: o.env }).then((r) => (/habets/i.test(String(r.all)) ? 'habets' : 'iputils'));
  return arpingFlavour;
}

export function realProbe(o: RealProbeOptions = {}): NetworkProbe {
  return {
    bmc: o.bmc ?? bmcClientFor(undefined),

    async dhcpOffers(nic, signal) {
      const dir = await mkdtemp(join(tmpdir(), 'cloudseed-dhcp-'));
      try {
        const script = join(dir, 'record.sh');
        const out = join(dir, 'offers');
        await writeFile(script, DHCP_SCRIPT, { mode: 0o700 });
        await writeFile(out, '');
        const tries = String(o.dhcpTries ?? 4);
        // -n: give up when no lease; -q: stop at the first; -R: release what was leased.
        const r = await run(['busybox', 'udhcpc', '-f', '-n', '-q', '-R', '-i', nic, '-t', tries, '-T', String(o.dhcpWaitS ?? 2), '-A', '0', '-s', script], o, signal, { CS_DHCP_OUT: out });
        const offers = parseDhcpRecord(await readFile(out, 'utf8'));
        if (offers.length === 0) failedTool('udhcpc', r);
        return offers;
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },

    async addressesInUse(nic, addresses, signal) {
      const kind = await flavour(o);
      const count = String(o.arpCount ?? 2);
      const found: AddressInUse[] = [];
      const concurrency = o.concurrency ?? 32;
      // One arping in flight per address, each listening for the abort.
      const each = signal && fanOutSignal(signal, 2 * Math.min(concurrency, addresses.length));
      await eachLimited(addresses, concurrency, each, async (address) => {
        // Duplicate-address detection: probe from 0.0.0.0, any reply means "taken".
        const argv =
          kind === 'habets'
            ? ['arping', '-0', '-i', nic, '-c', count, '-C', '1', '-w', '1', address]
            : ['arping', '-D', '-I', nic, '-c', count, '-w', String(Number(count) + 1), address];
        const r = await run(argv, o, each);
        const text = String(r.all);
        const mac = parseArpingMac(text);
        const answered = kind === 'habets' ? r.exitCode === 0 && !!mac : r.exitCode === 1 && !!mac;
        if (answered) found.push({ address, mac });
        else if (!mac) failedTool('arping', r);
      });
      signal?.throwIfAborted(); // addresses not probed once stopped are not free
      return found;
    },
  };
}

/** The simulated lab's probe: plays its rogue DHCP server, taken addresses and dead BMCs. */
export function simProbe(world: LabWorld, bmc: BmcClient = bmcClientFor(world)): NetworkProbe {
  return {
    bmc,
    async dhcpOffers() {
      // The lab's rogue server: a forgotten router handing out its own range.
      return world.network.rogueDhcp ? [{ server: '10.99.0.1', address: '10.99.0.100', router: '10.99.0.1' }] : [];
    },
    async addressesInUse(_nic, addresses) {
      const taken = new Set(world.network.takenAddresses);
      return addresses.filter((a) => taken.has(a)).map((address, i) => ({ address, mac: `52:54:00:de:ad:${(i % 256).toString(16).padStart(2, '0')}` }));
    },
  };
}
