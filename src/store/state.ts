// The saved state: the plan being edited and the session (when it started, the screen it
// reached), kept through conf in the state directory so the wizard can offer to resume.
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import Conf from 'conf';
import { CliError } from '../command.js';
import { warning, type Finding } from '../plan/findings.js';
import { PlanSchema, type Plan } from '../plan/schema.js';
import { fsProblem } from './fs-problem.js';
import { STATE_FILE, stateFile } from './paths.js';

export interface SessionRecord {
  /** ISO time the installation was started. */
  started: string;
  /** ISO time of the last save. */
  updatedAt: string;
  /** Id of the wizard screen reached (`welcome`, `servers`, ...). */
  screen: string;
}

export interface SavedState {
  plan: Plan;
  session: SessionRecord;
}

interface StateShape {
  plan?: unknown;
  session?: SessionRecord;
}

/** The state file exists but cannot be read or written (not a corrupt one: that is kept aside). */
export class StateError extends CliError {
  override name = 'StateError';
}

export { STATE_FILE };

export class StateStore {
  /** Problems met while opening (a corrupt state file kept aside); the UI shows them. */
  readonly notices: Finding[] = [];
  readonly path: string;
  #conf: Conf<StateShape>;

  private constructor(readonly stateDir: string) {
    this.path = stateFile(stateDir);
    this.#conf = this.#openConf();
    this.#checkPlan();
  }

  /** Opens (or creates) the state in `stateDir`. A corrupt file is renamed aside and reported in `notices`. */
  static open(stateDir: string): StateStore {
    try {
      mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    } catch (e) {
      throw new StateError(`cannot create the state directory: ${fsProblem(e, stateDir)}`);
    }
    return new StateStore(stateDir);
  }

  /** The saved plan and session, if an installation was started and not cleared. */
  saved(): SavedState | undefined {
    const { plan, session } = this.#conf.store;
    if (!plan || !session) return undefined;
    const parsed = PlanSchema.safeParse(plan);
    return parsed.success ? { plan: parsed.data, session } : undefined;
  }

  /** Saves the plan; `screen` records how far the person got (kept when absent). */
  savePlan(plan: Plan, screen?: string, now = new Date()): void {
    const at = now.toISOString();
    const before = this.#conf.get('session');
    const session: SessionRecord = {
      started: before?.started ?? at,
      updatedAt: at,
      screen: screen ?? before?.screen ?? 'welcome',
    };
    this.#write(() => this.#conf.set({ plan, session }));
  }

  /** Records the screen reached without changing the plan. */
  markScreen(screen: string, now = new Date()): void {
    const before = this.#conf.get('session');
    if (!before) return;
    this.#write(() => this.#conf.set('session', { ...before, screen, updatedAt: now.toISOString() }));
  }

  /** Forgets the saved plan and session (a new installation). */
  clear(): void {
    this.#write(() => this.#conf.clear());
  }

  #write(change: () => void): void {
    try {
      change();
    } catch (e) {
      throw new StateError(`cannot save the plan: ${fsProblem(e, this.path)}`);
    }
  }

  #openConf(): Conf<StateShape> {
    const make = () =>
      new Conf<StateShape>({
        projectName: 'cloudseed',
        projectSuffix: '',
        cwd: this.stateDir,
        configName: STATE_FILE.replace(/\.json$/, ''),
        // The plan may hold BMC passwords.
        configFileMode: 0o600,
        accessPropertiesByDotNotation: false,
        clearInvalidConfig: false,
      });
    this.#tightenMode();
    const problem = this.#fileProblem();
    if (problem) this.#keepAside(problem);
    try {
      return make();
    } catch (e) {
      throw new StateError(`cannot read the saved state: ${fsProblem(e, this.path)}`);
    }
  }

  /** Why the state file cannot be used as it is (conf would throw, or read a list as an object). */
  #fileProblem(): string | undefined {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new StateError(`cannot read the saved state: ${fsProblem(e, this.path)}`);
    }
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (e) {
      return `it is not valid JSON (${(e as Error).message})`;
    }
    return data !== null && typeof data === 'object' && !Array.isArray(data) ? undefined : 'it is not a JSON object';
  }

  /** A stored plan that no longer passes the schema is kept aside too, never dropped. */
  #checkPlan(): void {
    const { plan } = this.#conf.store;
    if (plan === undefined) return;
    const parsed = PlanSchema.safeParse(plan);
    if (parsed.success) return;
    const first = parsed.error.issues[0];
    this.#keepAside(`its plan does not match this version of cloudseed (${first ? `${first.path.join('.')}: ${first.message}` : 'schema'})`);
    this.#conf = this.#openConf();
  }

  #keepAside(reason: string): void {
    const aside = `${this.path}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    try {
      renameSync(this.path, aside);
    } catch (e) {
      throw new StateError(`the saved state ${this.path} cannot be used (${reason}) nor kept aside: ${fsProblem(e, this.path)}`);
    }
    this.notices.push(
      warning(
        'state.corrupt',
        this.path,
        `the saved state could not be used: ${reason}. It was kept as ${aside} and a new one was started`,
        `to recover answers from it, open ${aside} in an editor; otherwise nothing to do`,
      ),
    );
  }

  #tightenMode(): void {
    if (!existsSync(this.path) || (statSync(this.path).mode & 0o077) === 0) return;
    try {
      chmodSync(this.path, 0o600);
    } catch (e) {
      // A read-only state dir can still be read: say so rather than refuse.
      this.notices.push(warning('state.mode', this.path, `the saved state may hold BMC passwords and others can read it; it could not be made private: ${fsProblem(e, this.path)}`, `chmod 600 ${this.path}`));
    }
  }
}
