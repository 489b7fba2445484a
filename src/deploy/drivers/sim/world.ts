// The simulated lab as a world the step modules run against: a fake Ironic per cloud whose
// nodes move along src/ironic/states.ts, the lab's BMCs, network facts and seed host, and a
// tool runner that answers each command with the lines the real tool prints. Durations are
// shaped by tripleo-facts.md and scaled by `--speed`; every wait draws its ±15% jitter from
// the seed, per step and attempt, so the same seed and faults give the same run whatever
// order concurrent steps run in. `--faults` and the lab's own faults play through here.
import { chmodSync, writeFileSync } from 'node:fs';
import { bmcClientFor } from '../../../inventory/clients.js';
import { hostProbe } from '../../../inventory/probe.js';
import { FakeIronic, type FakeHardware } from '../../../ironic/fake.js';
import { nodeCreateFor } from '../../../ironic/provision.js';
import { isProvisionState, STATES, type ProvisionState } from '../../../ironic/states.js';
import type { LabServer, LabWorld } from '../../../lab/world.js';
import { seededRandom } from '../../../lab/random.js';
import { allocate, type Allocation } from '../../../network/allocate.js';
import { simProbe } from '../../../network/probes.js';
import { releaseOf, type Plan } from '../../../plan/schema.js';
import { realClock, type Clock } from '../../clock.js';
import { compile, overcloudNodes, UNDERCLOUD_VM } from '../../compile.js';
import type { JournalSummary } from '../../journal.js';
import { ironicEndpoint, ironicTierFor, undercloudVmNode } from '../../steps/common.js';
import { publicVip } from '../../summary.js';
import { StepError, type DeployDriver, type Deployment, type StepContext } from '../../types.js';
import type { IronicTier, ToolRequest, ToolRunner, World } from '../../world.js';
import { VBMC } from '../real/commands.js';
import { WorldDriver } from '../world-driver.js';
import { FaultBook, type Fault } from './faults.js';

export interface SimDriverOptions {
  world: LabWorld;
  /** 60 plays one minute of work in one second; ignored on a virtual clock (virtual time is world time). */
  speed: number;
  seed: number;
  faults: Fault[];
  clock?: Clock;
  /** Multiplies the log lines of configuration steps (benchmarks of log floods). */
  chatty?: number;
  /** The journal of the run being resumed: the lab's Ironics remember what it did. */
  resume?: JournalSummary;
  /** The cloud deployed before this run (day two): the lab's Ironics hold its servers, deployed. */
  deployed?: Plan;
  /** The steps being run when not the plan's first deployment (an upgrade). */
  deployment?: Deployment;
}

const S = 1000;
const MIN = 60 * S;

function hash(text: string, seed: number): number {
  let h = 2166136261 ^ seed;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** A step at work in the lab: its randomness, its slowness (`slow:` faults) and its log. */
interface Attachment {
  ctx: StepContext;
  random: () => number;
  slow: number;
}

/** Ansible tasks the configuration commands print, a few per role as TripleO's deploy does. */
const TASKS: Record<string, string[]> = {
  common: [
    'tripleo_bootstrap : Deploy required packages to bootstrap TripleO',
    'tripleo_network_config : Run NetworkConfig script',
    'tripleo_hosts_entries : Prepare hosts entries',
    'tripleo_timezone : Set timezone',
    'tripleo_ntp : Configure chrony',
    'tripleo_firewall : Manage firewall rules',
    'tripleo_container_manage : Start containers for step 1',
    'tripleo_container_manage : Start containers for step 3',
  ],
  Controller: [
    'tripleo_ha_wrapper : Run init bundle puppet on the host for galera',
    'tripleo_keystone : Bootstrap keystone',
    'tripleo_container_manage : Start containers for step 4 (nova_api, neutron_api, glance_api)',
    'tripleo_haproxy : Configure haproxy',
  ],
  Compute: ['tripleo_nova_compute : Start nova_compute', 'tripleo_libvirt : Start nova_libvirt', 'tripleo_ovn_controller : Start ovn_controller'],
  Upgrade: [
    'tripleo_upgrade_hiera : set upgrade hiera',
    'Run upgrade_tasks step 0 (stop services, update repositories)',
    'Run upgrade_tasks step 1 (leave the cluster)',
    'Run upgrade_tasks step 2 (upgrade packages and container images)',
    'Run deploy_steps_tasks: start containers for steps 1 to 5',
    'Run post_upgrade_tasks (rejoin the cluster)',
  ],
  UndercloudUpgrade: [
    'Run upgrade_tasks on the undercloud (stop services)',
    'Upgrade undercloud packages and container images',
    'Run ironic-dbsync, nova-manage db sync, keystone-manage db_sync',
    'Start ironic_conductor, ironic_api, ironic_pxe_tftp',
  ],
  Undercloud: [
    'Install undercloud packages',
    'Configure ironic, ironic-inspector, neutron, glance, keystone',
    'Start ironic_conductor, ironic_api, ironic_pxe_tftp',
    'Create ctlplane network and subnet',
  ],
};

/** Log lines produced on demand, so a million of them are never in memory at once. */
interface Lines {
  length: number;
  at(i: number): string;
}

const list = (lines: string[]): Lines => ({ length: lines.length, at: (i) => lines[i] });

/** Ansible's output for `hosts`, produced line by line (hundreds of hosts: a million lines). */
function ansible(tasks: string[], hosts: string[], chatty: number): Lines {
  const perTask = 1 + chatty * hosts.length;
  return {
    length: tasks.length * perTask + 1,
    at(i) {
      if (i === tasks.length * perTask) return `PLAY RECAP ${'*'.repeat(20)}`;
      const task = tasks[Math.floor(i / perTask)];
      const k = i % perTask;
      if (k === 0) return `TASK [${task}] ${'*'.repeat(20)}`;
      const c = Math.floor((k - 1) / hosts.length);
      return `${c === 0 ? 'changed' : 'ok'}: [${hosts[(k - 1) % hosts.length]}]`;
    },
  };
}

class SimLab {
  readonly speed: number;
  readonly faults: FaultBook;
  private readonly servers = new Map<string, LabServer>();
  private readonly byNode = new Map<string, Attachment>();
  private readonly byStep = new Map<string, Attachment>();
  private readonly closing = new AbortController();
  private alloc: Allocation | undefined;

  constructor(
    readonly plan: Plan,
    readonly opts: SimDriverOptions,
    readonly clock: Clock,
  ) {
    // On a virtual clock the world's own time is played, as fast as the CPU allows.
    this.speed = clock.virtual ? 1 : opts.speed;
    this.faults = new FaultBook(opts.faults);
    for (const node of plan.nodes) {
      const server = opts.world.servers.find((s) => s.bmc.address === node.bmc.address && (node.bmc.port === undefined || s.bmc.port === undefined || s.bmc.port === node.bmc.port));
      if (server) this.servers.set(node.name, server);
    }
  }

  close(): void {
    this.closing.abort(new StepError('interrupted', 'the run was stopped'));
  }

  attach(ctx: StepContext): { done(): Promise<void>; detach(): void } {
    const a: Attachment = {
      ctx,
      random: seededRandom(hash(`${ctx.step.id}#${ctx.attempt}`, this.opts.seed)),
      slow: this.faults.slowFactor(ctx.step.id, ctx.step.kind),
    };
    const start = this.clock.now();
    this.byStep.set(ctx.step.id, a);
    for (const n of ctx.step.nodes) this.byNode.set(n, a);
    return {
      // A step takes at least the world time compile estimates for it (one table for both).
      done: async () => {
        const spent = ((this.clock.now() - start) * this.speed) / a.slow;
        const left = ctx.step.estimateMs * (0.85 + 0.3 * a.random()) - spent;
        if (left > 0) await this.wait(a, left, ctx.signal);
      },
      detach: () => {
        if (this.byStep.get(ctx.step.id) === a) this.byStep.delete(ctx.step.id);
        for (const n of ctx.step.nodes) if (this.byNode.get(n) === a) this.byNode.delete(n);
      },
    };
  }

  attachmentOf(step: string): Attachment | undefined {
    return this.byStep.get(step);
  }

  /** `worldMs` of lab time, jittered ±15% from the step's randomness, scaled to the clock. */
  wait(a: Attachment | undefined, worldMs: number, signal?: AbortSignal): Promise<void> {
    const jitter = a ? 0.85 + 0.3 * a.random() : 1;
    const ms = Math.round((worldMs * jitter * (a?.slow ?? 1)) / this.speed);
    // A step's signal already ends with the driver; the conductor's waits end with the world.
    return this.clock.sleep(ms, signal ?? this.closing.signal);
  }

  private allocation(): Allocation {
    return (this.alloc ??= allocate(this.plan));
  }
  seedIp(): string {
    return this.plan.network.provisioning.seedIp ?? this.allocation().seed ?? '192.168.24.1';
  }
  undercloudIp(): string {
    return this.plan.network.provisioning.undercloudIp ?? this.allocation().undercloud ?? '192.168.24.2';
  }

  /** The lab's hardware under one of its Ironics. */
  hardware(): FakeHardware {
    const plan = this.plan;
    const node = (name: string) => plan.nodes.find((n) => n.name === name);
    return {
      sleep: (name, worldMs) => this.wait(this.byNode.get(name), worldMs),
      log: (name, line, level = 'info') => this.byNode.get(name)?.ctx.log(line, { node: name, level }),
      powerStatus: (name, info) => {
        const address = String(info.ipmi_address ?? info.redfish_address ?? '');
        const where = `${info.redfish_address ? 'Redfish' : 'IPMI'} ${address}`;
        if (this.faults.fire('bmc-timeout', name)) return { error: `${where} timed out (power status)` };
        if (name === UNDERCLOUD_VM && address === VBMC.address) return { power: 'power off' };
        const server = this.servers.get(name);
        if (!server || server.faults.includes('bmc-unreachable')) return { error: `no answer from ${where}` };
        const user = String(info.ipmi_username ?? info.redfish_username ?? '');
        const password = String(info.ipmi_password ?? info.redfish_password ?? '');
        if (user !== server.bmc.user || password !== server.bmc.password) return { error: `${where} rejected the credentials of user ${user}` };
        return { power: server.power === 'on' ? 'power on' : 'power off' };
      },
      pxeBoots: (name) => !this.faults.fire('pxe-fail', name) && !this.servers.get(name)?.faults.includes('no-pxe'),
      deployFails: (name) =>
        this.faults.fire('deploy-fail', name)
          ? 'Failed to deploy. Exception: Unexpected error while running command: qemu-img convert ... /dev/sda: No space left on device'
          : undefined,
      inspect: (name) => {
        const server = this.servers.get(name);
        if (!server) return { properties: { cpus: 8, memory_mb: 24576, local_gb: 100 }, line: `ironic-inspector: ${name}: 8 CPUs, 24576 MiB, vda 100 GiB (VM)` };
        const disk = server.disks.map((d) => `${d.name} ${d.sizeGiB} GiB`).join(', ');
        return {
          properties: { cpus: server.cpu.cores, memory_mb: server.memoryMiB, local_gb: server.disks.reduce((a, d) => a + d.sizeGiB, 0) },
          line: `ironic-inspector: ${name}: ${server.cpu.cores} CPUs, ${server.memoryMiB} MiB, ${disk}, ${server.vendor} ${server.product}`,
        };
      },
      pxeAddress: (name) => ({
        mac: node(name)?.macs[0] ?? this.servers.get(name)?.nics.find((n) => n.pxe)?.mac ?? '52:54:00:00:00:01',
        ip: (name === UNDERCLOUD_VM ? this.allocation().undercloud : this.allocation().byNode.get(name)?.addresses.ctlplane) ?? plan.network.provisioning.inspectionStart ?? 'an inspection address',
      }),
    };
  }
}

/**
 * The nodes a resumed run finds in each of the lab's Ironics: every server a finished step
 * left somewhere, in the state it left it (Ironic's database outlives cloudseed; the lab's
 * is rebuilt from the journal). A state still moving settles where it was heading.
 */
function remembered(plan: Plan, opts: Pick<SimDriverOptions, 'resume' | 'deployed' | 'deployment'>): Map<IronicTier, ConstructorParameters<typeof FakeIronic>[0]['nodes']> {
  const out = new Map<IronicTier, NonNullable<ConstructorParameters<typeof FakeIronic>[0]['nodes']>>();
  const last = new Map<string, { tier: IronicTier; state: ProvisionState; inspected: boolean }>();
  // A cloud deployed before: every server its deployment ended with, where it ended.
  if (opts.deployed) {
    for (const step of compile(opts.deployed).steps) {
      for (const n of step.nodes) if (step.nodeStateAfter) last.set(n, { tier: ironicTierFor(step.kind), state: step.nodeStateAfter === 'wait call-back' ? 'active' : step.nodeStateAfter, inspected: true });
    }
  }
  const { resume } = opts;
  for (const step of resume ? (opts.deployment ?? compile(plan)).steps : []) {
    const r = resume!.steps.get(step.id);
    if (!r || r.state !== 'done') continue;
    // A retired server is gone from Ironic.
    if (step.kind === 'overcloud.retire') for (const n of step.nodes) last.delete(n);
    if (!step.nodeStateAfter) continue;
    const state = STATES[step.nodeStateAfter].stable || STATES[step.nodeStateAfter].failed ? step.nodeStateAfter : (STATES[step.nodeStateAfter].target ?? step.nodeStateAfter);
    for (const n of step.nodes) {
      const inspected = (last.get(n)?.inspected ?? false) || step.kind.endsWith('.inspect');
      last.set(n, { tier: ironicTierFor(step.kind), state: isProvisionState(state) ? state : 'enroll', inspected: inspected || state === 'available' || state === 'active' });
    }
  }
  for (const [name, { tier, state, inspected }] of last) {
    const node = name === UNDERCLOUD_VM ? undercloudVmNode() : (plan.nodes.find((n) => n.name === name) ?? opts.deployed?.nodes.find((n) => n.name === name));
    if (!node) continue;
    const list = out.get(tier) ?? [];
    list.push({ spec: nodeCreateFor(node, plan.name), macs: node.macs, state, inspected });
    out.set(tier, list);
  }
  return out;
}

/**
 * The hosts (`seed`, `undercloud`, overcloud servers) already on the plan's release when a
 * resumed upgrade starts: those its finished steps upgraded (the lab is rebuilt from the journal).
 */
function upgradedHosts(resume: JournalSummary | undefined, deployment: Deployment | undefined): Set<string> {
  const out = new Set<string>();
  for (const step of deployment?.steps ?? []) {
    if (resume?.steps.get(step.id)?.state !== 'done') continue;
    if (step.kind === 'seed.upgrade') out.add('seed');
    if (step.kind === 'undercloud.upgrade') out.add('undercloud');
    if (step.kind === 'overcloud.upgrade-run') for (const n of step.nodes) out.add(n);
  }
  return out;
}

/** Answers commands with the lines the real tools print, remembering what they made. */
class SimTools implements ToolRunner {
  /** Files, links, domains and virtual BMCs the commands made. */
  private readonly made = new Set<string>();

  constructor(
    private readonly lab: SimLab,
    /** Hosts on the plan's release (an upgrade's seed, undercloud and overcloud servers). */
    private readonly upgraded: Set<string>,
  ) {}

  stopAll(): void {
    // No child processes in the simulated world.
  }

  async run(req: ToolRequest): Promise<{ lines: string[] }> {
    const a = req.step ? this.lab.attachmentOf(req.step) : undefined;
    const dash = req.argv.indexOf('--');
    // ssh … -- user@host words: the words run on that host.
    const words = req.argv[0] === 'ssh' && dash >= 0 ? req.argv.slice(dash + 2) : req.argv;
    let answer: Lines | 'fail';
    try {
      answer = this.answer(words, req.argv);
    } catch (e) {
      // A run that breaks halfway (an Ansible task on one server) does so after its first half.
      if (req.worldMs) await this.lab.wait(a, req.worldMs / 2, req.signal);
      throw e;
    }
    if (answer === 'fail') throw new StepError('tool-failed', `${words[0]} exited with status 1`);
    const lines = answer;
    const n = Math.max(1, lines.length);
    const worldMs = req.worldMs ?? 0;
    // Long outputs (Ansible on hundreds of servers) come in chunks of up to 500 lines per wait,
    // as a tool's output does, not one wait per line.
    const batch = Math.min(500, Math.max(1, Math.ceil(n / 50)));
    const kept: string[] = [];
    for (let i = 0; i < n; i += batch) {
      if (worldMs > 0) await this.lab.wait(a, (worldMs * Math.min(batch, n - i)) / n, req.signal);
      for (let j = i; j < Math.min(lines.length, i + batch); j++) {
        const line = lines.at(j);
        req.log?.(line);
        if (lines.length <= 100) kept.push(line);
      }
      req.progress?.(Math.min(1, (i + batch) / n));
    }
    return { lines: kept };
  }

  private flag(words: string[], name: string): string | undefined {
    const i = words.indexOf(name);
    return i >= 0 ? words[i + 1] : undefined;
  }

  private answer(w: string[], argv: string[]): Lines | 'fail' {
    const has = (what: string) => this.made.has(what);
    const make = (what: string) => void this.made.add(what);
    const [tool, sub] = w;
    const last = w[w.length - 1];
    const lab = this.lab;
    switch (tool) {
      case 'ip':
        if (sub === 'link' && w[2] === 'show') return has(`link:${last}`) ? list([`${last}: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 state UP`]) : 'fail';
        if (sub === 'link' && w[2] === 'add') make(`link:${this.flag(w, 'name')}`);
        return list([]);
      case 'curl': {
        const file = this.flag(w, '-o') ?? last;
        make(file);
        return list([1, 2, 3, 4, 5].map((p) => `${file.split('/').pop()}: ${p * 20}% of 1.9 GiB`));
      }
      case 'qemu-img':
        if (sub === 'check') return has(last) ? list(['No errors were found on the image.']) : 'fail';
        if (sub === 'convert') {
          make(last);
          return list([25, 50, 75, 100].map((p) => `    (${p}.00/100%)`));
        }
        if (sub === 'create') {
          make(w[w.length - 2]);
          return list([`Formatting '${w[w.length - 2]}', fmt=qcow2 size=42949672960`]);
        }
        return list([]);
      case 'virt-install': {
        const name = this.flag(w, '--name') ?? 'vm';
        make(`domain:${name}`);
        if (!w.includes('--pxe')) make(`running:${name}`);
        return list(['Starting install...', `Domain '${name}' defined`, w.includes('--noreboot') ? 'Domain creation completed.' : `Domain '${name}' started`]);
      }
      case 'virsh':
        if (sub === 'dominfo') return has(`domain:${last}`) ? list([`Name:           ${last}`, `State:          ${has(`running:${last}`) ? 'running' : 'shut off'}`]) : 'fail';
        if (sub === 'domstate') return has(`domain:${last}`) ? list([has(`running:${last}`) ? 'running' : 'shut off']) : 'fail';
        if (sub === 'start') {
          make(`running:${last}`);
          return list([`Domain '${last}' started`, `ssh ${lab.seedIp()}: cloud-init finished`]);
        }
        return list([]);
      case 'vbmc':
        if (sub === 'show') return has(`vbmc:${w[2]}`) ? list([`| domain_name | ${w[2]} |`]) : 'fail';
        if (sub === 'add') make(`vbmc:${w[2]}`);
        return list([]);
      case 'scp': {
        // The undercloud writes `<plan>rc` when it deploys the overcloud: fetching it writes the file here.
        if (argv[argv.length - 2]?.endsWith(`:${lab.plan.name}rc`)) this.writeOvercloudrc(last);
        return list([]);
      }
      case 'openstack':
        return this.openstack(w);
      case 'sudo':
        return this.sudo(w.slice(1));
      default:
        return list([]);
    }
  }

  /** Package and service commands of an upgrade, as dnf, ironic-dbsync and systemctl print them. */
  private sudo(w: string[]): Lines {
    const release = releaseOf(this.lab.plan);
    if (w[0] === 'dnf' && w.includes('install')) return list([`Installed: ${w[w.length - 1]}`, 'Complete!']);
    if (w[0] === 'dnf') return list([...w.slice(3).map((p) => `Upgraded: ${p.replace('*', 'api')} (${release})`), 'Complete!']);
    if (w[0] === 'ironic-dbsync') {
      this.upgraded.add('seed');
      return list([`INFO [alembic.runtime.migration] Running upgrade to the ${release} schema`]);
    }
    return list([]);
  }

  private openstack(w: string[]): Lines {
    const lab = this.lab;
    const chatty = Math.max(1, Math.round(lab.opts.chatty ?? 1));
    const words = w.join(' ');
    if (words.startsWith('openstack undercloud install')) return ansible(TASKS.Undercloud, ['undercloud'], chatty);
    if (words.startsWith('openstack undercloud upgrade')) {
      this.upgraded.add('undercloud');
      return ansible(TASKS.UndercloudUpgrade, ['undercloud'], chatty);
    }
    if (words.startsWith('openstack overcloud upgrade prepare')) {
      return list([`Stack ${lab.plan.name} UPDATE_COMPLETE`, 'Enabling ssh admin (tripleo-admin) for hosts', `Completed Overcloud Upgrade Prepare for stack ${lab.plan.name}`]);
    }
    if (words.startsWith('openstack overcloud upgrade run')) {
      const hosts = (this.flag(w, '--limit') ?? '').split(',').filter(Boolean);
      // The overcloud's playbooks come from the undercloud: an old undercloud has none for the new release.
      if (!this.upgraded.has('undercloud')) throw new StepError('tool-failed', `openstack overcloud upgrade run: the undercloud does not run ${releaseOf(lab.plan)} yet`, 'upgrade the undercloud first');
      // A batch fails when one of its servers does: the Ansible run stops, the next batch never starts.
      const failed = hosts.find((h) => lab.faults.fire('upgrade-fail', h));
      if (failed) {
        throw new StepError('tool-failed', `openstack overcloud upgrade run exited with status 2: ${failed} failed`, `look at ${failed} (its console, /var/log/containers); retry to run the batch again (the upgrade playbooks are idempotent)`, [
          'TASK [Run upgrade_tasks step 2 (upgrade packages and container images)] ****',
          `fatal: [${failed}]: FAILED! => {"changed": false, "msg": "Failed to download metadata for repo 'openstack-${releaseOf(lab.plan)}'"}`,
          `PLAY RECAP ${failed} : ok=41 changed=12 unreachable=0 failed=1`,
        ]);
      }
      for (const h of hosts) this.upgraded.add(h);
      return ansible(TASKS.Upgrade, hosts, chatty);
    }
    if (words.startsWith('openstack overcloud upgrade converge')) {
      const servers = overcloudNodes(lab.plan).map((o) => o.node.name);
      // Converging with a server still on the old release fails, as the stack update does.
      const old = servers.filter((n) => !this.upgraded.has(n));
      if (old.length) throw new StepError('tool-failed', `openstack overcloud upgrade converge exited with status 1: ${old.join(', ')} still run${old.length === 1 ? 's' : ''} the old release`, 'run their upgrade batches (openstack overcloud upgrade run --limit), then converge again');
      return ansible(TASKS.common, servers, chatty);
    }
    if (words.startsWith('openstack overcloud image upload')) {
      return list(['Image "overcloud-full-vmlinuz" was uploaded.', 'Image "overcloud-full-initrd" was uploaded.', 'Image "overcloud-full" was uploaded.', 'Image "ironic-python-agent" was uploaded.']);
    }
    if (words.startsWith('openstack overcloud deploy')) {
      const role = this.flag(w, '--limit') ?? 'Controller';
      const members = overcloudNodes(lab.plan).filter((o) => o.role.split('+')[0] === role);
      const roles = [...new Set(members.flatMap((m) => m.role.split('+')))];
      return ansible([...TASKS.common, ...roles.flatMap((r) => TASKS[r] ?? [])], members.map((m) => m.node.name), chatty);
    }
    if (w.includes('endpoint')) {
      const vip = publicVip(lab.plan);
      return list(['13000', '13774', '13696', '13292', '443'].map((p) => `https://${vip}:${p}`));
    }
    if (w.includes('server') && w.includes('create')) return list(['cloudseed-check: BUILD', 'cloudseed-check: ACTIVE']);
    return list([]);
  }

  private writeOvercloudrc(file: string): void {
    const random = seededRandom(hash('admin-password', this.lab.opts.seed));
    const alphabet = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
    const password = Array.from({ length: 24 }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
    writeFileSync(
      file,
      [
        '# Admin credentials of the overcloud, written by cloudseed. Keep this file private.',
        `export OS_AUTH_URL=https://${publicVip(this.lab.plan)}:13000`,
        'export OS_USERNAME=admin',
        `export OS_PASSWORD=${password}`,
        'export OS_PROJECT_NAME=admin',
        'export OS_USER_DOMAIN_NAME=Default',
        'export OS_PROJECT_DOMAIN_NAME=Default',
        'export OS_IDENTITY_API_VERSION=3',
        `export OS_CLOUDNAME=${this.lab.plan.name}`,
        '',
      ].join('\n'),
      { mode: 0o600 },
    );
    chmodSync(file, 0o600);
  }
}

/** The simulated lab's adapters. */
export function simWorld(plan: Plan, opts: SimDriverOptions): World {
  const clock = opts.clock ?? realClock;
  const lab = new SimLab(plan, opts, clock);
  const memory = remembered(plan, opts);
  const ironics = new Map<IronicTier, FakeIronic>();
  const bmc = bmcClientFor(opts.world, { scale: clock.virtual ? 0 : 1 / lab.speed });
  return {
    name: 'sim',
    speed: lab.speed,
    clock,
    bmc,
    network: simProbe(opts.world, bmc),
    host: hostProbe(opts.world),
    tools: new SimTools(lab, upgradedHosts(opts.resume, opts.deployment)),
    ironic(p, tier) {
      let fake = ironics.get(tier);
      if (!fake) {
        fake = new FakeIronic({
          url: ironicEndpoint(p, tier).url,
          hardware: lab.hardware(),
          // The seed's Ironic inspects and deploys the undercloud (a VM, or one server); the
          // undercloud's the overcloud's servers, with their bigger disks and images.
          inspectMs: tier === 'seed' ? 3 * MIN : 6 * MIN,
          writeImageMs: tier === 'seed' ? 8 * MIN - 75 * S : 12 * MIN - 75 * S,
          image: tier === 'seed' ? 'undercloud.qcow2' : 'overcloud-full.qcow2',
          nodes: memory.get(tier),
        });
        ironics.set(tier, fake);
      }
      return fake;
    },
    attach: (ctx) => lab.attach(ctx),
    async close() {
      lab.close();
    },
  };
}

/** The sim driver: the step modules against the simulated lab. */
export function createSimDriver(plan: Plan, opts: SimDriverOptions): DeployDriver {
  return new WorldDriver(simWorld(plan, opts));
}
