// The real driver: the steps of a compiled plan played against the real world. Servers go
// through OpenStack Ironic's REST API (the seed's Ironic for the undercloud server, the
// undercloud's for the overcloud), the seed VM through libvirt's tools, services through the
// TripleO CLI over ssh. It emits the same node-state events as the sim driver. Safety: it
// acts only on servers in the plan, and only once the plan is confirmed (Review or --yes).
import { setMaxListeners } from 'node:events';
import { accessSync, chmodSync, constants, existsSync, mkdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { tmpdir } from 'node:os';
import { writeArtifacts } from '../../../artifacts/write.js';
import { bmcTarget, explainBmcError, BmcError, type BmcClient } from '../../../inventory/bmc.js';
import { RealBmcClient } from '../../../inventory/clients.js';
import { eachLimited } from '../../../inventory/scan.js';
import { IronicClient, IronicError, type IronicNode } from '../../../ironic/client.js';
import { advance, ensureEnrolled, findEnrolled, roleProfile, type Goal } from '../../../ironic/provision.js';
import { isProvisionState } from '../../../ironic/states.js';
import type { CloudTier, Node, Plan } from '../../../plan/schema.js';
import { realClock } from '../../clock.js';
import { overcloudNodes, UNDERCLOUD_VM, undercloudHost } from '../../compile.js';
import { ToolGroup } from '../../tool.js';
import { StepError, type DeployDriver, type StepContext } from '../../types.js';
import { commandsFor, toolCommands, undercloudShell } from './commands.js';
import { runTool, TOOL_PACKAGES } from './tools.js';

export interface RealDriverOptions {
  /** `--yes`: the person confirmed the plan non-interactively. */
  yes?: boolean;
  /** Where images, disks and overcloudrc go when the step context has no state dir. */
  stateDir?: string;
  /** BMC client for checks outside Ironic (the gates); ipmitool/Redfish by default. */
  bmc?: BmcClient;
  /** Environment of the tools (PATH); the process's own by default. */
  env?: NodeJS.ProcessEnv;
  /** Longest pause between two polls of an Ironic node. */
  pollMaxMs?: number;
}

/** How far a deploy has come, for the step's progress bar. */
const DEPLOY_PROGRESS: Record<string, number> = { available: 0.05, deploying: 0.3, 'wait call-back': 0.6, active: 1 };

/** The Ironic each step talks to: the seed's for the undercloud server, the undercloud's for the overcloud. */
function ironicTierFor(kind: string): 'seed' | 'undercloud' {
  return kind.startsWith('overcloud.') || kind === 'undercloud.check-apis' || kind === 'undercloud.adopt-check' ? 'undercloud' : 'seed';
}

/** The tier's Ironic endpoint: from the plan, or where the built seed/undercloud will serve it. */
function ironicEndpoint(plan: Plan, tier: 'seed' | 'undercloud'): NonNullable<CloudTier['ironic']> {
  const t = plan[tier];
  if (t.ironic) return t.ironic;
  const ip = (tier === 'seed' ? plan.network.provisioning.seedIp : plan.network.provisioning.undercloudIp)?.split('/')[0];
  if (!ip) {
    throw new StepError('other', `the plan gives no Ironic endpoint for the ${tier}`, `set ${tier}.ironic.url in the answers file (or network.provisioning.${tier}Ip)`);
  }
  return { url: `http://${ip}:6385`, auth: { type: 'noauth' }, apiVersion: '1.82' };
}

function versionAtLeast(have: string, want: string): boolean {
  const [a1, a2] = have.split('.').map(Number);
  const [b1, b2] = want.split('.').map(Number);
  return a1 > b1 || (a1 === b1 && (a2 ?? 0) >= (b2 ?? 0));
}

function onPath(tool: string, env: NodeJS.ProcessEnv): boolean {
  if (tool.includes('/')) return existsSync(tool);
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, tool), constants.X_OK);
      return true;
    } catch {
      // not here
    }
  }
  return false;
}

/** An Ironic failure as a step error, with what to try. */
function stepErrorOf(err: unknown, signal?: AbortSignal): StepError {
  if (signal?.aborted && signal.reason instanceof StepError) return signal.reason;
  if (err instanceof StepError) return err;
  if (err instanceof IronicError) {
    switch (err.kind) {
      case 'unreachable':
        return new StepError('unreachable', err.message, 'start Ironic there (or correct the URL in the plan), then retry');
      case 'auth':
        return new StepError('auth', err.message, "check the Ironic credentials in the plan (ironic.auth)");
      case 'timeout':
        return new StepError('timeout', err.message, 'look at the server\'s console or BMC; retry when it answers');
      case 'aborted':
        return new StepError('interrupted', 'stopped');
      case 'state':
        return new StepError(
          'state',
          err.message,
          /power|ipmi|redfish|credential|password|authenticat/i.test(err.details.lastError ?? '')
            ? `check the BMC address, user and password of ${err.details.node ?? 'the server'} in the plan, then retry`
            : 'look at the reason; retry once the cause is gone',
        );
      default:
        return new StepError('other', err.message);
    }
  }
  return new StepError('other', err instanceof Error ? err.message : String(err));
}

class RealDriver implements DeployDriver {
  readonly name = 'real' as const;
  private readonly clients = new Map<string, IronicClient>();
  private readonly closing = new AbortController();
  private readonly running = new ToolGroup();
  private readonly bmc: BmcClient;
  private readonly env: NodeJS.ProcessEnv;

  constructor(private readonly opts: RealDriverOptions) {
    // Every running step listens on it (hundreds at once in a data centre).
    setMaxListeners(0, this.closing.signal);
    this.bmc = opts.bmc ?? new RealBmcClient();
    this.env = opts.env ?? process.env;
  }

  async run(ctx: StepContext): Promise<void> {
    const signal = AbortSignal.any([ctx.signal, this.closing.signal]);
    this.guard(ctx);
    try {
      await this.dispatch(ctx, signal);
    } catch (err) {
      throw stepErrorOf(err, ctx.signal);
    }
  }

  async close(): Promise<void> {
    // Stops every Ironic poll and every tool's process group.
    this.closing.abort(new StepError('interrupted', 'the run was stopped'));
    this.running.stopAll();
  }

  /** Nothing is powered, booted or deployed unless the plan is confirmed and names the server. */
  private guard(ctx: StepContext): void {
    const { plan, step } = ctx;
    if (!this.opts.yes && !plan.options.confirmedAt) {
      throw new StepError('other', 'the plan is not confirmed: the real driver acts on real servers only after that', "confirm it on Review by typing the cloud's name, or pass --yes");
    }
    for (const name of step.nodes) {
      if (name === UNDERCLOUD_VM && undercloudHost(plan).vm) continue;
      if (!plan.nodes.some((n) => n.name === name)) {
        throw new StepError('other', `${name} is not a server of the plan; the real driver leaves it alone`, 'add it to the plan on the Servers screen, or recompile');
      }
    }
  }

  private client(plan: Plan, tier: 'seed' | 'undercloud'): IronicClient {
    const ep = ironicEndpoint(plan, tier);
    const key = `${ep.url}|${JSON.stringify(ep.auth)}|${ep.apiVersion}`;
    let c = this.clients.get(key);
    if (!c) {
      c = new IronicClient({ url: ep.url, auth: ep.auth, apiVersion: ep.apiVersion });
      this.clients.set(key, c);
    }
    return c;
  }

  private stateDir(ctx: StepContext): string {
    const dir = ctx.stateDir ?? this.opts.stateDir ?? join(tmpdir(), 'cloudseed');
    mkdirSync(join(dir, 'images'), { recursive: true });
    return dir;
  }

  private async dispatch(ctx: StepContext, signal: AbortSignal): Promise<void> {
    const { step, plan } = ctx;
    switch (step.kind) {
      case 'seed.host-checks':
        return this.hostChecks(ctx);
      case 'seed.network-gates':
        return this.bmcGates(ctx, signal);
      case 'seed.ironic':
      case 'seed.adopt-check':
      case 'undercloud.adopt-check':
      case 'undercloud.check-apis':
        return this.checkIronic(ctx, ironicTierFor(step.kind), signal);
      case 'seed.undercloud-vm':
        throw new StepError(
          'other',
          'an undercloud VM needs a virtual BMC for the seed\'s Ironic, which this host does not offer',
          'place the undercloud on a server (roles.undercloud.placement: server) or adopt an existing undercloud (undercloud.mode: adopt)',
        );
      case 'seed.enrol-undercloud':
      case 'overcloud.enrol':
        return this.provision(ctx, signal, step.kind === 'overcloud.enrol' ? 'manageable' : 'enrolled');
      case 'undercloud.manage':
        return this.provision(ctx, signal, 'manageable');
      case 'undercloud.inspect':
        return this.provision(ctx, signal, 'inspected');
      case 'overcloud.inspect':
        // Inspect, then provide: the overcloud's servers wait in "available" for their role.
        await this.provision(ctx, signal, 'inspected');
        return this.provision(ctx, signal, 'available');
      case 'undercloud.provide':
        return this.provision(ctx, signal, 'available');
      case 'undercloud.deploy':
      case 'undercloud.wait-active':
      case 'overcloud.deploy':
        return this.provision(ctx, signal, 'active');
      case 'overcloud.match-roles':
        return this.matchRoles(ctx, signal);
      case 'overcloud.images':
        if (!undercloudShell(plan)) return this.checkImages(ctx);
        return this.tools(ctx, signal);
      default:
        return this.tools(ctx, signal);
    }
  }

  /** Every tool the plan's steps will run is on PATH (a missing one names its Debian package). */
  private hostChecks(ctx: StepContext): void {
    const tools = new Set(commandsFor(ctx.plan).map((c) => c.argv[0]));
    if (ctx.plan.nodes.some((n) => n.bmc.type === 'ipmi')) tools.add('ipmitool');
    const missing = [...tools].filter((t) => !onPath(t, this.env));
    for (const t of tools) if (!missing.includes(t)) ctx.log(`${t}: found`);
    if (missing.length) {
      const pkgs = [...new Set(missing.map((t) => TOOL_PACKAGES[t] ?? t))];
      throw new StepError('tool-missing', `not installed: ${missing.join(', ')}`, `install them: apt-get install ${pkgs.join(' ')}`);
    }
  }

  /** Power status of every server's BMC through the discovery client: reachable, credentials right. */
  private async bmcGates(ctx: StepContext, signal: AbortSignal): Promise<void> {
    const nodes = ctx.plan.nodes.filter((n) => !ctx.step.nodes.length || ctx.step.nodes.includes(n.name));
    const problems: string[] = [];
    let refused = false;
    let done = 0;
    await eachLimited(nodes, 8, signal, async (n) => {
      ctx.waitingFor(`the BMC of ${n.name} (${n.bmc.address})`);
      try {
        const power = await this.bmc.powerStatus(await bmcTarget(n), { signal, timeoutMs: 5_000 });
        ctx.log(`${n.name}: BMC answers, power ${power}`, { node: n.name });
      } catch (err) {
        if (signal.aborted) throw err;
        const why = err instanceof BmcError ? `${err.message} — ${explainBmcError(err.kind).fix}` : (err as Error).message;
        if (err instanceof BmcError && err.kind === 'refused') refused = true;
        problems.push(`${n.name}: ${why}`);
        ctx.log(`${n.name}: ${why}`, { node: n.name, level: 'error' });
      }
      ctx.progress(++done / nodes.length);
    });
    signal.throwIfAborted(); // eachLimited stops quietly between two servers
    if (problems.length) {
      // Wrong credentials do not heal by waiting: not worth an automatic retry.
      throw new StepError(refused ? 'auth' : 'unreachable', `BMC check failed for ${problems.length} server(s): ${problems.join('; ')}`, 'correct the BMC details in the plan, then retry');
    }
  }

  /** An adopted (or freshly built) cloud's Ironic answers, at the expected API version. */
  private async checkIronic(ctx: StepContext, tier: 'seed' | 'undercloud', signal: AbortSignal): Promise<void> {
    const ep = ironicEndpoint(ctx.plan, tier);
    ctx.waitingFor(`the ${tier}'s Ironic at ${ep.url}`);
    const client = this.client(ctx.plan, tier);
    // A cloud cloudseed just built may still be starting: wait for it (the step's timeout bounds
    // the wait). An adopted one should answer now: fail fast with the reason.
    const building = ctx.step.kind === 'seed.ironic' || ctx.step.kind === 'undercloud.check-apis';
    let pause = 1_000;
    let v: { min: string; max: string };
    for (;;) {
      try {
        v = await client.version(signal);
        break;
      } catch (err) {
        if (!building || !(err instanceof IronicError) || err.kind !== 'unreachable') throw err;
        ctx.log(`${err.message}; waiting for it to start`, { level: 'warn' });
        await realClock.sleep(pause, signal);
        pause = Math.min(15_000, pause * 2);
      }
    }
    if (!versionAtLeast(v.max, ep.apiVersion)) {
      throw new StepError('state', `the ${tier}'s Ironic at ${ep.url} speaks API ${v.min}–${v.max}, older than the ${ep.apiVersion} the plan expects`, `upgrade it, or set ${tier}.ironic.apiVersion to ${v.max}`);
    }
    await client.listNodes(signal); // auth works too, not only the public root
    ctx.log(`the ${tier}'s Ironic at ${ep.url} answers (API ${v.min}–${v.max})`);
  }

  private planNode(ctx: StepContext, name: string): Node {
    const node = ctx.plan.nodes.find((n) => n.name === name);
    if (!node) throw new StepError('other', `${name} is not a server of the plan`);
    return node;
  }

  /** Brings each of the step's servers to `goal` in Ironic, reporting every state it passes. */
  private async provision(ctx: StepContext, signal: AbortSignal, goal: Goal): Promise<void> {
    const tier = ironicTierFor(ctx.step.kind);
    const client = this.client(ctx.plan, tier);
    const images = ctx.plan[tier].images;
    const instanceInfo: Record<string, string> = {};
    if (images?.kernel) instanceInfo.kernel = images.kernel;
    if (images?.ramdisk) instanceInfo.ramdisk = images.ramdisk;
    if (images?.image) instanceInfo.image_source = images.image;
    for (const name of ctx.step.nodes) {
      const node = this.planNode(ctx, name);
      const report = (n: IronicNode) => {
        if (isProvisionState(n.provision_state)) ctx.nodeState(name, n.provision_state);
        if (n.target_provision_state) ctx.waitingFor(`${name} to go from ${n.provision_state} to ${n.target_provision_state}`);
        if (goal === 'active' && DEPLOY_PROGRESS[n.provision_state] !== undefined) ctx.progress(DEPLOY_PROGRESS[n.provision_state], n.provision_state);
      };
      const log = (line: string, level: 'info' | 'warn' = 'info') => ctx.log(line, { node: name, level });
      let ironic: IronicNode | undefined;
      if (goal === 'enrolled' || goal === 'manageable') {
        ironic = (await ensureEnrolled(client, node, ctx.plan.name, { signal, log })).node;
      } else {
        ironic = await findEnrolled(client, node, signal);
        if (!ironic) throw new StepError('state', `${name} is not enrolled in Ironic at ${client.url}`, 'run its enrol step again (retry from the start of the tier)');
      }
      await advance(client, ironic, goal, {
        signal,
        timeoutMs: ctx.step.timeoutMs,
        onChange: report,
        log,
        instanceInfo,
        pollMaxMs: this.opts.pollMaxMs,
      });
    }
  }

  /** Tags every overcloud server with its role's profile (TripleO's `profiles match`). */
  private async matchRoles(ctx: StepContext, signal: AbortSignal): Promise<void> {
    const client = this.client(ctx.plan, 'undercloud');
    const servers = overcloudNodes(ctx.plan);
    let done = 0;
    for (const { node } of servers) {
      const ironic = await findEnrolled(client, node, signal);
      if (!ironic) throw new StepError('state', `${node.name} is not enrolled in Ironic at ${client.url}`);
      const profile = roleProfile(node.role);
      if (profile) {
        const caps = String(ironic.properties?.capabilities ?? '')
          .split(',')
          .filter((c) => c && !c.startsWith('profile:'));
        caps.push(`profile:${profile}`);
        await client.patchNode(ironic.uuid, [{ op: 'add', path: '/properties/capabilities', value: caps.join(',') }], signal);
        ctx.log(`${node.name}: profile ${profile}`, { node: node.name });
      }
      ctx.progress(++done / servers.length);
    }
  }

  /** Without a shell on the undercloud, the images are the plan's kernel/ramdisk: they must be set. */
  private checkImages(ctx: StepContext): void {
    const images = ctx.plan.undercloud.images;
    if (!images?.kernel || !images.ramdisk) {
      throw new StepError('other', 'the plan names no kernel and ramdisk for the overcloud servers', 'set undercloud.images.kernel and undercloud.images.ramdisk (file:// or http:// URLs Ironic can read)');
    }
    ctx.log(`overcloud images: kernel ${images.kernel}, ramdisk ${images.ramdisk}${images.image ? `, image ${images.image}` : ''}`);
  }

  /** A step made of tool commands; an adopted undercloud without ssh leaves its services to its operator. */
  private async tools(ctx: StepContext, signal: AbortSignal): Promise<void> {
    const stateDir = this.stateDir(ctx);
    const commands = toolCommands(ctx.plan, ctx.step, stateDir);
    if (!commands.length) {
      const why =
        ctx.step.kind.startsWith('overcloud.') || ctx.step.kind.startsWith('undercloud.')
          ? 'the adopted undercloud gives no shell (set undercloud.ssh to let cloudseed run the TripleO CLI there)'
          : 'the plan asks for nothing here';
      ctx.log(`${ctx.step.title}: nothing to run — ${why}`, { level: 'warn' });
      return;
    }
    const deadline = Date.now() + ctx.step.timeoutMs;
    for (const [i, cmd] of commands.entries()) {
      const left = Math.max(1_000, deadline - Date.now());
      if (cmd.unless) {
        const check = await runTool(this.running, { argv: cmd.unless, timeoutMs: Math.min(left, 60_000), signal, env: this.env }).catch((e: unknown) => {
          if (e instanceof StepError && (e.kind === 'tool-failed' || e.kind === 'tool-missing')) return undefined;
          throw e;
        });
        if (check && (!cmd.unlessOutput || cmd.unlessOutput.test(check.lines.join('\n')))) {
          ctx.log(`${cmd.what}: already done`);
          continue;
        }
      }
      if (cmd.writes) {
        for (const w of writeArtifacts(ctx.plan, join(stateDir, 'export'), cmd.writes)) ctx.log(`wrote ${w.path}`);
      }
      ctx.log(`$ ${cmd.argv.join(' ')}`);
      await runTool(this.running, {
        argv: cmd.argv,
        timeoutMs: left,
        signal,
        env: this.env,
        log: (line) => ctx.log(line),
        progress: (f, note) => ctx.progress((i + f) / commands.length, note),
      });
      ctx.progress((i + 1) / commands.length);
    }
    if (ctx.step.kind === 'overcloud.credentials') chmodSync(join(stateDir, 'overcloudrc'), 0o600);
  }
}

/** The real driver (`driver: real` in the plan). */
export function createRealDriver(opts: RealDriverOptions = {}): DeployDriver {
  return new RealDriver(opts);
}
