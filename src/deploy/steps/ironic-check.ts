// seed.ironic, seed.adopt-check, undercloud.adopt-check, undercloud.check-apis: the tier's
// Ironic answers at the API version the plan expects, and its credentials work.
import { IronicError } from '../../ironic/client.js';
import { StepError } from '../types.js';
import { ironicEndpoint, ironicTierFor, type StepModule } from './common.js';

function versionAtLeast(have: string, want: string): boolean {
  const [a1, a2] = have.split('.').map(Number);
  const [b1, b2] = want.split('.').map(Number);
  return a1 > b1 || (a1 === b1 && (a2 ?? 0) >= (b2 ?? 0));
}

export const ironicCheck: StepModule = {
  async run(ctx, world) {
    const tier = ironicTierFor(ctx.step.kind);
    const ep = ironicEndpoint(ctx.plan, tier);
    ctx.waitingFor(`the ${tier}'s Ironic at ${ep.url}`);
    const client = world.ironic(ctx.plan, tier);
    // A cloud cloudseed just built (or upgraded) may still be starting: wait for it (the step's
    // timeout bounds the wait). An adopted one should answer now: fail fast with the reason.
    const building = ['seed.ironic', 'undercloud.check-apis', 'seed.upgrade', 'undercloud.upgrade'].includes(ctx.step.kind);
    let pause = 1_000;
    let v: { min: string; max: string };
    for (;;) {
      try {
        v = await world.clock.hold(client.version(ctx.signal));
        break;
      } catch (err) {
        if (!building || !(err instanceof IronicError) || err.kind !== 'unreachable') throw err;
        ctx.log(`${err.message}; waiting for it to start`, { level: 'warn' });
        await world.clock.sleep(pause / world.speed, ctx.signal);
        pause = Math.min(15_000, pause * 2);
      }
    }
    if (!versionAtLeast(v.max, ep.apiVersion)) {
      throw new StepError('state', `the ${tier}'s Ironic at ${ep.url} speaks API ${v.min} to ${v.max}, older than the ${ep.apiVersion} the plan expects`, `upgrade it, or set ${tier}.ironic.apiVersion to ${v.max}`);
    }
    await world.clock.hold(client.listNodes(ctx.signal)); // auth works too, not only the public root
    ctx.log(`the ${tier}'s Ironic at ${ep.url} answers (API ${v.min} to ${v.max})`);
  },
};
