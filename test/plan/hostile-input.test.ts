// Hostile and damaged answers files (issue 15.1, 15.3, 15.4; issue 17.2, 17.6): every one is a
// finding at file:line or a field, with exit 1 or 2 — no option reaching a tool, no hang, no
// internal error, no password repeated.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAnswersText } from '../../src/plan/answers.js';
import { formatFinding } from '../../src/plan/findings.js';
import { runCaptured } from '../cli/capture.js';

const dir = mkdtempSync(join(tmpdir(), 'cs-hostile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

const NODE = `  - name: node-1
    bmc: { address: 127.0.0.1, user: admin, password: pw }
    macs: ["52:54:00:aa:00:01"]
    role: Controller
`;

/** A real-driver plan whose TripleO steps run over ssh, with `extra` YAML appended. */
const realPlan = (extra: string) => `version: 1
driver: real
nodes:
${NODE}network:
  provisioning: { nic: eth1, cidr: 192.168.24.0/24 }
${extra}`;

describe('option injection through the answers file (15.1)', () => {
  it('the issue\'s ssh user "-oProxyCommand=..." is a finding at its line; plan shows no command', async () => {
    const file = write('inject.yaml', realPlan('undercloud:\n  ssh: { host: 192.0.2.10, user: "-oProxyCommand=touch /tmp/x" }\n'));
    const r = await runCaptured(['plan', file]);
    expect(r.code).toBe(1);
    const text = [...r.out, ...r.err].join('\n');
    expect(text).toMatch(/inject\.yaml:11:\d+: undercloud\.ssh\.user is the text "-oProxyCommand=touch \/tmp\/x", which is not a Linux user name/);
    expect(text).not.toContain('ProxyCommand=touch /tmp/x@');
  });

  it.each([
    ['undercloud.ssh.host', 'undercloud:\n  ssh: { host: "-oProxyCommand=x", user: stack }\n'],
    ['undercloud.ssh.identityFile', 'undercloud:\n  ssh: { host: 192.0.2.10, identityFile: "-F/etc/passwd" }\n'],
    ['network.external.nic', 'network:\n  provisioning: { nic: eth1 }\n  external: { nic: "-force" }\n'],
    ['seed.images.image', 'seed:\n  images: { image: "-fraw" }\n'],
    ['seed.images.image', 'seed:\n  images: { image: "json:{\\"driver\\":\\"file\\"}" }\n'],
    ['seed.ironic.url', 'seed:\n  mode: adopt\n  ironic: { url: "-K/etc/passwd" }\n'],
    ['nodes[0].bmc.user', 'nodes:\n  - { name: n1, bmc: { address: 127.0.0.1, user: "-Uevil", password: pw } }\n'],
    ['nodes[0].bmc.address', 'nodes:\n  - { name: n1, bmc: { address: "-Hevil", user: admin, password: pw } }\n'],
    ['nodes[0].bmc.passwordFile', 'nodes:\n  - { name: n1, bmc: { address: 127.0.0.1, user: admin, passwordFile: "-rf" } }\n'],
  ])('%s with a hostile value is a finding at its place', (field, yaml) => {
    const { findings, plan } = parseAnswersText(`version: 1\ndriver: real\n${yaml}`, 'a.yaml');
    expect(plan).toBeUndefined();
    expect(findings.map(formatFinding).join('\n')).toMatch(new RegExp(`error a\\.yaml:\\d+:\\d+: ${field.replace(/[.[\]]/g, '\\$&')}`));
  });

  it('the values a real plan uses still pass', () => {
    const { findings } = parseAnswersText(
      realPlan('seed:\n  images: { image: /srv/images/seed.qcow2, kernel: "file:///srv/k", ramdisk: "http://x/r" }\nundercloud:\n  ssh: { host: uc-1.example.com, user: stack, identityFile: /home/me/.ssh/id_ed25519 }\n'),
      'a.yaml',
      { rules: false },
    );
    expect(findings).toEqual([]);
  });
});

describe('YAML alias bombs (15.3)', () => {
  it('"billion laughs" is a finding at the alias, exit 1, not an internal error', async () => {
    const laughs = ['version: 1', 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (const [name, prev] of [['b', 'a'], ['c', 'b'], ['d', 'c'], ['e', 'd'], ['f', 'e'], ['g', 'f']]) laughs.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    const file = write('bomb.yaml', laughs.join('\n') + '\n');
    const r = await runCaptured(['validate', file]);
    expect(r.code).toBe(1);
    expect(r.out).toEqual([expect.stringMatching(/^error .*bomb\.yaml:4:\d+: too many aliases/)]);
    expect(r.err.join('\n')).not.toMatch(/internal error/);
  });
});

/**
 * Runs `cloudseed validate` in a child process, stopped after a bound: a hang shows as a
 * killed child (the bound is a safety net, not something the test measures).
 */
const CHILD_BOUND_MS = 60_000;
async function validateInChild(file: string) {
  const runner = write(
    'run.mts',
    `import { runCli } from ${JSON.stringify(resolve('src/cli.ts'))};
const code = await runCli(process.argv.slice(2), { out: (l) => console.log(l), err: (l) => console.error(l), env: {}, interactive: false, signal: new AbortController().signal });
process.exitCode = code;\n`,
  );
  return execa(process.execPath, ['--import', 'tsx', runner, 'validate', file], { reject: false, timeout: CHILD_BOUND_MS, cwd: resolve('.'), stdin: 'ignore' });
}

describe('passwordFile that is not a regular file (15.4)', () => {
  const withPasswordFile = (path: string) => `version: 1\ndriver: sim\nsim: { lab: two-machine }\nnodes:\n  - name: n1\n    bmc: { address: 127.0.0.1, user: admin, passwordFile: ${path} }\n`;

  it('/dev/zero: a finding saying it is a device, at once', async () => {
    const r = await validateInChild(write('zero.yaml', withPasswordFile('/dev/zero')));
    expect(r.timedOut).toBe(false);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/zero\.yaml:6:\d+: nodes\[0\]\.bmc\.passwordFile: cannot read \/dev\/zero: it is a device, not a regular file/);
  }, CHILD_BOUND_MS + 30_000);

  it('a FIFO nobody writes: a finding saying it is a FIFO, at once', async () => {
    const fifo = join(dir, 'secret.fifo');
    await execa('mkfifo', [fifo]);
    const r = await validateInChild(write('fifo.yaml', withPasswordFile(fifo)));
    expect(r.timedOut).toBe(false);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/nodes\[0\]\.bmc\.passwordFile: cannot read .*secret\.fifo: it is a FIFO \(named pipe\), not a regular file/);
  }, CHILD_BOUND_MS + 30_000);

  it('the answers file itself may not be a device either: exit 2 with the reason', async () => {
    const r = await validateInChild('/dev/zero');
    expect(r.timedOut).toBe(false);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe('cloudseed: /dev/zero: cannot read: it is a device, not a regular file');
  }, CHILD_BOUND_MS + 30_000);

  it('a password file far bigger than a password is refused, not read whole', () => {
    const big = write('big-password', 'x'.repeat(100_000));
    const { findings } = parseAnswersText(withPasswordFile(big), 'a.yaml', { baseDir: dir });
    expect(findings.map(formatFinding).join('\n')).toMatch(/passwordFile: cannot read .*big-password: it is 100000 bytes, more than the 65536/);
  });
});

describe('no password echoed by validate (17.2)', () => {
  it('a numeric password: says it must be text in quotes, never the number', async () => {
    const file = write('numeric.yaml', `version: 1\ndriver: sim\nsim: { lab: two-machine }\nnodes:\n  - name: n1\n    bmc: { address: 127.0.0.1, user: admin, password: 31415926 }\nseed:\n  mode: adopt\n  ironic: { url: "http://127.0.0.1:6385", auth: { type: token, token: 27182818 } }\n`);
    const r = await runCaptured(['validate', file]);
    expect(r.code).toBe(1);
    const text = r.out.join('\n');
    expect(text).toContain('nodes[0].bmc.password must be text, not a number -- write text in quotes, e.g. password: "..."');
    expect(text).toContain('seed.ironic.auth.token must be text, not a number');
    expect(text).not.toMatch(/31415926|27182818/);
  });

  it('an over-long password: its size, never its text', () => {
    const secret = 'S3cret'.repeat(200);
    const { findings } = parseAnswersText(`version: 1\nnodes:\n  - name: n1\n    bmc: { address: 127.0.0.1, user: admin, password: ${secret} }\n`, 'a.yaml');
    const text = findings.map(formatFinding).join('\n');
    expect(text).toMatch(/nodes\[0\]\.bmc\.password is text of 1200 characters; it must be at most 1024 characters/);
    expect(text).not.toContain('S3cret');
  });
});

describe('string sizes are bounded (17.6)', () => {
  const mb = 'x'.repeat(1 << 20);

  it('a 1 MB string in a role is a finding with a short message', () => {
    const { findings } = parseAnswersText(`version: 1\nnodes:\n  - name: n1\n    bmc: { address: 127.0.0.1, user: admin, password: pw }\n    role: ${mb}\n`, 'a.yaml');
    const role = findings.find((f) => f.message.startsWith('nodes[0].role'));
    expect(role?.where).toBe('a.yaml:5:11');
    expect(role!.message.length).toBeLessThan(300);
  });

  it('a 1 MB string in any free-text field is refused by the schema', () => {
    const { findings, plan } = parseAnswersText(`version: 1\nnetwork:\n  provisioning: { gateway: ${mb} }\n`, 'a.yaml');
    expect(plan).toBeUndefined();
    expect(findings.map(formatFinding)).toEqual([expect.stringMatching(/^error a\.yaml:3:28: network\.provisioning\.gateway is the text "x{40}\.\.\."; it must be at most 255 characters/)]);
  });

  it('a 1 MB key is an unknown field, named briefly', () => {
    const { findings } = parseAnswersText(`{"version": 1, "${mb}": 1}`, 'a.json');
    expect(findings.map(formatFinding)).toEqual([expect.stringMatching(/^error a\.json:1:16: x{40}\.\.\. is not a known field -- remove it; the fields here are: version, /)]);
  });
});
