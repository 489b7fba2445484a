// The sim driver's deployment: plays every step against the lab world with Ironic-like
// server states, durations shaped by tripleo-facts.md and scaled by `--speed`, log lines
// like the real tools print, the lab's own server faults and `--faults`. Randomness is
// drawn per step and attempt from the seed, so the same seed and faults give the same run
// whatever order concurrent steps happen to run in.
import { readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import type { LabServer, LabWorld } from '../../../lab/world.js';
import { seededRandom } from '../../../lab/random.js';
import type { Node, Plan } from '../../../plan/schema.js';
import type { Clock } from '../../clock.js';
import { realClock } from '../../clock.js';
import { overcloudNodes, UNDERCLOUD_VM } from '../../compile.js';
import { allocate, type Allocation } from '../../../network/allocate.js';
import { publicVip } from '../../summary.js';
import { bmcClientFor } from '../../../inventory/clients.js';
import { blockingGates, runGates } from '../../../network/gates.js';
import { simProbe } from '../../../network/probes.js';
import { roleProfile } from '../../../ironic/provision.js';
import { StepError, type DeployDriver, type NodeState, type StepContext } from '../../types.js';
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
}

const S = 1000;
const MIN = 60 * S;

function hash(text: string, seed: number): number {
  let h = 2166136261 ^ seed;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** Ansible tasks the configuration steps print, a few per role as TripleO's deploy does. */
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
  Undercloud: [
    'Install undercloud packages',
    'Configure ironic, ironic-inspector, neutron, glance, keystone',
    'Start ironic_conductor, ironic_api, ironic_pxe_tftp',
    'Create ctlplane network and subnet',
  ],
};

export class SimDriver implements DeployDriver {
  readonly name = 'sim' as const;
  readonly speed: number;
  private readonly clock: Clock;
  private readonly faults: FaultBook;
  private readonly states = new Map<string, NodeState>();
  private readonly servers = new Map<string, LabServer>();
  private closed = false;
  private alloc: Allocation | undefined;

  constructor(
    private readonly plan: Plan,
    private readonly opts: SimDriverOptions,
  ) {
    this.clock = opts.clock ?? realClock;
    // On a virtual clock the world's own time is played, as fast as the CPU allows.
    this.speed = this.clock.virtual ? 1 : opts.speed;
    this.faults = new FaultBook(opts.faults);
    for (const node of plan.nodes) {
      const server = opts.world.servers.find((s) => s.bmc.address === node.bmc.address && (node.bmc.port === undefined || s.bmc.port === undefined || s.bmc.port === node.bmc.port));
      if (server) this.servers.set(node.name, server);
    }
  }

  async close(): Promise<void> {
    // No child processes in the simulated world; nothing outlives a run.
    this.closed = true;
  }

  async run(ctx: StepContext): Promise<void> {
    if (this.closed) throw new StepError('interrupted', 'the driver is closed');
    const play = new Play(ctx, this.clock, this.speed * (1 / this.faults.slowFactor(ctx.step.id, ctx.step.kind)), seededRandom(hash(`${ctx.step.id}#${ctx.attempt}`, this.opts.seed)), this.states);
    const node = ctx.step.nodes[0];
    // A step takes the world time compile estimates for it (one table for both).
    const ms = ctx.step.estimateMs;
    switch (ctx.step.kind) {
      case 'seed.host-checks':
        return this.hostChecks(play);
      case 'seed.network-gates':
        return this.gates(play);
      case 'seed.bridge': {
        const nic = this.plan.network.provisioning.nic ?? 'eth1';
        await play.lines(ms, ['ovs-vsctl --may-exist add-br brbm', `ovs-vsctl --may-exist add-port brbm ${nic}`, 'ip link set brbm up', `brbm up, ${nic} enslaved`]);
        return;
      }
      case 'seed.image':
        return this.image(play);
      case 'seed.vm':
        play.waiting('the seed VM to boot');
        await play.lines(ms, [
          'qemu-img create -f qcow2 -b seed.qcow2 /var/lib/libvirt/images/seed-disk.qcow2 40G',
          'virsh define /var/lib/cloudseed/seed.xml',
          "Domain 'seed' defined from /var/lib/cloudseed/seed.xml",
          'virsh start seed',
          "Domain 'seed' started",
          `waiting for ssh on ${this.seedIp()}:22`,
          `ssh ${this.seedIp()}: cloud-init finished`,
        ]);
        return;
      case 'seed.ironic':
        play.waiting(`the seed's Ironic API at ${this.seedIp()}:6385`);
        await play.lines(ms, [
          `GET http://${this.seedIp()}:6385/v1 -> connection refused, retrying in 5 s`,
          `GET http://${this.seedIp()}:6385/v1 -> 503 Service Unavailable, retrying in 5 s`,
          `GET http://${this.seedIp()}:6385/v1 -> 200 OK (API 1.1 .. 1.82)`,
        ]);
        return;
      case 'seed.adopt-check':
      case 'undercloud.adopt-check': {
        const tier = ctx.step.kind.startsWith('seed') ? this.plan.seed : this.plan.undercloud;
        const url = tier.ironic?.url ?? '(no Ironic URL in the plan)';
        await play.lines(ms, [`GET ${url}/v1 -> 200 OK`, `API version 1.82 >= ${tier.ironic?.apiVersion ?? '1.82'}: ok`]);
        return;
      }
      case 'seed.undercloud-vm':
        await play.lines(ms, [
          'virt-install --name undercloud --memory 24576 --vcpus 8 --disk size=100 --pxe --network bridge=brbm --noautoconsole --print-xml',
          "Domain 'undercloud' defined",
          'vbmc add undercloud --port 6230 --username admin',
          'vbmc start undercloud',
          'openstack baremetal node create --driver ipmi --name undercloud',
        ]);
        play.state(node, 'enroll');
        return;
      case 'seed.enrol-undercloud':
        return this.enrol(play, node, "seed's");
      case 'undercloud.manage':
        return this.manage(play, node);
      case 'undercloud.inspect':
        return this.inspect(play, node, false);
      case 'undercloud.provide':
        return this.provide(play, node);
      case 'undercloud.deploy':
        return this.deploy(play, node, false);
      case 'undercloud.wait-active':
        return this.waitActive(play, node);
      case 'undercloud.configure':
        play.waiting('openstack undercloud install');
        await play.lines(ms, this.ansible(['Undercloud'], ['undercloud'], 'undercloud'));
        return;
      case 'undercloud.check-apis':
        await play.lines(ms, ['keystone', 'ironic', 'ironic-inspector', 'glance', 'neutron', 'nova'].map((s) => `GET ${s} endpoint on ${this.undercloudIp()} -> 200 OK`));
        return;
      case 'overcloud.images':
        await play.lines(ms, [
          'openstack overcloud image upload --image-path /var/lib/cloudseed/images',
          'Image "overcloud-full-vmlinuz" was uploaded.',
          'Image "overcloud-full-initrd" was uploaded.',
          'Image "overcloud-full" was uploaded.',
          'Image "ironic-python-agent" was uploaded.',
        ]);
        return;
      case 'overcloud.enrol':
        return this.enrol(play, node, "undercloud's");
      case 'overcloud.inspect':
        await this.inspect(play, node, true);
        return this.provide(play, node);
      case 'overcloud.match-roles':
        return this.matchRoles(play);
      case 'overcloud.deploy':
        await this.deploy(play, node, true);
        return this.waitActive(play, node);
      case 'overcloud.configure':
        return this.configure(play, ctx.step.id);
      case 'overcloud.credentials':
        return this.credentials(play);
      case 'overcloud.post-endpoints': {
        const vip = this.publicVip();
        await play.lines(ms, ['13000 keystone', '13774 nova', '13696 neutron', '13292 glance', '443 horizon'].map((p) => `GET https://${vip}:${p.split(' ')[0]} (${p.split(' ')[1]}) -> 200 OK`));
        return;
      }
      case 'overcloud.test-instance':
        play.waiting('the test instance to boot');
        await play.lines(ms, [
          'openstack image create cirros --disk-format qcow2 --file cirros-0.6.2-x86_64-disk.img',
          'openstack server create --image cirros --flavor m1.tiny --network private cloudseed-test',
          'cloudseed-test: BUILD',
          'cloudseed-test: ACTIVE',
          'ping -c 3 cloudseed-test: 3 packets transmitted, 3 received',
          'openstack server delete cloudseed-test',
        ]);
        return;
      default:
        throw new StepError('other', `the sim driver has no step "${ctx.step.kind}"`);
    }
  }

  /** Addresses as the network issue allocates them (computed once, on first use). */
  private allocation(): Allocation {
    return (this.alloc ??= allocate(this.plan));
  }
  private provisioningAddress(name: string): string {
    const a = this.allocation();
    return (name === UNDERCLOUD_VM ? a.undercloud : a.byNode.get(name)?.addresses.ctlplane) ?? this.plan.network.provisioning.inspectionStart ?? 'an inspection address';
  }
  private seedIp(): string {
    return this.plan.network.provisioning.seedIp ?? this.allocation().seed ?? '192.168.24.1';
  }
  private undercloudIp(): string {
    return this.plan.network.provisioning.undercloudIp ?? this.allocation().undercloud ?? '192.168.24.2';
  }
  private publicVip(): string {
    return publicVip(this.plan);
  }

  private async hostChecks(play: Play): Promise<void> {
    const h = this.opts.world.seedHost;
    const problems: string[] = [];
    play.log(`CPU: ${h.cpu.cores} cores (${h.cpu.model}), VT ${h.cpu.vt ? 'enabled' : 'MISSING'}`);
    if (!h.cpu.vt || !h.kvm) problems.push('no hardware virtualisation (VT-x/AMD-V and /dev/kvm)');
    play.log(`memory: ${h.memoryMiB} MiB (need 16384)`);
    if (h.memoryMiB < 16384) problems.push(`only ${h.memoryMiB} MiB of memory (need 16384)`);
    for (const tool of ['virsh', 'qemu-img', 'ssh']) {
      const found = h.tools.includes(tool);
      play.log(`tool ${tool}: ${found ? 'found' : 'not found'}`, found ? 'info' : 'error');
      if (!found) problems.push(`${tool} is not installed`);
    }
    await play.wait(play.step.estimateMs);
    if (problems.length) throw new StepError('state', `this host is not ready: ${problems.join('; ')}`, 'Install what is missing (or use a bigger host), then retry.');
    play.log('host checks passed');
  }

  /** The network issue's gates, probing the lab world (its rogue DHCP, taken addresses, dead BMCs). */
  private async gates(play: Play): Promise<void> {
    const bmc = bmcClientFor(this.opts.world, { scale: this.clock.virtual ? 0 : 1 / this.speed });
    play.waiting(`a DHCP answer on ${this.plan.network.provisioning.nic ?? 'the provisioning NIC'}`);
    const results = await this.clock.hold(runGates(this.plan, simProbe(this.opts.world, bmc), { signal: play.signal, log: (line, level) => play.log(line, level) }));
    for (const r of results) play.log(`${r.title}: ${r.status}${r.acknowledged && r.status !== 'pass' ? ' (acknowledged)' : ''}${r.details.length ? ` -- ${r.details.join('; ')}` : ''}`, r.status === 'pass' ? 'info' : r.acknowledged ? 'warn' : 'error');
    await play.wait(play.step.estimateMs);
    const blocking = blockingGates(results);
    if (blocking.length) {
      const first = blocking[0];
      // The tail names each blocking gate by id: skipping the step acknowledges them in the plan.
      throw new StepError(
        first.id === 'gate.bmc-unreachable' ? 'unreachable' : 'state',
        `${first.title}: ${first.details.join('; ')}`,
        first.fix,
        blocking.map((g) => `${g.id}: ${g.details.join('; ')}`),
      );
    }
  }

  private async image(play: Play): Promise<void> {
    play.waiting('the seed image download');
    play.log('GET https://images.cloudseed.example/seed/seed-deploy.qcow2');
    // Five chunks of the download, then the checksum: a sixth of the step each.
    const chunk = play.step.estimateMs / 6;
    for (let p = 1; p <= 5; p++) {
      await play.wait(chunk);
      play.progress(p / 6, `${p * 20}%`);
      play.log(`seed-deploy.qcow2: ${p * 20}% of 1.9 GiB`);
    }
    await play.wait(chunk);
    play.log('sha256sum -c seed-deploy.qcow2.sha256: seed-deploy.qcow2: OK');
  }

  /** A server's BMC answers and accepts the plan's credentials (the sim reads passwordFile). */
  private bmcCheck(node: Node, step: string): void {
    const server = this.servers.get(node.name);
    const where = `${node.bmc.type === 'redfish' ? 'Redfish' : 'IPMI'} ${node.bmc.address}`;
    if (this.faults.fire('bmc-timeout', node.name)) {
      throw new StepError('timeout', `${node.name}: ${where} timed out (power status)`, 'Check the BMC is cabled and answers (ipmitool ... power status), then retry.');
    }
    if (!server || server.faults.includes('bmc-unreachable')) {
      throw new StepError('unreachable', `${node.name} went into maintenance: no answer from ${where}`, 'Check the BMC address and its network, or take the server out of the plan.');
    }
    let password = node.bmc.password;
    if (password === undefined && node.bmc.passwordFile) {
      try {
        password = readFileSync(node.bmc.passwordFile, 'utf8').split('\n')[0];
      } catch {
        password = undefined;
      }
    }
    if (node.bmc.user !== server.bmc.user || password !== server.bmc.password) {
      throw new StepError('auth', `${node.name} went into maintenance during ${step}: ${where} rejected the credentials of user ${node.bmc.user}`, 'Fix the BMC user or password of this server in the answers file, then retry.');
    }
  }

  private node(name: string): Node | undefined {
    return this.plan.nodes.find((n) => n.name === name);
  }

  private async enrol(play: Play, name: string, cloud: string): Promise<void> {
    const node = this.node(name);
    if (!node) throw new StepError('state', `${name} is not in the plan`);
    const have = this.states.get(name);
    if (have && have !== 'enroll') {
      play.log(`${name} is already enrolled in the ${cloud} Ironic (same name and MAC): nothing to do`, 'info', name);
      return;
    }
    play.log(`openstack baremetal node create --driver ${node.bmc.type} --name ${name} (driver_info: address ${node.bmc.address})`, 'info', name);
    play.state(name, 'enroll');
    for (const mac of node.macs) play.log(`openstack baremetal port create ${mac} --node ${name}`, 'info', name);
    await play.wait(10 * S);
    if (cloud === "undercloud's") await this.manage(play, name);
  }

  private async manage(play: Play, name: string): Promise<void> {
    const node = this.node(name);
    play.log(`openstack baremetal node manage ${name}`, 'info', name);
    play.state(name, 'verifying');
    play.waiting(`${name}'s BMC to answer`);
    await play.wait(20 * S);
    if (node) {
      try {
        this.bmcCheck(node, 'verifying');
      } catch (e) {
        play.state(name, 'enroll');
        throw e;
      }
    }
    play.log(`${name}: power state ${this.servers.get(name)?.power === 'on' ? 'power on' : 'power off'}`, 'info', name);
    play.state(name, 'manageable');
  }

  private pxeMac(name: string): string {
    return this.node(name)?.macs[0] ?? this.servers.get(name)?.nics.find((n) => n.pxe)?.mac ?? '52:54:00:00:00:01';
  }

  private async pxeBoot(play: Play, name: string, phase: string, failState: NodeState): Promise<void> {
    const server = this.servers.get(name);
    const mac = this.pxeMac(name);
    play.log(`ipmitool chassis bootdev pxe; power on ${name}`, 'info', name);
    play.waiting(`${name} to PXE boot`);
    if (this.faults.fire('pxe-fail', name) || server?.faults.includes('no-pxe')) {
      await play.wait(4 * MIN);
      play.state(name, failState);
      throw new StepError('timeout', `${name} did not PXE boot during ${phase}: no DHCP request from ${mac}`, 'Put PXE first in its boot order and check the provisioning NIC is cabled to the provisioning network, then retry.');
    }
    await play.wait(75 * S);
    const ip = this.provisioningAddress(name);
    play.log(`dnsmasq-dhcp: DHCPDISCOVER(brbm) ${mac}`, 'info', name);
    play.log(`dnsmasq-dhcp: DHCPOFFER(brbm) ${ip} ${mac}`, 'info', name);
    play.log(`dnsmasq-tftp: sent /tftpboot/ipxe.efi to ${ip}`, 'info', name);
  }

  private async inspect(play: Play, name: string, overcloud: boolean): Promise<void> {
    const have = this.states.get(name);
    if (have === 'available' || have === 'active') {
      play.log(`${name} was already inspected: nothing to do`, 'info', name);
      return;
    }
    play.log(`openstack baremetal node inspect ${name}`, 'info', name);
    play.state(name, 'inspecting');
    await this.pxeBoot(play, name, 'inspection', 'inspect failed');
    play.state(name, 'inspect wait');
    play.waiting(`${name}'s introspection data`);
    await play.wait(overcloud ? 6 * MIN : 3 * MIN);
    const server = this.servers.get(name);
    if (server) {
      const disk = server.disks.map((d) => `${d.name} ${d.sizeGiB} GiB`).join(', ');
      play.log(`ironic-inspector: ${name}: ${server.cpu.cores} CPUs, ${server.memoryMiB} MiB, ${disk}, ${server.vendor} ${server.product}`, 'info', name);
    } else play.log(`ironic-inspector: ${name}: 8 CPUs, 24576 MiB, vda 100 GiB (VM)`, 'info', name);
    play.state(name, 'manageable');
  }

  private async provide(play: Play, name: string): Promise<void> {
    if (this.states.get(name) === 'available' || this.states.get(name) === 'active') return;
    play.log(`openstack baremetal node provide ${name}`, 'info', name);
    play.state(name, 'cleaning');
    await play.wait(60 * S);
    play.state(name, 'clean wait');
    play.waiting(`${name} to finish cleaning`);
    await play.wait(2 * MIN);
    play.state(name, 'available');
  }

  /** Deploys `name`: a PXE boot (75 s), then writing the image for the rest of the step's estimate. */
  private async deploy(play: Play, name: string, overcloud: boolean): Promise<void> {
    if (this.states.get(name) === 'active') {
      play.log(`${name} is already active: nothing to do`, 'info', name);
      return;
    }
    if (this.states.get(name) === 'deploy failed') {
      play.log(`openstack baremetal node undeploy ${name} (after a failed deploy)`, 'info', name);
      play.state(name, 'deleting');
      await play.wait(30 * S);
      play.state(name, 'cleaning');
      await play.wait(60 * S);
      play.state(name, 'available');
    }
    play.log(`openstack baremetal node deploy ${name} --config-drive ...`, 'info', name);
    play.state(name, 'deploying');
    await this.pxeBoot(play, name, 'deployment', 'deploy failed');
    play.state(name, 'wait call-back');
    play.waiting(`${name} to write its image`);
    play.log(`ironic-python-agent on ${name}: writing ${overcloud ? 'overcloud-full.qcow2' : 'undercloud.qcow2'} to /dev/sda`, 'info', name);
    await play.wait(play.step.estimateMs - 75 * S);
    if (this.faults.fire('deploy-fail', name)) {
      play.state(name, 'deploy failed');
      throw new StepError(
        'state',
        `${name}: deploy failed: Failed to deploy. Exception: Unexpected error while running command: qemu-img convert ... /dev/sda: No space left on device`,
        'Look at the server console; an undeploy and retry often clears it.',
        [`ERROR ironic.conductor.utils [-] Node ${name} moved to provision state "deploy failed" from state "wait call-back"`],
      );
    }
    play.log(`${name}: installing the boot loader, rebooting into the instance`, 'info', name);
  }

  private async waitActive(play: Play, name: string): Promise<void> {
    if (this.states.get(name) === 'active') return;
    play.waiting(`${name} to become active`);
    await play.wait(60 * S);
    play.state(name, 'active');
    play.log(`${name}: provision state active`, 'info', name);
  }

  private async matchRoles(play: Play): Promise<void> {
    play.log('openstack overcloud profiles match');
    for (const { node, role } of overcloudNodes(this.plan)) {
      const server = this.servers.get(node.name);
      const disk = server?.disks.reduce((a, d) => a + d.sizeGiB, 0);
      const profile = roleProfile(role);
      play.log(`${node.name}: profile ${profile}`, 'info', node.name);
      if (node.diskGiB && disk !== undefined && node.diskGiB > disk) {
        play.log(`${node.name}: the plan declares ${node.diskGiB} GiB of disk, introspection found ${disk} GiB`, 'warn', node.name);
      }
    }
    await play.wait(play.step.estimateMs);
  }

  /** Ansible's output for `hosts`, produced line by line (hundreds of hosts: a million lines). */
  private ansible(roles: string[], hosts: string[], kind: string): Lines {
    const tasks = kind === 'undercloud' ? TASKS.Undercloud : [...TASKS.common, ...roles.flatMap((r) => TASKS[r] ?? [])];
    const chatty = Math.max(1, Math.round(this.opts.chatty ?? 1));
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

  private async configure(play: Play, stepId: string): Promise<void> {
    const slug = stepId.split('.').pop()!;
    const members = overcloudNodes(this.plan).filter(({ role }) => role.replace('+', '-').toLowerCase() === slug);
    const role = members[0]?.role ?? slug;
    const roles = role.split('+');
    const hosts = members.map(({ node }) => node.name);
    play.waiting(`Ansible to configure ${hosts.length} ${role.toLowerCase()} server${hosts.length === 1 ? '' : 's'}`);
    play.log(`openstack overcloud deploy --templates -e node-info.yaml -e network-environment.yaml --limit ${role}`);
    await play.lines(play.step.estimateMs, this.ansible(roles, hosts, 'overcloud'));
  }

  private async credentials(play: Play): Promise<void> {
    const random = seededRandom(hash('admin-password', this.opts.seed));
    const alphabet = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
    const password = Array.from({ length: 24 }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
    const vip = this.publicVip();
    await play.wait(play.step.estimateMs);
    if (!play.stateDir) {
      play.log('no state directory: the admin credentials were not written', 'warn');
      return;
    }
    const file = join(play.stateDir, 'overcloudrc');
    writeFileSync(
      file,
      [
        '# Admin credentials of the overcloud, written by cloudseed. Keep this file private.',
        `export OS_AUTH_URL=https://${vip}:13000`,
        'export OS_USERNAME=admin',
        `export OS_PASSWORD=${password}`,
        'export OS_PROJECT_NAME=admin',
        'export OS_USER_DOMAIN_NAME=Default',
        'export OS_PROJECT_DOMAIN_NAME=Default',
        'export OS_IDENTITY_API_VERSION=3',
        `export OS_CLOUDNAME=${this.plan.name}`,
        '',
      ].join('\n'),
      { mode: 0o600 },
    );
    chmodSync(file, 0o600);
    play.log(`wrote ${file} (mode 0600)`);
  }
}

/** Log lines produced on demand, so a million of them are never in memory at once. */
interface Lines {
  length: number;
  at(i: number): string | undefined;
}

/** One step being played: waits on the clock, logs, reports states and progress. */
class Play {
  constructor(
    private readonly ctx: StepContext,
    private readonly clock: Clock,
    private readonly speed: number,
    private readonly random: () => number,
    private readonly states: Map<string, NodeState>,
  ) {}

  get step() {
    return this.ctx.step;
  }
  get stateDir() {
    return this.ctx.stateDir;
  }
  get signal() {
    return this.ctx.signal;
  }

  log(line: string, level: 'info' | 'warn' | 'error' = 'info', node?: string): void {
    this.ctx.log(line, { node: node ?? (this.ctx.step.nodes.length === 1 ? this.ctx.step.nodes[0] : undefined), level });
  }
  state(node: string, state: NodeState): void {
    this.states.set(node, state);
    this.ctx.nodeState(node, state);
  }
  waiting(what: string): void {
    this.ctx.waitingFor(what);
  }
  progress(fraction: number, note?: string): void {
    this.ctx.progress(fraction, note);
  }

  /** World time, with ±15% jitter from the seed, scaled to the clock. */
  async wait(worldMs: number): Promise<void> {
    const jitter = 0.85 + 0.3 * this.random();
    await this.clock.sleep(Math.round((worldMs * jitter) / this.speed), this.ctx.signal);
  }

  /** Spreads `lines` over `worldMs`, reporting progress as it goes. */
  async lines(worldMs: number, lines: string[] | Lines): Promise<void> {
    const n = Math.max(1, lines.length);
    // Long outputs (Ansible on hundreds of servers) come in chunks of up to 500 lines per
    // wait, as a tool's output does, not one wait per line.
    const batch = Math.min(500, Math.max(1, Math.ceil(n / 50)));
    for (let i = 0; i < n; i += batch) {
      await this.wait((worldMs * Math.min(batch, n - i)) / n);
      for (let j = i; j < Math.min(n, i + batch); j++) {
        const line = lines.at(j);
        if (line !== undefined) this.log(line);
      }
      this.progress(Math.min(1, (i + batch) / n));
    }
  }
}

export function createSimDriver(plan: Plan, opts: SimDriverOptions): SimDriver {
  return new SimDriver(plan, opts);
}
