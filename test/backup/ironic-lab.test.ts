// Backup and restore against the real local lab: two standalone Ironics (SQLite) and ipmi_sim
// BMCs on loopback. Servers are deployed to active, the state is backed up, the undercloud's
// Ironic is killed and its database wiped, and the restore brings its servers back.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IronicClient } from '../../src/ironic/client.js';
import { runCaptured } from '../cli/capture.js';
import { deploy, ironicNodes, planFor } from '../deploy/real/lab-helpers.js';
import { startIronic, startIronicLab, type IronicInstance, type IronicLab } from '../lab/ironic-lab.js';
import { labNet } from '../lab/test-net.js';

let lab: IronicLab;
let restarted: IronicInstance | undefined;
const scratch = mkdtempSync(join(tmpdir(), 'cs-backup-lab-'));

beforeAll(async () => {
  lab = await startIronicLab({ servers: 2, seedPort: 0, undercloudPort: 0, bmcNet: labNet(60), dir: join(scratch, 'lab') });
}, 120_000);

afterAll(async () => {
  await restarted?.stop();
  await lab?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

const nodeStates = async (url: string) => (await ironicNodes(url)).map((n) => [n.name, n.provision_state, n.uuid, n.maintenance]).sort();

describe('backup and restore with the real local Ironic lab', () => {
  it('a killed undercloud Ironic with a wiped database comes back with its servers in their states', async () => {
    const db = (i: IronicInstance) => join(i.dir, 'ironic.db');
    const plan = planFor(lab, [0, 1], {
      seed: { mode: 'adopt', ironic: { url: lab.seed.url, database: db(lab.seed) } },
      undercloud: { mode: 'adopt', ironic: { url: lab.undercloud.url, database: db(lab.undercloud) }, images: lab.images },
    });
    const stateDir = join(scratch, 'state');
    const run = await deploy(plan, stateDir);
    expect(run.failures).toEqual([]);
    expect(run.state).toBe('done');
    // A server the seed's Ironic knows too, so both databases hold something.
    await new IronicClient({ url: lab.seed.url }).createNode({ name: 'spare-01', driver: 'fake-hardware', driver_info: {} });
    const before = await nodeStates(lab.undercloud.url);
    expect(before.map(([name, state]) => [name, state])).toEqual([
      ['node-01', 'active'],
      ['node-02', 'active'],
    ]);

    // The deployment backed both Ironics up by itself after each tier; the last one, after the
    // overcloud, holds the undercloud's database with its servers deployed.
    const auto = readdirSync(join(stateDir, 'backups')).sort();
    expect(auto.map((n) => n.split('-').at(-1))).toEqual(['seed', 'undercloud', 'overcloud']);
    const last = join(stateDir, 'backups', auto[2]);
    const rows = await execa('python3', ['-c', 'import sqlite3,sys\nprint(sorted(sqlite3.connect(sys.argv[1]).execute("select name, provision_state from nodes").fetchall()))', join(last, 'ironic', 'undercloud.db')]);
    expect(rows.stdout).toBe("[('node-01', 'active'), ('node-02', 'active')]");
    expect(existsSync(join(last, 'ironic', 'seed.db'))).toBe(true);
    const status = await runCaptured(['status', '--state-dir', stateDir]);
    expect(status.out.at(-1)).toMatch(new RegExp(`^last backup: \\S+ after the overcloud, in ${last}, verified `));

    const backups = join(scratch, 'backups');
    const b = await runCaptured(['backup', '--to', backups, '--state-dir', stateDir]);
    expect(b.code, b.err.join('\n')).toBe(0);
    expect(b.out.join('\n')).toContain("ironic/seed.db  an Ironic's database (seed)");
    expect(b.out.join('\n')).toContain("ironic/undercloud.db  an Ironic's database (undercloud)");
    const backup = b.out.find((l) => l.startsWith('backup: '))!.slice('backup: '.length).split(' (')[0];

    // The undercloud's Ironic dies, and its database with it.
    await lab.undercloud.kill();
    rmSync(db(lab.undercloud));

    // Everything at once: refused while the seed's Ironic runs, and nothing is written.
    const all = await runCaptured(['restore', backup, '--state-dir', stateDir]);
    expect(all.code).toBe(1);
    expect(all.err.join('\n')).toContain(`the seed's Ironic at ${lab.seed.url} is running: stop it before its database is restored`);
    expect(existsSync(db(lab.undercloud))).toBe(false);

    const r = await runCaptured(['restore', backup, '--only', 'undercloud', '--state-dir', stateDir]);
    expect(r.code, r.err.join('\n')).toBe(0);
    expect(r.out).toContain(`  restored  ${db(lab.undercloud)}  an Ironic's database (undercloud)`);
    expect(r.out.at(-1)).toBe("next: start the undercloud's Ironic again, then cloudseed status");

    restarted = await startIronic({ host: lab.undercloud.host, port: lab.undercloud.port, dir: lab.undercloud.dir, imagesDir: lab.undercloud.imagesDir });
    expect(await nodeStates(restarted.url)).toEqual(before);
    // The seed's Ironic was never touched.
    expect((await ironicNodes(lab.seed.url)).map((n) => n.name)).toEqual(['spare-01']);
  }, 240_000);
});
