// seed.host-checks: this host against the minimums (assets/seed-host-minimums.yaml) and the
// tools the plan's steps will run. checkPlanHost is the one call the Host screen and
// `cloudseed probe` make too, so all of them check exactly the same things.
import { checkHost, loadHostMinimums, type HostCheck, type HostMinimums } from '../../inventory/host-checks.js';
import type { HostFacts } from '../../inventory/host-facts.js';
import type { Plan } from '../../plan/schema.js';
import { commandsFor } from '../drivers/real/commands.js';
import { TOOL_PACKAGES } from '../drivers/real/tools.js';
import { undercloudHost } from '../compile.js';
import { StepError } from '../types.js';
import type { StepModule } from './common.js';

let minimums: HostMinimums | undefined;

/** The checks of this host for `plan`: the minimums, and every tool the plan's steps run. */
export function checkPlanHost(plan: Plan, facts: HostFacts, has: (tool: string) => boolean): HostCheck[] {
  const tools = new Set(commandsFor(plan).map((c) => c.argv[0]));
  if (plan.nodes.some((n) => n.bmc.type === 'ipmi')) tools.add('ipmitool');
  const required = Object.fromEntries([...tools].map((t) => [t, TOOL_PACKAGES[t] ?? t]));
  // Memory, cores, VT and KVM matter to the VMs cloudseed builds on this host, and only then.
  const vms = plan.seed.mode === 'build' || (plan.undercloud.mode === 'build' && undercloudHost(plan).vm);
  return checkHost(facts, (minimums ??= loadHostMinimums()), { required, has, vms });
}

export const hostChecks: StepModule = {
  async run(ctx, world) {
    const { plan } = ctx;
    ctx.waitingFor('the host checks');
    const facts = await world.clock.hold(world.host.facts(ctx.signal));
    const checks = checkPlanHost(plan, facts, (t) => world.host.has(t));
    const acknowledged = new Set(plan.options.acknowledged);
    for (const c of checks) {
      const ack = c.status === 'warning' && acknowledged.has(c.id) ? ' (acknowledged)' : '';
      ctx.log(`${c.label}: ${c.status}${ack} -- ${c.reason}`, { level: c.status === 'fail' ? 'error' : c.status === 'warning' && !ack ? 'warn' : 'info' });
    }
    const failed = checks.filter((c) => c.status === 'fail');
    if (failed.length) throw hostNotReady(failed);
    ctx.log('host checks passed');
  },
};

function hostNotReady(failed: HostCheck[]): StepError {
  const onlyTools = failed.every((c) => c.id === 'host.plan-tools');
  return new StepError(
    onlyTools ? 'tool-missing' : 'state',
    `this host is not ready: ${failed.map((c) => c.reason).join('; ')}`,
    failed.map((c) => c.fix).join('; '),
  );
}
