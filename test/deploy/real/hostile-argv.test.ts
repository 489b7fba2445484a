// Option injection (issue 15.1): a value from the plan that starts with "-" must never reach
// ssh, scp, curl, qemu-img, ip or ipmitool where the tool reads it as an option. The schema
// refuses such values (test/plan/hostile-input.test.ts); here the builders are fed them
// directly, as if a plan had slipped past the schema, and the real ssh is run with one.
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { compile } from '../../../src/deploy/compile.js';
import { scpArgv, sshArgv, toolCommands } from '../../../src/deploy/drivers/real/commands.js';
import { IpmitoolClient } from '../../../src/inventory/ipmi.js';
import { PlanSchema, type Plan } from '../../../src/plan/schema.js';

const HOSTILE = '-oProxyCommand=touch /tmp/cloudseed-pwned';
const dir = mkdtempSync(join(tmpdir(), 'cs-hostile-argv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A valid plan, then hostile values put in past the schema. */
function hostilePlan(change: (p: Plan) => void): Plan {
  const plan = PlanSchema.parse({
    version: 1,
    name: 'lab',
    driver: 'real',
    nodes: [{ name: 'node-01', bmc: { address: '127.0.1.1', user: 'admin', password: 's3cret' }, macs: ['52:54:00:aa:01:01'], role: 'Controller' }],
    network: { provisioning: { nic: 'eno2', cidr: '192.168.24.0/24', undercloudIp: '192.168.24.2/24' } },
    seed: { mode: 'build', vmImage: 'https://images.example.org/seed.qcow2' },
    undercloud: { mode: 'build', ssh: { host: '192.0.2.10', user: 'stack' } },
  });
  change(plan);
  return plan;
}

const argvsOf = (plan: Plan, kind: string) =>
  compile(plan)
    .steps.filter((s) => s.kind === kind)
    .flatMap((s) => toolCommands(plan, s, '/var/lib/cloudseed'))
    .map((c) => c.argv);

/** Where each argument holding `value` stands: after `--`, or as the value of the option before it. */
function placement(argv: string[], value: string, valueOptions: string[]): string[] {
  const end = argv.indexOf('--');
  return argv.flatMap((arg, i) => {
    if (!arg.includes(value)) return [];
    if (end >= 0 && i > end) return ['after --'];
    if (valueOptions.includes(argv[i - 1])) return [`value of ${argv[i - 1]}`];
    return [`read as an option: ${arg}`];
  });
}

describe('command builders with hostile values', () => {
  it('ssh: the destination and the remote words come after --, whatever the user or host holds', () => {
    const argv = sshArgv({ host: '-oHost=x', user: HOSTILE }, ['openstack', '--os-cloud', '-x']);
    expect(argv.indexOf('--')).toBeGreaterThan(0);
    expect(argv.slice(argv.indexOf('--') + 1)).toEqual([`${HOSTILE}@-oHost=x`, 'openstack', '--os-cloud', '-x']);
    // The plan's undercloud.ssh reaches every TripleO step the same way.
    const plan = hostilePlan((p) => (p.undercloud.ssh!.user = HOSTILE));
    for (const argv of argvsOf(plan, 'undercloud.configure').filter((a) => a[0] === 'ssh')) expect(placement(argv, HOSTILE, [])).toEqual(['after --']);
  });

  it('the real ssh does not run a ProxyCommand hidden in the user name', async () => {
    const marker = join(dir, 'pwned');
    const argv = sshArgv({ host: '127.0.0.1', user: `-oProxyCommand=touch ${marker}`, port: 9 }, ['true']);
    const r = await execa(argv[0], argv.slice(1), { reject: false, timeout: 20_000, env: { HOME: dir }, stdin: 'ignore' });
    expect(r.exitCode).toBe(255);
    // Before the fix ssh read the argument as -o ProxyCommand and created `pwned@127.0.0.1`.
    expect(readdirSync(dir).filter((f) => f.startsWith('pwned'))).toEqual([]);
  });

  it('scp: every path comes after --', () => {
    const argv = scpArgv({ host: '192.0.2.10', user: HOSTILE }, ['-oX=/etc/passwd'], `${HOSTILE}@192.0.2.10:`);
    expect(placement(argv, '-oX', [])).toEqual(['after --']);
    expect(placement(argv, HOSTILE, [])).toEqual(['after --']);
  });

  it('curl and qemu-img: the image location comes after --', () => {
    const url = hostilePlan((p) => (p.seed.vmImage = 'https://x/-o/etc/passwd'));
    const curl = argvsOf(url, 'seed.image').find((a) => a[0] === 'curl')!;
    expect(placement(curl, 'https://x/', [])).toEqual(['after --']);
    const path = hostilePlan((p) => (p.seed.vmImage = '--help'));
    const convert = argvsOf(path, 'seed.image').find((a) => a[1] === 'convert')!;
    expect(placement(convert, '--help', [])).toEqual(['after --']);
    const create = argvsOf(path, 'seed.vm').find((a) => a[1] === 'create')!;
    expect(create.slice(create.indexOf('--') + 1)).toEqual(['/var/lib/cloudseed/images/cloudseed-seed.qcow2', '40G']);
  });

  it('ip: the NIC is the value of `dev`, a keyword ip never reads as an option', () => {
    const plan = hostilePlan((p) => (p.network.provisioning.nic = '-force'));
    const argvs = argvsOf(plan, 'seed.bridge').filter((a) => a.includes('-force'));
    expect(argvs.length).toBe(1);
    expect(placement(argvs[0], '-force', ['dev'])).toEqual(['value of dev']);
  });

  it('ipmitool: the address and user are the values of -H and -U, the password is in the environment', async () => {
    const seen = join(dir, 'ipmitool-argv');
    const fake = join(dir, 'ipmitool');
    writeFileSync(fake, `#!/bin/sh\nfor a in "$@"; do printf '%s\\n' "$a"; done > ${seen}\necho "Chassis Power is on"\n`);
    chmodSync(fake, 0o755);
    const client = new IpmitoolClient({ binary: fake, nativePower: false });
    await client.powerStatus({ type: 'ipmi', address: '-Hevil', user: '-Uevil', password: '-Ppw' });
    const argv = readFileSync(seen, 'utf8').trim().split('\n');
    expect(placement(argv, '-Hevil', ['-H'])).toEqual(['value of -H']);
    expect(placement(argv, '-Uevil', ['-U'])).toEqual(['value of -U']);
    expect(argv.join(' ')).not.toContain('-Ppw');
  });
});
