import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assetPath } from '../../src/assets.js';
import { runCaptured } from '../cli/capture.js';
import { ARTIFACT_NAMES } from '../../src/artifacts/files.js';
import { parseInstackenv } from '../../src/inventory/nodes-file.js';
import { loadAnswers, saveAnswers } from '../../src/plan/answers.js';
import type { Plan } from '../../src/plan/schema.js';
import { nodeFacts } from '../../src/roles/fit.js';
import { defaultPlan } from '../../src/roles/commands.js';
import { hostFactsFromLab } from '../../src/inventory/probe.js';
import { loadLab } from '../../src/lab/load.js';
import { LAB_SEED_IMAGE } from '../../src/lab/plan.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cs-roles-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(...argv: string[]) {
  const { code, out, err } = await runCaptured([...argv, '--state-dir', join(dir, 'state')]);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

function load(file: string): Plan {
  const loaded = loadAnswers(file);
  expect(loaded.plan, JSON.stringify(loaded.findings)).toBeDefined();
  return loaded.plan!;
}

describe('cloudseed init', () => {
  it('--lab two-machine: undercloud as a VM, the one server all-in-one, mode 0600', async () => {
    const file = join(dir, 'two.yaml');
    const r = await cli('init', '--lab', 'two-machine', '--out', file);
    expect(r.code).toBe(0);
    expect(r.out).toContain('all-in-one');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const plan = load(file);
    expect(plan.nodes.map((n) => [n.name, n.role])).toEqual([['node-01', 'Controller']]);
    expect(plan.roles).toMatchObject({ allInOne: true, undercloud: { placement: 'vm' } });
    expect(plan.network.provisioning.nic).toBeDefined();
    expect(plan.sim?.lab).toBe('two-machine');
    // The lab's mirror serves the seed VM's image; `plan` shows it on the seed VM.
    expect(plan.seed.vmImage).toBe(LAB_SEED_IMAGE);
    const shown = await cli('plan', file);
    expect(shown.out.split('\n').slice(2, 6)).toEqual([expect.stringMatching(/^seed: VM on this host/), '  this host  seed VM', `      image ${LAB_SEED_IMAGE}`, expect.stringMatching(/^      ctlplane /)]);
  });

  it('--lab two-machine: the lab inspects what IPMI cannot tell, so the export writes instackenv.json', async () => {
    const file = join(dir, 'inspected.yaml');
    expect((await cli('init', '--lab', 'two-machine', '--out', file)).code).toBe(0);
    const [node] = load(file).nodes;
    expect(node.macs).toHaveLength(1);
    expect(nodeFacts(node).cpu).toBeGreaterThan(0);
    const out = join(dir, 'inspected-export');
    const exported = await cli('export', file, '--out', out);
    expect(exported.code, exported.err).toBe(0);
    const nodes = parseInstackenv(readFileSync(join(out, 'instackenv.json'), 'utf8'), 'instackenv.json').nodes;
    expect(nodes.map((n) => n.macs)).toEqual([node.macs]);
  });

  it('--lab ha-lab: the BMC that does not answer and the one that refuses are findings, not Computes', async () => {
    const file = join(dir, 'ha-as-found.yaml');
    const r = await cli('init', '--lab', 'ha-lab', '--out', file);
    // In init's report and in the file (validate and plan say so too).
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/error .*nodes\[4\]\.bmc: node-05: no answer from the BMC/);
    expect(r.err).toMatch(/error .*nodes\[5\]\.bmc: node-06: the BMC answered but refused/);
    const plan = load(file);
    expect(plan.nodes[4].discovered?.bmcStatus).toBe('unreachable');
    expect(plan.nodes[5].discovered?.bmcStatus).toBe('refused');
    expect(plan.nodes[4].role).toBeUndefined();
    expect(plan.nodes[5].role).toBeUndefined();
    expect((await cli('validate', file)).code).toBe(1);
    expect((await cli('plan', file)).code).toBe(1);
  });

  it('--lab ha-lab with its two BMCs fixed: 3 controllers and why', async () => {
    // The servers as init found them, the two BMCs repaired: the wizard's defaults again.
    const found = load(join(dir, 'ha-as-found.yaml')).nodes.map((n) => (n.discovered?.bmcStatus === 'ok' ? n : { ...n, discovered: undefined, role: undefined, roleSource: undefined }));
    const world = loadLab('ha-lab');
    const { plan, why } = defaultPlan(found, hostFactsFromLab(world), world);
    const file = join(dir, 'ha.yaml');
    saveAnswers(file, plan);
    expect(why.join('\n')).toContain('3 controllers for high availability: 5 overcloud servers allow it');
    expect(plan.nodes.filter((n) => n.role === 'Controller')).toHaveLength(3);
    expect(plan.roles.undercloud).toMatchObject({ placement: 'server', node: 'node-01' });
    expect(plan.network.layout).toBe('isolated');
    expect((await cli('validate', file)).code).toBe(0);
  });

  it('--import: the servers of a nodes file', async () => {
    const file = join(dir, 'imported.yaml');
    const r = await cli('init', '--import', assetPath('labs', 'ha-lab.instackenv.json'), '--out', file);
    expect(r.code).toBe(0);
    expect(load(file).nodes).toHaveLength(6);
  });

  it('an interrupted scan writes nothing', async () => {
    const file = join(dir, 'interrupted.yaml');
    const ac = new AbortController();
    const pending = runCaptured(['init', '--lab', 'datacenter', '--out', file, '--state-dir', join(dir, 'state')], { signal: ac.signal });
    setTimeout(() => ac.abort(), 200);
    expect((await pending).code).toBe(1);
    expect(() => statSync(file)).toThrow();
  });

  it('refuses to replace a file without --force, and wants one way in', async () => {
    const file = join(dir, 'exists.yaml');
    writeFileSync(file, 'keep me');
    expect((await cli('init', '--lab', 'two-machine', '--out', file)).code).toBe(2);
    expect(readFileSync(file, 'utf8')).toBe('keep me');
    const both = await cli('init', '--lab', 'two-machine', '--import', 'x.json', '--out', join(dir, 'x.yaml'));
    expect(both.code).toBe(2);
    expect(both.err).toContain('give one of --lab NAME, --import FILE or --range R');
  });
});

describe('cloudseed plan', () => {
  it('prints per tier and per host, exit 0 without errors', async () => {
    const file = join(dir, 'ha.yaml');
    const r = await cli('plan', file);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/seed: VM on this host \(seed-host\), 192\.168\.24\.1 on \S+ \(bridge brbm\)/);
    expect(r.out).toContain('undercloud: server node-01 (IPMI 10.20.0.1)');
    expect(r.out).toContain('3 controllers, 2 computes');
    expect(r.out).toMatch(/node-02 {2}Controller {2}IPMI 10\.20\.0\.2 .*\n {6}ctlplane 192\.168\.24\.\d+, External/);
    expect(r.out).toContain('baremetal.csv (holds BMC passwords, mode 0600)');
    expect(r.out).not.toContain('calvin');
  });

  it('for the real driver, lists the commands it will run, without passwords', async () => {
    const real = { ...load(join(dir, 'ha.yaml')), driver: 'real' as const };
    const file = join(dir, 'real.yaml');
    saveAnswers(file, real);
    const r = await cli('plan', file);
    expect(r.code).toBe(0);
    expect(r.out).toContain('commands the real driver will run:');
    expect(r.out).toMatch(/\[overcloud\.configure\.controller\] ssh .* openstack overcloud deploy .*-r roles_data\.yaml/);
    expect(r.out).not.toContain('calvin');
  });

  it('--json gives the same description; exit 1 on error findings', async () => {
    const file = join(dir, 'ha.yaml');
    const json = JSON.parse((await cli('plan', file, '--json')).out) as { tiers: { tier: string; hosts: unknown[] }[] };
    expect(json.tiers.map((t) => t.tier)).toEqual(['seed', 'undercloud', 'overcloud']);
    expect(json.tiers[2].hosts).toHaveLength(5);
    const broken = load(file);
    broken.nodes = broken.nodes.map((n) => (n.name === 'node-04' ? { ...n, role: 'Compute', roleSource: 'manual' } : n));
    const brokenFile = join(dir, 'two-controllers.yaml');
    saveAnswers(brokenFile, broken);
    const r = await cli('plan', brokenFile);
    expect(r.code).toBe(1);
    expect(r.out).toContain('2 controllers cannot keep quorum');
  });
});

describe('cloudseed export', () => {
  it('writes the files; those with passwords mode 0600; nodes files import back to the same servers', async () => {
    const file = join(dir, 'ha.yaml');
    const out = join(dir, 'export');
    // A file left from before, readable by all: the passwords never land in it with that mode.
    mkdirSync(out);
    writeFileSync(join(out, 'instackenv.json'), 'old', { mode: 0o644 });
    // One rule with init: an existing file is replaced only with --force.
    const refused = await cli('export', file, '--out', out);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain(`${out} already holds instackenv.json: choose another --out, or add --force to replace them`);
    expect(readFileSync(join(out, 'instackenv.json'), 'utf8')).toBe('old');
    const r = await cli('export', file, '--out', out, '--force');
    expect(r.code).toBe(0);
    const plan = load(file);
    // Helion's file needs 7 to 100 servers: not written, and said so; every TripleO file is there
    expect(readdirSync(out).sort()).toEqual(ARTIFACT_NAMES.filter((n) => n !== 'baremetal.csv').sort()); // no temporary file left
    expect(r.out).toContain('not written: baremetal.csv');
    expect(r.err).toContain('warning nodes: baremetal.csv not written: Helion takes 7 to 100 servers');
    expect(statSync(join(out, 'instackenv.json')).mode & 0o777).toBe(0o600);
    expect(statSync(join(out, 'undercloud.conf')).mode & 0o777).toBe(0o644);

    const overcloud = plan.nodes.filter((n) => n.role !== 'Undercloud');
    const instack = parseInstackenv(readFileSync(join(out, 'instackenv.json'), 'utf8'), 'instackenv.json');
    expect(instack.findings.filter((f) => f.severity === 'error')).toEqual([]);
    const same = (n: Plan['nodes'][number]) => {
      const f = nodeFacts(n);
      return { name: n.name, address: n.bmc.address, user: n.bmc.user, password: n.bmc.password, macs: n.macs, cpu: f.cpu, memoryMiB: f.memoryMiB, diskGiB: f.diskGiB, role: n.role };
    };
    expect(instack.nodes.map(same)).toEqual(overcloud.map(same));
  });

  it('a server without a PXE MAC: instackenv.json is not written, the finding says to inspect it first, exit 1', async () => {
    const plan = load(join(dir, 'ha.yaml'));
    plan.nodes[3] = { ...plan.nodes[3], macs: [] };
    const file = join(dir, 'no-mac.yaml');
    saveAnswers(file, plan);
    const out = join(dir, 'export-no-mac');
    const r = await cli('export', file, '--out', out);
    expect(r.code).toBe(1);
    expect(r.out).toContain('not written: instackenv.json');
    expect(r.err).toContain(`error nodes[3].macs: ${plan.nodes[3].name} has no PXE MAC`);
    expect(r.err).toContain(`inspect ${plan.nodes[3].name} first`);
    expect(readdirSync(out)).not.toContain('instackenv.json');
  });

  it('passwords kept in files are read for the export, relative to the answers file', async () => {
    const sub = join(dir, 'with-secret-file');
    mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, 'bmc.pw'), 's3cret\nignored second line\n', { mode: 0o600 });
    const plan = load(join(dir, 'ha.yaml'));
    plan.nodes = plan.nodes.map((n) => ({ ...n, bmc: { type: n.bmc.type, address: n.bmc.address, user: n.bmc.user, passwordFile: join(sub, 'bmc.pw') } }));
    saveAnswers(join(sub, 'answers.yaml'), plan);
    expect(readFileSync(join(sub, 'answers.yaml'), 'utf8')).toContain('passwordFile: bmc.pw');
    const r = await cli('export', join(sub, 'answers.yaml'), '--out', join(sub, 'out'));
    expect(r.code, r.err).toBe(0);
    const doc = JSON.parse(readFileSync(join(sub, 'out', 'instackenv.json'), 'utf8')) as { nodes: { pm_password: string }[] };
    expect(doc.nodes.every((n) => n.pm_password === 's3cret')).toBe(true);
  });

  it('refuses a plan with error findings and writes nothing', async () => {
    const out = join(dir, 'export-broken');
    const r = await cli('export', join(dir, 'two-controllers.yaml'), '--out', out);
    expect(r.code).toBe(1);
    expect(r.err).toContain('has error findings');
    expect(() => statSync(out)).toThrow();
    const json = await cli('export', join(dir, 'two-controllers.yaml'), '--out', out, '--json');
    expect(json.code).toBe(1);
    expect((JSON.parse(json.out) as { findings: { rule: string }[] }).findings.map((f) => f.rule)).toContain('roles.controller-quorum');
  });

  it('wants --out', async () => {
    expect((await cli('export', join(dir, 'ha.yaml'))).code).toBe(2);
  });
});
