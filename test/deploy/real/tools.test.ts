// The real driver's tool steps: the exact argument arrays it builds, and how it handles a
// tool that is missing, exits non-zero or hangs — with real small programs put first on
// PATH (shell scripts in a temp folder), not mocks.
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { compile } from '../../../src/deploy/compile.js';
import { commandsFor, createRealDriver, toolCommands } from '../../../src/deploy/drivers/real/index.js';
import { StepError, type Step, type StepContext } from '../../../src/deploy/types.js';
import { PlanSchema, type Plan, type PlanInput } from '../../../src/plan/schema.js';

const STATE = '/var/lib/cloudseed';

function buildPlan(extra: Partial<PlanInput> = {}): Plan {
  return PlanSchema.parse({
    version: 1,
    name: 'lab',
    driver: 'real',
    nodes: [
      { name: 'node-01', bmc: { address: '127.0.1.1', user: 'admin', password: 's3cret' }, macs: ['52:54:00:aa:01:01'], role: 'Controller' },
      { name: 'node-02', bmc: { address: '127.0.1.2', user: 'admin', password: 's3cret' }, macs: ['52:54:00:aa:01:02'], role: 'Compute' },
    ],
    network: { provisioning: { nic: 'eno2', cidr: '192.168.24.0/24', seedIp: '192.168.24.1', undercloudIp: '192.168.24.2/24' } },
    seed: { mode: 'build', vmImage: 'https://images.example.org/seed.qcow2' },
    undercloud: { mode: 'build' },
    options: { confirmedAt: '2026-01-01T00:00:00Z' },
    ...extra,
  });
}

/** Small programs standing in for the tools (an `scp` that succeeds unless given). */
function scriptDir(scripts: Record<string, string>, withScp = true): string {
  const dir = mkdtempSync(join(tmpdir(), 'cs-tools-'));
  for (const [name, body] of Object.entries({ ...(withScp ? { scp: 'exit 0' } : {}), ...scripts })) {
    writeFileSync(join(dir, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(dir, name), 0o755);
  }
  return dir;
}

interface Seen {
  logs: string[];
  progress: number[];
}

async function run(plan: Plan, step: Step, path: string, opts: { yes?: boolean } = {}): Promise<Seen & { error?: StepError }> {
  const seen: Seen = { logs: [], progress: [] };
  const ctx: StepContext = {
    plan,
    step,
    attempt: 1,
    signal: new AbortController().signal,
    log: (line) => void seen.logs.push(line),
    progress: (f) => void seen.progress.push(f),
    nodeState: () => undefined,
    waitingFor: () => undefined,
    stateDir: mkdtempSync(join(tmpdir(), 'cs-tools-state-')),
  };
  const driver = createRealDriver({ yes: opts.yes ?? false, env: { ...process.env, PATH: path } });
  try {
    await driver.run(ctx);
    return seen;
  } catch (err) {
    if (err instanceof StepError) return { ...seen, error: err };
    throw err;
  } finally {
    await driver.close();
  }
}

const stepOf = (plan: Plan, id: string) => compile(plan).steps.find((s) => s.id === id)!;

/** Gone, or a zombie waiting for init to reap it. */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

describe('commandsFor: every command the real driver will run', () => {
  it('builds the exact argument arrays of the seed VM and the TripleO steps', () => {
    const cmds = commandsFor(buildPlan(), STATE);
    const of = (step: string) => cmds.filter((c) => c.step === step).map((c) => c.argv);
    expect(of('seed.bridge')).toEqual([
      ['ip', 'link', 'add', 'name', 'brbm', 'type', 'bridge'],
      ['ip', 'link', 'set', 'dev', 'eno2', 'master', 'brbm'],
      ['ip', 'link', 'set', 'dev', 'brbm', 'up'],
    ]);
    expect(of('seed.image')).toEqual([
      ['curl', '-fL', '--retry', '3', '--progress-bar', '-o', `${STATE}/images/seed-base.qcow2`, '--', 'https://images.example.org/seed.qcow2'],
      ['qemu-img', 'check', `${STATE}/images/seed-base.qcow2`],
    ]);
    expect(of('seed.vm')).toEqual([
      ['qemu-img', 'create', '-f', 'qcow2', '-F', 'qcow2', '-b', `${STATE}/images/seed-base.qcow2`, '--', `${STATE}/images/cloudseed-seed.qcow2`, '40G'],
      [
        'virt-install', '--name', 'cloudseed-seed', '--memory', '4096', '--vcpus', '2', '--import',
        '--disk', `path=${STATE}/images/cloudseed-seed.qcow2,format=qcow2,bus=virtio`,
        '--network', 'bridge=brbm,model=virtio', '--os-variant', 'generic', '--graphics', 'none', '--noautoconsole',
      ],
      ['virsh', 'start', 'cloudseed-seed'],
    ]);
    const ssh = ['ssh', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=accept-new', '-o', 'ConnectTimeout=15', '--', 'stack@192.168.24.2'];
    expect(of('undercloud.configure')).toEqual([
      ['scp', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=accept-new', '--', `${STATE}/export/undercloud.conf`, 'stack@192.168.24.2:'],
      [...ssh, 'openstack', 'undercloud', 'install'],
    ]);
    expect(of('overcloud.configure.controller')).toEqual([
      [
        'scp', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=accept-new', '--',
        ...['roles_data.yaml', 'network_data.yaml', 'node-info.yaml', 'network-isolation.yaml', 'network-environment.yaml', 'ips-from-pool-all.yaml', 'fixed-ip-vips.yaml', 'nic-controller.j2', 'nic-compute.j2', 'nic-blockstorage.j2', 'nic-objectstorage.j2', 'nic-cephstorage.j2'].map((f) => `${STATE}/export/${f}`),
        'stack@192.168.24.2:',
      ],
      [...ssh, 'openstack', 'overcloud', 'deploy', '--stack', 'lab', '--templates', '--deployed-server', '-r', 'roles_data.yaml', '-n', 'network_data.yaml',
        ...['node-info.yaml', 'network-isolation.yaml', 'network-environment.yaml', 'ips-from-pool-all.yaml', 'fixed-ip-vips.yaml'].flatMap((f) => ['-e', f]),
        '--limit', 'Controller',
      ],
    ]);
    expect(of('overcloud.configure.compute').at(-1)?.at(-1)).toBe('Compute');
    // No password anywhere on a command line.
    expect(JSON.stringify(cmds)).not.toContain('s3cret');
  });

  it('an adopted undercloud without ssh runs no TripleO command; with undercloud.ssh it does', () => {
    const adopted = buildPlan({ seed: { mode: 'adopt', ironic: { url: 'http://127.0.0.1:6385' } }, undercloud: { mode: 'adopt', ironic: { url: 'http://127.0.0.2:6385' } } });
    expect(commandsFor(adopted)).toEqual([]);
    const withSsh = buildPlan({ undercloud: { mode: 'adopt', ironic: { url: 'http://127.0.0.2:6385' }, ssh: { host: 'uc.example', user: 'stack', port: 2222 } } });
    const images = commandsFor(withSsh).find((c) => c.step === 'overcloud.images');
    expect(images?.argv).toEqual([
      'ssh', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=accept-new', '-o', 'ConnectTimeout=15', '-p', '2222', '--', 'stack@uc.example',
      'openstack', 'overcloud', 'image', 'upload', '--image-path', '/home/stack/images', '--update-existing',
    ]);
  });
});

describe('tool steps with real programs', () => {
  const plan = buildPlan({ undercloud: { mode: 'adopt', ironic: { url: 'http://127.0.0.2:6385' }, ssh: { host: 'uc.example', user: 'stack' } } });
  const configure = stepOf(plan, 'overcloud.configure.controller');

  it('runs the tool with exactly the built arguments, streams its lines into the log and its percentages into progress', async () => {
    const out = mkdtempSync(join(tmpdir(), 'cs-argv-'));
    const dir = scriptDir({
      scp: `for a in "$@"; do printf '%s\\n' "$a"; done > ${out}/scp\nfor a in "$@"; do case $a in /*) [ -s "$a" ] || exit 9;; esac; done`,
      ssh: `for a in "$@"; do printf '%s\\n' "$a"; done > ${out}/argv\necho "Deploying overcloud 25%"\necho "Deploying overcloud 75%" >&2\necho "Overcloud Deployed"`,
    });
    const seen = await run(plan, configure, dir, { yes: true });
    expect(seen.error).toBeUndefined();
    // First the TripleO files, written from the plan and copied over (each exists, non-empty)…
    const scp = readFileSync(join(out, 'scp'), 'utf8').trimEnd().split('\n');
    expect(scp.filter((a) => a.startsWith('/')).map((a) => a.split('/').pop())).toEqual(['roles_data.yaml', 'network_data.yaml', 'node-info.yaml', 'network-isolation.yaml', 'network-environment.yaml', 'ips-from-pool-all.yaml', 'fixed-ip-vips.yaml', 'nic-controller.j2', 'nic-compute.j2', 'nic-blockstorage.j2', 'nic-objectstorage.j2', 'nic-cephstorage.j2']);
    expect(scp.at(-1)).toBe('stack@uc.example:');
    // …then the deploy, with exactly the arguments commandsFor shows.
    const expected = toolCommands(plan, configure, '/unused').at(-1)!.argv.slice(1);
    expect(readFileSync(join(out, 'argv'), 'utf8').trimEnd().split('\n')).toEqual(expected);
    expect(seen.logs).toEqual(expect.arrayContaining(['Deploying overcloud 25%', 'Deploying overcloud 75%', 'Overcloud Deployed']));
    expect(seen.progress).toEqual([0.5, 0.625, 0.875, 1]); // two commands: copy, then deploy 25% / 75%
  });

  it('a missing tool fails with tool-missing and names the Debian package', async () => {
    const noSsh = scriptDir({});
    const seen = await run(plan, configure, noSsh, { yes: true });
    expect(seen.error?.kind).toBe('tool-missing');
    expect(seen.error?.message).toBe('ssh is not installed (not found on PATH)');
    expect(seen.error?.hint).toBe('install it: apt-get install openssh-client');
  });

  it('the host checks list every missing tool with its package', async () => {
    const seen = await run(buildPlan(), stepOf(buildPlan(), 'seed.host-checks'), scriptDir({ ssh: 'exit 0', scp: 'exit 0', ip: 'exit 0' }), { yes: true });
    // The same checks as the Host screen: this machine's memory or KVM may fail them too.
    expect(seen.error?.message).toContain('not installed: curl, qemu-img, virt-install, virsh, vbmc, ipmitool');
    for (const pkg of ['libvirt-clients', 'virtinst', 'qemu-utils', 'curl', 'python3-virtualbmc', 'ipmitool']) expect(seen.error?.hint).toContain(pkg);
  });

  it('a non-zero exit fails with tool-failed and the last lines of its output', async () => {
    const dir = scriptDir({ ssh: 'i=1; while [ $i -le 30 ]; do echo "line $i"; i=$((i+1)); done; echo "ERROR: stack failed" >&2; exit 3' });
    const seen = await run(plan, configure, dir, { yes: true });
    expect(seen.error?.kind).toBe('tool-failed');
    expect(seen.error?.message).toBe('ssh exited with status 3');
    expect(seen.error?.tail).toHaveLength(20);
    expect(seen.error?.tail?.at(-1)).toBe('ERROR: stack failed');
    expect(seen.error?.tail?.[0]).toBe('line 12');
  });

  it('a hang past the step timeout fails with timeout and stops the whole process group', async () => {
    const pids = mkdtempSync(join(tmpdir(), 'cs-hang-'));
    const dir = scriptDir({ ssh: `/bin/sleep 300 &\necho $! > ${pids}/child\necho $$ > ${pids}/self\necho "waiting for heat"\nwait` });
    const seen = await run(plan, { ...configure, timeoutMs: 1_500 }, dir, { yes: true });
    expect(seen.error?.kind).toBe('timeout');
    expect(seen.error?.message).toMatch(/^ssh did not finish within \d+ s and was stopped$/);
    expect(seen.error?.tail).toEqual(['waiting for heat']);
    for (const f of ['self', 'child']) {
      const pid = Number(readFileSync(join(pids, f), 'utf8'));
      await vi.waitFor(() => expect(alive(pid)).toBe(false), { timeout: 2_000 });
    }
  });

  it('closing the driver while a tool runs stops the tool and its children: the step ends interrupted', async () => {
    const pids = mkdtempSync(join(tmpdir(), 'cs-close-'));
    const dir = scriptDir({ ssh: `/bin/sleep 300 &\necho $! > ${pids}/child\necho $$ > ${pids}/self\nwait` });
    const ctx: StepContext = {
      plan,
      step: configure,
      attempt: 1,
      signal: new AbortController().signal,
      log: () => undefined,
      progress: () => undefined,
      nodeState: () => undefined,
      waitingFor: () => undefined,
      stateDir: mkdtempSync(join(tmpdir(), 'cs-tools-state-')),
    };
    const driver = createRealDriver({ yes: true, env: { ...process.env, PATH: dir } });
    const running = driver.run(ctx).catch((e: unknown) => e);
    await vi.waitFor(() => expect(readFileSync(join(pids, 'child'), 'utf8')).toMatch(/^\d+/), { timeout: 5_000 });
    await driver.close();
    expect(((await running) as StepError).kind).toBe('interrupted');
    for (const f of ['self', 'child']) {
      const pid = Number(readFileSync(join(pids, f), 'utf8'));
      await vi.waitFor(() => expect(alive(pid)).toBe(false), { timeout: 5_000 });
    }
  });

  it('does nothing before the plan is confirmed, and never acts on a server outside the plan', async () => {
    const dir = scriptDir({ ssh: 'exit 0' });
    const unconfirmed = PlanSchema.parse({ ...plan, options: { ...plan.options, confirmedAt: undefined } });
    const seen = await run(unconfirmed, configure, dir);
    expect(seen.error?.message).toMatch(/not confirmed/);
    expect(seen.error?.hint).toMatch(/--yes/);
    const stranger = { ...stepOf(plan, 'overcloud.deploy.node-01'), id: 'overcloud.deploy.node-99', nodes: ['node-99'] };
    const refused = await run(plan, stranger, dir, { yes: true });
    expect(refused.error?.message).toBe('node-99 is not a server of the plan; the real driver leaves it alone');
  });
});
