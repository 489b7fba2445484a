// Which operation a journal holds — a first deployment, a scale-out, a replacement, an
// upgrade — and the one left unfinished in a state dir, with the command that resumes it:
// deploy, add, replace and upgrade each refuse to start over another's unfinished run.
import { isUpgradeStep } from './compile-upgrade.js';
import { readJournal, type JournalName, type JournalSummary } from './journal.js';

export type OperationKind = 'deployment' | 'scale-out' | 'replacement' | 'upgrade';

export interface Operation {
  kind: OperationKind;
  /** A replacement: the server it takes out. */
  server?: string;
  /** The command that resumes it, with the answers file when it is known. */
  resume: string;
}

/** What a run of these steps (in the journal `name`) is; a replacement's has its retire step, an upgrade's its upgrade steps. */
export function stepsOperation(ids: string[], name: JournalName = 'journal', file = 'FILE'): Operation {
  if (name === 'scale-out') return { kind: 'scale-out', resume: `cloudseed add ${file}` };
  const retire = ids.find((id) => id.startsWith('overcloud.retire.'));
  if (retire) {
    const server = retire.slice('overcloud.retire.'.length);
    return { kind: 'replacement', server, resume: `cloudseed replace ${file} ${server}` };
  }
  if (ids.some(isUpgradeStep)) return { kind: 'upgrade', resume: `cloudseed upgrade ${file}` };
  return { kind: 'deployment', resume: `cloudseed deploy ${file}` };
}

/** What each operation is called after "then" in a refusal. */
export const OPERATION_VERB: Record<OperationKind, string> = { deployment: 'deploy', 'scale-out': 'add servers', replacement: 'replace', upgrade: 'upgrade' };

export interface Unfinished extends Operation {
  state: JournalSummary['state'];
  plan?: string;
}

/** The operation started from `stateDir` and not done (the main journal's first), if any. */
export function unfinishedOperation(stateDir: string, file?: string): Unfinished | undefined {
  for (const name of ['journal', 'scale-out'] as const) {
    const journal = readJournal(stateDir, name);
    if (journal.state === 'none' || journal.state === 'done') continue;
    return { ...stepsOperation([...journal.steps.keys()], name, file), state: journal.state, plan: journal.plan };
  }
  return undefined;
}

function label(u: Unfinished): string {
  const of = u.plan ? ` of "${u.plan}"` : '';
  if (u.kind === 'replacement') return `the replacement of ${u.server}${u.plan ? ` in "${u.plan}"` : ''}`;
  return `${u.kind === 'upgrade' ? 'an' : 'a'} ${u.kind}${of}`;
}

/**
 * Why `verb` may not start now: another operation than `own` is unfinished in `stateDir`.
 * Undefined when none is, or it is one of `own` (which then resumes it).
 */
export function unfinishedRefusal(stateDir: string, own: OperationKind[], verb: string, file?: string): string | undefined {
  const u = unfinishedOperation(stateDir, file);
  if (!u || own.includes(u.kind)) return undefined;
  const state = u.state === 'running' ? 'stopped without ending, or running now' : u.state;
  return `${label(u)} is unfinished in ${stateDir} (${state}): resume it first (${u.resume}), then ${verb}`;
}
