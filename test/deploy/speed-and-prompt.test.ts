// `--speed` out of range is a usage error (a slow speed overflowed Node's timers: every step
// timed out at once); long sleeps are not cut short; Ctrl-C at "Deploy now?" exits 130.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { realClock } from '../../src/deploy/clock.js';
import { journalPath } from '../../src/deploy/journal.js';
import { runCaptured } from '../cli/capture.js';
import { stateDir } from './helpers.js';

describe('--speed', () => {
  it('outside 0.01..10000 is a usage error naming the range', async () => {
    for (const speed of ['0.0001', '0', '20000', 'fast']) {
      const dir = stateDir();
      const r = await runCaptured(['deploy', '--lab', 'two-machine', '--yes', '--speed', speed, '--state-dir', dir]);
      expect(r.code, speed).toBe(2);
      expect(r.err[0]).toBe(`cloudseed: --speed takes a number from 0.01 to 10000 (times real time), or "max", not "${speed}"`);
      expect(existsSync(journalPath(dir))).toBe(false);
    }
  });

  it('the slowest speed runs (no timer overflow, no step timed out at once) until stopped', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    const dir = stateDir();
    const ac = new AbortController();
    const out: string[] = [];
    const run = runCaptured(['deploy', '--lab', 'two-machine', '--yes', '--speed', '0.01', '--state-dir', dir], {
      signal: ac.signal,
      out: (l) => {
        out.push(l);
        // The first step is under way: stop.
        if (/seed\.host-checks\s+running/.test(l)) setImmediate(() => ac.abort());
      },
    });
    const { code } = await run;
    process.off('warning', onWarning);
    expect(code).toBe(130);
    expect(out.join('\n')).not.toMatch(/timeout|took longer/);
    expect(warnings).not.toContain('TimeoutOverflowWarning');
  });

  it('a sleep longer than a Node timer can hold does not end early', async () => {
    const ac = new AbortController();
    let ended: 'slept' | 'stopped' | undefined;
    const sleep = realClock.sleep(3e9, ac.signal).then(
      () => (ended = 'slept'),
      () => (ended = 'stopped'),
    );
    await new Promise((r) => setTimeout(r, 50));
    ac.abort();
    await sleep;
    expect(ended).toBe('stopped');
  });
});

describe('Deploy now? [y/N]', () => {
  it('Ctrl-C while asked exits 130 and deploys nothing', async () => {
    const dir = stateDir();
    const ac = new AbortController();
    const r = await runCaptured(['deploy', '--lab', 'two-machine', '--state-dir', dir], {
      interactive: true,
      signal: ac.signal,
      // The last line before the question: Ctrl-C once it is asked.
      out: (l) => void (l.startsWith('  overcloud: ') && setTimeout(() => ac.abort(), 20)),
    });
    expect(r.code).toBe(130);
    expect(r.err).toContain('not deployed');
    expect(existsSync(journalPath(dir))).toBe(false);
  });
});
