// The command line: global flags, sub-commands, interactive or plain mode, exit codes
// (0 ok, 1 findings or failed work, 2 usage). The entry (screens/main.tsx) passes openTui.
// The sub-commands are listed in src/cli.ts and loaded only when the command line names one
// (or asks for help): the installer's first frame comes without parsing their code.
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import pkg from '../package.json' with { type: 'json' };
import { CliError, UsageError, type Command, type CommandContext, type FlagValue, type OptionSpec } from './command.js';
import { FaultSpecError, parseFaults } from './deploy/drivers/sim/faults.js';
import { parseSeed, parseSpeedFlag, SIM_OPTIONS } from './deploy/sim-options.js';
import { checkLabName, LabError } from './lab/names.js';
import { logFile, resolveStateDir } from './store/paths.js';
import { closest } from './suggest.js';

/** Every sub-command (src/cli.ts), loaded on first use. */
async function loadCommands(): Promise<Command[]> {
  return (await import('./cli.js')).commands;
}

export const VERSION: string = pkg.version;

const GLOBAL_OPTIONS = {
  lab: { type: 'string' },
  'state-dir': { type: 'string' },
  ascii: { type: 'boolean' },
  'no-color': { type: 'boolean' },
  'skip-checks': { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
} as const satisfies OptionSpec;

const SIM_HELP: [string, string][] = [
  ['--speed N', 'simulated lab: play N seconds of work in one (default 60)'],
  ['--seed N', "simulated lab: its randomness' seed (same seed and faults, same run)"],
  ['--faults SPEC', 'simulated lab: faults to play, comma-separated kind:SERVER[:TIMES] (bmc-timeout, pxe-fail, deploy-fail, upgrade-fail; e.g. pxe-fail:node-02:2 fails twice) or slow:STEP:FACTOR'],
];

/** What each command option means, for `cloudseed COMMAND --help` (one table: a name means one thing everywhere). */
const OPTION_HELP: Record<string, [string, string]> = {
  out: ['--out PATH', 'where to write (a file for init, a directory for export)'],
  force: ['--force', 'replace files that exist (without it, an existing file stops the command)'],
  lab: ['--lab NAME', 'the simulated lab NAME (two-machine, ha-lab, datacenter-N)'],
  import: ['--import FILE', 'a nodes file: instackenv.json/.yaml or Helion baremetal.csv'],
  range: ['--range R', 'BMC addresses to scan: 10.0.0.0/24 or 10.0.0.5-10.0.0.40'],
  user: ['--user U', 'the BMC user'],
  'password-file': ['--password-file F', "a file whose first line is the BMC password (or CLOUDSEED_BMC_PASSWORD)"],
  concurrency: ['--concurrency N', 'BMCs asked at a time'],
  timeout: ['--timeout S', 'seconds to wait for a BMC to answer'],
  yes: ['-y, --yes', 'confirm the plan without asking (real hardware is powered and written to)'],
  netns: ['--netns NAME', 'run the gates inside this network namespace'],
  to: ['--to DIR|USER@HOST:/DIR', "where the backup goes (default: the plan's backups.to)"],
  list: ['--list', 'list the backups there, each checked against its checksums'],
  answers: ['--answers FILE', 'the answers file to keep with the backup'],
  'ssh-port': ['--ssh-port N', 'the ssh port of a remote backup place'],
  'ssh-identity': ['--ssh-identity FILE', 'the private key for ssh to a remote backup place'],
  replace: ['--replace', 'replace the state that is there now (without it, restore stops)'],
  only: ['--only PARTS', 'restore only these parts, comma-separated'],
  spare: ['--spare NAME', 'the spare server to take the failed one\'s role'],
  retired: ['--retired', 'the server is retired (healthy, taken out on purpose), not failed'],
  reason: ['--reason TEXT', 'why the server is out of service (kept in the answers file and in Ironic)'],
  'dry-run': ['--dry-run', 'only say what would change; change nothing'],
  batch: ['--batch N', 'upgrade: servers of a role upgraded at once (a majority stays up)'],
  ...Object.fromEntries(SIM_HELP.map(([flag, text]) => [flag.split(' ')[0].slice(2), [flag, text]])),
};

const GLOBAL_HELP: [string, string][] = [
  ['--lab NAME', 'the simulated lab NAME (two-machine, ha-lab, datacenter-N)'],
  ['--state-dir DIR', 'keep state and logs in DIR (default: ~/.config/cloudseed)'],
  ['--ascii', 'no box drawing, no emoji (Linux console, serial lines)'],
  ['--no-color', 'no colour (also NO_COLOR=1)'],
  ['--skip-checks', 'do not block on failed host checks'],
  ...SIM_HELP,
  ['--json', 'machine-readable output (sub-commands)'],
  ['-h, --help', 'this help; `cloudseed COMMAND --help` for one command'],
  ['-V, --version', 'print the version'],
];

/** How the screens draw: chosen from flags and the environment, never detected later. */
export interface UiChoice {
  /** No box drawing, no emoji, no braille. */
  ascii: boolean;
  color: boolean;
  skipChecks: boolean;
  stateDir: string;
}

/** What the entry's `openTui` receives. */
export interface TuiOptions extends UiChoice {
  /** `--lab NAME`, a lab that exists: the sim driver's world (loaded by the TUI after its first frame). */
  labName?: string;
  /** Aborted on SIGTERM (Ctrl-C in raw mode reaches Ink as a key, not a signal). */
  signal: AbortSignal;
  env: NodeJS.ProcessEnv;
  /** The command line it was started with (`cloudseed --lab ha-lab --state-dir /tmp/x`): quitting names it. */
  command: string;
  /** `--speed`, `--seed`, `--faults` for the simulated lab. */
  sim: { speed?: number; seed?: number; faults?: string[] };
}

export interface CliHooks {
  openTui?(options: TuiOptions): Promise<number>;
  /** Defaults: process.stdout / process.stderr, one line each. */
  out?(line: string): void;
  err?(line: string): void;
  env?: NodeJS.ProcessEnv;
  /** Default: stdin and stdout are both terminals. */
  interactive?: boolean;
  /** Default: aborted by SIGINT / SIGTERM of this process. */
  signal?: AbortSignal;
}

const ASCII_TERMS = new Set(['linux', 'vt100', 'vt102', 'vt220', 'dumb']);

/**
 * ASCII when asked, on the Linux console and old terminals, or when the locale is not
 * UTF-8 (LC_ALL > LC_CTYPE > LANG; none set means the C locale). No colour with
 * `--no-color`, a non-empty NO_COLOR (no-color.org) or TERM=dumb.
 */
export function uiOptionsFrom(flags: Record<string, FlagValue>, env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): UiChoice {
  const term = (env.TERM ?? '').toLowerCase();
  const locale = env.LC_ALL || env.LC_CTYPE || env.LANG || '';
  const localeIsUtf8 = /utf-?8/i.test(locale) || (platform === 'win32' && locale === '');
  return {
    ascii: flags.ascii === true || ASCII_TERMS.has(term) || !localeIsUtf8,
    color: !(flags['no-color'] === true || (env.NO_COLOR !== undefined && env.NO_COLOR !== '') || term === 'dumb'),
    skipChecks: flags['skip-checks'] === true,
    stateDir: resolveStateDir(typeof flags['state-dir'] === 'string' ? flags['state-dir'] : undefined, env),
  };
}

export async function runCli(argv: string[], hooks: CliHooks = {}): Promise<number> {
  // `cloudseed plan FILE | head`: the reader left; the rest of the output has nowhere to go.
  if (!hooks.out) process.stdout.on('error', leaveOnEpipe);
  const out = hooks.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const err = hooks.err ?? ((line: string) => process.stderr.write(`${line}\n`));
  const env = hooks.env ?? process.env;
  const interactive = hooks.interactive ?? (!!process.stdin.isTTY && !!process.stdout.isTTY);
  const { signal, release, watchHangUp } = hooks.signal ? { signal: hooks.signal, release: () => {}, watchHangUp: () => {} } : processSignal();
  let stateDir: string | undefined;
  try {
    const { command, flags, args } = await parse(argv);
    stateDir = resolveStateDir(typeof flags['state-dir'] === 'string' ? flags['state-dir'] : undefined, env);
    if (flags.version) {
      out(VERSION);
      return 0;
    }
    if (flags.help) {
      for (const line of command ? commandHelp(command) : globalHelp(await loadCommands())) out(line);
      return 0;
    }
    if (command) {
      const ctx: CommandContext = { args, flags, json: flags.json === true, stateDir, out, err, env, interactive, signal };
      return await command.run(ctx);
    }
    // The screens save and leave when their terminal hangs up. Commands keep the default
    // (or an inherited `nohup`): a hang-up handler would override SIG_IGN.
    watchHangUp();
    return await openInstaller(flags, env, interactive, signal, hooks, err, argv);
  } catch (e) {
    if (e instanceof UsageError) {
      err(`cloudseed: ${e.message}`);
      return 2;
    }
    if (e instanceof CliError) {
      err(`cloudseed: ${e.message}`);
      return e.exitCode;
    }
    const log = logInternalError(e, stateDir ?? resolveStateDir(undefined, env));
    err(`cloudseed: internal error: ${e instanceof Error ? e.message : String(e)}${log ? ` (details in ${log})` : ''}`);
    return 1;
  } finally {
    release();
  }
}

/** Quietly ends the process when the pipe's reader has gone (EPIPE); other errors (a hung-up terminal) are the screens' to handle. */
function leaveOnEpipe(e: NodeJS.ErrnoException): void {
  if (e.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
}

/** `--speed N --seed N --faults SPEC` checked as `deploy` checks them (a wrong one is a usage error). */
export function simOptionsFrom(flags: Record<string, FlagValue>): TuiOptions['sim'] {
  const sim: TuiOptions['sim'] = {};
  const speed = parseSpeedFlag(flags.speed);
  // The screens pace the lab in real time: "max" (virtual time) is for the run commands.
  if (speed === 'max') throw new UsageError('--speed max goes with cloudseed deploy; the installer takes a number (times real time)');
  if (speed !== undefined) sim.speed = speed;
  const seed = parseSeed(flags.seed);
  if (seed !== undefined) sim.seed = seed;
  if (typeof flags.faults === 'string') {
    try {
      parseFaults(flags.faults);
    } catch (e) {
      if (e instanceof FaultSpecError) throw new UsageError(`--faults: ${e.message}`);
      throw e;
    }
    sim.faults = flags.faults.split(',').map((f) => f.trim()).filter(Boolean);
  }
  return sim;
}

/** A shell word as typed: quoted only when it needs to be. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
}

async function openInstaller(flags: Record<string, FlagValue>, env: NodeJS.ProcessEnv, interactive: boolean, signal: AbortSignal, hooks: CliHooks, err: (line: string) => void, argv: string[]): Promise<number> {
  if (flags.json) throw new UsageError('--json goes with a command, e.g. cloudseed validate FILE --json (see cloudseed --help)');
  if (!interactive) {
    err('cloudseed: the installer needs a terminal (stdin and stdout); without one, use `cloudseed validate FILE` or `cloudseed deploy FILE` (see cloudseed --help)');
    return 2;
  }
  if (!hooks.openTui) throw new CliError('this build of cloudseed has no installer screens; see `cloudseed --help`', 2);
  const labName = typeof flags.lab === 'string' ? flags.lab : undefined;
  if (labName !== undefined) {
    try {
      checkLabName(labName);
    } catch (e) {
      if (e instanceof LabError) throw new UsageError(e.message);
      throw e;
    }
  }
  const sim = simOptionsFrom(flags);
  if (labName === undefined && Object.keys(sim).length) throw new UsageError('--speed, --seed and --faults go with --lab NAME (the simulated lab)');
  return hooks.openTui({ ...uiOptionsFrom(flags, env), labName, signal, env, sim, command: ['cloudseed', ...argv].map(shellWord).join(' ') });
}

interface Parsed {
  command?: Command;
  flags: Record<string, FlagValue>;
  args: string[];
}

/**
 * Finds the sub-command (the first positional), then parses strictly with its options.
 * Global flags alone (the installer) need no command's code.
 */
async function parse(argv: string[]): Promise<Parsed> {
  try {
    const { values } = parseArgs({ args: argv, options: { ...GLOBAL_OPTIONS, ...SIM_OPTIONS }, strict: true, allowPositionals: false });
    return { flags: values as Record<string, FlagValue>, args: [] };
  } catch {
    // A command, or a mistake: the full parse below says which.
  }
  const commands = await loadCommands();
  const every: OptionSpec = Object.assign({}, ...commands.map((c) => c.options), GLOBAL_OPTIONS);
  const scan = parseArgs({ args: argv, options: every, strict: false, allowPositionals: true, tokens: true });
  const first = scan.tokens.find((t) => t.kind === 'positional');
  let command: Command | undefined;
  let rest = argv;
  if (first) {
    const name = argv[first.index];
    command = commands.find((c) => c.name === name);
    if (!command) {
      // `cloudseed --help foo` or `--version foo` still answer.
      if (scan.values.help || scan.values.version) return { flags: scan.values, args: [] };
      const guess = closest(name, commands.map((c) => c.name));
      throw new UsageError(`unknown command "${name}"${guess ? ` -- did you mean "${guess}"?` : ''} (see cloudseed --help)`);
    }
    rest = [...argv.slice(0, first.index), ...argv.slice(first.index + 1)];
  }
  try {
    // The installer (no command) takes the simulated lab's options too.
    const { values, positionals } = parseArgs({ args: rest, options: { ...GLOBAL_OPTIONS, ...(command ? command.options : SIM_OPTIONS) }, strict: true, allowPositionals: !!command });
    return { command, flags: values as Record<string, FlagValue>, args: positionals };
  } catch (e) {
    // `--help` wins over other mistakes on the same line.
    if (scan.values.help) return { command, flags: { help: true }, args: [] };
    throw new UsageError(`${parseArgsMessage(e as Error & { code?: string }, commands)} (see cloudseed ${command ? `${command.name} ` : ''}--help)`);
  }
}

function parseArgsMessage(e: Error & { code?: string }, commands: Command[]): string {
  const option = /'(-{1,2}[^' ]+)/.exec(e.message)?.[1];
  switch (e.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': {
      const names = [...Object.keys(GLOBAL_OPTIONS), ...commands.flatMap((c) => Object.keys(c.options))].map((n) => `--${n}`);
      const guess = option ? closest(option, names) : undefined;
      return `unknown option ${option ?? ''}${guess ? ` -- did you mean ${guess}?` : ''}`.trim();
    }
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return option && /argument missing/.test(e.message) ? `${option} needs a value` : e.message.split('\n')[0];
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument ${/'([^']*)'/.exec(e.message)?.[1] ?? ''}`.trim();
    default:
      return e.message.split('\n')[0];
  }
}

function globalHelp(commands: Command[]): string[] {
  const width = Math.max(...commands.map((c) => c.name.length));
  const flagWidth = Math.max(...GLOBAL_HELP.map(([f]) => f.length));
  return [
    `cloudseed ${VERSION} -- guided installer for a TripleO-style OpenStack cloud`,
    '(seed VM -> undercloud -> overcloud)',
    '',
    'Usage:',
    '  cloudseed [--lab NAME] [--state-dir DIR] [--ascii] [--no-color]  installer',
    '  cloudseed COMMAND [ARGS] [--json]                                no screens',
    '',
    'Commands:',
    ...commands.flatMap((c) => wrap(c.summary, `  ${c.name.padEnd(width)}  `)),
    '',
    'Options:',
    ...GLOBAL_HELP.flatMap(([f, text]) => wrap(text, `  ${f.padEnd(flagWidth)}  `)),
    '',
    'Exit codes: 0 ok, 1 problems found or work failed, 2 wrong usage.',
  ];
}

/** `lead` then `text`, wrapped at 80 columns under the text's first column (serial consoles). */
function wrap(text: string, lead: string, width = 80): string[] {
  const lines: string[] = [];
  let line = lead;
  for (const word of text.split(/\s+/)) {
    const empty = line.length === lead.length;
    if (!empty && line.length + 1 + word.length > width) {
      lines.push(line);
      line = ' '.repeat(lead.length) + word;
    } else line += empty ? word : ` ${word}`;
  }
  lines.push(line);
  return lines;
}

function commandHelp(command: Command): string[] {
  const own = Object.entries(command.options).map(([name, spec]): [string, string] => OPTION_HELP[name] ?? [`--${name}${spec.type === 'string' ? ' VALUE' : ''}`, '']);
  const flagWidth = Math.max(0, ...own.map(([f]) => f.length));
  return [
    ...wrap(command.usage, 'Usage: '),
    '',
    ...wrap(command.summary, ''),
    ...(own.length ? ['', 'Options:', ...own.flatMap(([f, text]) => wrap(text, `  ${f.padEnd(flagWidth)}  `))] : []),
    '',
    'Global options: see cloudseed --help',
  ];
}

/** The signals that stop cloudseed, with the exit code of a second one (which exits at once). */
const STOP_SIGNALS = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;
type StopSignal = keyof typeof STOP_SIGNALS;

/** Ctrl-C / SIGTERM (and, once watched, a hung-up terminal) abort the running work, which saves what it has; a second one exits at once. */
function processSignal(): { signal: AbortSignal; release(): void; watchHangUp(): void } {
  const controller = new AbortController();
  const onSignal = (name: StopSignal) => {
    // A hang-up may come twice (session leader and foreground group): the first one's save must finish.
    if (controller.signal.aborted && name !== 'SIGHUP') process.exit(STOP_SIGNALS[name]);
    controller.abort(new Error(`stopped by ${name}`));
  };
  const watched: StopSignal[] = ['SIGINT', 'SIGTERM'];
  for (const name of watched) process.on(name, onSignal);
  return {
    signal: controller.signal,
    release() {
      for (const name of watched) process.off(name, onSignal);
    },
    watchHangUp() {
      watched.push('SIGHUP');
      process.on('SIGHUP', onSignal);
    },
  };
}

/** The stack goes to the log file only; returns its path, or undefined if it cannot be written. */
function logInternalError(e: unknown, stateDir: string): string | undefined {
  const file = logFile(stateDir);
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const detail = e instanceof Error ? (e.stack ?? e.message) : String(e);
    appendFileSync(file, `${new Date().toISOString()} internal error: ${detail}\n`, { mode: 0o600 });
    return file;
  } catch {
    return undefined;
  }
}
