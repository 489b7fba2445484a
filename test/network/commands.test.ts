import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCaptured } from '../cli/capture.js';
import { saveAnswers } from '../../src/plan/answers.js';
import { suggestNetwork } from '../../src/network/suggest.js';
import { lab } from './fixtures.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cs-net-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(...argv: string[]) {
  const { code, out, err } = await runCaptured([...argv, '--state-dir', join(dir, 'state')]);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

function answers(name: string, acknowledged: string[] = []): string {
  const { plan, facts } = lab(name);
  const file = join(dir, `${name}-${acknowledged.length}.yaml`);
  saveAnswers(file, { ...plan, sim: { lab: name, speed: 60, seed: 1, faults: [] }, network: suggestNetwork({ plan, hostFacts: facts }).network, options: { ...plan.options, acknowledged } });
  return file;
}

describe('cloudseed gates', () => {
  it('two-machine: every gate passes, exit 0', async () => {
    const r = await cli('gates', answers('two-machine'));
    expect(r.code).toBe(0);
    expect(r.out).toContain('pass   gate.rogue-dhcp');
    expect(r.out).toContain('no gate blocks the deployment');
  });

  it('ha-lab: the silent BMC blocks (exit 1) until acknowledged', async () => {
    const r = await cli('gates', answers('ha-lab'));
    expect(r.code).toBe(1);
    expect(r.out).toContain('fail   gate.bmc-unreachable: Every BMC answers');
    expect(r.out).toContain('node-05: BMC 10.20.0.5 does not answer');
    expect(r.out).toContain('add gate.bmc-unreachable to options.acknowledged');
    const ok = await cli('gates', answers('ha-lab', ['gate.bmc-unreachable']), '--json');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.out).blocking).toEqual([]);
  });

  it('a missing file argument is a usage error', async () => {
    expect((await cli('gates')).code).toBe(2);
  });
});
