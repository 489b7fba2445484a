// Shared helpers for the deployment tests: temporary state dirs and runs at maximum speed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { virtualClock } from '../../src/deploy/clock.js';
import { readJournal } from '../../src/deploy/journal.js';
import { planForLab } from '../../src/deploy/lab-plan.js';
import { startDeploy, type DeploySessionOptions } from '../../src/deploy/session.js';
import type { DeployEvent } from '../../src/deploy/types.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

export function stateDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'cs-deploy-'));
  dirs.push(d);
  return d;
}

export const labPlan = (name: string, seed = 1) => planForLab(name, seed);

/** Starts a deployment on a virtual clock and records its events. */
export async function simRun(opts: Partial<DeploySessionOptions> & { lab?: string } = {}) {
  const events: DeployEvent[] = [];
  const dir = opts.stateDir ?? stateDir();
  const plan = opts.plan ?? labPlan(opts.lab ?? 'two-machine');
  const session = await startDeploy({
    onFailure: 'wait',
    clock: virtualClock(),
    ...opts,
    plan,
    stateDir: dir,
    sinks: [(e) => events.push(e), ...(opts.sinks ?? [])],
  });
  return { session, events, dir, plan };
}

/** Waits until the run waits for a decision (a failure), or ends. */
export async function untilFailureOrEnd(run: { failures(): unknown[]; result: Promise<unknown> }): Promise<void> {
  let ended = false;
  void run.result.then(() => (ended = true));
  for (let i = 0; i < 100000 && !ended && run.failures().length === 0; i++) await new Promise((r) => setImmediate(r));
}

/** Every step of the journal completed exactly once. */
export function completions(dir: string): Map<string, number> {
  const j = readJournal(dir);
  return new Map([...j.steps].map(([id, r]) => [id, r.completions]));
}

/**
 * The bundled installer, built once for this test file (so each restart of a kill -9 test
 * takes a fraction of a second; inside the project: assets are found) and removed after it.
 */
export function bundleForTests(name: string): string {
  const root = process.cwd();
  const outDir = join(root, 'dist', `test-${name}-${process.pid}`);
  beforeAll(async () => {
    const { build } = (await import(join(root, 'scripts', 'build.mjs'))) as { build(o: { entry: string; outfile: string; minify: boolean }): Promise<void> };
    await build({ entry: join(root, 'screens', 'main.tsx'), outfile: join(outDir, 'cloudseed.js'), minify: false });
  });
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));
  return join(outDir, 'cloudseed.js');
}
