// validate + allocate of the network for 1,000 and 10,000 servers: milliseconds (median of
// several runs after a warm-up) and the 10k/1k ratio. Targets: <= 100 ms for 1,000; ratio <= 12.
import { hostFactsFromLab } from '../src/inventory/probe.js';
import { generateDatacenter } from '../src/lab/load.js';
import { allocate } from '../src/network/allocate.js';
import { suggestNetwork } from '../src/network/suggest.js';
import { validateNetwork } from '../src/network/validate.js';
import { emptyPlan, type Plan, type RoleName } from '../src/plan/schema.js';

function planFor(size: number): { plan: Plan; facts: ReturnType<typeof hostFactsFromLab> } {
  const world = generateDatacenter(size, 1);
  const facts = hostFactsFromLab(world);
  const role = (i: number): RoleName => (i < 3 ? 'Controller' : i % 10 === 0 ? 'CephStorage' : 'Compute');
  const plan = emptyPlan({
    nodes: world.servers.map((s, i) => ({
      name: s.name,
      bmc: { type: s.bmc.type, address: s.bmc.address, user: s.bmc.user, password: s.bmc.password },
      macs: s.nics.filter((n) => n.pxe).map((n) => n.mac),
      role: role(i),
    })),
  });
  return { plan: { ...plan, network: suggestNetwork({ plan, hostFacts: facts, layout: 'isolated' }).network }, facts };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function measure(size: number, runs: number): { ms: number; findings: number; addresses: number } {
  const { plan, facts } = planFor(size);
  let findings = 0;
  let addresses = 0;
  const once = () => {
    const t = performance.now();
    findings = validateNetwork(plan, facts).length;
    const a = allocate(plan);
    addresses = a.nodes.reduce((n, x) => n + Object.keys(x.addresses).length, 0);
    return performance.now() - t;
  };
  once(); // warm-up
  return { ms: median(Array.from({ length: runs }, once)), findings, addresses };
}

const small = measure(1000, 9);
const large = measure(10000, 5);
const ratio = large.ms / small.ms;
console.log(`network validate+allocate   1,000 servers: ${small.ms.toFixed(1)} ms (${small.addresses} addresses, ${small.findings} findings)  target <= 100 ms`);
console.log(`network validate+allocate  10,000 servers: ${large.ms.toFixed(1)} ms (${large.addresses} addresses, ${large.findings} findings)`);
console.log(`ratio 10k/1k: ${ratio.toFixed(2)}  target <= 12`);
