// The steps that move servers through Ironic (enrol, manage, inspect, provide, deploy, wait
// until active): each brings its servers to a goal with src/ironic/provision.ts's idempotent
// moves, and reports every state they pass. Against the real Ironic or the lab's fake alike.
import type { IronicNode } from '../../ironic/client.js';
import { advance, ensureEnrolled, findEnrolled, type Goal } from '../../ironic/provision.js';
import { isProvisionState } from '../../ironic/states.js';
import { StepError, type StepContext } from '../types.js';
import type { World } from '../world.js';
import { instanceInfoFor, ironicTierFor, planNode, type StepModule } from './common.js';

/** How far a deploy has come, for the step's progress bar. */
const DEPLOY_PROGRESS: Record<string, number> = { available: 0.05, deploying: 0.3, 'wait call-back': 0.6, active: 1 };

/** Brings each of the step's servers to `goal` in Ironic, reporting every state it passes. */
export async function provision(ctx: StepContext, world: World, goal: Goal): Promise<void> {
  const tier = ironicTierFor(ctx.step.kind);
  const client = world.ironic(ctx.plan, tier);
  const instanceInfo = instanceInfoFor(ctx.plan, tier);
  for (const name of ctx.step.nodes) {
    const node = planNode(ctx.plan, name);
    const report = (n: IronicNode) => {
      if (isProvisionState(n.provision_state)) ctx.nodeState(name, n.provision_state);
      if (n.target_provision_state) ctx.waitingFor(`${name} to go from ${n.provision_state} to ${n.target_provision_state}`);
      if (goal === 'active' && DEPLOY_PROGRESS[n.provision_state] !== undefined) ctx.progress(DEPLOY_PROGRESS[n.provision_state], n.provision_state);
    };
    const log = (line: string, level: 'info' | 'warn' = 'info') => ctx.log(line, { node: name, level });
    let ironic: IronicNode | undefined;
    if (goal === 'enrolled' || goal === 'manageable') {
      ironic = (await ensureEnrolled(client, node, ctx.plan.name, { signal: ctx.signal, log })).node;
    } else {
      ironic = await findEnrolled(client, node, ctx.signal);
      if (!ironic) throw new StepError('state', `${name} is not enrolled in Ironic at ${client.url}`, 'run its enrol step again (retry from the start of the tier)');
    }
    try {
      await advance(client, ironic, goal, { signal: ctx.signal, timeoutMs: ctx.step.timeoutMs, onChange: report, log, instanceInfo, pollMaxMs: world.pollMaxMs });
    } catch (err) {
      // Name the BMC: "does not answer" alone sends a person looking for the wrong box.
      if (err instanceof Error && /power|ipmi|redfish|bmc/i.test(err.message) && !err.message.includes(node.bmc.address)) {
        err.message = `${err.message} (BMC ${node.bmc.address}${node.bmc.port ? `:${node.bmc.port}` : ''})`;
      }
      throw err;
    }
  }
}

/** A step that brings its servers to each goal in turn. */
export function provisionStep(...goals: Goal[]): StepModule {
  return {
    async run(ctx, world) {
      for (const goal of goals) await provision(ctx, world, goal);
    },
  };
}
