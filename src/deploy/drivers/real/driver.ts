// The real driver: the step modules played against the real world. Servers go through
// OpenStack Ironic's REST API (the seed's Ironic for the undercloud server, the undercloud's
// for the overcloud), BMCs through IPMI/Redfish, the network gates through the real probes
// (optionally inside a network namespace), the seed VM through libvirt's tools and services
// through the TripleO CLI over ssh. Safety: it acts only on servers in the plan, and only
// once the plan is confirmed (Review or --yes).
import type { BmcClient } from '../../../inventory/bmc.js';
import { RealBmcClient } from '../../../inventory/clients.js';
import { hostProbe } from '../../../inventory/probe.js';
import { IronicClient } from '../../../ironic/client.js';
import type { NetworkProbe } from '../../../network/gates.js';
import { realProbe } from '../../../network/probes.js';
import { realClock } from '../../clock.js';
import { UNDERCLOUD_VM, undercloudHost } from '../../compile.js';
import { ironicEndpoint } from '../../steps/common.js';
import { ToolGroup } from '../../tool.js';
import { StepError, type DeployDriver, type StepContext } from '../../types.js';
import type { World } from '../../world.js';
import { WorldDriver } from '../world-driver.js';
import { runTool } from './tools.js';

export interface RealDriverOptions {
  /** `--yes`: the person confirmed the plan non-interactively. */
  yes?: boolean;
  /** Where images, disks and overcloudrc go when the step context has no state dir. */
  stateDir?: string;
  /** BMC client for checks outside Ironic (the gates); ipmitool/Redfish by default. */
  bmc?: BmcClient;
  /** The gates' probe; the real tools (in `netns` when given) by default. */
  probe?: NetworkProbe;
  /** Run the gates' probes inside this network namespace. */
  netns?: string;
  /** Environment of the tools (PATH); the process's own by default. */
  env?: NodeJS.ProcessEnv;
  /** Longest pause between two polls of an Ironic node. */
  pollMaxMs?: number;
}

/** The real world's adapters. */
export function realWorld(opts: RealDriverOptions = {}): World {
  const env = opts.env ?? process.env;
  const bmc = opts.bmc ?? new RealBmcClient();
  const clients = new Map<string, IronicClient>();
  const running = new ToolGroup();
  return {
    name: 'real',
    speed: 1,
    clock: realClock,
    bmc,
    network: opts.probe ?? realProbe({ bmc, env, netns: opts.netns }),
    host: hostProbe(undefined, env),
    tools: {
      run: (req) => runTool(running, { ...req, env }),
      stopAll: () => running.stopAll(),
    },
    pollMaxMs: opts.pollMaxMs,
    ironic(plan, tier) {
      const ep = ironicEndpoint(plan, tier);
      const key = `${ep.url}|${JSON.stringify(ep.auth)}|${ep.apiVersion}`;
      let c = clients.get(key);
      if (!c) clients.set(key, (c = new IronicClient({ url: ep.url, auth: ep.auth, apiVersion: ep.apiVersion })));
      return c;
    },
    async close() {},
  };
}

/** Nothing is powered, booted or deployed unless the plan is confirmed and names the server. */
function guard(yes: boolean | undefined) {
  return (ctx: StepContext): void => {
    const { plan, step } = ctx;
    if (!yes && !plan.options.confirmedAt) {
      throw new StepError('other', 'the plan is not confirmed: the real driver acts on real servers only after that', "confirm it on Review by typing the cloud's name, or pass --yes");
    }
    for (const name of step.nodes) {
      if (name === UNDERCLOUD_VM && undercloudHost(plan).vm) continue;
      if (!plan.nodes.some((n) => n.name === name)) {
        throw new StepError('other', `${name} is not a server of the plan; the real driver leaves it alone`, 'add it to the plan on the Servers screen, or recompile');
      }
    }
  };
}

/** The real driver (`driver: real` in the plan). */
export function createRealDriver(opts: RealDriverOptions = {}): DeployDriver {
  return new WorldDriver(realWorld(opts), guard(opts.yes), opts.stateDir);
}
