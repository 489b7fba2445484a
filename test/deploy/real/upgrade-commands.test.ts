// The real driver's upgrade: the argument arrays it builds, checked against the options of the
// upstream commands it runs, and run — through the real ToolRunner (execa), with small
// programs standing in for ssh and scp first on PATH — exactly as `cloudseed plan` shows them.
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { realWorld } from '../../../src/deploy/drivers/real/driver.js';
import { WorldDriver } from '../../../src/deploy/drivers/world-driver.js';
import { startDeploy } from '../../../src/deploy/session.js';
import { plannedUpgrade, upgradeJson } from '../../../src/deploy/upgrade-command.js';
import { PlanSchema, type Plan, type TripleoRelease } from '../../../src/plan/schema.js';
import { referenceDir } from '../../artifacts/upstream.js';
import { instantIronic } from './lab-helpers.js';

const STATE = '/var/lib/cloudseed';

const temps: string[] = [];
const temp = (prefix: string) => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  temps.push(d);
  return d;
};
afterAll(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

function buildPlan(release: TripleoRelease): Plan {
  return PlanSchema.parse({
    version: 1,
    name: 'lab',
    driver: 'real',
    nodes: [
      ...['01', '02', '03'].map((i) => ({ name: `ctl-${i}`, bmc: { address: `127.0.7.${i}`, user: 'admin', password: 's3cret' }, macs: [`52:54:00:aa:07:${i}`], role: 'Controller' })),
      ...['04', '05', '06', '07', '08'].map((i) => ({ name: `cmp-${i}`, bmc: { address: `127.0.7.${i}`, user: 'admin', password: 's3cret' }, macs: [`52:54:00:aa:07:${i}`], role: 'Compute' })),
    ],
    network: { provisioning: { nic: 'eno2', cidr: '192.168.24.0/24', seedIp: '192.168.24.1', undercloudIp: '192.168.24.2/24' } },
    seed: { mode: 'build', images: { image: 'https://images.example.org/seed.qcow2' } },
    undercloud: { mode: 'build' },
    options: { confirmedAt: '2026-01-01T00:00:00Z', tripleoRelease: release },
  });
}

const deployed = { plan: buildPlan('victoria'), deployedAt: '2026-01-01T00:00:00Z' };
const planned = (stateDir = STATE, batch?: number) => upgradeJson(plannedUpgrade(deployed, buildPlan('wallaby'), batch), stateDir);

/**
 * The options of the commands cloudseed runs, as python-tripleoclient (stable/wallaby) parses
 * them: tripleoclient/v1/undercloud.py UpgradeUndercloud (InstallUndercloud's parser plus -y
 * and --skip-package-updates); v1/overcloud_upgrade.py UpgradeRun's own parser, and
 * UpgradePrepare / UpgradeConvergeOvercloud, which take DeployOvercloud's (v1/overcloud_deploy.py).
 * `value`: takes an argument; `flag`: takes none.
 */
const DEPLOY_OPTIONS = { value: ['--stack', '-r', '--roles-file', '-n', '--networks-file', '-e', '--environment-file', '--timeout', '--ntp-server', '--overcloud-ssh-user', '--overcloud-ssh-network'], flag: ['--templates', '--deployed-server', '-y', '--yes', '--stack-only', '--disable-validations', '--no-config-download'] };
const UPSTREAM: Record<string, { value: string[]; flag: string[]; required: string[] }> = {
  'undercloud upgrade': { value: [], flag: ['--force-stack-update', '--no-validations', '--inflight-validations', '--dry-run', '-y', '--yes', '--skip-package-updates'], required: [] },
  'overcloud upgrade prepare': { ...DEPLOY_OPTIONS, required: [] },
  'overcloud upgrade converge': { ...DEPLOY_OPTIONS, required: [] },
  'overcloud upgrade run': { value: ['--limit', '--playbook', '--static-inventory', '--ssh-user', '--tags', '--skip-tags', '--stack', '--ansible-forks'], flag: ['-y', '--yes'], required: ['--limit'] },
};

/** Facts of the upstream client read from the reference checkout (constants.py). */
function constants() {
  const src = readFileSync(join(referenceDir(), 'python-tripleoclient', 'tripleoclient', 'constants.py'), 'utf8');
  const list = (name: string) => [...new RegExp(`^${name} = \\[([^\\]]*)\\]`, 'm').exec(src)![1].matchAll(/["']([^"']+)["']/g)].map((m) => m[1]);
  const str = (name: string) => new RegExp(`^${name} = "([^"]+)"`, 'm').exec(src)![1];
  return { playbooks: list('MAJOR_UPGRADE_PLAYBOOKS'), prepareEnv: str('UPGRADE_PREPARE_ENV'), convergeEnv: str('UPGRADE_CONVERGE_ENV') };
}

/** A word as the remote shell reads it (sshArgv quotes the words it hands over). */
const unquote = (w: string) => (w.startsWith("'") ? w.slice(1, -1).replace(/'\\''/g, "'") : w);

/** The words run on the far side of `ssh … -- user@host words…`. */
function remoteWords(argv: string[]): string[] {
  expect(argv[0]).toBe('ssh');
  const dash = argv.indexOf('--');
  expect(dash).toBeGreaterThan(0);
  return argv.slice(dash + 2).map(unquote);
}

/** Parses `openstack A B [C] options…` with an upstream option table; returns the options given. */
function parseUpstream(words: string[]): { command: string; options: Map<string, string[]> } {
  const command = Object.keys(UPSTREAM).find((c) => words.slice(1).join(' ').startsWith(c));
  expect(command, words.join(' ')).toBeDefined();
  const spec = UPSTREAM[command!];
  const rest = words.slice(1 + command!.split(' ').length);
  const options = new Map<string, string[]>();
  for (let i = 0; i < rest.length; i++) {
    const opt = rest[i];
    const takes = spec.value.includes(opt);
    expect(takes || spec.flag.includes(opt), `${command}: ${opt} is not an option of the upstream command`).toBe(true);
    if (takes) {
      const v = rest[++i];
      expect(v !== undefined && !v.startsWith('-'), `${command}: ${opt} needs a value`).toBe(true);
      options.set(opt, [...(options.get(opt) ?? []), v]);
    } else options.set(opt, []);
  }
  for (const r of spec.required) expect(options.has(r), `${command}: ${r} is required upstream`).toBe(true);
  return { command: command!, options };
}

describe('the real driver upgrade commands', () => {
  it('each tier: argument arrays, the TripleO CLI on the undercloud over ssh', () => {
    const steps = planned().steps;
    const of = (id: string) => steps.find((s) => s.id === id)!.commands;
    const ssh = (host: string) => ['ssh', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=accept-new', '-o', 'ConnectTimeout=15', '--', `stack@${host}`];
    expect(of('seed.upgrade')).toEqual([
      [...ssh('192.168.24.1'), 'sudo', 'dnf', '-y', 'install', 'centos-release-openstack-wallaby'],
      [...ssh('192.168.24.1'), 'sudo', 'dnf', '-y', 'upgrade', "'openstack-ironic-*'"],
      [...ssh('192.168.24.1'), 'sudo', 'ironic-dbsync', '--config-file', '/etc/ironic/ironic.conf', 'upgrade'],
      [...ssh('192.168.24.1'), 'sudo', 'systemctl', 'restart', 'openstack-ironic-api', 'openstack-ironic-conductor'],
    ]);
    expect(of('undercloud.upgrade')).toEqual([
      [...ssh('192.168.24.2'), 'sudo', 'dnf', '-y', 'install', 'centos-release-openstack-wallaby'],
      [...ssh('192.168.24.2'), 'sudo', 'dnf', '-y', 'upgrade', 'python3-tripleoclient', 'tripleo-ansible'],
      ['scp', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=accept-new', '--', `${STATE}/export/undercloud.conf`, 'stack@192.168.24.2:'],
      [...ssh('192.168.24.2'), 'openstack', 'undercloud', 'upgrade', '--yes'],
    ]);
    expect(of('overcloud.upgrade-run.controller.2')).toEqual([[...ssh('192.168.24.2'), 'openstack', 'overcloud', 'upgrade', 'run', '--stack', 'lab', '--limit', 'ctl-02', '--playbook', 'all', '--yes']]);
    expect(of('overcloud.upgrade-run.compute.1')).toEqual([[...ssh('192.168.24.2'), 'openstack', 'overcloud', 'upgrade', 'run', '--stack', 'lab', '--limit', 'cmp-04,cmp-05', '--playbook', 'all', '--yes']]);
    expect(JSON.stringify(steps)).not.toContain('s3cret');
  });

  it('every TripleO command parses with the upstream client options, as upstream expects them', () => {
    const { playbooks, prepareEnv, convergeEnv } = constants();
    const seen = new Set<string>();
    for (const step of planned(STATE, 1).steps) {
      for (const argv of step.commands ?? []) {
        if (argv[0] !== 'ssh') continue;
        const words = remoteWords(argv);
        if (words[0] !== 'openstack') continue;
        const { command, options } = parseUpstream(words);
        seen.add(command);
        expect(options.has('--yes'), `${command} would stop at upstream's confirmation prompt`).toBe(true);
        if (command === 'overcloud upgrade run') {
          // "all" is upstream's special value for its MAJOR_UPGRADE_PLAYBOOKS; any other must be one of them.
          for (const p of options.get('--playbook') ?? []) expect(p === 'all' || playbooks.includes(p)).toBe(true);
          // --limit names this batch's servers only, comma separated, as the overcloud's inventory knows them.
          expect(options.get('--limit')![0].split(',')).toEqual(step.nodes);
        }
        if (command === 'overcloud upgrade prepare' || command === 'overcloud upgrade converge') {
          // The client prepends its lifecycle environment itself: passing it again would duplicate it.
          expect(options.get('-e')).not.toContain(prepareEnv);
          expect(options.get('-e')).not.toContain(convergeEnv);
          expect(options.get('--stack')).toEqual(['lab']);
        }
      }
    }
    expect([...seen].sort()).toEqual(Object.keys(UPSTREAM).sort());
    expect(playbooks).toEqual(['upgrade_steps_playbook.yaml', 'deploy_steps_playbook.yaml', 'post_upgrade_steps_playbook.yaml']);
  });

  it('the real driver runs exactly the commands plan shows, through the ToolRunner', async () => {
    const bin = temp('cs-upgrade-bin-');
    const record = join(bin, 'ran.log');
    // ssh and scp that record their arguments (one per line, a blank line after each command) and succeed.
    for (const tool of ['ssh', 'scp']) {
      writeFileSync(join(bin, tool), `#!/bin/sh\n{ echo ${tool}; for a in "$@"; do printf '%s\\n' "$a"; done; echo; } >> "${record}"\necho "${tool} ok"\n`);
      chmodSync(join(bin, tool), 0o755);
    }
    const stateDir = temp('cs-upgrade-state-');
    const p = plannedUpgrade(deployed, buildPlan('wallaby'));
    // The Ironic checks after the seed and the undercloud: a fake Ironic, no address of a real network touched.
    const fake = instantIronic();
    const driver = new WorldDriver({ ...realWorld({ env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } }), ironic: () => fake });
    const session = await startDeploy({ plan: p.upgrade.plan, deployment: p.deployment, driver, stateDir, onFailure: 'abort' });
    expect(await session.result).toBe('done');
    const ran = readFileSync(record, 'utf8').split('\n\n').filter(Boolean).map((block) => block.split('\n'));
    expect(ran).toEqual(upgradeJson(p, stateDir).steps.flatMap((s) => s.commands ?? []));
    // undercloud.conf was written for the new release before it was copied.
    expect(readFileSync(join(stateDir, 'export', 'undercloud.conf'), 'utf8')).toMatch(/\[DEFAULT\]/);
  });
});
