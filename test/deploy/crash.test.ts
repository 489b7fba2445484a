// Crash safety: kill -9 a non-interactive deploy at random moments, over and over, resuming
// each time. It always finishes, the journal always parses, and every step completes once.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { journalPath, readJournal } from '../../src/deploy/journal.js';
import { compile } from '../../src/deploy/compile.js';
import { seededRandom } from '../../src/lab/random.js';
import { labPlan, stateDir } from './helpers.js';

const ROOT = process.cwd();
const outDir = join(ROOT, 'dist', `test-crash-${process.pid}`);
const bundle = join(outDir, 'cloudseed.js');

beforeAll(async () => {
  // Bundled, so each restart takes a fraction of a second (inside the project: assets are found).
  const { build } = (await import(join(ROOT, 'scripts', 'build.mjs'))) as { build(o: { entry: string; outfile: string; minify: boolean }): Promise<void> };
  await build({ entry: join(ROOT, 'screens', 'main.tsx'), outfile: bundle, minify: false });
});
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

const journalLines = (dir: string): number => (existsSync(journalPath(dir)) ? readFileSync(journalPath(dir), 'utf8').split('\n').length - 1 : 0);

/**
 * One deploy; with `killAfterMs`, killed that long after it has written its run record and
 * one step record more to the journal (so the kill lands mid-deployment however slow the
 * machine is: a kill timed from the start landed before any work on a loaded machine).
 */
function deploy(dir: string, killAfterMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    const before = journalLines(dir);
    const child = spawn(process.execPath, [bundle, 'deploy', '--lab', 'ha-lab', '--yes', '--speed', '400', '--state-dir', dir], { stdio: 'ignore' });
    let timer: NodeJS.Timeout | undefined;
    const watch =
      killAfterMs === undefined
        ? undefined
        : setInterval(() => {
            if (timer || journalLines(dir) < before + 2) return;
            timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
          }, 10);
    child.on('exit', (code, signal) => {
      clearInterval(watch);
      clearTimeout(timer);
      resolve({ code, signal });
    });
  });
}

function journalLinesParse(dir: string): void {
  if (!existsSync(journalPath(dir))) return; // killed before it started
  const text = readFileSync(journalPath(dir), 'utf8');
  for (const line of text.split('\n').filter(Boolean)) JSON.parse(line);
}

describe('crash safety', () => {
  it('kill -9 at random moments 20+ times: it always finishes, each step done exactly once', async () => {
    const dir = stateDir();
    const random = seededRandom(42);
    let kills = 0;
    let finished = false;
    for (let round = 0; round < 60 && !finished; round++) {
      // After 24 kills, let it run to the end.
      const killAt = kills < 24 ? Math.floor(random() * 40) : undefined;
      const { code, signal } = await deploy(dir, killAt);
      if (signal === 'SIGKILL') kills++;
      else {
        expect(code).toBe(0);
        finished = true;
      }
      journalLinesParse(dir);
      expect(() => readJournal(dir)).not.toThrow();
    }
    expect(kills).toBeGreaterThanOrEqual(20);
    expect(finished).toBe(true);
    const journal = readJournal(dir);
    expect(journal.state).toBe('done');
    // Most kills landed mid-deployment (each run appends a "run" record).
    expect(journal.runs).toBeGreaterThanOrEqual(12);
    const steps = compile(labPlan('ha-lab')).steps;
    expect(journal.steps.size).toBe(steps.length);
    for (const s of steps) expect(journal.steps.get(s.id)?.completions, s.id).toBe(1);
  }, 240_000);
});
