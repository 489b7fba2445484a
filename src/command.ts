// The shape of a sub-command. Each area exports its commands (src/<area>/commands.ts) and
// src/cli.ts lists them; src/cli-core.ts parses flags, picks plain/JSON output and maps errors to
// exit codes (0 ok, 1 findings or failed work, 2 usage).
import type { ParseArgsConfig } from 'node:util';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;
export type FlagValue = string | boolean | string[] | boolean[] | undefined;

export interface CommandContext {
  /** Positional arguments after the command name. */
  args: string[];
  flags: Record<string, FlagValue>;
  /** --json was given: print machine-readable output only. */
  json: boolean;
  /** Resolved state directory (--state-dir, CLOUDSEED_STATE_DIR, or the platform default). */
  stateDir: string;
  out(line: string): void;
  err(line: string): void;
  env: NodeJS.ProcessEnv;
  /** stdin and stdout are terminals (a command may ask a question). */
  interactive: boolean;
  /** The abort signal of the process (Ctrl-C / SIGTERM). */
  signal: AbortSignal;
}

export interface Command {
  name: string;
  /** One line for --help. */
  summary: string;
  /** e.g. `cloudseed validate FILE [--json]` */
  usage: string;
  options: OptionSpec;
  run(ctx: CommandContext): Promise<number>;
}

/** Wrong flags or arguments: cli.ts prints the message (one line) and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A problem the person can fix (missing file, unreadable file): one line, exit code given. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}
