// seed.network-gates: the three pre-flight gates of src/network/gates.ts (another DHCP server,
// addresses in use, BMCs that do not answer) through the world's probe, with the plan's
// acknowledgements — what `cloudseed gates` runs. The blocking gates travel as data on the error.
import { blockingGates, runGates } from '../../network/gates.js';
import { StepError } from '../types.js';
import type { StepModule } from './common.js';

export const networkGates: StepModule = {
  async run(ctx, world) {
    const { plan } = ctx;
    ctx.waitingFor(`a DHCP answer on ${plan.network.provisioning.nic ?? 'the provisioning NIC'}`);
    const results = await world.clock.hold(runGates(plan, world.network, { signal: ctx.signal, log: (line, level) => ctx.log(line, { level }) }));
    for (const r of results) {
      const state = `${r.status}${r.acknowledged && r.status !== 'pass' ? ' (acknowledged)' : ''}`;
      ctx.log(`${r.title}: ${state}${r.details.length ? ` -- ${r.details.join('; ')}` : ''}`, { level: r.status === 'pass' ? 'info' : r.acknowledged ? 'warn' : 'error' });
    }
    const blocking = blockingGates(results);
    if (!blocking.length) return;
    const first = blocking[0];
    throw new StepError(
      first.id === 'gate.bmc-unreachable' ? 'unreachable' : 'state',
      `${first.title}: ${first.details.join('; ')}`,
      `${first.fix}; or skip this step to acknowledge ${blocking.length === 1 ? 'it' : 'them'} (options.acknowledged)`,
      blocking.map((g) => `${g.id}: ${g.details.join('; ')}`),
      blocking.map((g) => ({ id: g.id, details: g.details })),
    );
  },
};
