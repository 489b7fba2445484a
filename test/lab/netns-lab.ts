// A network-namespace lab for the gates: a "seed" namespace (where the probes run) joined by a
// veth pair to a "lan" namespace holding a dnsmasq that answers DHCP (the rogue server) and an
// address already taken (198.51.100.7). Nothing touches this machine's own interfaces;
// stop() tears it all down, dnsmasq killed by its PID.
import { execa, type ResultPromise } from 'execa';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BmcError, type BmcClient } from '../../src/inventory/bmc.js';

export interface NetnsLab {
  /** The namespace the probes run in; its NIC is prov0 (198.51.100.0/24). */
  seed: string;
  stopDnsmasq(): Promise<void>;
  stop(): Promise<void>;
}

export async function startNetnsLab(tag: string): Promise<NetnsLab> {
  const SEED = `${tag}-seed`;
  const LAN = `${tag}-lan`;
  const dir = mkdtempSync(join(tmpdir(), `${tag}-`));
  const ip = (...args: string[]) => execa('ip', args);
  let dnsmasq: ResultPromise | undefined;

  const stopDnsmasq = async () => {
    const p = dnsmasq;
    dnsmasq = undefined;
    if (p?.pid) {
      // `ip netns exec` execs dnsmasq in place: the PID is dnsmasq's own.
      try {
        process.kill(p.pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
      await p;
    }
  };

  await ip('netns', 'add', SEED);
  await ip('netns', 'add', LAN);
  const suffix = `${process.pid}${tag.length}`.slice(-8);
  await ip('link', 'add', `csa${suffix}`, 'netns', SEED, 'type', 'veth', 'peer', 'name', `csb${suffix}`, 'netns', LAN);
  await ip('-n', SEED, 'link', 'set', `csa${suffix}`, 'name', 'prov0');
  await ip('-n', LAN, 'link', 'set', `csb${suffix}`, 'name', 'lan0');
  for (const [ns, nic] of [[SEED, 'prov0'], [LAN, 'lan0']]) {
    await ip('-n', ns, 'link', 'set', 'lo', 'up');
    await ip('-n', ns, 'link', 'set', nic, 'up');
  }
  await ip('-n', LAN, 'addr', 'add', '198.51.100.2/24', 'dev', 'lan0');
  // Someone already uses the address the plans give the seed.
  await ip('-n', LAN, 'addr', 'add', '198.51.100.7/24', 'dev', 'lan0');
  dnsmasq = execa(
    'ip',
    ['netns', 'exec', LAN, 'dnsmasq', '--keep-in-foreground', '--conf-file=/dev/null', '--interface=lan0', '--bind-interfaces', '--port=0', '--no-ping', '--no-resolv', '--no-hosts', '--pid-file=', `--dhcp-leasefile=${join(dir, 'leases')}`, '--dhcp-range=198.51.100.100,198.51.100.150,1h', `--log-facility=${join(dir, 'dnsmasq.log')}`],
    { reject: false },
  );
  // Ready once it listens on the DHCP port in its namespace.
  let ready = false;
  for (let i = 0; i < 50 && !ready; i++) {
    const r = await execa('ip', ['netns', 'exec', LAN, 'ss', '-uln', 'sport = :67'], { reject: false });
    ready = /:67\b/.test(r.stdout);
    if (!ready) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const stop = async () => {
    await stopDnsmasq();
    await execa('ip', ['netns', 'del', SEED], { reject: false });
    await execa('ip', ['netns', 'del', LAN], { reject: false });
    rmSync(dir, { recursive: true, force: true });
  };
  if (!ready) {
    await stop();
    throw new Error('dnsmasq did not start in the namespace lab');
  }
  return { seed: SEED, stopDnsmasq, stop };
}

/**
 * The lab's BMCs for the gate tests: the one at 203.0.113.12 never answers, every other one
 * is on (the real BMC clients are tested against ipmi_sim elsewhere).
 */
export const lanBmc: BmcClient = {
  async powerStatus(t) {
    if (t.address === '203.0.113.12') throw new BmcError('unreachable', 'no answer');
    return 'on';
  },
  setPower: async () => {},
  setBootPxe: async () => 'pxe',
  bootDevice: async () => 'pxe',
  identify: async () => ({}),
};
