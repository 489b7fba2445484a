// `cloudseed init --range` against real ipmi_sim BMCs on a loopback /24 of this run's own (the discovery issue's lab).
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli.js';
import { loadAnswers } from '../../src/plan/answers.js';
import { labNet } from '../lab/test-net.js';
import { labSpecs, startBmcLab, type BmcLab } from '../lab/bmc-lab.js';

const NET = labNet(5);

let lab: BmcLab;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cs-init-range-'));
  lab = await startBmcLab(labSpecs(4, NET, 10));
}, 60_000);

afterAll(async () => {
  await lab?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('cloudseed init --range', () => {
  it('scans real BMCs, assigns roles, and keeps the password in its file', async () => {
    const secret = join(dir, 'bmc-password');
    writeFileSync(secret, 'password\n', { mode: 0o600 });
    const out: string[] = [];
    const err: string[] = [];
    const file = join(dir, 'answers.yaml');
    const code = await runCli(
      ['init', '--range', `${NET}.10-${NET}.14`, '--user', 'admin', '--password-file', secret, '--out', file, '--state-dir', join(dir, 'state')],
      { out: (l) => out.push(l), err: (l) => err.push(l), interactive: false, env: {} },
    );
    expect(code, err.join('\n')).toBe(0);
    expect(out.join('\n')).toContain('scanned 5 BMC addresses');
    expect(out.join('\n')).toMatch(/4 found, 1 unreachable/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).not.toMatch(/password: password/);
    const plan = loadAnswers(file).plan!;
    expect(plan.driver).toBe('real');
    expect(plan.nodes.map((n) => n.discovered?.serial)).toEqual(lab.bmcs.map((b) => b.serial));
    expect(plan.nodes.every((n) => n.bmc.passwordFile === secret && n.bmc.password === undefined)).toBe(true);
    // Sizes are unknown after an IPMI scan: placed by name, said so.
    expect(plan.nodes.map((n) => n.role)).toEqual(['Undercloud', 'Controller', 'Compute', 'Compute']);
    expect(err.join('\n')).toContain('the size of 4 servers with a role is not known');
  }, 60_000);
});
