// State directories of unexpected shapes: deploy/ is a file, the state dir is a file or
// read-only, deploy.lock is a folder, config.json is corrupt. Each gets a plain message and
// exit 1 or 2 -- never an internal error -- and nothing of the person's is moved or removed.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCaptured } from '../cli/capture.js';

const root = mkdtempSync(join(tmpdir(), 'cs-statedir-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const fresh = () => mkdtempSync(join(root, 'dir-'));
const deploy = (dir: string, ...args: string[]) => runCaptured(['deploy', ...(args.length ? args : ['--lab', 'two-machine']), '--yes', '--speed', 'max', '--state-dir', dir]);

function expectClear(r: { code: number; err: string[] }, ...words: string[]) {
  expect([1, 2]).toContain(r.code);
  const text = r.err.join('\n');
  expect(text).not.toContain('internal error');
  for (const w of words) expect(text).toContain(w);
}

describe('state directory shapes', () => {
  it('deploy/ is a file: a clear message, the file is left alone', async () => {
    const dir = fresh();
    writeFileSync(join(dir, 'deploy'), 'mine');
    expectClear(await deploy(dir), `${dir}/deploy`, 'is a file where cloudseed needs a folder');
    expect(statSync(join(dir, 'deploy')).isFile()).toBe(true);
    // The lock was released: once the file is gone, deploying works.
    rmSync(join(dir, 'deploy'));
    expect((await deploy(dir)).code).toBe(0);
  });

  it('the state dir is a file: deploy, deploy from the saved plan and status say so', async () => {
    const file = join(fresh(), 'state');
    writeFileSync(file, 'not a dir');
    expectClear(await deploy(file), file, 'is a file where cloudseed needs a folder');
    expectClear(await runCaptured(['deploy', '--yes', '--state-dir', file]), file, 'is a file where cloudseed needs a folder');
    const status = await runCaptured(['status', '--state-dir', file]);
    expect(status.code).toBe(0);
    expect(status.out[0]).toBe('no deployment has started from this state directory');
  });

  it('deploy.lock is a folder: refused, and the folder is left as it was (not renamed)', async () => {
    const dir = fresh();
    mkdirSync(join(dir, 'deploy.lock'));
    writeFileSync(join(dir, 'deploy.lock', 'x'), '');
    expectClear(await deploy(dir), `${dir}/deploy.lock is a folder where cloudseed needs a file`);
    expect(readdirSync(dir).filter((f) => f.startsWith('deploy.lock')).sort()).toEqual(['deploy.lock']);
    expect(readdirSync(join(dir, 'deploy.lock'))).toEqual(['x']);
  });

  it('deploy with no FILE and a corrupt saved state: says what was set aside and where', async () => {
    const dir = fresh();
    writeFileSync(join(dir, 'config.json'), '{"plan": ');
    const r = await runCaptured(['deploy', '--yes', '--state-dir', dir]);
    const aside = readdirSync(dir).find((f) => f.startsWith('config.json.corrupt-'));
    expect(aside).toBeDefined();
    expectClear(r, `${dir}/config.json: the saved state could not be used: it is not valid JSON`, `kept as ${join(dir, aside!)}`, 'deploy needs an answers file or a lab');
    expect(r.code).toBe(2);
  });

  it('a read-only state dir (EROFS, or EACCES when not root): deploy and the saved plan say so; status still reads', async () => {
    const dir = fresh();
    expect((await deploy(dir)).code).toBe(0);
    writeFileSync(join(dir, 'config.json'), '{"plan": ', { mode: 0o644 });
    const root = process.getuid?.() === 0;
    // Root writes through any mode: a read-only bind mount in a mount namespace of its own.
    const cli = (...args: string[]) => {
      const entry = ['node', '--import', 'tsx', join(process.cwd(), 'screens', 'main.tsx'), ...args, '--state-dir', dir];
      const r = root
        ? spawnSync('unshare', ['-m', 'sh', '-c', 'mount --bind "$0" "$0" && mount -o remount,ro,bind "$0" && exec "$@"', dir, ...entry], { encoding: 'utf8' })
        : spawnSync(entry[0], entry.slice(1), { encoding: 'utf8' });
      return { code: r.status ?? -1, out: r.stdout.split('\n'), err: r.stderr.split('\n') };
    };
    if (!root) chmodSync(dir, 0o500);
    try {
      const problem = root ? 'is on a read-only file system' : 'permission denied';
      expectClear(cli('deploy', '--lab', 'two-machine', '--yes', '--speed', 'max'), problem);
      expectClear(cli('deploy', '--yes'), 'cannot be used (it is not valid JSON', 'nor kept aside', problem);
      const status = cli('status');
      expect(status.code).toBe(0);
      expect(status.out[0]).toMatch(/deployment of "overcloud" started .*: done at/);
    } finally {
      if (!root) chmodSync(dir, 0o700);
    }
    // Nothing was left mounted here.
    expect(spawnSync('findmnt', ['-n', dir], { encoding: 'utf8' }).stdout.trim()).toBe('');
  }, 60_000);
});
