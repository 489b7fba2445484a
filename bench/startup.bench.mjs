// Start-up: time from process start to the first frame of Welcome, in a pseudo-terminal
// (80x24), against a bare Ink app that renders one line, bundled with esbuild as its authors
// would ship it (devtools trimmed, no start-up tuning: scripts/build.mjs `tuned: false`), same
// run. For reference it also times that bare app built with cloudseed's own start-up tuning.
// Runs alternate between the subjects so a busy machine slows all alike. Target: <= 1.2x of
// the bare Ink app, wall and CPU. Besides wall time, it reads the CPU time the process used
// until that frame (from /proc): on a machine busy with other work, the CPU figure is the
// steadier of the two; the load average at start and end says how busy it was.
//   node bench/startup.bench.mjs [--runs N]
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { build, chunkDir, DEFAULT_OUTFILE, isStale, ROOT } from '../scripts/build.mjs';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '15' } } });
const RUNS = Number(values.runs);
const TARGET = 1.2;
const TIMEOUT_MS = 15_000;

if (spawnSync('script', ['--version'], { encoding: 'utf8' }).status !== 0) {
  console.log('startup: skipped -- needs `script` from util-linux for a pseudo-terminal');
  process.exit(0);
}

const work = mkdtempSync(join(tmpdir(), 'cs-bench-startup-'));
const bareBundle = join(ROOT, 'dist', `bench-hello-ink-${process.pid}.js`);
const tunedBundle = join(ROOT, 'dist', `bench-hello-ink-tuned-${process.pid}.js`);
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
const loadAtStart = load();
try {
  if (isStale()) await build();
  const hello = join(ROOT, 'bench', 'fixtures', 'hello-ink.tsx');
  await build({ entry: hello, outfile: bareBundle, tuned: false });
  await build({ entry: hello, outfile: tunedBundle });

  const env = { ...process.env, TERM: 'xterm-256color', LANG: 'C.UTF-8', CLOUDSEED_STATE_DIR: join(work, 'state') };
  // Ink prints nothing but the last frame when it believes it runs in CI.
  delete env.CI;
  delete env.LC_ALL;

  const subjects = [
    { name: 'node alone, one line', args: ['-e', 'process.stdout.write("ready\\n"); setTimeout(() => {}, 60000)'], marker: 'ready' },
    { name: 'bare Ink app, one line', args: [bareBundle], marker: 'hello from ink' },
    { name: 'cloudseed, to Welcome', args: [DEFAULT_OUTFILE, '--lab', 'two-machine'], marker: 'Welcome' },
    { name: 'bare Ink, cloudseed tuning', args: [tunedBundle], marker: 'hello from ink' },
  ];
  const times = new Map(subjects.map((s) => [s.name, { wall: [], cpu: [] }]));
  for (let run = -1; run < RUNS; run++) {
    for (const s of subjects) {
      // run -1 warms the disk cache and, staying open a moment as a person's first start
      // would, lets cloudseed write its code cache (scripts/vendor-loader.mjs)
      const { wall, cpu } = await firstFrame(s.args, s.marker, env, run < 0 ? 2000 : 0);
      if (run < 0) continue;
      times.get(s.name).wall.push(wall);
      if (cpu !== undefined) times.get(s.name).cpu.push(cpu);
    }
  }

  const median = (xs) => {
    const sorted = [...xs].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  };
  console.log(`startup: process start -> first frame, pseudo-terminal 80x24, median of ${RUNS} (wall / CPU)`);
  for (const s of subjects) {
    const { wall, cpu } = times.get(s.name);
    const cpuText = cpu.length ? `${String(Math.round(median(cpu))).padStart(5)} ms CPU` : '';
    console.log(`  ${s.name.padEnd(26)} ${String(Math.round(median(wall))).padStart(5)} ms wall (min ${Math.round(Math.min(...wall))}, max ${Math.round(Math.max(...wall))})  ${cpuText}`);
  }
  const ours = times.get('cloudseed, to Welcome');
  const bare = times.get('bare Ink app, one line');
  const verdict = (ratio) => `${ratio.toFixed(2)}x   (target <= ${TARGET}x: ${ratio <= TARGET ? 'met' : 'NOT met'})`;
  console.log(`  ratio cloudseed / bare Ink, wall  ${verdict(median(ours.wall) / median(bare.wall))}`);
  if (ours.cpu.length && bare.cpu.length) console.log(`  ratio cloudseed / bare Ink, CPU   ${verdict(median(ours.cpu) / median(bare.cpu))}`);
  console.log(`  load average (1/5/15 min): ${loadAtStart} at start, ${load()} at end, on ${availableParallelism()} cores`);
} finally {
  for (const bundle of [bareBundle, tunedBundle]) {
    rmSync(bundle, { force: true });
    rmSync(chunkDir(bundle), { recursive: true, force: true });
  }
  rmSync(work, { recursive: true, force: true });
}

/**
 * CPU milliseconds (user + system, all threads) the process `script` started has used so
 * far: script forks a shell that execs node, so node is script's only child.
 */
function childCpuMs(scriptPid) {
  try {
    const child = readFileSync(`/proc/${scriptPid}/task/${scriptPid}/children`, 'utf8').trim().split(/\s+/)[0];
    const fields = readFileSync(`/proc/${child}/stat`, 'utf8').split(') ')[1].split(' ');
    // utime and stime are fields 14 and 15 of stat, in clock ticks (100 a second on Linux).
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return undefined;
  }
}

/**
 * From spawning `node ARGS` in a pseudo-terminal until its output shows `marker`: wall and CPU
 * ms. The process is stopped `lingerMs` after that.
 */
function firstFrame(args, marker, env, lingerMs = 0) {
  // `script` gives the child a pseudo-terminal; the command string is built from fixed
  // paths and arguments only, each quoted.
  const quoted = [process.execPath, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  const command = `stty cols 80 rows 24 2>/dev/null; exec ${quoted}`;
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn('script', ['-qfec', command, '/dev/null'], { env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    let seen = '';
    let shown = false;
    let done = false;
    const stop = () => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => finish(new Error(`no "${marker}" within ${TIMEOUT_MS} ms; output: ${JSON.stringify(seen.slice(-300))}`)), TIMEOUT_MS);
    const finish = (result) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      const settle = () => (result instanceof Error ? reject(result) : resolve(result));
      // the bare app may have ended by itself while lingering
      if (child.exitCode !== null || child.signalCode !== null) return settle();
      stop();
      child.once('close', settle);
    };
    child.stdout.on('data', (chunk) => {
      seen += chunk.toString('utf8');
      if (!done && !shown && seen.includes(marker)) {
        shown = true;
        const wall = performance.now() - started;
        const result = { wall, cpu: childCpuMs(child.pid) };
        if (lingerMs) setTimeout(() => finish(result), lingerMs);
        else finish(result);
      }
    });
    child.stderr.on('data', (chunk) => (seen += chunk.toString('utf8')));
    child.on('error', (e) => finish(e));
    child.on('exit', () => {
      if (!done && !shown) finish(new Error(`exited before "${marker}"; output: ${JSON.stringify(seen.slice(-300))}`));
    });
  });
}
