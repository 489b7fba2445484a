// Scale-out with the real driver: a standalone Ironic and ipmi_sim BMCs on loopback. One
// server deployed, then a second added: it is really enrolled, inspected and deployed in the
// undercloud's Ironic; the one deployed before keeps its provision state, untouched.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRealDriver } from '../../../src/deploy/drivers/real/index.js';
import { readJournal } from '../../../src/deploy/journal.js';
import { startDeploy } from '../../../src/deploy/session.js';
import type { DeployEvent } from '../../../src/deploy/types.js';
import type { IronicNode } from '../../../src/ironic/client.js';
import { replan } from '../../../src/plan/scale-out.js';
import { readDeployed } from '../../../src/store/deployed.js';
import { labNet } from '../../lab/test-net.js';
import { startIronicLab, type IronicLab } from '../../lab/ironic-lab.js';
import { deploy, ironicNodes, planFor, statesOf } from './lab-helpers.js';

let lab: IronicLab;

beforeAll(async () => {
  lab = await startIronicLab({ servers: 2, seedPort: 0, undercloudPort: 0, bmcNet: labNet(71) });
});

afterAll(async () => {
  await lab?.stop();
});

type Seen = IronicNode & { provision_updated_at?: string | null };
const byName = async () => new Map(((await ironicNodes(lab.undercloud.url)) as Seen[]).map((n) => [n.name, n]));

describe('real driver: scale-out into a deployed cloud', () => {
  it('enrols and deploys only the added server in Ironic; the deployed server is left as it was', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cs-real-scale-'));
    const before = planFor(lab, [0]);
    const first = await deploy(before, dir);
    expect(first.failures).toEqual([]);
    expect(first.state).toBe('done');
    const deployedBefore = await byName();
    expect([...deployedBefore.keys()]).toEqual(['node-01']);

    const after = planFor(lab, [0, 1]);
    const events: DeployEvent[] = [];
    const session = await startDeploy({
      plan: after,
      scaleOutOf: before,
      stateDir: dir,
      onFailure: 'abort',
      driver: createRealDriver({ yes: true, stateDir: dir, pollMaxMs: 500 }),
      sinks: [(e) => void events.push(e)],
    });
    expect(await session.result).toBe('done');

    const started = new Set(events.flatMap((e) => (e.type === 'step-started' ? [e.step] : [])));
    expect(started).toEqual(new Set(replan(before, after).steps.map((s) => s.id)));
    expect([...started].filter((id) => /node-01/.test(id))).toEqual([]);
    const seen = statesOf(events, 'node-02');
    for (const s of ['enroll', 'manageable', 'available', 'active']) expect(seen).toContain(s);

    const now = await byName();
    expect(now.get('node-02')?.provision_state).toBe('active');
    expect(String(now.get('node-02')?.properties?.capabilities)).toContain('profile:compute');
    for (const name of ['node-01']) {
      const [was, is] = [deployedBefore.get(name)!, now.get(name)!];
      expect(was.provision_updated_at, name).toBeTruthy();
      expect(is.provision_state, name).toBe('active');
      expect(is.provision_updated_at, name).toBe(was.provision_updated_at);
      expect(is.properties?.capabilities, name).toEqual(was.properties?.capabilities);
    }
    expect(readJournal(dir, 'scale-out').state).toBe('done');
    const deployed = readDeployed(dir);
    expect('record' in deployed && deployed.record.plan.nodes.map((n) => n.name)).toEqual(['node-01', 'node-02']);
  }, 300_000);
});
