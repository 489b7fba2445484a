// Log flood: 100,000 log lines through the Deploy screen (progress store, notified every
// ~80 ms, bounded view) against a naive screen that sets React state per line, each in a
// fresh process, same run. Target: >= 10x less CPU, <= 30 frames/s.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const lines = Number(process.env.LINES ?? 100_000);
const child = join(import.meta.dirname, 'deploy-flood-child.tsx');
type Result = { variant: string; lines: number; cpuS: number; wallS: number; commits: number; renders: number; frames: number; fps: number };

function run(variant: string): Result {
  const r = spawnSync(process.execPath, ['--import', 'tsx', child, variant, String(lines)], { encoding: 'utf8', env: { ...process.env, CI: '', NODE_ENV: 'production' } });
  const last = r.stderr.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(last) as Result;
  } catch {
    throw new Error(`${variant}: ${r.stderr}`);
  }
}

const store = run('store');
const naive = run('naive');
const row = (r: Result) => `${r.variant.padEnd(22)} ${r.cpuS.toFixed(2).padStart(7)} s CPU ${r.wallS.toFixed(2).padStart(7)} s wall ${String(r.commits).padStart(7)} commits ${String(r.frames).padStart(5)} frames ${r.fps.toFixed(1).padStart(6)} fps`;
console.log(`log flood: ${lines.toLocaleString('en')} lines, 10 per macrotask`);
console.log(row({ ...store, variant: 'Deploy screen (store)' }));
console.log(row({ ...naive, variant: 'naive setState/line' }));
const ratio = naive.cpuS / store.cpuS;
console.log(`CPU ratio naive/store: ${ratio.toFixed(1)}x (target >= 10x) ${ratio >= 10 ? 'ok' : 'MISSED'}; store fps ${store.fps.toFixed(1)} (target <= 30) ${store.fps <= 30 ? 'ok' : 'MISSED'}`);
