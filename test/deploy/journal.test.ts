import { appendFileSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Journal, journalPath, parseJournal, readJournal } from '../../src/deploy/journal.js';
import { stateDir } from './helpers.js';

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

  it('a broken line in the middle is an error, not silently skipped', () => {
    expect(() => parseJournal('{"t":"end","at":1,"state":"done"}\nnot json\n{"t":"end","at":1,"state":"done"}\n')).toThrow(/line 2/);
  });
});
