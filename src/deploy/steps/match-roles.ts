// overcloud.match-roles: tags every overcloud server with its role's profile (TripleO's
// `openstack overcloud profiles match`), and warns where introspection found less disk than
// the plan declares. A scale-out's matching names its new servers: only they are tagged.
import { findEnrolled, roleProfile } from '../../ironic/provision.js';
import { overcloudNodes } from '../compile.js';
import { StepError } from '../types.js';
import type { StepModule } from './common.js';

export const matchRoles: StepModule = {
  async run(ctx, world) {
    const client = world.ironic(ctx.plan, 'undercloud');
    const only = new Set(ctx.step.nodes);
    const servers = overcloudNodes(ctx.plan).filter(({ node }) => !only.size || only.has(node.name));
    let done = 0;
    for (const { node, role } of servers) {
      const ironic = await findEnrolled(client, node, ctx.signal);
      if (!ironic) throw new StepError('state', `${node.name} is not enrolled in Ironic at ${client.url}`, 'run its enrol step again (retry from the start of the tier)');
      const profile = roleProfile(role);
      if (profile) {
        const caps = String(ironic.properties?.capabilities ?? '')
          .split(',')
          .filter((c) => c && !c.startsWith('profile:'));
        caps.push(`profile:${profile}`);
        await client.patchNode(ironic.uuid, [{ op: 'add', path: '/properties/capabilities', value: caps.join(',') }], ctx.signal);
        ctx.log(`${node.name}: profile ${profile}`, { node: node.name });
      }
      const found = Number(ironic.properties?.local_gb);
      if (node.diskGiB && found && node.diskGiB > found) {
        ctx.log(`${node.name}: the plan declares ${node.diskGiB} GiB of disk, introspection found ${found} GiB`, { node: node.name, level: 'warn' });
      }
      ctx.progress(++done / servers.length);
    }
  },
};
