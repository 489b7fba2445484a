// The seed host's facts for the screens that place networks (Network, Roles), and the hook
// that keeps the plan's network what src/network says it is for the servers and roles.
import { useEffect, useMemo, useState } from 'react';
import type { HostFacts } from '../../src/inventory/host-facts.js';
import { hostFactsFromLab, probeHost } from '../../src/inventory/probe.js';
import type { LabWorld } from '../../src/lab/world.js';
import type { Network } from '../../src/plan/schema.js';
import { networkFor } from '../../src/network/suggest.js';
import type { AppContext } from '../types.js';

/** The seed host's facts: the lab's seed host (worked out once per lab), or this machine probed. */
export function useHostFacts(lab: LabWorld | undefined, needed = true): { facts?: HostFacts; ready: boolean } {
  const labFacts = useMemo(() => (lab ? hostFactsFromLab(lab) : undefined), [lab]);
  const [probed, setProbed] = useState<{ facts?: HostFacts; ready: boolean }>({ ready: false });
  useEffect(() => {
    if (lab || !needed) return;
    let live = true;
    probeHost().then(
      (facts) => live && setProbed({ facts, ready: true }),
      () => live && setProbed({ ready: true }),
    );
    return () => {
      live = false;
    };
  }, [lab, needed]);
  return lab ? { facts: labFacts, ready: true } : probed;
}

/** A network section nobody filled in yet (a new plan). */
export function unfilled(n: Network): boolean {
  const p = n.provisioning;
  return n.manual === undefined && p.seedIp === undefined && p.dhcpStart === undefined && p.nic === undefined;
}

/**
 * Keeps the plan's network the function of its servers, roles and the person's own values
 * (networkFor): a new plan's network is suggested whole; afterwards what the person did not
 * set follows every change of servers or roles, however the person got there.
 */
export function useNetworkFollows(app: AppContext, facts: HostFacts | undefined, ready: boolean): void {
  const { plan, setPlan } = app;
  useEffect(() => {
    if (!ready) return;
    setPlan((p) => {
      const base = unfilled(p.network) ? { ...p, network: { ...p.network, manual: [] } } : p;
      const next = networkFor(base, facts);
      return JSON.stringify(next) === JSON.stringify(p.network) ? p : { ...p, network: next };
    });
  }, [ready, facts, plan.nodes, plan.roles, plan.network]); // eslint-disable-line react-hooks/exhaustive-deps
}
