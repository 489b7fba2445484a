// Pre-flight network gates, run before the deployment touches anything: another DHCP server
// answering on the provisioning NIC, an address cloudseed will use already answering, a BMC
// that does not answer. A failed gate blocks the deployment unless the person acknowledges
// it; the acknowledgement is kept in the plan (`options.acknowledged`, e.g. `gate.rogue-dhcp`).
// The probes are a driver: real tools (busybox udhcpc, arping) or the simulated lab's faults.
import { bmcTarget, BmcError, fanOutSignal, isAbort, type BmcClient } from '../inventory/bmc.js';
import { eachLimited } from '../inventory/scan.js';
import { error, warning, type Finding } from '../plan/findings.js';
import type { Plan } from '../plan/schema.js';
import { parseAddress } from './address.js';
import { allocate } from './allocate.js';
import { overcloudNodes } from './networks.js';

export const GATE_IDS = ['gate.rogue-dhcp', 'gate.duplicate-address', 'gate.bmc-unreachable'] as const;
export type GateId = (typeof GATE_IDS)[number];

export interface DhcpOffer {
  /** The DHCP server's address (option 54). */
  server: string;
  /** The address it offered. */
  address?: string;
  router?: string;
}

export interface AddressInUse {
  address: string;
  /** The MAC that answered, when the tool says. */
  mac?: string;
}

/** How the gates look at the world. */
export interface NetworkProbe {
  /** DHCP offers heard on a NIC (a DHCP discover; no address is configured). */
  dhcpOffers(nic: string, signal?: AbortSignal): Promise<DhcpOffer[]>;
  /** Which of `addresses` answer ARP on a NIC (duplicate-address detection). */
  addressesInUse(nic: string, addresses: readonly string[], signal?: AbortSignal): Promise<AddressInUse[]>;
  bmc: BmcClient;
}

export interface GateResult {
  id: GateId;
  title: string;
  /** pass: checked and fine; fail: the problem was found; error: could not check. */
  status: 'pass' | 'fail' | 'error';
  /** One line per thing found (or checked). */
  details: string[];
  /** Field paths the problem concerns (for findings on the screen). */
  where: string[];
  fix: string;
  /** The person acknowledged this gate in the plan. */
  acknowledged: boolean;
}

export interface GateOptions {
  signal?: AbortSignal;
  log?: (line: string, level?: 'info' | 'warn' | 'error') => void;
  /** BMCs checked at once. */
  concurrency?: number;
  /** Give up on one BMC after this long. */
  bmcTimeoutMs?: number;
}

/** An address cloudseed will use, on which NIC of this host it can be probed, and why. */
export interface PlannedAddress {
  nic: string;
  address: string;
  where: string;
  label: string;
}

/**
 * Addresses cloudseed will take that this host can probe: the seed, the undercloud and the
 * servers' provisioning addresses on the provisioning NIC; the public VIP and the
 * controllers' external addresses on the external NIC when it is untagged on this host.
 * IPv6 addresses are left out (arping speaks ARP only).
 */
export function plannedAddresses(plan: Plan): PlannedAddress[] {
  const out: PlannedAddress[] = [];
  const p = plan.network.provisioning;
  const e = plan.network.external;
  const v4 = (a: string | undefined): a is string => !!a && parseAddress(a)?.family === 4;
  const allocation = allocate(plan);
  if (p.nic) {
    if (v4(p.seedIp)) out.push({ nic: p.nic, address: p.seedIp, where: 'network.provisioning.seedIp', label: 'seed' });
    if (v4(p.undercloudIp) && p.undercloudIp !== p.seedIp) out.push({ nic: p.nic, address: p.undercloudIp, where: 'network.provisioning.undercloudIp', label: 'undercloud' });
    allocation.nodes.forEach((n, i) => {
      const a = n.addresses.ctlplane;
      if (v4(a) && a !== p.undercloudIp) out.push({ nic: p.nic!, address: a, where: `nodes[${i}]`, label: n.node });
    });
  }
  if (e.nic && e.vlan === undefined) {
    if (v4(e.publicVip)) out.push({ nic: e.nic, address: e.publicVip, where: 'network.external.publicVip', label: 'public VIP' });
    allocation.nodes.forEach((n, i) => {
      const a = n.addresses.External;
      if (v4(a)) out.push({ nic: e.nic!, address: a, where: `nodes[${i}]`, label: `${n.node} (external)` });
    });
  }
  return out;
}

/** The lab's BMCs and Ironics on 127.0.0.0/8 (a plan with `nic: lo`): no other host is on that wire. */
const isLoopback = (nic: string) => nic === 'lo';

const describe = (e: unknown) => (e instanceof Error ? e.message : String(e));

async function rogueDhcpGate(plan: Plan, probe: NetworkProbe, o: GateOptions): Promise<Omit<GateResult, 'acknowledged'>> {
  const p = plan.network.provisioning;
  const base = { id: 'gate.rogue-dhcp' as const, title: 'No other DHCP server on the provisioning network', where: ['network.provisioning.nic'] };
  const fix = 'switch that DHCP server off on this network (or keep PXE traffic away from it), or pick another NIC; acknowledge only if you know it ignores PXE requests';
  if (!p.nic && plan.seed.mode === 'adopt') {
    return { ...base, status: 'pass', details: ['the seed is adopted and no provisioning NIC of this host is in the plan: nothing to probe from here'], fix };
  }
  if (!p.nic) return { ...base, status: 'error', details: ['no provisioning NIC is chosen'], fix: 'pick the provisioning NIC on the Network screen' };
  if (isLoopback(p.nic)) return { ...base, status: 'pass', details: [`${p.nic} is the loopback: no other DHCP server can answer on it`], fix };
  o.log?.(`DHCP discover on ${p.nic}`);
  try {
    // The seed's (or undercloud's) own DHCP answering, on a resumed run, is no stranger.
    const ours = new Set([p.seedIp, p.undercloudIp].filter(Boolean));
    const offers = (await probe.dhcpOffers(p.nic, o.signal)).filter((offer) => !ours.has(offer.server));
    if (offers.length === 0) return { ...base, status: 'pass', details: [`no DHCP offer on ${p.nic}`], fix };
    const details = offers.map((x) => `${x.server} answers DHCP on ${p.nic}${x.address ? ` (offered ${x.address})` : ''}: it would race the seed's PXE answers`);
    return { ...base, status: 'fail', details, fix };
  } catch (e) {
    if (isAbort(e)) throw e;
    return { ...base, status: 'error', details: [`the DHCP probe failed: ${describe(e)}`], fix: 'install busybox (udhcpc) and run cloudseed as root, or acknowledge after checking by hand' };
  }
}

async function duplicateGate(plan: Plan, probe: NetworkProbe, o: GateOptions): Promise<Omit<GateResult, 'acknowledged'>> {
  const base = { id: 'gate.duplicate-address' as const, title: 'No address cloudseed will use is taken' };
  const fix = 'free those addresses, or pick others on the Network screen (move the range or the static address)';
  const planned = plannedAddresses(plan);
  const byNic = new Map<string, PlannedAddress[]>();
  for (const a of planned) byNic.set(a.nic, [...(byNic.get(a.nic) ?? []), a]);
  const details: string[] = [];
  const where: string[] = [];
  try {
    for (const [nic, list] of byNic) {
      if (isLoopback(nic)) continue; // only this host answers on its loopback
      o.log?.(`duplicate-address probe of ${list.length} address(es) on ${nic}`);
      const taken = await probe.addressesInUse(nic, list.map((a) => a.address), o.signal);
      for (const t of taken) {
        for (const a of list.filter((x) => x.address === t.address)) {
          details.push(`${t.address} (${a.label}) already answers on ${nic}${t.mac ? ` from ${t.mac}` : ''}`);
          where.push(a.where);
        }
      }
    }
  } catch (e) {
    if (isAbort(e)) throw e;
    return { ...base, status: 'error', details: [`the duplicate-address probe failed: ${describe(e)}`], where: [], fix: 'install arping and run cloudseed as root, or acknowledge after checking by hand' };
  }
  if (details.length) return { ...base, status: 'fail', details, where, fix };
  const probed = planned.filter((a) => !isLoopback(a.nic)).length;
  const checked = probed === planned.length ? `${probed} address(es) checked, none answers` : `${probed} address(es) checked, none answers (${planned.length - probed} on the loopback)`;
  return { ...base, status: 'pass', details: [checked], where: [], fix };
}

async function bmcGate(plan: Plan, probe: NetworkProbe, o: GateOptions): Promise<Omit<GateResult, 'acknowledged'>> {
  const base = { id: 'gate.bmc-unreachable' as const, title: 'Every BMC answers' };
  const details: string[] = [];
  const where: string[] = [];
  const index = new Map(plan.nodes.map((n, i) => [n.name, i]));
  const nodes = overcloudNodes(plan).concat(plan.nodes.filter((n) => plan.roles.undercloud.placement === 'server' && n.name === plan.roles.undercloud.node));
  const concurrency = o.concurrency ?? 16;
  // Each call in flight listens for the abort (a client may add a few listeners of its own).
  const signal = o.signal && fanOutSignal(o.signal, 4 * Math.min(concurrency, nodes.length));
  await eachLimited(nodes, concurrency, signal, async (node) => {
    try {
      const power = await probe.bmc.powerStatus(await bmcTarget(node), { signal, timeoutMs: o.bmcTimeoutMs ?? 5000 });
      o.log?.(`${node.name}: BMC ${node.bmc.address} answers, power ${power}`);
    } catch (e) {
      if (isAbort(e) && o.signal?.aborted) throw e;
      const kind = e instanceof BmcError ? e.kind : 'other';
      const what = kind === 'unreachable' ? 'does not answer' : kind === 'refused' ? 'answers but refuses the credentials' : `answers with an error: ${describe(e)}`;
      details.push(`${node.name}: BMC ${node.bmc.address} ${what}`);
      where.push(`nodes[${index.get(node.name)}].bmc.address`);
      o.log?.(`${node.name}: BMC ${node.bmc.address} ${what}`, 'error');
    }
  });
  o.signal?.throwIfAborted(); // the servers not asked once stopped did not pass
  if (details.length) {
    return { ...base, status: 'fail', details, where, fix: 'check the BMC address, its cable and IPMI-over-LAN setting (and the credentials), or take the server out of the plan' };
  }
  return { ...base, status: 'pass', details: [`${nodes.length} BMC(s) answer`], where: [], fix: '' };
}

/** Runs the three gates, one after the other (they share the provisioning wire). */
export async function runGates(plan: Plan, probe: NetworkProbe, o: GateOptions = {}): Promise<GateResult[]> {
  const acknowledged = new Set(plan.options.acknowledged);
  const results = [await rogueDhcpGate(plan, probe, o), await duplicateGate(plan, probe, o), await bmcGate(plan, probe, o)];
  return results.map((r) => ({ ...r, acknowledged: acknowledged.has(r.id) }));
}

/** Gates that stop the deployment: failed (or not checkable) and not acknowledged. */
export function blockingGates(results: readonly GateResult[]): GateResult[] {
  return results.filter((r) => r.status !== 'pass' && !r.acknowledged);
}

/** The plan with a gate acknowledged (idempotent). */
export function acknowledgeGate(plan: Plan, id: GateId): Plan {
  if (plan.options.acknowledged.includes(id)) return plan;
  return { ...plan, options: { ...plan.options, acknowledged: [...plan.options.acknowledged, id] } };
}

/** Gate results as findings: errors while they block, warnings once acknowledged. */
export function gateFindings(results: readonly GateResult[]): Finding[] {
  return results
    .filter((r) => r.status !== 'pass')
    .flatMap((r) => {
      const make = r.acknowledged ? warning : error;
      const where = r.where.length ? r.where : ['network'];
      return r.details.map((d, i) => make(r.id, where[Math.min(i, where.length - 1)], r.acknowledged ? `${d} (acknowledged)` : d, r.fix, 'network'));
    });
}
