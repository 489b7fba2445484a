import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadAnswers, parseAnswersText, readSecret, saveAnswers, UNREADABLE_RULE } from '../../src/plan/answers.js';
import { emptyPlan, type Plan } from '../../src/plan/schema.js';

const dir = mkdtempSync(join(tmpdir(), 'cs-answers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function samplePlan(): Plan {
  return emptyPlan({
    driver: 'sim',
    sim: { lab: 'ha-lab', speed: 120, seed: 7, faults: ['pxe-fail:node-05:2'] },
    nodes: [
      { name: 'node-1', bmc: { type: 'ipmi', address: '10.0.0.11', port: 623, user: 'admin', password: 'p@ss: "quoted" #not-a-comment' }, macs: ['52:54:00:12:34:56'], cpu: 16, memoryMiB: 65536, diskGiB: 480, role: 'Controller' },
      { name: '0123', bmc: { type: 'redfish', address: 'bmc-2.example', user: 'root', password: 'yes' }, macs: [], arch: 'aarch64' },
    ],
    network: { layout: 'isolated', provisioning: { cidr: '192.168.24.0/24', nic: 'eth1' }, external: { cidr: '10.0.0.0/24', vlan: 10 }, isolated: { Storage: { enabled: true, cidr: '172.16.1.0/24', vlan: 30 } }, dns: ['1.1.1.1'], ntp: [] },
  });
}

/** A YAML answers file with the positions the tests point at, line by line. */
const GOOD_YAML = `version: 1
driver: sim
sim:
  lab: two-machine
nodes:
  - name: node-1
    bmc:
      address: 10.0.0.11
      user: admin
      password: secret
`;

describe('answers files: round trip', () => {
  it.each(['plan.yaml', 'plan.yml', 'plan.json'])('%s: saved then loaded gives the same plan', (name) => {
    const file = join(dir, name);
    const plan = samplePlan();
    saveAnswers(file, plan);
    const loaded = loadAnswers(file, { rules: false });
    expect(loaded.findings).toEqual([]);
    expect(loaded.plan).toStrictEqual(plan);
  });

  it('writes YAML or JSON by extension', () => {
    saveAnswers(join(dir, 'fmt.json'), samplePlan());
    saveAnswers(join(dir, 'fmt.yaml'), samplePlan());
    expect(JSON.parse(readFileSync(join(dir, 'fmt.json'), 'utf8')).version).toBe(1);
    expect(readFileSync(join(dir, 'fmt.yaml'), 'utf8')).toMatch(/^# cloudseed answers file.*\n\nversion: 1\n/);
  });

  it('saves with mode 0600, also over a file that was world-readable, and leaves no temporary file', () => {
    const file = join(dir, 'mode.yaml');
    writeFileSync(file, 'old', { mode: 0o644 });
    chmodSync(file, 0o644);
    saveAnswers(file, samplePlan());
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).not.toBe('old');
    expect(loadAnswers(file).plan).toBeDefined();
  });

  it('a password file is read relative to the answers file, and stays relative when saved there', () => {
    const sub = mkdtempSync(join(dir, 'secret-'));
    writeFileSync(join(sub, 'bmc.pass'), 'hunter2\nsecond line\n', { mode: 0o600 });
    const file = join(sub, 'answers.yaml');
    writeFileSync(file, GOOD_YAML.replace('password: secret', 'passwordFile: bmc.pass'));
    const loaded = loadAnswers(file, { rules: false });
    expect(loaded.findings).toEqual([]);
    expect(readSecret(loaded.plan!.nodes[0].bmc)).toBe('hunter2');
    saveAnswers(file, loaded.plan!);
    expect(readFileSync(file, 'utf8')).toContain('passwordFile: bmc.pass');
    expect(loadAnswers(file, { rules: false }).plan).toStrictEqual(loaded.plan);
  });

  it('saving into a folder that does not exist is one clear error', () => {
    expect(() => saveAnswers(join(dir, 'no', 'such', 'a.yaml'), samplePlan())).toThrow(`cannot write ${join(dir, 'no', 'such', 'a.yaml')}: no such file`);
  });

  it('readSecret resolves a relative passwordFile against the folder given', () => {
    writeFileSync(join(dir, 'x.pass'), 'abc\r\n');
    expect(readSecret({ passwordFile: 'x.pass' }, dir)).toBe('abc');
    expect(readSecret({ password: 'inline' }, dir)).toBe('inline');
  });
});

describe('answers files: problems located in the file', () => {
  it('a missing password file is a finding at its line', () => {
    const file = join(dir, 'nopass.yaml');
    writeFileSync(file, GOOD_YAML.replace('password: secret', 'passwordFile: nowhere.pass'));
    const { findings } = loadAnswers(file, { rules: false });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ severity: 'error', rule: 'answers.secret-file', where: `${file}:10:21` });
    expect(findings[0].message).toContain('nodes[0].bmc.passwordFile');
  });

  it('broken YAML reports line:column and no plan', () => {
    const text = 'version: 1\nnodes:\n  - name: a\n\tbmc: {}\n';
    const { plan, findings } = parseAnswersText(text, 'broken.yaml');
    expect(plan).toBeUndefined();
    expect(findings).toHaveLength(1);
    expect(findings[0].where).toBe('broken.yaml:4:1');
    expect(findings[0].message).toMatch(/^YAML syntax: Tabs are not allowed/);
    expect(findings[0].fix).toMatch(/spaces/);
  });

  it('an unclosed YAML flow list points at where it should have ended', () => {
    const { findings } = parseAnswersText('version: 1\ndns: [1.1.1.1, 8.8.8.8\ndriver: sim\n', 'a.yaml');
    expect(findings[0].where).toBe('a.yaml:3:1');
  });

  it('broken JSON reports line:column (missing comma)', () => {
    const text = '{\n  "version": 1,\n  "driver": "sim"\n  "nodes": []\n}\n';
    const { plan, findings } = parseAnswersText(text, 'broken.json');
    expect(plan).toBeUndefined();
    expect(findings).toHaveLength(1);
    expect(findings[0].where).toBe('broken.json:4:3');
    expect(findings[0].message).toMatch(/^JSON syntax: Expected ','/);
  });

  it('broken JSON without a position in the parser message is still located (bad literal)', () => {
    const text = '{\n  "version": 1,\n  "roles": { "allInOne": tru }\n}\n';
    const { findings } = parseAnswersText(text, 'lit.json');
    expect(findings).toHaveLength(1);
    expect(findings[0].where).toBe('lit.json:3:29');
  });

  it('a trailing comma in JSON is located', () => {
    const { findings } = parseAnswersText('{"version": 1,}', 'trail.json');
    expect(findings.map((f) => f.where)).toEqual(['trail.json:1:15']);
  });

  it('a wrong type gives one finding with the path, its line and a fix', () => {
    const { plan, findings } = parseAnswersText(GOOD_YAML.replace('user: admin', 'user: admin\n      port: abc'), 'a.yaml');
    expect(plan).toBeUndefined();
    expect(findings).toEqual([
      expect.objectContaining({ severity: 'error', rule: 'answers.type', where: 'a.yaml:10:13', message: 'nodes[0].bmc.port must be a number, not the text "abc"', fix: 'write a number', screen: 'servers' }),
    ]);
  });

  it('a missing required field gives one finding at the mapping that lacks it', () => {
    const { findings } = parseAnswersText(GOOD_YAML.replace('      address: 10.0.0.11\n', ''), 'a.yaml');
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ rule: 'answers.missing', where: 'a.yaml:8:7', message: 'nodes[0].bmc.address is missing' });
    expect(findings[0].fix).toContain('add "address"');
  });

  it('a missing version is one finding with the fix', () => {
    const { findings } = parseAnswersText('driver: real\n', 'a.yaml');
    expect(findings).toEqual([expect.objectContaining({ where: 'a.yaml:1:1', message: 'version is missing', fix: 'add `version: 1` at the top of the file' })]);
  });

  it('an unknown key near a known one says "did you mean" (and not also "user is missing")', () => {
    const { findings } = parseAnswersText(GOOD_YAML.replace('user: admin', 'usr: admin'), 'a.yaml');
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ rule: 'answers.unknown-key', where: 'a.yaml:9:7', fix: 'rename it to "user"' });
    expect(findings[0].message).toBe('nodes[0].bmc.usr is not a known field; did you mean "user"?');
  });

  it('an unknown key far from any known one lists the fields that exist', () => {
    const { findings } = parseAnswersText(`${GOOD_YAML}colour: blue\n`, 'a.yaml');
    expect(findings).toHaveLength(1);
    expect(findings[0].where).toBe('a.yaml:11:1');
    expect(findings[0].message).toBe('colour is not a known field');
    expect(findings[0].fix).toMatch(/^remove it; the fields here are: version, name, driver/);
  });

  it('unknown keys in records and unions are found too (isolated network names, auth)', () => {
    const text = 'version: 1\nnetwork:\n  isolated:\n    Storag: { cidr: 172.16.1.0/24 }\nseed:\n  mode: adopt\n  ironic: { url: "http://x:6385", auth: { type: basic, usr: a, password: b } }\n';
    const { findings } = parseAnswersText(text, 'a.yaml');
    expect(findings.map((f) => [f.where, f.message])).toEqual([
      ['a.yaml:4:5', 'network.isolated.Storag is not a known field; did you mean "Storage"?'],
      ['a.yaml:7:56', 'seed.ironic.auth.usr is not a known field; did you mean "user"?'],
    ]);
  });

  it('a wrong choice suggests the near one', () => {
    const { findings } = parseAnswersText(`${GOOD_YAML}    arch: x86-64\n`, 'a.yaml');
    expect(findings).toHaveLength(1);
    expect(findings[0].message).toBe('nodes[0].arch is the text "x86-64", not one of: x86_64, aarch64, ppc64le');
    expect(findings[0].fix).toMatch(/^did you mean "x86_64"\?/);
  });

  it('several problems come in file order, one each', () => {
    const text = 'version: 1\ncolor: x\nnodes:\n  - name: -bad-\n    bmc: { address: a, user: u, password: p, port: 0 }\n';
    const { findings } = parseAnswersText(text, 'a.yaml');
    expect(findings.map((f) => f.where)).toEqual(['a.yaml:2:1', 'a.yaml:4:11', 'a.yaml:5:52']);
  });

  it('rule findings of a valid file are placed on their line with the path in the message', () => {
    const text = `${GOOD_YAML}  - name: NODE-1\n    bmc: { address: b, user: u, password: p }\n`;
    const { plan, findings: all } = parseAnswersText(text, 'a.yaml');
    expect(plan).toBeDefined();
    const findings = all.filter((f) => f.rule.startsWith('plan.'));
    expect(findings).toEqual([expect.objectContaining({ rule: 'plan.node-name-duplicate', where: 'a.yaml:11:11', screen: 'servers' })]);
    expect(findings[0].message).toMatch(/^nodes\[1\]\.name: two servers are named/);
    expect(parseAnswersText(text, 'a.yaml', { rules: false }).findings).toEqual([]);
  });

  it('JSON duplicate keys are reported (JSON.parse would keep the last silently)', () => {
    const { findings } = parseAnswersText('{"version": 1, "driver": "sim", "driver": "real"}', 'dup.json');
    expect(findings).toEqual([expect.objectContaining({ rule: 'answers.duplicate-key', where: 'dup.json:1:33' })]);
  });

  it('the format is sniffed from the content when the name says nothing', () => {
    expect(parseAnswersText('{"version": 1, "driver": "real"}', 'stdin', { rules: false }).findings).toEqual([]);
    expect(parseAnswersText('{"version": 1,}', 'stdin').findings[0].message).toMatch(/^JSON syntax/);
    expect(parseAnswersText('version: 1\ndriver: real\n', 'stdin').plan?.driver).toBe('real');
  });

  it('an empty file, a list and a missing file are one finding each, never an exception', () => {
    expect(parseAnswersText('  \n', 'e.yaml').findings).toEqual([expect.objectContaining({ rule: 'answers.empty', where: 'e.yaml:1:1' })]);
    expect(parseAnswersText('- 1\n', 'l.yaml').findings).toEqual([expect.objectContaining({ rule: 'answers.type', where: 'l.yaml:1:1' })]);
    const missing = loadAnswers(join(dir, 'nope.yaml'));
    expect(missing.findings).toEqual([expect.objectContaining({ rule: UNREADABLE_RULE, message: 'cannot read the answers file: no such file' })]);
    expect(loadAnswers(dir).findings[0].message).toContain('folder');
  });
});
