import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { backupSources, writeBackup } from '../../src/backup/backup.js';
import { MANIFEST_FILE, verifyBackup } from '../../src/backup/manifest.js';
import { restoreBackup } from '../../src/backup/restore.js';
import { saveAnswers } from '../../src/plan/answers.js';
import { readDeployed } from '../../src/store/deployed.js';
import { StateStore } from '../../src/store/state.js';
import { runCaptured } from '../cli/capture.js';
import { labPlan, stateDir } from '../deploy/helpers.js';

const cli = (args: string[]) => runCaptured(args);

/** A state dir holding a finished deployment of the two-machine lab (through the CLI), and its answers file. */
async function deployedStateDir(): Promise<{ dir: string; answers: string }> {
  const dir = stateDir();
  const answers = join(stateDir(), 'answers.yaml');
  saveAnswers(answers, labPlan('two-machine'));
  const r = await cli(['deploy', answers, '--yes', '--speed', 'max', '--state-dir', dir]);
  expect(r.code).toBe(0);
  return { dir, answers };
}

const listing = (dir: string) => readdirSync(dir, { recursive: true }).map(String).sort();

describe('cloudseed backup and restore (simulated lab)', () => {
  it('a deleted seed state comes back whole: status, the deployed plan and the credentials are as before', async () => {
    const { dir, answers } = await deployedStateDir();
    expect('record' in readDeployed(dir)).toBe(true);
    const statusBefore = (await cli(['status', '--state-dir', dir])).out;
    const rcBefore = readFileSync(join(dir, 'overcloudrc'), 'utf8');

    // As the wizard leaves it: the plan and the screen reached; and the files the real driver exports.
    StateStore.open(dir).savePlan(labPlan('two-machine'), 'deploy');
    mkdirSync(join(dir, 'export'), { recursive: true });
    writeFileSync(join(dir, 'export', 'undercloud.conf'), '[DEFAULT]\nlocal_ip = 192.168.24.1/24\n');
    const to = stateDir();
    const b = await cli(['backup', '--to', to, '--answers', answers, '--state-dir', dir]);
    expect(b.code).toBe(0);
    const where = b.out.find((l) => l.startsWith('backup: '))!.slice('backup: '.length).split(' (')[0];
    expect(b.out.join('\n')).toContain("state/config.json  cloudseed's saved plan and session");
    expect(b.out.join('\n')).toContain('state/deploy/journal.jsonl  a deployment journal');
    expect(b.out.join('\n')).toContain('state/deployed.json  the deployed plan');
    expect(b.out.join('\n')).toContain("state/overcloudrc  the overcloud's admin credentials");
    expect(b.out.join('\n')).toContain('answers/answers.yaml  the answers file');
    expect(b.out.join('\n')).toContain('state/export/undercloud.conf  an exported TripleO file');
    // Everything in it may hold a secret.
    for (const f of listing(where).filter((f) => statSync(join(where, f)).isFile())) expect(statSync(join(where, f)).mode & 0o077, f).toBe(0);
    // The checksums are those sha256sum checks by hand.
    await execa('sha256sum', ['--quiet', '-c', 'SHA256SUMS'], { cwd: where });

    rmSync(dir, { recursive: true, force: true });
    rmSync(answers);
    const lost = await cli(['status', '--state-dir', dir]);
    expect(lost.out.join('\n')).not.toContain('done');

    const r = await cli(['restore', where, '--state-dir', dir]);
    expect(r.code, r.err.join('\n')).toBe(0);
    expect(r.out.at(-1)).toMatch(/^restored \d+ of \d+ files from the backup of .* \(cloud "overcloud"\) into /);
    // The same journal; the last backup is now the one restored from.
    const statusAfter = (await cli(['status', '--state-dir', dir])).out;
    const journalLines = (lines: string[]) => lines.filter((l) => !l.startsWith('last backup: '));
    expect(journalLines(statusAfter)).toEqual(journalLines(statusBefore));
    expect(statusAfter.at(-1)).toMatch(new RegExp(`^last backup: \\S+ restored from it at \\S+, in ${where}, verified \\(\\d+ files, `));
    expect(StateStore.open(dir).saved()?.session.screen).toBe('deploy');
    expect(readFileSync(join(dir, 'overcloudrc'), 'utf8')).toBe(rcBefore);
    expect(statSync(join(dir, 'overcloudrc')).mode & 0o777).toBe(0o600);
    expect(existsSync(answers)).toBe(true);
    expect(readFileSync(join(dir, 'export', 'undercloud.conf'), 'utf8')).toContain('local_ip = 192.168.24.1/24');
    // The restored cloud is the deployed one: its own answers file changes nothing.
    const plan = await cli(['plan', answers, '--state-dir', dir]);
    expect(plan.out[0]).toMatch(/^change from the cloud deployed at .* \(state in /);
    expect(plan.out[1]).toBe('  nothing changes: the answers file describes the deployed cloud');

    // Restoring again over identical files writes nothing.
    const again = await cli(['restore', where, '--state-dir', dir]);
    expect(again.code).toBe(0);
    expect(again.out.at(-1)).toMatch(/^restored 0 of /);
  });

  it('refuses a damaged backup, naming the file, and writes nothing', async () => {
    const { dir } = await deployedStateDir();
    const to = stateDir();
    const { dir: backup } = await writeBackup({ parent: to, sources: backupSources(dir, undefined), stateDir: dir });
    appendFileSync(join(backup, 'state', 'deploy', 'journal.jsonl'), '{"t":"end"}\n');
    const target = stateDir();
    const r = await cli(['restore', backup, '--state-dir', target]);
    expect(r.code).toBe(1);
    expect(r.err.join('\n')).toContain('is damaged, nothing was restored');
    expect(r.err.join('\n')).toContain('state/deploy/journal.jsonl (a deployment journal) has');
    expect(readdirSync(target)).toEqual([]);

    // A changed manifest is caught by its own checksum.
    const other = await writeBackup({ parent: stateDir(), sources: backupSources(dir, undefined), stateDir: dir });
    const m = join(other.dir, MANIFEST_FILE);
    writeFileSync(m, readFileSync(m, 'utf8').replace('"restoreTo": "overcloudrc"', '"restoreTo": "../../etc/evil"'));
    expect((await verifyBackup(other.dir)).problems[0]).toContain('does not match its checksum in SHA256SUMS');
    rmSync(join(other.dir, 'state', 'overcloudrc'));
    const missing = await cli(['restore', other.dir, '--state-dir', target]);
    expect(missing.code).toBe(1);
    expect(readdirSync(target)).toEqual([]);

    const notOne = await cli(['restore', to, '--state-dir', target]);
    expect(notOne.code).toBe(1);
    expect(notOne.err[0]).toContain('manifest.json is missing');
  });

  it('does not overwrite present files that differ unless --replace, and keeps them aside then', async () => {
    const { dir } = await deployedStateDir();
    const { dir: backup } = await writeBackup({ parent: stateDir(), sources: backupSources(dir, undefined), stateDir: dir });
    writeFileSync(join(dir, 'overcloudrc'), 'export OS_PASSWORD=changed\n');
    const refused = await cli(['restore', backup, '--state-dir', dir]);
    expect(refused.code).toBe(1);
    expect(refused.err.join('\n')).toContain(`${join(dir, 'overcloudrc')} (the overcloud's admin credentials)`);
    expect(refused.err.join('\n')).toContain('add --replace');
    expect(readFileSync(join(dir, 'overcloudrc'), 'utf8')).toBe('export OS_PASSWORD=changed\n');

    const noIronic = await cli(['restore', backup, '--only', 'seed', '--state-dir', dir]);
    expect(noIronic.err[0]).toContain(`the backup ${backup} holds nothing of seed; it holds state`);
    const replaced = await cli(['restore', backup, '--replace', '--state-dir', dir]);
    expect(replaced.code).toBe(0);
    expect(readFileSync(join(dir, 'overcloudrc'), 'utf8')).toContain('OS_AUTH_URL');
    const kept = readdirSync(dir).find((f) => f.startsWith('overcloudrc.before-restore-'))!;
    expect(readFileSync(join(dir, kept), 'utf8')).toBe('export OS_PASSWORD=changed\n');
    expect(replaced.out.join('\n')).toContain(`the file that was there is kept as ${join(dir, kept)}`);
  });

  it('copies an Ironic SQLite database and refuses to restore it under a running Ironic', async () => {
    const dir = stateDir();
    const db = join(stateDir(), 'ironic.db');
    await execa('python3', ['-c', 'import sqlite3,sys\nc=sqlite3.connect(sys.argv[1])\nc.execute("create table nodes(name text, provision_state text)")\nc.execute("insert into nodes values (\'node-01\', \'active\')")\nc.commit()', db]);
    const plan = labPlan('two-machine');
    const withDb = { ...plan, seed: { ...plan.seed, mode: 'adopt' as const, ironic: { url: 'http://127.0.0.1:1', auth: { type: 'noauth' as const }, apiVersion: '1.82', database: db } } };
    const { dir: backup, manifest } = await writeBackup({ parent: stateDir(), sources: backupSources(dir, withDb), stateDir: dir });
    expect(manifest.files).toEqual([expect.objectContaining({ path: 'ironic/seed.db', kind: 'ironic-db', tier: 'seed', restoreTo: db, ironicUrl: 'http://127.0.0.1:1' })]);
    rmSync(db);
    writeFileSync(`${db}-journal`, 'stale');
    await expect(restoreBackup({ dir: backup, stateDir: dir, ironicRunning: async () => true })).rejects.toThrow("the seed's Ironic at http://127.0.0.1:1 is running: stop it");
    expect(existsSync(db)).toBe(false);
    const { files } = await restoreBackup({ dir: backup, stateDir: dir, ironicRunning: async () => false });
    expect(files.map((f) => f.outcome)).toEqual(['restored']);
    const rows = await execa('python3', ['-c', 'import sqlite3,sys\nprint(sqlite3.connect(sys.argv[1]).execute("select name, provision_state from nodes").fetchall())', db]);
    expect(rows.stdout).toBe("[('node-01', 'active')]");
    // The stale rollback journal of the lost database would have been replayed onto it.
    expect(existsSync(`${db}-journal`)).toBe(false);
  });

  it('keeps the password files the plan names, and puts them back private', async () => {
    const dir = stateDir();
    const secret = join(stateDir(), 'bmc-password');
    writeFileSync(secret, 'hunter2\n', { mode: 0o600 });
    const plan = labPlan('two-machine');
    const withFile = { ...plan, nodes: plan.nodes.map((n) => ({ ...n, bmc: { type: n.bmc.type, address: n.bmc.address, user: n.bmc.user, passwordFile: secret } })) };
    const sources = backupSources(dir, withFile);
    expect(sources.map((s) => [s.kind, s.path, s.restoreTo])).toEqual([['secret', 'secrets/1-bmc-password', secret]]);
    const { dir: backup } = await writeBackup({ parent: stateDir(), sources, stateDir: dir });
    rmSync(secret);
    const r = await cli(['restore', backup, '--only', 'answers', '--state-dir', dir]);
    expect(r.out[0]).toBe(`  restored  ${secret}  a password file the plan names`);
    const again = await cli(['restore', backup, '--only', 'answers', '--json', '--state-dir', dir]);
    expect(JSON.parse(again.out[0]).files).toEqual([{ path: 'secrets/1-bmc-password', to: secret, outcome: 'unchanged' }]);
    expect(readFileSync(secret, 'utf8')).toBe('hunter2\n');
    expect(statSync(secret).mode & 0o777).toBe(0o600);
    // The secret itself is never printed.
    expect([...r.out, ...r.err].join('\n')).not.toContain('hunter2');
  });

  it('says what is wrong with its arguments', async () => {
    expect((await cli(['backup', '--to', '', '--state-dir', stateDir()])).err[0]).toContain('--to takes a folder or USER@HOST:/DIR');
    const empty = await cli(['backup', '--to', stateDir(), '--state-dir', stateDir()]);
    expect(empty.code).toBe(1);
    expect(empty.err[0]).toContain('nothing to back up in');
    expect((await cli(['backup', '--to', 'vault:srv/backups', '--state-dir', stateDir()])).err[0]).toContain('must be an absolute path');
    expect((await cli(['restore', '--state-dir', stateDir()])).err[0]).toContain('name the backup folder');
    expect((await cli(['restore', '/x', '--only', 'seed,overcloud', '--state-dir', stateDir()])).err[0]).toContain('--only takes some of state, answers, seed, undercloud (comma-separated), not "overcloud"');
  });
});
