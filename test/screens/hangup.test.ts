// The installer's terminal hangs up (SSH dropped, window closed): it saves the plan and exits
// without a word -- no `write EIO` stack trace, no native assertion on its way out.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

const root = mkdtempSync(join(tmpdir(), 'cs-hangup-'));
// The bundle, as people run it (inside the project: assets are found next to it).
const outDir = join(process.cwd(), 'dist', `test-hangup-${process.pid}`);
const bundle = join(outDir, 'cloudseed.js');
beforeAll(async () => {
  const { build } = (await import(join(process.cwd(), 'scripts', 'build.mjs'))) as { build(o: { entry: string; outfile: string; minify: boolean }): Promise<void> };
  await build({ entry: join(process.cwd(), 'screens', 'main.tsx'), outfile: bundle, minify: false });
}, 120_000);
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(outDir, { recursive: true, force: true });
});

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('a hung-up terminal', () => {
  it('saves and exits quietly', async () => {
    const dir = join(root, 'state');
    const errFile = join(root, 'stderr');
    const pidFile = join(root, 'pid');
    // script(1) gives the installer a terminal of its own; killing script hangs it up.
    const shell = `echo $$ > ${pidFile}; exec node ${bundle} --lab two-machine --state-dir ${dir} 2>${errFile}`;
    const term = spawn('script', ['-q', '-c', shell, '/dev/null'], { stdio: ['pipe', 'pipe', 'ignore'], env: { ...process.env, TERM: 'xterm-256color', LANG: 'C.UTF-8' } });
    let screen = '';
    term.stdout.on('data', (d: Buffer) => (screen += d.toString('utf8')));
    try {
      await vi.waitFor(() => expect(screen).toContain('Start a new installation'), { timeout: 30_000, interval: 100 });
      // Enter until the first screen after Welcome shows (keys before the shell is ready are lost).
      let sent = 0;
      await vi.waitFor(
        () => {
          if (!screen.includes('This host') && Date.now() - sent > 3000) {
            term.stdin.write('\r');
            sent = Date.now();
          }
          expect(screen).toContain('This host');
        },
        { timeout: 30_000, interval: 100 },
      );
      const pid = Number(readFileSync(pidFile, 'utf8'));
      term.kill('SIGKILL');
      await vi.waitFor(() => expect(alive(pid)).toBe(false), { timeout: 30_000, interval: 100 });
    } finally {
      if (term.exitCode === null) term.kill('SIGKILL');
    }
    expect(readFileSync(errFile, 'utf8')).toBe('');
    expect(existsSync(join(dir, 'config.json'))).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')).session.screen).toBe('host');
  }, 120_000);
});
