// Every external command the real driver runs, per step, built from the plan alone — pure,
// so `cloudseed plan` can show them and tests can check the exact argument arrays.
// The seed VM: qemu-img + virt-install + virsh on this host. Undercloud and overcloud
// services: the TripleO CLI over ssh on the undercloud. No command ever holds a password.
import { join } from 'node:path';
import { overcloudDeployFiles, type ArtifactName } from '../../../artifacts/files.js';
import { releaseOf, type Plan } from '../../../plan/schema.js';
import { compile } from '../../compile.js';
import type { Step } from '../../types.js';
import { shellQuote } from './tools.js';

export const SEED_VM = 'cloudseed-seed';
export const UNDERCLOUD_VM_DOMAIN = 'cloudseed-undercloud';
export const BRIDGE = 'brbm';
/** The undercloud VM's virtual BMC (virtualbmc's defaults: admin / password, on loopback only). */
export const VBMC = { address: '127.0.0.1', port: 6230, user: 'admin', password: 'password' } as const;

/** One command of a step. `unless`: a check run first; exit 0 means the work is already done. */
export interface ToolCommand {
  argv: string[];
  /** Plain words for the log. */
  what: string;
  unless?: string[];
  /** With `unless`: done only when its output also matches. */
  unlessOutput?: RegExp;
  /** TripleO files the driver writes into `<state dir>/export` from the plan before running it. */
  writes?: ArtifactName[];
}

/** The files `openstack overcloud deploy` reads (-r, -n, -e) and the arguments naming them. */
export const OVERCLOUD_DEPLOY = overcloudDeployFiles();
export const OVERCLOUD_FILES: ArtifactName[] = OVERCLOUD_DEPLOY.files;

export interface PlannedCommand {
  /** The step's id (`seed.vm`, `overcloud.configure.controller`). */
  step: string;
  argv: string[];
}

export interface ShellTarget {
  host: string;
  user: string;
  port?: number;
  identityFile?: string;
}

const stripPrefix = (ip: string | undefined) => ip?.split('/')[0];

/** Where the TripleO CLI runs: the plan's `undercloud.ssh`, or the undercloud cloudseed builds. */
export function undercloudShell(plan: Plan): ShellTarget | undefined {
  if (plan.undercloud.ssh) return plan.undercloud.ssh;
  const ip = stripPrefix(plan.network.provisioning.undercloudIp);
  if (plan.undercloud.mode === 'build' && ip) return { host: ip, user: 'stack' };
  return undefined;
}

/** Where the seed's services are upgraded: the plan's `seed.ssh`, or the seed VM cloudseed builds. */
export function seedShell(plan: Plan): ShellTarget | undefined {
  if (plan.seed.ssh) return plan.seed.ssh;
  const ip = stripPrefix(plan.network.provisioning.seedIp);
  if (plan.seed.mode === 'build' && ip) return { host: ip, user: 'stack' };
  return undefined;
}

/** The RDO repositories of a release on CentOS (centos-release-openstack-<release>). */
const releaseRepos = (plan: Plan): ToolCommand => ({
  what: `enable the OpenStack ${releaseOf(plan)} repositories`,
  argv: ['sudo', 'dnf', '-y', 'install', `centos-release-openstack-${releaseOf(plan)}`],
});

/** The arguments naming the overcloud's files, as `openstack overcloud deploy` gets them. */
const overcloudArgs = (plan: Plan) => ['--stack', plan.name, '--templates', '--deployed-server', ...OVERCLOUD_DEPLOY.args];

/**
 * `ssh … -- user@host words…`: local arguments stay an array; the remote words are quoted.
 * After `--` ssh reads neither the destination nor the words as options (a user
 * `-oProxyCommand=…` would otherwise run a command here); the schema refuses such values too.
 */
export function sshArgv(target: ShellTarget, words: string[]): string[] {
  const argv = ['ssh', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=accept-new', '-o', 'ConnectTimeout=15'];
  if (target.port) argv.push('-p', String(target.port));
  if (target.identityFile) argv.push('-i', target.identityFile);
  argv.push('--', `${target.user}@${target.host}`, ...words.map(shellQuote));
  return argv;
}

export function scpArgv(target: ShellTarget, from: string[], to: string): string[] {
  const argv = ['scp', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=accept-new'];
  if (target.port) argv.push('-P', String(target.port));
  if (target.identityFile) argv.push('-i', target.identityFile);
  argv.push('--', ...from, to);
  return argv;
}

function isUrl(s: string): boolean {
  return /^https?:\/\//.test(s);
}

/**
 * The commands of one step, in order (empty: the step talks HTTP only, or has nothing to run).
 * `stateDir` is where the seed image and disks go.
 */
export function toolCommands(plan: Plan, step: Step, stateDir: string): ToolCommand[] {
  const images = join(stateDir, 'images');
  const seedBase = join(images, 'seed-base.qcow2');
  const seedDisk = join(images, `${SEED_VM}.qcow2`);
  const uc = undercloudShell(plan);
  const remote = (words: string[]) => (uc ? sshArgv(uc, words) : undefined);
  switch (step.kind) {
    case 'seed.bridge': {
      const nic = plan.network.provisioning.nic;
      if (!nic) return [];
      return [
        { what: `create bridge ${BRIDGE}`, argv: ['ip', 'link', 'add', 'name', BRIDGE, 'type', 'bridge'], unless: ['ip', 'link', 'show', 'dev', BRIDGE] },
        { what: `put ${nic} into ${BRIDGE}`, argv: ['ip', 'link', 'set', 'dev', nic, 'master', BRIDGE] },
        { what: `bring ${BRIDGE} up`, argv: ['ip', 'link', 'set', 'dev', BRIDGE, 'up'] },
      ];
    }
    case 'seed.image': {
      const src = plan.seed.vmImage;
      if (!src) return [];
      const fetch: ToolCommand[] = isUrl(src)
        ? [{ what: 'download the seed image', argv: ['curl', '-fL', '--retry', '3', '--progress-bar', '-o', seedBase, '--', src], unless: ['qemu-img', 'check', seedBase] }]
        : [{ what: 'copy the seed image', argv: ['qemu-img', 'convert', '-p', '-O', 'qcow2', '--', src.replace(/^file:\/\//, ''), seedBase], unless: ['qemu-img', 'check', seedBase] }];
      return [...fetch, { what: 'verify the seed image', argv: ['qemu-img', 'check', seedBase] }];
    }
    case 'seed.vm':
      return [
        { what: 'create the seed VM disk', argv: ['qemu-img', 'create', '-f', 'qcow2', '-F', 'qcow2', '-b', seedBase, '--', seedDisk, '40G'], unless: ['qemu-img', 'check', seedDisk] },
        {
          what: 'define and boot the seed VM',
          argv: [
            'virt-install',
            '--name', SEED_VM,
            '--memory', '4096',
            '--vcpus', '2',
            '--import',
            '--disk', `path=${seedDisk},format=qcow2,bus=virtio`,
            '--network', `bridge=${BRIDGE},model=virtio`,
            '--os-variant', 'generic',
            '--graphics', 'none',
            '--noautoconsole',
          ],
          unless: ['virsh', 'dominfo', SEED_VM],
        },
        { what: 'start the seed VM', argv: ['virsh', 'start', SEED_VM], unless: ['virsh', 'domstate', SEED_VM], unlessOutput: /^running$/m },
      ];
    case 'seed.undercloud-vm':
      // A VM that PXE boots from the seed, and a virtual BMC the seed's Ironic powers it through.
      return [
        {
          what: 'define the undercloud VM',
          argv: ['virt-install', '--name', UNDERCLOUD_VM_DOMAIN, '--memory', '24576', '--vcpus', '8', '--disk', 'size=100', '--pxe', '--network', `bridge=${BRIDGE},model=virtio`, '--os-variant', 'generic', '--graphics', 'none', '--noautoconsole', '--noreboot'],
          unless: ['virsh', 'dominfo', UNDERCLOUD_VM_DOMAIN],
        },
        { what: 'give it a virtual BMC', argv: ['vbmc', 'add', UNDERCLOUD_VM_DOMAIN, '--address', VBMC.address, '--port', String(VBMC.port)], unless: ['vbmc', 'show', UNDERCLOUD_VM_DOMAIN] },
        { what: 'start the virtual BMC', argv: ['vbmc', 'start', UNDERCLOUD_VM_DOMAIN] },
      ];
    case 'undercloud.configure':
      return uc
        ? [
            { what: 'copy undercloud.conf', argv: scpArgv(uc, [join(stateDir, 'export', 'undercloud.conf')], `${uc.user}@${uc.host}:`), writes: ['undercloud.conf'] },
            { what: 'install the undercloud', argv: remote(['openstack', 'undercloud', 'install'])! },
          ]
        : [];
    case 'overcloud.images':
      return uc ? [{ what: 'upload the overcloud images', argv: remote(['openstack', 'overcloud', 'image', 'upload', '--image-path', '/home/stack/images', '--update-existing'])! }] : [];
    case 'overcloud.configure': {
      if (!uc) return [];
      // Controller+Compute (all in one) is deployed as the Controller role.
      const role = (step.role ?? '').split('+')[0];
      return [
        {
          what: 'copy the overcloud files',
          argv: scpArgv(uc, OVERCLOUD_FILES.map((f) => join(stateDir, 'export', f)), `${uc.user}@${uc.host}:`),
          writes: OVERCLOUD_FILES,
        },
        {
          what: `configure ${role} services`,
          argv: remote([
            'openstack', 'overcloud', 'deploy',
            '--stack', plan.name,
            '--templates',
            '--deployed-server',
            ...OVERCLOUD_DEPLOY.args,
            '--limit', role,
          ])!,
        },
      ];
    }
    case 'seed.upgrade': {
      // A standalone Ironic: its packages, its database schema, then its services restarted.
      const seed = seedShell(plan);
      if (!seed) return [];
      return [releaseRepos(plan), { what: "upgrade the seed's Ironic packages", argv: ['sudo', 'dnf', '-y', 'upgrade', 'openstack-ironic-*'] }, { what: "migrate the seed's Ironic database", argv: ['sudo', 'ironic-dbsync', '--config-file', '/etc/ironic/ironic.conf', 'upgrade'] }, { what: "restart the seed's Ironic", argv: ['sudo', 'systemctl', 'restart', 'openstack-ironic-api', 'openstack-ironic-conductor'] }].map((c) => ({ ...c, argv: sshArgv(seed, c.argv) }));
    }
    case 'undercloud.upgrade':
      return uc
        ? [
            { ...releaseRepos(plan), argv: remote(releaseRepos(plan).argv)! },
            { what: 'upgrade the TripleO client', argv: remote(['sudo', 'dnf', '-y', 'upgrade', 'python3-tripleoclient', 'tripleo-ansible'])! },
            { what: 'copy undercloud.conf', argv: scpArgv(uc, [join(stateDir, 'export', 'undercloud.conf')], `${uc.user}@${uc.host}:`), writes: ['undercloud.conf'] },
            { what: 'upgrade the undercloud', argv: remote(['openstack', 'undercloud', 'upgrade', '--yes'])! },
          ]
        : [];
    case 'overcloud.upgrade-prepare':
      return uc
        ? [
            { what: 'copy the overcloud files', argv: scpArgv(uc, OVERCLOUD_FILES.map((f) => join(stateDir, 'export', f)), `${uc.user}@${uc.host}:`), writes: OVERCLOUD_FILES },
            { what: 'prepare the upgrade', argv: remote(['openstack', 'overcloud', 'upgrade', 'prepare', ...overcloudArgs(plan), '--yes'])! },
          ]
        : [];
    case 'overcloud.upgrade-run':
      // Only this batch's servers (Ansible's --limit); `all`: upgrade, deploy and post-upgrade playbooks.
      return uc ? [{ what: `upgrade ${step.nodes.join(', ')}`, argv: remote(['openstack', 'overcloud', 'upgrade', 'run', '--stack', plan.name, '--limit', step.nodes.join(','), '--playbook', 'all', '--yes'])! }] : [];
    case 'overcloud.upgrade-converge':
      return uc ? [{ what: 'converge the overcloud', argv: remote(['openstack', 'overcloud', 'upgrade', 'converge', ...overcloudArgs(plan), '--yes'])! }] : [];
    case 'overcloud.credentials':
      return uc ? [{ what: 'fetch overcloudrc', argv: scpArgv(uc, [`${uc.user}@${uc.host}:${plan.name}rc`], join(stateDir, 'overcloudrc')) }] : [];
    case 'overcloud.post-endpoints':
      return uc ? [{ what: 'list the endpoints', argv: remote(['openstack', '--os-cloud', plan.name, 'endpoint', 'list', '-f', 'value', '-c', 'URL'])! }] : [];
    case 'overcloud.test-instance':
      return uc
        ? [
            {
              what: 'boot a test instance',
              argv: remote(['openstack', '--os-cloud', plan.name, 'server', 'create', '--flavor', 'm1.tiny', '--image', 'cirros', '--wait', 'cloudseed-check'])!,
            },
            { what: 'delete the test instance', argv: remote(['openstack', '--os-cloud', plan.name, 'server', 'delete', '--wait', 'cloudseed-check'])! },
          ]
        : [];
    default:
      return [];
  }
}

/** Every command the real driver will run for this plan, step by step (for `cloudseed plan`). */
export function commandsFor(plan: Plan, stateDir = '$STATE_DIR'): PlannedCommand[] {
  return compile(plan).steps.flatMap((step) => toolCommands(plan, step, stateDir).map((c) => ({ step: step.id, argv: c.argv })));
}
