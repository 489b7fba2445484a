// probe, import and discover through the command line; discover against real ipmi_sim BMCs.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assetPath } from '../../src/assets.js';
import { runCaptured } from '../cli/capture.js';
import { planForLab } from '../../src/deploy/lab-plan.js';
import { saveAnswers } from '../../src/plan/answers.js';
import { labNet } from '../lab/test-net.js';
import { labSpecs, startBmcLab, type BmcLab } from '../lab/bmc-lab.js';

const NET = labNet(3);

const dir = mkdtempSync(join(tmpdir(), 'cs-inv-cli-'));
let lab: BmcLab;

beforeAll(async () => {
  // five BMCs on NET.10-14 and one with another password on .15; .16-.18 are empty
  lab = await startBmcLab([...labSpecs(5, NET, 10), ...labSpecs(1, NET, 15, { password: 'other-pw' })]);
}, 30_000);
afterAll(async () => {
  await lab?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const run = (argv: string[], env: NodeJS.ProcessEnv = {}) => runCaptured(argv, { env: { CLOUDSEED_STATE_DIR: dir, LANG: 'C.UTF-8', PATH: process.env.PATH, ...env } });

describe('cloudseed discover', () => {
  it('finds exactly the BMCs of a real ipmi_sim lab; the password comes from a file and is never printed', async () => {
    const pw = join(dir, 'bmc-password');
    writeFileSync(pw, 'password\n', { mode: 0o600 });
    const { code, out, err } = await run(['discover', '--range', `${NET}.10-18`, '--user', 'admin', '--password-file', pw, '--timeout', '2', '--json']);
    expect(code).toBe(0);
    const r = JSON.parse(out[0]);
    expect(r).toMatchObject({ total: 9, found: 5, refused: 1, unreachable: 3, refusedAddresses: [`${NET}.15`] });
    expect(r.nodes.map((n: { discovered: { serial: string } }) => n.discovered.serial)).toEqual(lab.bmcs.slice(0, 5).map((b) => b.serial));
    expect(out.join('\n') + err.join('\n')).not.toContain('"password"');
    expect(r.nodes[0].bmc).toEqual({ type: 'ipmi', address: `${NET}.10`, user: 'admin' });
  }, 20_000);

  it('plain output: the table, the refused BMC, a summary; exit 1 when nothing answers', async () => {
    const found = await run(['discover', '--range', `${NET}.14-15`, '--user', 'admin', '--timeout', '2'], { CLOUDSEED_BMC_PASSWORD: 'password' });
    expect(found.code).toBe(0);
    expect(found.out[0]).toMatch(/^NAME\s+BMC\s+POWER/);
    expect(found.out[1]).toMatch(new RegExp(`^node-01\\s+${NET}\\.14\\s+off\\s+Supermicro SYS-1029P-WTR`));
    expect(found.out).toContain(`refused  ${NET}.15: the BMC answered but refused user "admin" or the password`);
    expect(found.err.at(-1)).toMatch(new RegExp(`^${NET}\\.14-15: 1 found, 1 refused, 0 unreachable of 2 in`));
    const none = await run(['discover', '--range', `${NET}.17/32`, '--user', 'admin', '--timeout', '1'], { CLOUDSEED_BMC_PASSWORD: 'password' });
    expect(none.code).toBe(1);
  }, 20_000);

  it('usage errors: no password, a bad range', async () => {
    expect((await run(['discover', '--range', `${NET}.10`, '--user', 'admin'])).code).toBe(2);
    const bad = await run(['discover', '--range', `${NET}.999`, '--user', 'admin'], { CLOUDSEED_BMC_PASSWORD: 'x' });
    expect(bad.code).toBe(2);
    expect(bad.err[0]).toMatch(/not an IPv4 address/);
  });

  it('--lab scans the simulated lab', async () => {
    const { code, out } = await run(['discover', '--lab', 'ha-lab', '--range', '10.20.0.1-6', '--user', 'admin', '--timeout', '0.2', '--json'], { CLOUDSEED_BMC_PASSWORD: 'password' });
    expect(code).toBe(0);
    expect(JSON.parse(out[0])).toMatchObject({ found: 4, refused: 1, unreachable: 1 });
  });
});

describe('cloudseed import and probe', () => {
  it('import prints the inventory; a broken file exits 1 with file:line findings', async () => {
    const ok = await run(['import', assetPath('labs', 'ha-lab.instackenv.json')]);
    expect(ok.code).toBe(0);
    expect(ok.out).toHaveLength(7);
    const bad = join(dir, 'bm.csv');
    writeFileSync(bad, '52:54:00:00:00:01,admin,pw,10.1.0.1,8,32768,512\n52:54:00:00:00:02,admin,pw,10.1.0.2,8\n');
    const broken = await run(['import', bad, '--json']);
    expect(broken.code).toBe(1);
    const r = JSON.parse(broken.out[0]);
    expect(r.nodes).toHaveLength(1);
    expect(r.nodes[0].bmc.password).toBeUndefined();
    expect(r.findings[0].where).toBe(`${bad}:2`);
    expect((await run(['import', join(dir, 'missing.json')])).code).toBe(2);
  });

  it('probe --lab prints facts and checks; JSON too', async () => {
    const { code, out } = await run(['probe', '--lab', 'ha-lab']);
    expect(code).toBe(0);
    expect(out[0]).toBe('seed-host  (Ubuntu 22.04.4 LTS)');
    expect(out.filter((l) => /^ {2}(WARN|FAIL) /.test(l))).toEqual([]);
    const json = await run(['probe', '--lab', 'ha-lab', '--json']);
    expect(JSON.parse(json.out[0]).checks).toHaveLength(8);
  });

  it('probe FILE checks the tools that plan runs on this machine, as the Host screen and deploy do', async () => {
    // A real plan on a machine whose PATH holds none of the tools its steps run.
    const file = join(dir, 'real.yaml');
    saveAnswers(file, { ...planForLab('two-machine'), driver: 'real', sim: undefined });
    const empty = mkdtempSync(join(tmpdir(), 'cs-empty-path-'));
    try {
      const { code, out } = await run(['probe', file], { PATH: empty });
      expect(code).toBe(1);
      const plan = out.find((l) => l.startsWith('  FAIL  Plan tools: '));
      expect(plan).toMatch(/not installed: .*qemu-img.*virt-install/);
      expect(plan).toContain('sudo apt-get install');
      // Without a plan's needs it would pass: the tools check of the minimums only warns.
      expect(out.filter((l) => /^ {2}FAIL {2}Tools: /.test(l))).toEqual([]);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
