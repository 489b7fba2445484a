// The backups a deployment takes by itself after each tier (seed.backup, undercloud.backup,
// overcloud.backup), on the simulated lab through the CLI: where they go, how many are kept,
// what status and backup --list say, a lost seed brought back from one, and a backup that
// fails (a place that is no folder, a full disk, ssh refused) or is killed half-way.
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { backupPlace, takeBackup } from '../../src/backup/take.js';
import { runCommand } from '../../src/backup/remote.js';
import { readJournal } from '../../src/deploy/journal.js';
import { backupError } from '../../src/deploy/steps/backup.js';
import { saveAnswers } from '../../src/plan/answers.js';
import type { Plan } from '../../src/plan/schema.js';
import { runCaptured } from '../cli/capture.js';
import { labPlan, simRun, stateDir, untilFailureOrEnd } from '../deploy/helpers.js';

const cli = (args: string[]) => runCaptured(args);

function answersFor(plan: Plan, backups?: Plan['backups']): string {
  const file = join(stateDir(), 'answers.yaml');
  saveAnswers(file, { ...plan, ...(backups ? { backups } : {}) });
  return file;
}

const deploy = (answers: string, dir: string) => cli(['deploy', answers, '--yes', '--speed', 'max', '--state-dir', dir]);
const backupsIn = (place: string) => readdirSync(place).sort();

describe('backups after each tier (simulated lab)', () => {
  it('a deployment backs up after each tier into the plan place, keeps the last N; status and backup --list say so', async () => {
    const dir = stateDir();
    const place = join(stateDir(), 'vault');
    const answers = answersFor(labPlan('two-machine'), { to: place, keep: 2 });
    const dry = await cli(['plan', answers, '--state-dir', dir]);
    expect(dry.out).toContain(`backups: after each tier, of the seed and undercloud state, into ${place} (keeping the last 2)`);
    expect(existsSync(place)).toBe(false);

    const r = await deploy(answers, dir);
    expect(r.code, r.err.join('\n')).toBe(0);
    for (const tier of ['seed', 'undercloud', 'overcloud']) expect(r.out.some((l) => new RegExp(`${tier}\\.backup +done$`).test(l)), tier).toBe(true);
    // Three taken, the oldest (after the seed) removed: the last two are kept.
    const kept = backupsIn(place);
    expect(kept).toHaveLength(2);
    expect(kept[0]).toMatch(/^cloudseed-backup-overcloud-\d{8}T\d{6}\.\d{3}Z-undercloud$/);
    expect(kept[1]).toMatch(/-overcloud$/);
    // The last one holds the answers file, the journal and what the overcloud wrote.
    const manifest = JSON.parse(readFileSync(join(place, kept[1], 'manifest.json'), 'utf8'));
    expect(manifest.after).toBe('overcloud');
    expect(manifest.files.map((f: { path: string }) => f.path)).toEqual(expect.arrayContaining(['answers/answers.yaml', 'state/deploy/journal.jsonl', 'state/overcloudrc']));

    const status = await cli(['status', '--state-dir', dir]);
    expect(status.out.at(-1)).toMatch(new RegExp(`^last backup: \\S+ after the overcloud, in ${join(place, kept[1])}, verified \\(\\d+ files, [\\d.]+ KiB\\)$`));
    expect(JSON.parse((await cli(['status', '--json', '--state-dir', dir])).out[0]).lastBackup).toMatchObject({ after: 'overcloud', verified: true, where: join(place, kept[1]) });

    const list = await cli(['backup', '--list', '--state-dir', dir, '--to', place]);
    expect(list.code).toBe(0);
    expect(list.out[0]).toBe(`backups in ${place}:`);
    expect(list.out[1]).toMatch(new RegExp(`^  ${kept[0]}  after the undercloud, \\d+ files, [\\d.]+ KiB: whole$`));

    // A damaged one is named, with what is wrong, and the listing fails.
    appendFileSync(join(place, kept[0], 'state', 'deploy', 'journal.jsonl'), 'x');
    const damaged = await cli(['backup', '--list', '--state-dir', dir, '--to', place]);
    expect(damaged.code).toBe(1);
    expect(damaged.out[1]).toContain(`${kept[0]}  after the undercloud`);
    expect(damaged.out[1]).toContain(': DAMAGED: state/deploy/journal.jsonl (a deployment journal) has');
  });

  it('with no place in the plan they go under the state directory; a backup on demand goes there too and counts', async () => {
    const dir = stateDir();
    const answers = answersFor(labPlan('two-machine'));
    expect((await cli(['plan', answers, '--state-dir', dir])).out).toContain(`backups: after each tier, of the seed and undercloud state, into ${join(dir, 'backups')} (keeping the last 10)`);
    expect((await deploy(answers, dir)).code).toBe(0);
    expect(backupsIn(join(dir, 'backups'))).toHaveLength(3);
    const b = await cli(['backup', '--state-dir', dir]);
    expect(b.code, b.err.join('\n')).toBe(0);
    expect(b.out.at(-2)).toMatch(new RegExp(`^backup: ${join(dir, 'backups')}/cloudseed-backup-overcloud-\\S+ \\(\\d+ files, .*verified\\)$`));
    expect(backupsIn(join(dir, 'backups'))).toHaveLength(4);
    expect((await cli(['status', '--state-dir', dir])).out.at(-1)).toMatch(/^last backup: \S+ on demand, in /);
    // Listed from the plan's place without --to.
    const list = await cli(['backup', '--list', '--state-dir', dir]);
    expect(list.out[0]).toBe(`backups in ${join(dir, 'backups')} (the plan keeps the last 10 of "overcloud"):`);
    expect(list.out.slice(1).every((l) => l.endsWith(': whole'))).toBe(true);
  });

  it('a lost seed comes back from the last automatic backup: status sees the same steps, and resuming runs only that backup again', async () => {
    const dir = stateDir();
    const place = join(stateDir(), 'vault');
    const answers = answersFor(labPlan('two-machine'), { to: place, keep: 3 });
    expect((await deploy(answers, dir)).code).toBe(0);
    const statusOf = async () => JSON.parse((await cli(['status', '--json', '--state-dir', dir])).out[0]);
    const before = await statusOf();
    const answersText = readFileSync(answers, 'utf8');

    // The seed host's state is gone: the journal the lab's Ironics are rebuilt from, the answers file, everything.
    rmSync(dir, { recursive: true });
    rmSync(answers);
    expect((await statusOf()).state).toBe('none');

    const last = backupsIn(place).at(-1)!;
    const r = await cli(['restore', join(place, last), '--state-dir', dir]);
    expect(r.code, r.err.join('\n')).toBe(0);
    expect(readFileSync(answers, 'utf8')).toBe(answersText);
    const restored = await statusOf();
    // Taken while its own step ran: every step as before, that one still in flight.
    const { 'overcloud.backup': inFlight, ...others } = restored.steps;
    const { 'overcloud.backup': finished, ...othersBefore } = before.steps;
    expect(others).toEqual(othersBefore);
    expect(inFlight.state).toBe('running');
    expect(finished.state).toBe('done');
    const text = (await cli(['status', '--state-dir', dir])).out;
    expect(text[0]).toContain('stopped without ending (killed?) -- `cloudseed deploy` resumes it');

    const resumed = await deploy(answers, dir);
    expect(resumed.code, resumed.err.join('\n')).toBe(0);
    expect(resumed.out.join('\n')).toMatch(/resuming the deployment started .*: \d+ step\(s\) already done/);
    const ran = resumed.out.filter((l) => /^\S+ (seed|undercloud|overcloud) /.test(l) && / (running|done)$/.test(l));
    expect(ran.map((l) => l.trim().split(/\s+/).at(-2))).toEqual(['overcloud.backup', 'overcloud.backup']);
    const after = await statusOf();
    expect(after.state).toBe('done');
    expect(Object.fromEntries(Object.entries(after.steps).map(([id, s]) => [id, (s as { state: string }).state]))).toEqual(
      Object.fromEntries(Object.entries(before.steps).map(([id, s]) => [id, (s as { state: string }).state])),
    );
  });
});

describe('a backup that fails or is cut short', () => {
  it('a place that is not a folder fails the step with what to do; once the plan is fixed, deploy resumes and takes it', async () => {
    const dir = stateDir();
    const file = join(stateDir(), 'not-a-folder');
    writeFileSync(file, 'x');
    const plan = labPlan('two-machine');
    const answers = answersFor(plan, { to: join(file, 'backups'), keep: 10 });
    const r = await deploy(answers, dir);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`failed: seed.backup: the backup place ${join(file, 'backups')} is not a folder (a file is in its way)`);
    expect(r.err).toContain('  try: set backups.to in the answers file to a folder, then retry (or skip this step: the deployment does not need it, and `cloudseed backup` takes one later)');

    const fixed = answersFor(plan, { to: join(stateDir(), 'vault'), keep: 10 });
    const again = await deploy(fixed, dir);
    expect(again.code, again.err.join('\n')).toBe(0);
    expect(again.out.some((l) => /seed\.backup +done$/.test(l))).toBe(true);
  });

  it('on the screens a failed backup waits for a decision and can be skipped: the cloud is deployed without it', async () => {
    const file = join(stateDir(), 'not-a-folder');
    writeFileSync(file, 'x');
    const { session, dir } = await simRun({ plan: { ...labPlan('two-machine'), backups: { to: file, keep: 10 } } });
    await untilFailureOrEnd(session.run);
    const [failure] = session.run.failures();
    expect(failure.step.id).toBe('seed.backup');
    expect(failure.error.hint).toContain('set backups.to in the answers file to a folder, then retry');
    // Each tier's backup fails the same way; each is skipped.
    for (;;) {
      session.run.decide(session.run.failures()[0].step.id, 'skip');
      await untilFailureOrEnd(session.run);
      if (!session.run.failures().length) break;
    }
    expect(await session.result).toBe('done');
    const journal = readJournal(dir);
    expect(['seed.backup', 'undercloud.backup', 'overcloud.backup'].map((id) => journal.steps.get(id)?.state)).toEqual(['skipped', 'skipped', 'skipped']);
    expect([...journal.steps.values()].filter((r) => r.state !== 'done' && r.state !== 'skipped')).toEqual([]);
  });

  it('a full disk is said as one, with where to make room', async () => {
    // A 16 KiB file system in a mount namespace of the test's own (as root, or as root of a user namespace).
    const dir = stateDir();
    const place = join(stateDir(), 'small');
    mkdirSync(place);
    const answers = answersFor(labPlan('two-machine'), { to: place, keep: 10 });
    const entry = [process.execPath, '--import', 'tsx', join(process.cwd(), 'screens', 'main.tsx'), 'deploy', answers, '--yes', '--speed', 'max', '--state-dir', dir];
    const unshare = process.getuid?.() === 0 ? ['-m'] : ['-r', '-m'];
    const r = await execa('unshare', [...unshare, 'sh', '-c', 'mount -t tmpfs -o size=16k tmpfs "$0" && exec "$@"', place, ...entry], { reject: false });
    expect(r.exitCode, r.stderr).toBe(1);
    const failed = r.stderr.split('\n').find((l) => /^failed: \w+\.backup/.test(l));
    expect(failed).toContain(`the backup does not fit in ${place}: the disk is full`);
    expect(r.stderr).toContain('  try: free space there, or set backups.to in the answers file to a place with room, then retry');
  }, 120_000);

  it('ssh refused: the step says which host and port and what to start', async () => {
    // A port on loopback that was just free: nothing listens there.
    const server = createServer();
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const port = (server.address() as { port: number }).port;
    await new Promise((ok) => server.close(ok));
    const dir = stateDir();
    writeFileSync(join(dir, 'overcloudrc'), 'export OS_USERNAME=admin\n');
    const plan = { ...labPlan('two-machine'), backups: { to: 'backup@127.0.0.1:/srv/backups', keep: 10, sshPort: port } };
    const place = backupPlace(plan, dir);
    const err = await takeBackup({ stateDir: dir, plan, place, prune: true, run: (argv) => runCommand(argv) }).catch((e: unknown) => e);
    const step = backupError(err, place);
    expect(step.kind).toBe('unreachable');
    expect(step.message).toBe(`ssh to 127.0.0.1 port ${port} is refused or does not answer (backup to backup@127.0.0.1:/srv/backups)`);
    expect(step.hint).toContain('start sshd there (or correct backups.to / backups.sshPort), then retry');
    // Nothing is left behind here.
    expect(existsSync(join(dir, 'backup-staging'))).toBe(false);
  });

  it('killed with -9 in the middle of a backup: no folder looks like a whole backup, and resuming takes it again', async () => {
    const dir = stateDir();
    const place = join(stateDir(), 'vault');
    // The seed's Ironic database (as a standalone Ironic keeps it), held locked: SQLite's online
    // backup waits for the lock, so the backup after the seed is caught half-way for the kill.
    const db = join(stateDir(), 'ironic.db');
    await execa('python3', ['-c', 'import sqlite3,sys\nc=sqlite3.connect(sys.argv[1])\nc.execute("create table nodes(name text)")\nc.commit()', db]);
    const locker = execa('python3', ['-c', 'import sqlite3,sys\nc=sqlite3.connect(sys.argv[1],isolation_level=None)\nc.execute("BEGIN EXCLUSIVE")\nprint("locked",flush=True)\nsys.stdin.read()', db], { stdin: 'pipe' });
    await new Promise<void>((ok) => locker.stdout!.once('data', () => ok()));
    const plan = labPlan('two-machine');
    const answers = answersFor({ ...plan, seed: { ...plan.seed, ironic: { url: 'http://127.0.0.1:9', auth: { type: 'noauth' }, apiVersion: '1.82', database: db } } }, { to: place, keep: 10 });
    // Its own process group: the kill takes the SQLite copy with it, as a power cut would.
    const child = spawn(process.execPath, ['--import', 'tsx', join(process.cwd(), 'screens', 'main.tsx'), 'deploy', answers, '--yes', '--speed', 'max', '--state-dir', dir], { stdio: 'ignore', detached: true });
    const exited = new Promise((r) => child.on('exit', r));
    const partial = () => (existsSync(place) ? readdirSync(place).find((n) => n.endsWith('.partial')) : undefined);
    try {
      while (!partial() && child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
      // Until the copy of the database is under way inside it.
      while (!existsSync(join(place, partial()!, 'ironic')) && child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
    } finally {
      process.kill(-child.pid!, 'SIGKILL');
      await exited;
      locker.stdin!.end();
      await locker;
    }
    const half = partial()!;
    expect(half).toMatch(/^cloudseed-backup-overcloud-\S+-seed\.partial$/);
    expect(existsSync(join(place, half, 'manifest.json'))).toBe(false);
    expect((await cli(['backup', '--list', '--to', place, '--state-dir', dir])).out).toEqual([`no backups in ${place}`]);
    expect((await cli(['status', '--state-dir', dir])).out.join('\n')).toContain('  running seed.backup (since');

    const r = await deploy(answers, dir);
    expect(r.code, r.err.join('\n')).toBe(0);
    const names = backupsIn(place);
    expect(names.map((n) => n.split('-').at(-1))).toEqual(['seed', 'undercloud', 'overcloud']);
    const list = await cli(['backup', '--list', '--to', place, '--state-dir', dir]);
    expect(list.code).toBe(0);
    expect(list.out.slice(1).every((l) => l.endsWith(': whole'))).toBe(true);
    expect(existsSync(join(place, names[0], 'ironic', 'seed.db'))).toBe(true);
  }, 120_000);
});

describe('the plan says where backups go', () => {
  it('a place that is neither an absolute folder nor USER@HOST:/DIR is a finding; another host in a simulated lab is a warning', async () => {
    const plan = labPlan('two-machine');
    const v = async (to: string) => {
      const r = await cli(['validate', answersFor(plan, { to, keep: 10 })]);
      return [...r.out, ...r.err].join('\n');
    };
    expect(await v('backups')).toContain(': "backups" is neither an absolute folder nor USER@HOST:/DIR');
    expect(await v('vault:srv')).toContain('the folder on vault must be an absolute path');
    expect(await v('b@vault:/srv/my backups')).toContain('the folder /srv/my backups there must be a plain path');
    expect(await v('b@vault:/srv/backups')).toMatch(/warning \S+answers.yaml:\d+:\d+: backups.to: the simulated lab plays the copy to vault: nothing is kept there/);
  });
});
