// The wizard shell: holds the plan above the screens (so Back keeps what was entered),
// saves it, validates it, routes keys, and draws the header, help bar and dialogs around
// the current screen. It is the one place that exits, from an effect after the last frame.
// The first frame (Welcome) needs neither the plan schema nor the other screens: they load
// right after it (screens/lazy.ts), and the shell moves to a screen once both are loaded.
import React, { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Box, Text, useApp, useStdin, useStdout } from 'ink';
import type { Finding } from '../src/plan/findings.js';
import type { Plan } from '../src/plan/schema.js';
import type { LabWorld } from '../src/lab/world.js';
import { screens as defaultScreens } from './index.js';
import { AsciiBox } from './components/ascii.js';
import { HelpBar, HelpOverlay, wordWrap } from './components/help.js';
import { KeyRouter, useKeys, type Key } from './components/keys.js';
import { makeTheme, ThemeContext, useTheme } from './components/theme.js';
import { laterNow, loadedScreen, loadLater, loadScreen, needLater, type Later, type ScreenEntry } from './lazy.js';
import type { SavedSession, SessionStore } from './session.js';
import type { AppContext, KeyHelp, ScreenDef, ScreenId, UiOptions } from './types.js';

/** The terminal size everything is laid out for; smaller gets a message instead. */
const MIN_COLUMNS = 80;
const MIN_ROWS = 24;
/** Saves are coalesced; quitting flushes at once. */
const SAVE_DELAY_MS = 300;

const SHELL_KEYS: KeyHelp[] = [
  { keys: 'Enter', action: 'next' },
  { keys: 'Esc', action: 'back' },
  { keys: '?', action: 'help' },
  { keys: 'q', action: 'quit' },
];

const SHELL_KEYS_LONG: KeyHelp[] = [
  { keys: 'Enter, Right', action: 'next screen' },
  { keys: 'Esc, Left', action: 'back; entries are kept' },
  { keys: 'Tab', action: 'next field' },
  { keys: '?', action: 'this help' },
  { keys: 'q, Ctrl-C', action: 'quit (asks; saves)' },
];

export interface AppProps {
  ui: UiOptions;
  store: SessionStore;
  /** `--lab NAME`: start on the simulated lab with this world. */
  labName?: string;
  /** The world of `labName`, already loaded by the command line. */
  lab?: LabWorld;
  /** Aborted on SIGTERM: save and leave. */
  signal?: AbortSignal;
  /** `--speed`, `--seed`, `--faults`: the simulated lab's plan takes them. */
  sim?: { speed?: number; seed?: number; faults?: string[] };
  /** How it was started (`cloudseed --lab ha-lab --state-dir /tmp/x`): quitting names it for resuming. */
  command?: string;
  /** Receives the exit code just before the app exits (once). */
  onExit?(code: number): void;
  /** The screen list (tests pass a shorter one). */
  screens?: ScreenEntry[];
  /** A cloud is deployed from the state dir (deployed.json): open on "Your cloud". */
  deployed?: boolean;
}

/** The screens after the first deployment: adding servers skips the host and network. */
const DAY_TWO: ScreenId[] = ['your-cloud', 'servers', 'roles', 'change', 'deploy', 'done'];
/** Screens only the day-two way goes through. */
const DAY_TWO_ONLY = new Set<ScreenId>(['your-cloud', 'change']);

type Dialog = 'none' | 'help' | 'quit';

function useTerminalSize(): { columns: number; rows: number } {
  const { stdout } = useStdout();
  const read = useCallback(() => ({ columns: stdout.columns || MIN_COLUMNS, rows: stdout.rows || MIN_ROWS }), [stdout]);
  const [size, setSize] = useState(read);
  useEffect(() => {
    const onResize = () => setSize(read());
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout, read]);
  return size;
}

export function App({ ui, store, labName, lab: labGiven, sim, signal, onExit, screens = defaultScreens, command = labName ? `cloudseed --lab ${labName}` : 'cloudseed', deployed }: AppProps) {
  const theme = useMemo(() => makeTheme(ui), [ui]);
  const { exit } = useApp();
  const { isRawModeSupported } = useStdin();
  const { columns, rows } = useTerminalSize();

  const [saved] = useState<SavedSession | undefined>(() => store.load());
  const [notice, setNotice] = useState<string | undefined>(store.notice);
  // Undefined until ./later.ts is loaded (just after the first frame); only Welcome, which
  // does not read it, is shown before.
  const [plan, setPlanState] = useState<Plan | undefined>(() => laterNow() && firstPlan(laterNow()!, labName, sim));
  const [started, setStarted] = useState(false);
  // Opened on a deployed cloud: its screens, from Your cloud (until Start over).
  const [dayTwo, setDayTwo] = useState(() => !!deployed && screens.some((s) => s.id === 'your-cloud'));
  const [scaleOutOf, setScaleOutOf] = useState<Plan | undefined>();
  const [index, setIndex] = useState(() => (dayTwo ? screens.findIndex((s) => s.id === 'your-cloud') : 0));
  // The way through the screens (their indices): the wizard's, or the day-two one.
  const route = useMemo(() => {
    if (!dayTwo) return screens.flatMap((s, i) => (DAY_TWO_ONLY.has(s.id) ? [] : [i]));
    return DAY_TWO.map((id) => screens.findIndex((s) => s.id === id)).filter((i) => i >= 0);
  }, [dayTwo, screens]);
  const [blocked, setBlockedState] = useState<string | undefined>();
  const [flashed, setFlashed] = useState(false);
  const [dialog, setDialog] = useState<Dialog>('none');
  const [modeKeys, setModeKeys] = useState<KeyHelp[] | undefined>();
  const [exitCode, setExitCode] = useState<number | undefined>();
  // A screen's own modes (a form, a running scan) claim the keyboard with setCapture;
  // widgets do it with useKeys({ capture }). Either way the shell keeps only Ctrl-C.
  const captured = useRef(false);
  // A deployment runs: quitting stops it and exits 130.
  const running = useRef(false);

  const entry = screens[Math.min(index, screens.length - 1)];
  const screen = loadedScreen(entry) ?? loadingScreen(entry.id);

  // Saving: coalesced while editing, flushed on navigation and quit.
  const latest = useRef({ plan, screen: screen.id, started });
  latest.current = { plan, screen: screen.id, started };
  const timer = useRef<NodeJS.Timeout | undefined>(undefined);
  // Why the last save failed (a read-only state dir): quitting must not claim the plan is saved.
  const [unsaved, setUnsaved] = useState<string | undefined>();
  const flush = useCallback(() => {
    clearTimeout(timer.current);
    timer.current = undefined;
    if (!latest.current.started || !latest.current.plan) return;
    try {
      store.save(latest.current.plan, latest.current.screen);
      setUnsaved(undefined);
    } catch (e) {
      setUnsaved((e as Error).message);
      setNotice(`Could not save the plan in ${store.dir}: ${(e as Error).message}`);
    }
  }, [store]);
  useEffect(() => {
    if (!started) return;
    clearTimeout(timer.current);
    timer.current = setTimeout(flush, SAVE_DELAY_MS);
  }, [plan, started, flush]);
  useEffect(() => () => clearTimeout(timer.current), []);

  // After the first frame: the plan modules (then the first plan), and the first screen
  // if a test's list starts with one loaded on use.
  useEffect(() => {
    let live = true;
    const timer = setTimeout(() => {
      Promise.all([loadLater(), loadScreen(screens[index])]).then(
        ([later]) => live && setPlanState((p) => p ?? firstPlan(later, labName, sim)),
        (e: unknown) => live && setNotice(`Could not load part of cloudseed: ${(e as Error).message}`),
      );
    }, 0);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, []); // eslint-disable-line react-hooks/exhaustive-deps

  const simLab = plan?.driver === 'sim' ? plan.sim?.lab : undefined;
  const simSeed = plan?.sim?.seed;
  const labLoaded = useMemo<{ world?: LabWorld; problem?: string }>(() => {
    if (!simLab) return {};
    if (labGiven && simLab === labName && (simSeed ?? 1) === 1) return { world: labGiven };
    try {
      return { world: needLater().loadLab(simLab, simSeed) };
    } catch (e) {
      return { problem: `The simulated lab "${simLab}" cannot be loaded: ${(e as Error).message}` };
    }
  }, [simLab, simSeed, labGiven, labName]);
  const lab = labLoaded.world;
  useEffect(() => {
    if (labLoaded.problem) setNotice(labLoaded.problem);
  }, [labLoaded.problem]);
  // Computed when a screen first asks (Welcome never does: the first frame comes sooner).
  const findings = useMemo(() => {
    let memo: Finding[] | undefined;
    return () => (memo ??= needLater().validate(plan ?? needPlan()));
  }, [plan]);

  // Moves to screen `to` once its module and the plan modules are loaded; `apply` changes
  // the rest of the state (a new plan) in the same render. The last move asked for wins.
  const moves = useRef(0);
  const go = useCallback(
    (to: number, apply?: () => void) => {
      const target = Math.max(0, Math.min(screens.length - 1, to));
      const move = ++moves.current;
      const show = () => {
        if (move !== moves.current) return;
        apply?.();
        setBlockedState(undefined);
        setModeKeys(undefined);
        setFlashed(false);
        setNotice(undefined);
        captured.current = false;
        setIndex(target);
        latest.current.screen = screens[target].id;
        flush();
      };
      if (loadedScreen(screens[target]) && laterNow()) return show();
      Promise.all([loadScreen(screens[target]), loadLater()]).then(show, (e: unknown) => {
        if (move === moves.current) setNotice(`Could not open the ${screens[target].id} screen: ${(e as Error).message}`);
      });
    },
    [screens, flush],
  );

  const quit = useCallback(() => {
    flush();
    setDialog('quit');
  }, [flush]);

  const skipLine = ui.skipChecks ? 1 : 0;
  // A notice (the corrupt state file kept aside) gets the lines it needs (up to 4), until the first move.
  const noticeLine = notice ? Math.min(4, wordWrap(`${theme.sym.warn} ${notice}`, columns).length) : 0;
  // Header, optional lines, then the screen, a status line and the help bar; the live area
  // stays one row shorter than the terminal (a full-height frame makes Ink redraw it all).
  const bodyRows = Math.max(1, rows - 1 - 1 - skipLine - noticeLine - 2);

  const indexOf = (id: ScreenId) => screens.findIndex((s) => s.id === id);
  // Next and back along the route.
  const position = route.indexOf(index);
  const step = (by: number) => {
    const to = route[position + by];
    if (to !== undefined) go(to);
  };
  // Begins a session with plan `p`: saving is on from here.
  const startWith = (given: Plan) => () => {
    const p = withSim(given, labName, sim);
    setPlanState(p);
    setStarted(true);
    latest.current = { ...latest.current, plan: p, started: true };
  };

  const app: AppContext = {
    get plan() {
      return plan ?? needPlan();
    },
    setPlan: (update) => setPlanState((p) => update(p ?? needPlan())),
    get findings() {
      return findings();
    },
    lab,
    ui,
    columns,
    rows,
    bodyRows,
    labName,
    saved: saved && { updatedAt: saved.updatedAt, screen: saved.screen, servers: saved.plan.nodes.length },
    started,
    next: () => {
      if (blocked) setFlashed(true);
      else step(1);
    },
    back: () => step(-1),
    goTo: (id: ScreenId) => {
      const to = indexOf(id);
      if (to >= 0) go(to);
    },
    screenIds: route.map((i) => screens[i].id),
    dayTwo,
    scaleOutOf,
    addServers: (p, edited) => {
      setScaleOutOf(p);
      // A copy of the plan, unconfirmed: the change is confirmed on its own.
      const from = edited ?? p;
      go(indexOf(edited ? 'change' : 'servers'), startWith({ ...from, options: { ...from.options, confirmedAt: undefined } }));
    },
    startOver: () => {
      setScaleOutOf(undefined);
      go(0, () => setDayTwo(false));
    },
    setCapture: (on) => {
      captured.current = on;
    },
    setBlocked: (reason) => setBlockedState(reason),
    quit,
    setRunning: (on) => {
      running.current = on;
    },
    setModeKeys,
    begin: (p, at) => {
      const to = at ? indexOf(at) : -1;
      go(to >= 0 ? to : index + 1, startWith(p));
    },
    resume: () => {
      // A deployment is never restarted by Resume alone: Review says what it continues or wipes.
      if (saved) go(Math.max(0, indexOf(saved.screen === 'deploy' && indexOf('review') >= 0 ? 'review' : saved.screen)), startWith(saved.plan));
    },
  };

  const onKey = (input: string, key: Key, capturing: boolean) => {
    if (key.ctrl && input === 'c') return quit();
    if (capturing || captured.current) return;
    if (input === '?') return setDialog('help');
    if (input === 'q') return quit();
    if (key.return || key.rightArrow) return app.next();
    if (key.escape || key.leftArrow) return app.back();
  };

  useEffect(() => {
    if (!signal) return;
    const stop = () => {
      flush();
      setExitCode(130);
    };
    if (signal.aborted) stop();
    signal.addEventListener('abort', stop);
    return () => signal.removeEventListener('abort', stop);
  }, [signal, flush]);

  // The one place that exits: after the goodbye frame has been committed.
  useEffect(() => {
    if (exitCode === undefined) return;
    onExit?.(exitCode);
    exit();
  }, [exitCode, exit, onExit]);

  if (exitCode !== undefined) {
    return (
      <ThemeContext.Provider value={theme}>
        <AsciiBox enabled={ui.ascii}>
          <Goodbye started={started} dir={store.dir} unsaved={unsaved} command={command} />
        </AsciiBox>
      </ThemeContext.Provider>
    );
  }

  const small = columns < MIN_COLUMNS || rows < MIN_ROWS;
  const Screen = screen.component;
  // The screen's keys first; a shell key the screen gives another meaning is left out;
  // "? help" always shows (it lists everything the bar has no room for).
  const useless = (k: KeyHelp) => (k.keys === 'Esc' && position <= 0) || (k.keys === 'Enter' && position === route.length - 1);
  const keys = modeKeys ?? [...screen.keys, ...SHELL_KEYS.filter((k) => k.keys !== '?' && k.keys !== 'Enter' && !useless(k) && !screen.keys.some((s) => s.keys === k.keys))];
  // The key that goes on is always on the bar, however many screen keys it has to drop.
  const pinned = [...(modeKeys ? [] : goOnKeys(screen, useless, ui.ascii)), ...SHELL_KEYS.filter((k) => k.keys === '?')];
  return (
    <ThemeContext.Provider value={theme}>
      <KeyRouter onKey={onKey} isActive={isRawModeSupported}>
        <AsciiBox enabled={ui.ascii}>
          {small ? (
            <Box flexDirection="column">
              <TooSmall columns={columns} rows={rows} />
              {dialog === 'quit' ? <StatusLine dialog={dialog} started={started} hasSaved={!!saved} unsaved={!!unsaved} command={command} running={running.current} /> : null}
            </Box>
          ) : null}
          {/* Hidden, not unmounted, while the terminal is too small: a screen's state (a form
              being filled, a deployment running) survives a resize. */}
          <Box flexDirection="column" width={columns} display={small ? 'none' : 'flex'}>
            <Header index={Math.max(0, position)} count={route.length} title={screen.title} plan={plan} labName={labName} width={columns} showTarget={started || !!labName} />
            {ui.skipChecks ? (
              <Text color={theme.c('fail')} bold wrap="truncate-end">
                {theme.sym.fail} --skip-checks: failed host checks do not stop you; the deployment may fail.
              </Text>
            ) : null}
            {notice ? (
              <Box height={noticeLine} overflow="hidden">
                <Text color={theme.c('warn')} wrap="wrap">
                  {theme.sym.warn} {notice}
                </Text>
              </Box>
            ) : null}
            <Box height={bodyRows} flexDirection="column" overflow="hidden" display={dialog === 'help' ? 'none' : 'flex'}>
              <Screen key={screen.id} app={app} />
            </Box>
            {dialog === 'help' ? (
              <Box height={bodyRows} flexDirection="column" overflow="hidden">
                <HelpOverlay title={screen.title} help={screen.help} screenKeys={screen.keys} shellKeys={SHELL_KEYS_LONG} width={Math.min(columns, 80)} height={bodyRows} />
              </Box>
            ) : null}
            <StatusLine dialog={dialog} started={started} hasSaved={!!saved} unsaved={!!unsaved} blocked={blocked} flashed={flashed} command={command} running={running.current} />
            <HelpBar keys={keys} pinned={pinned} width={columns} />
          </Box>
        </AsciiBox>
        {/* While the screen cannot be seen, its keys are off too: only quitting works. */}
        {small && dialog === 'none' && (
          <Modal
            onKey={(input, key) => {
              if (input === 'q' || (key.ctrl && input === 'c')) quit();
            }}
          />
        )}
        {dialog === 'help' && <Modal onKey={() => setDialog('none')} />}
        {dialog === 'quit' && (
          <Modal
            onKey={(input, key) => {
              if (input === 'y' || input === 'Y' || (key.ctrl && input === 'c')) {
                flush();
                setExitCode(running.current ? 130 : 0);
              } else if (input === 'n' || input === 'N' || key.escape) setDialog('none');
            }}
          />
        )}
      </KeyRouter>
    </ThemeContext.Provider>
  );
}

/**
 * How to go on from `screen`: its own menu (Welcome, Review: nothing pinned), Enter, or
 * Right when the screen gives Enter another meaning.
 */
function goOnKeys(screen: ScreenDef, useless: (k: KeyHelp) => boolean, ascii: boolean): KeyHelp[] {
  if (screen.goesOnByMenu) return [];
  const enter = SHELL_KEYS.find((k) => k.keys === 'Enter')!;
  if (useless(enter)) return [];
  if (screen.keys.some((k) => k.keys === 'Enter')) return [{ keys: ascii ? 'Right' : '→', action: 'next' }];
  return [enter];
}

/** The plan a session starts from: on the lab named on the command line, or empty. */
function firstPlan(later: Later, labName: string | undefined, sim: AppProps['sim']): Plan {
  return withSim(labName ? later.labPlan(labName) : later.emptyPlan(), labName, sim);
}

/** The command line's --speed/--seed/--faults on a new plan for its --lab (not on a loaded one's own lab). */
function withSim(plan: Plan, labName: string | undefined, sim: AppProps['sim']): Plan {
  if (!sim || !plan.sim || plan.sim.lab !== labName) return plan;
  return { ...plan, sim: { ...plan.sim, ...sim, faults: [...new Set([...plan.sim.faults, ...(sim.faults ?? [])])] } };
}

function needPlan(): never {
  throw new Error('internal: a screen read the plan before the shell loaded it (screens/app.tsx)');
}

/** Stands in for a screen whose module is still loading (only a list that starts with one). */
function loadingScreen(id: ScreenId): ScreenDef {
  return { id, title: '', component: () => null, keys: [], help: '' };
}

/** Takes every key while a dialog is open (the screen below gets none). */
function Modal({ onKey }: { onKey(input: string, key: Key): void }) {
  useKeys(
    (input, key) => {
      onKey(input, key);
      return true;
    },
    { modal: true },
  );
  return null;
}

function Header({ index, count, title, plan, labName, width, showTarget }: { index: number; count: number; title: string; plan?: Plan; labName?: string; width: number; showTarget: boolean }) {
  const theme = useTheme();
  const step = `${index + 1}/${count} ${title}`;
  // Before the plan is loaded, the target is the lab named on the command line.
  const driver = plan ? plan.driver : labName ? 'sim' : 'real';
  const where = driver === 'sim' ? `simulated lab: ${plan?.sim?.lab ?? labName ?? '?'}` : 'real hardware';
  const left = `cloudseed${theme.sym.sep}`;
  const room = Math.max(0, width - left.length - step.length - 1);
  return (
    <Box width={width}>
      <Text wrap="truncate-end">
        <Text bold color={theme.c('accent')}>
          {left}
        </Text>
        <Text bold>{step}</Text>
      </Text>
      <Box flexGrow={1} />
      {showTarget && room > where.length ? <Text color={theme.c('muted')}>{where}</Text> : null}
    </Box>
  );
}

/** The line above the help bar: the quit question, or why the screen cannot move on. */
function StatusLine({
  dialog,
  started,
  hasSaved,
  unsaved = false,
  blocked,
  flashed = false,
  command,
  running,
}: {
  dialog: Dialog;
  started: boolean;
  hasSaved: boolean;
  unsaved?: boolean;
  blocked?: string;
  flashed?: boolean;
  command: string;
  running: boolean;
}) {
  const theme = useTheme();
  if (dialog === 'quit') {
    const question = running
      ? `Quit? The deployment stops (journal kept); \`${command}\` resumes it. y/n`
      : started
        ? unsaved
          ? 'Quit? The plan could NOT be saved (see above): it is lost. y/n'
          : `Quit? The plan is saved; \`${command}\` resumes. y/n`
        : hasSaved
          ? 'Quit? Nothing was started; the saved installation is kept. y/n'
          : 'Quit? Nothing was started. y/n';
    return (
      <Text bold color={theme.c('warn')} wrap="wrap">
        {question}
      </Text>
    );
  }
  // Trying to move on while blocked makes the reason stand out.
  return (
    <Text color={theme.c('warn')} bold={flashed} inverse={flashed && !theme.color} wrap="truncate-end">
      {blocked ? `${theme.sym.arrow} ${blocked}` : ' '}
    </Text>
  );
}

function TooSmall({ columns, rows }: { columns: number; rows: number }) {
  return (
    <Box flexDirection="column">
      <Text wrap="wrap">
        cloudseed needs a terminal of at least {MIN_COLUMNS}x{MIN_ROWS}; this one is {columns}x{rows}.
      </Text>
      <Text wrap="wrap">Make the window larger (or the font smaller). q quits.</Text>
    </Box>
  );
}

function Goodbye({ started, dir, unsaved, command }: { started: boolean; dir: string; unsaved?: string; command: string }) {
  const theme = useTheme();
  if (started && unsaved) {
    return (
      <Text wrap="wrap">
        <Text color={theme.c('fail')}>{theme.sym.fail}</Text> The plan could not be saved in {dir}: {unsaved}
      </Text>
    );
  }
  return started ? (
    <Text>
      <Text color={theme.c('ok')}>{theme.sym.ok}</Text> The plan is saved in {dir}. Run `{command}` to resume.
    </Text>
  ) : (
    <Text>Nothing started; nothing changed.</Text>
  );
}
