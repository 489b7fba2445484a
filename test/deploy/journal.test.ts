import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Journal, JournalError, journalPath, parseJournal, readJournal } from '../../src/deploy/journal.js';
import { randomInt, seededRandom } from '../../src/lab/random.js';
import { runCaptured } from '../cli/capture.js';
import { simRun, stateDir } from './helpers.js';

const cli = (args: string[]) => runCaptured(args);

/** A real journal: the two-machine lab stopped part-way (Ctrl-C), in a new state dir. */
async function stoppedJournal(): Promise<{ dir: string; text: Buffer }> {
  let stop = false;
  let cancel: () => void = () => void (stop = true);
  const { session, dir } = await simRun({ sinks: [(e) => void (e.type === 'step-done' && e.step === 'undercloud.inspect.undercloud' && cancel())] });
  cancel = () => session.run.cancel();
  if (stop) cancel();
  await session.result;
  return { dir, text: readFileSync(journalPath(dir)) };
}

describe('journal', () => {
  it('summarises transitions: the last state of each step, completions, the run state', () => {
    const dir = stateDir();
    const j = Journal.open(dir);
    j.append([{ t: 'run', at: 1, pid: 1, plan: 'overcloud', steps: 2 }]);
    j.append([{ t: 'step', at: 2, id: 'seed.a', state: 'running', attempt: 1, tier: 'seed' }]);
    j.append([{ t: 'step', at: 3, id: 'seed.a', state: 'done', attempt: 1 }, { t: 'step', at: 3, id: 'seed.b', state: 'running', attempt: 1, tier: 'seed' }]);
    j.close();
    const s = readJournal(dir);
    // Its last run did not end: the next deploy resumes it.
    expect(s.state).toBe('running');
    expect(s).toMatchObject({ runs: 1, plan: 'overcloud', startedAt: 1, endedAt: undefined });
    expect(s.steps.get('seed.a')).toMatchObject({ state: 'done', completions: 1, tier: 'seed' });
    expect(s.steps.get('seed.b')).toMatchObject({ state: 'running', startedAt: 3 });
  });

  it('ignores a torn last line, and cuts it before appending so every line stays valid JSON', () => {
    const dir = stateDir();
    const j = Journal.open(dir);
    j.append([{ t: 'run', at: 1, pid: 1, plan: 'p', steps: 1 }, { t: 'step', at: 2, id: 's', state: 'running' }]);
    j.close();
    appendFileSync(journalPath(dir), '{"t":"step","at":3,"id":"s","sta');
    const torn = readJournal(dir);
    expect(torn.torn).toBe(true);
    expect(torn.steps.get('s')?.state).toBe('running');
    const again = Journal.open(dir);
    again.append([{ t: 'step', at: 4, id: 's', state: 'done' }]);
    again.close();
    const text = readFileSync(journalPath(dir), 'utf8');
    for (const line of text.trim().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
    expect(readJournal(dir).steps.get('s')).toMatchObject({ state: 'done', completions: 1 });
  });

  it('a torn UTF-8 sequence: the cut is made in bytes, after a line holding invalid UTF-8 too', () => {
    const dir = stateDir();
    const j = Journal.open(dir);
    j.append([{ t: 'run', at: 1, pid: 1, plan: 'p', steps: 1 }]);
    j.close();
    // A tool's output with a stray byte (decoded as U+FFFD, 3 bytes), then a line cut inside "é".
    appendFileSync(journalPath(dir), Buffer.concat([Buffer.from('{"t":"step","at":2,"id":"s","state":"failed","error":{"kind":"other","message":"bad \xff'.replace('\xff', ''), 'latin1'), Buffer.from([0xff]), Buffer.from('"}}\n{"t":"step","at":3,"id":"s","state":"running","note":"caf'), Buffer.from([0xc3])]));
    expect(readJournal(dir)).toMatchObject({ torn: true });
    const again = Journal.open(dir);
    again.append([{ t: 'step', at: 4, id: 's', state: 'done' }]);
    again.close();
    const lines = readFileSync(journalPath(dir), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(readJournal(dir)).toMatchObject({ torn: false });
    expect(readJournal(dir).steps.get('s')).toMatchObject({ state: 'done' });
  });

  it('a broken line in the middle is an error naming the line and what to do, not silently skipped', () => {
    expect(() => parseJournal('{"t":"end","at":1,"state":"done"}\nnot json\n{"t":"end","at":1,"state":"done"}\n')).toThrow(JournalError);
    expect(() => parseJournal('{"t":"end","at":1,"state":"done"}\nnot json\n{"t":"end","at":1,"state":"done"}\n', '/s/journal.jsonl')).toThrow(/^\/s\/journal\.jsonl:2: not valid JSON .*Move it aside/);
    // Valid JSON that is no record is damage too.
    expect(() => parseJournal('null\n{"t":"end","at":1,"state":"done"}\n')).toThrow(/:1: not a journal record/);
    expect(() => parseJournal('{"t":"step","at":1,"id":"a","state":"melted"}\n\n')).toThrow(/:1: a "step" record with an unknown state "melted"/);
  });

  it('status: a torn last line is skipped and said; a bad middle line is exit 1 naming file:line; deploy resumes after a torn line', async () => {
    const { dir, text } = await stoppedJournal();
    const path = journalPath(dir);
    writeFileSync(path, Buffer.concat([text, Buffer.from('{"t":"step","at":17')]));
    const torn = await cli(['status', '--state-dir', dir]);
    expect(torn.code).toBe(0);
    expect(torn.err.join('\n')).toContain(`note: the last line of ${path} is torn`);
    const resumed = await cli(['deploy', '--lab', 'two-machine', '--yes', '--speed', 'max', '--state-dir', dir]);
    expect(resumed.code).toBe(0);
    expect(resumed.out.join('\n')).toContain(`note: the last line of ${path} was torn`);
    expect(resumed.out.join('\n')).toContain('note: resuming the deployment');

    const lines = text.toString('utf8').split('\n');
    writeFileSync(path, [...lines.slice(0, 3), '{"t":"step","at":12,"id":', ...lines.slice(3)].join('\n'));
    for (const args of [['status'], ['status', '--json'], ['deploy', '--lab', 'two-machine', '--yes', '--speed', 'max']]) {
      const bad = await cli([...args, '--state-dir', dir]);
      expect(bad.code, args.join(' ')).toBe(1);
      expect(bad.err.join('\n')).toContain(`${path}:4: not valid JSON`);
      expect(bad.err.join('\n')).toContain('Move it aside');
      expect(bad.err.join('\n')).not.toContain('internal error');
    }
  });

  it('fuzz: mutated journals through status (and some through deploy): exit 0/1 only, no internal error, errors name file:line', async () => {
    const { dir, text } = await stoppedJournal();
    const path = journalPath(dir);
    const random = seededRandom(1517);
    const lines = text.toString('utf8').trimEnd().split('\n');
    const junk = ['', 'null', '[]', '{}', '"x"', '{"t":"step"}', '{"t":"run","at":1}', '{"t":"end","at":1e300,"state":"done"}', '{"t":"step","at":1,"id":"x","state":"done","tier":"moon"}', '{"t":"step","at":1,"id":"x","state":"failed","error":"boom"}', '{"t":"inputs","at":1,"plan":"p","target":"t","facts":{},"steps":{},"rerun":{"x":"y"}}', '\u0000\u0000\u0000', '{"t":"step","at":1,"id":"x","state":"done"}'];
    const mutate = (): Buffer => {
      const ls = [...lines];
      const i = randomInt(random, 0, ls.length - 1);
      switch (randomInt(random, 0, 6)) {
        case 0: // cut anywhere (a torn write, a full disk)
          return text.subarray(0, randomInt(random, 0, text.length));
        case 1: // one byte changed
        {
          const b = Buffer.from(text);
          b[randomInt(random, 0, b.length - 1)] = randomInt(random, 0, 255);
          return b;
        }
        case 2:
          ls.splice(i, 0, junk[randomInt(random, 0, junk.length - 1)]);
          break;
        case 3:
          ls[i] = ls[i].slice(0, randomInt(random, 0, ls[i].length));
          break;
        case 4: // a value of the wrong type
          ls[i] = ls[i].replace(/"(at|state|id|plan|tier|t)":("[^"]*"|\d+)/, (_m, k: string) => `"${k}":${['1', '"?"', 'null', '{}', '-1e400'][randomInt(random, 0, 4)]}`);
          break;
        case 5:
          ls.splice(i, 1);
          break;
        default:
          ls.splice(i, 0, ls[randomInt(random, 0, ls.length - 1)]);
      }
      return Buffer.from(ls.join('\n') + (random() < 0.8 ? '\n' : ''));
    };
    const started = Date.now();
    let cases = 0;
    const seen = { 0: 0, 1: 0 } as Record<number, number>;
    // Bounded in count and in time (a slow, shared machine runs fewer).
    for (; cases < 600 && Date.now() - started < 8000; cases++) {
      const bytes = mutate();
      writeFileSync(path, bytes);
      const viaDeploy = cases % 40 === 0;
      const args = viaDeploy ? ['deploy', '--lab', 'two-machine', '--yes', '--speed', 'max'] : cases % 2 ? ['status'] : ['status', '--json'];
      const r = await cli([...args, '--state-dir', dir]);
      const said = `case ${cases} (${args[0]}): ${JSON.stringify(bytes.toString('utf8').slice(0, 2000))}\n${r.err.join('\n')}`;
      expect([0, 1], said).toContain(r.code);
      seen[r.code]++;
      expect(r.err.join('\n'), said).not.toContain('internal error');
      if (r.code === 1 && !viaDeploy) expect(r.err.join('\n'), said).toMatch(new RegExp(`${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+: `));
    }
    console.log(`journal fuzz: ${cases} cases in ${Date.now() - started} ms; exit 0: ${seen[0]}, exit 1: ${seen[1]}`);
    expect(cases).toBeGreaterThanOrEqual(50);
    expect(seen[0]).toBeGreaterThan(0);
    expect(seen[1]).toBeGreaterThan(0);
  }, 60_000);
});

describe('journal: a last record without its newline', () => {
  it('is read, and kept when the journal is opened again (not cut)', () => {
    const dir = stateDir();
    const j = Journal.open(dir);
    j.append([{ t: 'run', at: 1, pid: 1, plan: 'p', steps: 1 }]);
    j.close();
    appendFileSync(journalPath(dir), '{"t":"step","at":2,"id":"s","state":"done"}');
    expect(readJournal(dir).steps.get('s')?.state).toBe('done');
    Journal.open(dir).close();
    expect(readJournal(dir).steps.get('s')?.state).toBe('done');
    expect(readFileSync(journalPath(dir), 'utf8').endsWith('"done"}\n')).toBe(true);
  });
});
