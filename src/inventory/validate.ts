// The servers' rules: what is declared against what was discovered, PXE MACs, BMC addresses
// duplicates, and BMCs that did not answer at the last check.
import { error, warning, type Finding } from '../plan/findings.js';
import type { Plan } from '../plan/schema.js';
import { isBmcAddress } from './addresses.js';
import { bmcPort, explainBmcError } from './bmc.js';

const S = 'servers' as const;

export function validateNodes(plan: Plan): Finding[] {
  const out: Finding[] = [];
  if (plan.nodes.length === 0) {
    // Without servers there is no overcloud to deploy.
    out.push(error('inventory.no-servers', 'nodes', 'the plan has no servers: the overcloud needs at least one', 'import a nodes file (i), scan a BMC range (s) or add a server by hand (a)', S));
  }
  // duplicate names and missing passwords are the plan's own rules (src/plan/validate.ts)
  const seen = { bmc: new Map<string, number>(), mac: new Map<string, number>() };
  plan.nodes.forEach((n, i) => {
    const at = (field: string) => `nodes[${i}]${field ? '.' + field : ''}`;
    const d = n.discovered;

    if (!isBmcAddress(n.bmc.address))
      out.push(error('inventory.bmc-address', at('bmc.address'), `${n.name}: "${n.bmc.address}" is not an IP address or host name`, 'enter the BMC address, e.g. 10.0.0.21', S));

    if (d?.bmcStatus === 'unreachable' || d?.bmcStatus === 'refused') {
      const { cause, fix } = explainBmcError(d.bmcStatus);
      out.push(error(`inventory.bmc-${d.bmcStatus}`, at('bmc'), `${n.name}: ${cause}`, fix, S));
    }

    if (d?.diskGiB && n.diskGiB && d.diskGiB < n.diskGiB)
      out.push(
        error('inventory.disk-smaller', at('diskGiB'), `${n.name}: the disk is ${d.diskGiB} GiB, smaller than the ${n.diskGiB} GiB declared`, `declare ${d.diskGiB} GiB (deploying to a smaller disk fails)`, S),
      );
    if (d?.cpu && n.cpu && d.cpu < n.cpu)
      out.push(warning('inventory.cpu-fewer', at('cpu'), `${n.name}: ${d.cpu} CPUs found, ${n.cpu} declared`, `declare ${d.cpu} CPUs so roles are matched to what the server has`, S));
    if (d?.memoryMiB && n.memoryMiB && d.memoryMiB < n.memoryMiB)
      out.push(
        warning('inventory.memory-less', at('memoryMiB'), `${n.name}: ${d.memoryMiB} MiB of memory found, ${n.memoryMiB} MiB declared`, `declare ${d.memoryMiB} MiB so roles are matched to what the server has`, S),
      );

    const macs = n.macs.length ? n.macs : (d?.macs ?? []);
    if (macs.length === 0)
      out.push(warning('inventory.no-pxe-mac', at('macs'), `${n.name}: no PXE MAC known`, 'enter the MAC of the NIC the server boots from (the provisioning NIC)', S));
    if (d?.bmcMac && n.macs.some((m) => m.toLowerCase() === d.bmcMac))
      out.push(error('inventory.pxe-is-bmc', at('macs'), `${n.name}: the PXE MAC ${d.bmcMac} is the BMC's own MAC`, "enter the server NIC's MAC, not the BMC's", S));

    const dup = (kind: keyof typeof seen, key: string, field: string, what: string) => {
      const prev = seen[kind].get(key);
      if (prev !== undefined)
        out.push(error(`inventory.duplicate-${kind}`, at(field), `${n.name}: ${what} as ${plan.nodes[prev].name}`, 'each server needs its own; correct or remove one of them', S));
      else seen[kind].set(key, i);
    };
    dup('bmc', `${n.bmc.address.toLowerCase()}:${bmcPort(n.bmc)}`, 'bmc.address', `the same BMC (${n.bmc.address})`);
    n.macs.forEach((m, j) => dup('mac', m.toLowerCase(), `macs[${j}]`, `the same PXE MAC (${m})`));
  });
  return out;
}
