// overcloud.retire: a failed or retired server leaves the cloud's Ironic. Maintenance first
// (Ironic stops syncing its power and nothing is scheduled on it), then undeploy, then delete.
// With maintenance on, Ironic deletes a node in any state, so a server whose BMC is dead (tear
// down ends in "error") or whose cleaning never calls back is still removed. Idempotent: a
// server Ironic no longer knows is already retired.
import type { IronicNode } from '../../ironic/client.js';
import { findEnrolled } from '../../ironic/provision.js';
import { isProvisionState } from '../../ironic/states.js';
import type { StepContext } from '../types.js';
import type { World } from '../world.js';
import { ironicTierFor, planNode, stepErrorOf, type StepModule } from './common.js';

/** States a deployed server is torn down from (Ironic's "deleted" target accepts them). */
const DEPLOYED = new Set(['active', 'wait call-back', 'deploy failed', 'error', 'rescue', 'rescue failed', 'unrescue failed']);
/** The tear-down has got past "deleting": the disk is released (cleaning may go on; it is not waited for). */
const TORN_DOWN = new Set(['cleaning', 'clean wait', 'clean failed', 'available', 'manageable', 'enroll', 'error', 'inspect failed']);

export const retire: StepModule = {
  async run(ctx: StepContext, world: World) {
    const client = world.ironic(ctx.plan, ironicTierFor(ctx.step.kind));
    for (const name of ctx.step.nodes) {
      const node = planNode(ctx.plan, name);
      const log = (line: string, level: 'info' | 'warn' = 'info') => ctx.log(line, { node: name, level });
      const report = (n: IronicNode) => {
        if (isProvisionState(n.provision_state)) ctx.nodeState(name, n.provision_state);
        if (n.target_provision_state) ctx.waitingFor(`${name} to go from ${n.provision_state} to ${n.target_provision_state}`);
      };
      try {
        let n = await findEnrolled(client, node, ctx.signal);
        if (!n) {
          log(`${name} is not in Ironic at ${client.url}: already removed`);
          continue;
        }
        report(n);
        if (!n.maintenance) {
          const out = node.outOfService;
          const reason = `${out?.state ?? 'retired'} since ${out?.since ?? new Date().toISOString().slice(0, 10)}${out?.reason ? `: ${out.reason}` : ''} (cloudseed replace)`;
          await client.setMaintenance(n.uuid, reason, ctx.signal);
          log(`${name}: maintenance on (${reason})`);
        }
        ctx.progress(0.1, 'maintenance');
        if (DEPLOYED.has(n.provision_state) && !n.target_provision_state) {
          log(`${name}: undeploy (${n.provision_state} -> deleting)`);
          await client.setProvisionState(n.uuid, 'deleted', ctx.signal);
        }
        if (!TORN_DOWN.has(n.provision_state)) {
          n = await client.waitForNode(n.uuid, (cur) => TORN_DOWN.has(cur.provision_state), {
            timeoutMs: ctx.step.timeoutMs,
            signal: ctx.signal,
            onChange: report,
            maxIntervalMs: world.pollMaxMs,
            inMaintenance: true,
          });
        }
        if (n.provision_state === 'error' || n.provision_state === 'clean failed') {
          log(`${name}: tear down ended in "${n.provision_state}" (${n.last_error ?? 'no reason given'}); it is deleted all the same, being in maintenance`, 'warn');
        }
        ctx.progress(0.7, 'undeployed');
        await client.deleteNode(n.uuid, ctx.signal);
        log(`${name}: deleted from Ironic at ${client.url}`);
        ctx.progress(1, 'deleted');
      } catch (err) {
        throw stepErrorOf(err, ctx.signal);
      }
    }
  },
};
