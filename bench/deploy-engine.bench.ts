// Engine overhead: the two-machine lab deployed at maximum speed (virtual time, so what is
// left is cloudseed's own work: compile, runner, journal with fsync, log file, store), wall
// time in process, and `cloudseed deploy --lab two-machine --yes --speed max` end to end
// (bundled, process start included). Target <= 2 s.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { virtualClock } from '../src/deploy/clock.js';
import { planForLab } from '../src/deploy/lab-plan.js';
import { startDeploy } from '../src/deploy/session.js';

const root = join(import.meta.dirname, '..');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const dirs: string[] = [];
const fresh = () => {
  const d = mkdtempSync(join(tmpdir(), 'cs-bench-engine-'));
  dirs.push(d);
  return d;
};

try {
  const inProcess: number[] = [];
  let steps = 0;
  let events = 0;
  for (let i = 0; i < 7; i++) {
    const t0 = performance.now();
    const s = await startDeploy({ plan: planForLab('two-machine'), stateDir: fresh(), onFailure: 'abort', clock: virtualClock(), sinks: [() => events++] });
    const state = await s.result;
    if (state !== 'done') throw new Error(`run ${state}`);
    inProcess.push(performance.now() - t0);
    steps = s.deployment.steps.length;
  }
  const { build } = (await import(join(root, 'scripts', 'build.mjs'))) as { build(o: { entry: string; outfile: string; minify: boolean }): Promise<void> };
  const bundle = join(root, 'dist', 'bench', 'cloudseed-engine.js');
  await build({ entry: join(root, 'screens', 'main.tsx'), outfile: bundle, minify: true });
  const cli: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [bundle, 'deploy', '--lab', 'two-machine', '--yes', '--speed', 'max', '--state-dir', fresh()], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`cloudseed deploy exited ${r.status}: ${r.stderr}`);
    cli.push(performance.now() - t0);
  }
  rmSync(bundle, { force: true });
  const worst = Math.max(median(inProcess), median(cli)) / 1000;
  console.log(`two-machine at max speed: ${steps} steps, ${Math.round(events / 7)} events a run`);
  console.log(`in process (median of 7): ${median(inProcess).toFixed(0)} ms (first ${inProcess[0].toFixed(0)} ms)`);
  console.log(`cloudseed deploy, bundled, end to end (median of 5): ${median(cli).toFixed(0)} ms`);
  console.log(`target <= 2 s: ${worst <= 2 ? 'ok' : 'MISSED'}`);
} finally {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
}
