// The run measured by bench/deploy-memory.bench.ts, bundled and started with plain node as
// cloudseed itself is (no tsx loader thread in the figures).
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { virtualClock } from '../src/deploy/clock.js';
import { planForLab } from '../src/deploy/lab-plan.js';
import { startDeploy } from '../src/deploy/session.js';

const chatty = Number(process.env.CHATTY ?? 90);
const dir = mkdtempSync(join(tmpdir(), 'cs-bench-mem-'));
try {
  const plan = planForLab('datacenter');
  const t0 = performance.now();
  let lines = 0;
  let notifications = 0;
  const session = await startDeploy({ plan, stateDir: dir, onFailure: 'abort', clock: virtualClock(), chatty, sinks: [(e) => e.type === 'log' && lines++] });
  session.store.subscribe(() => notifications++);
  let heapPeak = 0;
  const sample = setInterval(() => (heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed)), 500);
  const state = await session.result;
  clearInterval(sample);
  const wall = (performance.now() - t0) / 1000;
  const maxRssMB = process.resourceUsage().maxRSS / 1024;
  console.log(`datacenter: ${plan.nodes.length} servers, ${session.deployment.steps.length} steps, ${lines.toLocaleString('en')} log lines, run ${state}`);
  console.log(`wall ${wall.toFixed(1)} s, store notifications ${notifications}, log file ${(statSync(session.logPath).size / 1e6).toFixed(0)} MB, journal ${(statSync(session.journalPath).size / 1e6).toFixed(1)} MB`);
  console.log(`peak RSS ${maxRssMB.toFixed(0)} MB (heap used at most ${(heapPeak / 2 ** 20).toFixed(0)} MB; target <= 150 MB) ${maxRssMB <= 150 ? 'ok' : 'MISSED'}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
