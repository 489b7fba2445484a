// What the step modules share: the shape of a module, which Ironic a step talks to, and how a
// failure of the world (Ironic, a BMC, a tool) becomes a StepError with what to try.
import { IronicError } from '../../ironic/client.js';
import { NodeSchema, type CloudTier, type Node, type Plan } from '../../plan/schema.js';
import { UNDERCLOUD_VM, undercloudHost } from '../compile.js';
import { undercloudShell, VBMC } from '../drivers/real/commands.js';
import { StepError, type StepContext, type StepKind } from '../types.js';
import type { IronicTier, World } from '../world.js';

/** One step kind's logic, written once for every world (k0sctl's phases: ShouldRun / Run / CleanUp). */
export interface StepModule {
  /** true: run it; a reason: this plan gives the step nothing to do (said on screen and in the CLI). */
  shouldRun?(ctx: StepContext, world: World): true | string;
  /** Does the work; idempotent: looks first at what is already done. */
  run(ctx: StepContext, world: World): Promise<void>;
  /** After a failure: undoes what would get in the way of a retry. */
  cleanUp?(ctx: StepContext, world: World): Promise<void>;
}

/** The undercloud VM as Ironic knows it: powered through its virtual BMC on this host. */
export function undercloudVmNode(): Node {
  return NodeSchema.parse({
    name: UNDERCLOUD_VM,
    bmc: { type: 'ipmi', address: VBMC.address, port: VBMC.port, user: VBMC.user, password: VBMC.password },
    cpu: 8,
    memoryMiB: 24576,
    diskGiB: 100,
    role: 'Undercloud',
  });
}

/** A server of the plan by name (or the undercloud VM). */
export function planNode(plan: Plan, name: string): Node {
  if (name === UNDERCLOUD_VM && undercloudHost(plan).vm) return undercloudVmNode();
  const node = plan.nodes.find((n) => n.name === name);
  if (!node) throw new StepError('other', `${name} is not a server of the plan`);
  return node;
}

/** The Ironic a step talks to: the seed's for the undercloud server, the undercloud's for the overcloud. */
export function ironicTierFor(kind: StepKind): IronicTier {
  return kind.startsWith('overcloud.') || kind === 'undercloud.check-apis' || kind === 'undercloud.adopt-check' || kind === 'undercloud.upgrade' ? 'undercloud' : 'seed';
}

/** The tier's Ironic endpoint: from the plan, or where the built seed/undercloud serves it. */
export function ironicEndpoint(plan: Plan, tier: IronicTier): NonNullable<CloudTier['ironic']> {
  const t = plan[tier];
  if (t.ironic) return t.ironic;
  const ip = (tier === 'seed' ? plan.network.provisioning.seedIp : plan.network.provisioning.undercloudIp)?.split('/')[0];
  if (!ip) {
    throw new StepError('other', `the plan gives no Ironic endpoint for the ${tier}`, `set ${tier}.ironic.url in the answers file (or network.provisioning.${tier}Ip)`);
  }
  return { url: `http://${ip}:6385`, auth: { type: 'noauth' }, apiVersion: '1.82' };
}

/**
 * instance_info for a deploy: the plan's images, else the ones a cloud cloudseed builds carries
 * (the seed VM ships the undercloud's; the undercloud's Glance holds the uploaded overcloud images).
 */
export function instanceInfoFor(plan: Plan, tier: IronicTier): Record<string, string> {
  const images = plan[tier].images;
  if (images?.kernel || images?.ramdisk || images?.image) {
    return {
      ...(images.kernel ? { kernel: images.kernel } : {}),
      ...(images.ramdisk ? { ramdisk: images.ramdisk } : {}),
      ...(images.image ? { image_source: images.image } : {}),
    };
  }
  if (tier === 'seed' && plan.seed.mode === 'build') {
    const dir = 'file:///var/lib/ironic/images';
    return { kernel: `${dir}/ironic-python-agent.kernel`, ramdisk: `${dir}/ironic-python-agent.initramfs`, image_source: `${dir}/undercloud.qcow2` };
  }
  if (tier === 'undercloud' && undercloudShell(plan)) return { kernel: 'overcloud-full-vmlinuz', ramdisk: 'overcloud-full-initrd', image_source: 'overcloud-full' };
  return {};
}

/** What Ironic's last_error says went wrong with the hardware, as the retry policy's kind. */
function kindOfLastError(lastError: string): StepError['kind'] {
  if (/timed out|timeout|did not PXE boot/i.test(lastError)) return 'timeout';
  if (/rejected the credentials|password|authenticat|credential/i.test(lastError)) return 'auth';
  if (/no answer|does not answer|unreachable|unable to establish/i.test(lastError)) return 'unreachable';
  return 'state';
}

/** A failure of the world as a step error, with what to try. */
export function stepErrorOf(err: unknown, signal?: AbortSignal): StepError {
  if (signal?.aborted && signal.reason instanceof StepError) return signal.reason;
  if (err instanceof StepError) return err;
  if (err instanceof IronicError) {
    switch (err.kind) {
      case 'unreachable':
        return new StepError('unreachable', err.message, 'start Ironic there (or correct the URL in the plan), then retry');
      case 'auth':
        return new StepError('auth', err.message, 'check the Ironic credentials in the plan (ironic.auth)');
      case 'timeout':
        // A node that does not move is the server's business; an API that does not answer is Ironic's.
        return new StepError(
          'timeout',
          err.message,
          err.details.node
            ? `look at ${err.details.node}'s console or BMC; retry when it moves on`
            : `Ironic at ${err.details.url ?? 'its URL'} stopped answering: check that its API and conductor run (their log, the machine's load), then retry`,
        );
      case 'aborted':
        return new StepError('interrupted', 'stopped');
      case 'state': {
        const last = err.details.lastError ?? '';
        const kind = kindOfLastError(last);
        return new StepError(
          kind,
          err.message,
          kind === 'auth' || /power|ipmi|redfish|bmc/i.test(last)
            ? `check the BMC address, user and password of ${err.details.node ?? 'the server'} in the plan, then retry`
            : kind === 'timeout' && /PXE/.test(last)
              ? 'Put PXE first in its boot order and check the provisioning NIC is cabled to the provisioning network, then retry.'
              : 'look at the reason (the server console); an undeploy and retry often clears it',
        );
      }
      default:
        return new StepError('other', err.message);
    }
  }
  return new StepError('other', err instanceof Error ? err.message : String(err));
}
