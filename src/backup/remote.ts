// Backups on another host over ssh: `USER@HOST:/ABSOLUTE/DIR` as scp writes it. The backup is
// built locally, then copied with scp into a hidden folder there, checked there with
// `sha256sum -c` and moved into place once whole; a restore streams it back through
// `ssh … tar | tar` into a local temporary folder and checks it there. Argument arrays only;
// every remote word is quoted by sshArgv and comes after `--`; host, user and paths are
// checked so none can read as an option.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { basename, join, posix } from 'node:path';
import { execa } from 'execa';
import { CliError, UsageError } from '../command.js';
import { scpArgv, sshArgv, type ShellTarget } from '../deploy/drivers/real/commands.js';
import { SUMS_FILE } from './manifest.js';

export interface RemotePlace {
  target: ShellTarget;
  /** An absolute path on that host. */
  path: string;
}

const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])$/;
const USER = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;

/**
 * `[USER@]HOST:/DIR` → a remote place; anything else (no colon before the first slash) is a
 * local path, as scp reads its arguments. Throws a UsageError naming what is wrong.
 */
export function parsePlace(text: string, ssh: { port?: number; identityFile?: string; user?: string } = {}): RemotePlace | undefined {
  const m = /^(?:([^@/]+)@)?(\[[^\]]*\]|[^:/[\]]+):(.*)$/.exec(text);
  if (!m) return undefined;
  const [, user = ssh.user ?? userInfo().username, host, path] = m;
  if (!HOST.test(host)) throw new UsageError(`"${host}" in ${text} is not a host name or address`);
  if (!USER.test(user)) throw new UsageError(`"${user}" in ${text} is not a user name (letters, digits, . _ -; not starting with -)`);
  if (!path.startsWith('/')) throw new UsageError(`the folder on ${host} must be an absolute path (${text}): e.g. ${user}@${host}:/srv/cloudseed-backups`);
  const clean = posix.normalize(path).replace(/(.)\/+$/, '$1');
  return { target: { host: host.replace(/^\[|\]$/g, ''), user, ...(ssh.port ? { port: ssh.port } : {}), ...(ssh.identityFile ? { identityFile: ssh.identityFile } : {}) }, path: clean };
}

/** A command, or with `into` a pipe: the first one's output is the second one's input. */
export interface RemoteCommand {
  argv: string[];
  into?: string[];
}

/**
 * A folder there that scp names the same way in its SFTP and its legacy mode (the legacy one
 * hands the path to the remote shell): letters, digits and . _ - / only.
 */
export const PLAIN_REMOTE_PATH = /^\/[\w./-]*$/;

/** Why `path` cannot take pushed backups, or undefined. */
export function remotePathProblem(path: string): string | undefined {
  return PLAIN_REMOTE_PATH.test(path) ? undefined : `the folder ${path} there must be a plain path (letters, digits, . _ - and /) for scp to copy into it`;
}

/** What the place's problems are for a plan's `backups.to`: none when it is usable. */
export function placeProblem(text: string): string | undefined {
  try {
    const remote = parsePlace(text);
    if (remote) return remotePathProblem(remote.path);
    if (!text.startsWith('/')) return `"${text}" is neither an absolute folder nor USER@HOST:/DIR`;
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/** `sha256sum -c` of the backup folder `dir` there: every file against SHA256SUMS. */
export function verifyCommand(target: ShellTarget, dir: string): string[] {
  return sshArgv(target, ['sh', '-c', `cd "$1" && exec sha256sum --quiet --strict -c ${SUMS_FILE}`, 'sh', dir]);
}

/**
 * Sends the local backup folder `dir` into the folder `to.path` there, whole or not at all:
 * copied into a hidden folder, checked there, then moved into place.
 */
export function pushCommands(dir: string, to: RemotePlace): RemoteCommand[] {
  const problem = remotePathProblem(to.path);
  if (problem) throw new UsageError(problem);
  const name = basename(dir);
  const partial = posix.join(to.path, `.${name}.partial`);
  const scp = scpArgv(to.target, [dir], `${remoteText({ ...to, path: partial })}/`);
  // -r a folder, -p with its modes (0600 files, 0700 folders).
  scp.splice(1, 0, '-r', '-p');
  return [
    { argv: sshArgv(to.target, ['mkdir', '-p', '-m', '700', '--', partial]) },
    { argv: scp },
    { argv: verifyCommand(to.target, posix.join(partial, name)) },
    { argv: sshArgv(to.target, ['mv', '--', posix.join(partial, name), posix.join(to.path, name)]) },
    { argv: sshArgv(to.target, ['rmdir', '--', partial]) },
  ];
}

/** The names in the folder there (hidden ones too: a push cut short leaves one). */
export function listCommand(place: RemotePlace): string[] {
  return sshArgv(place.target, ['ls', '-1a', '--', place.path]);
}

/** Removes these names from the folder there. */
export function removeCommand(place: RemotePlace, names: string[]): string[] {
  return sshArgv(place.target, ['rm', '-rf', '--', ...names.map((n) => posix.join(place.path, n))]);
}

/** Brings the backup folder `from.path` from there into the local folder `into`. */
export function fetchCommands(from: RemotePlace, into: string): RemoteCommand[] {
  return [{ argv: sshArgv(from.target, ['tar', '-C', posix.dirname(from.path), '-cf', '-', '--', posix.basename(from.path)]), into: ['tar', '-C', into, '-xf', '-'] }];
}

/** The last line a failed command printed on stderr (ssh's reason), else its first error line. */
function why(e: unknown): string {
  return (e as { stderr?: string }).stderr?.trim().split('\n').pop() || (e as Error).message.split('\n')[0];
}

async function run(commands: RemoteCommand[], where: string, signal?: AbortSignal): Promise<void> {
  for (const c of commands) {
    try {
      const first = execa(c.argv[0], c.argv.slice(1), { cancelSignal: signal });
      await (c.into ? first.pipe(c.into[0], c.into.slice(1), { cancelSignal: signal }) : first);
    } catch (e) {
      throw new CliError(`${where}: ${c.argv[0]} failed: ${why(e)}`, 1);
    }
  }
}

/** Runs one command here; its output lines, or a CliError naming it with its reason. */
export async function runCommand(argv: string[], signal?: AbortSignal): Promise<string[]> {
  try {
    const r = await execa(argv[0], argv.slice(1), { cancelSignal: signal });
    return r.stdout.split('\n').filter(Boolean);
  } catch (e) {
    throw new CliError(`${argv[0]} failed: ${why(e)}`, 1);
  }
}

export function remoteText(place: RemotePlace): string {
  const host = place.target.host.includes(':') ? `[${place.target.host}]` : place.target.host;
  return `${place.target.user}@${host}:${place.path}`;
}

/** Copies a finished local backup to the remote place; returns where it now is there. */
export async function pushBackup(dir: string, to: RemotePlace, signal?: AbortSignal): Promise<string> {
  await run(pushCommands(dir, to), `copying the backup to ${remoteText(to)}`, signal);
  return remoteText({ ...to, path: posix.join(to.path, basename(dir)) });
}

/** Fetches a remote backup into a new local temporary folder; `done` removes it. */
export async function fetchBackup(from: RemotePlace, signal?: AbortSignal): Promise<{ dir: string; done(): void }> {
  const tmp = mkdtempSync(join(tmpdir(), 'cloudseed-restore-'));
  const done = () => rmSync(tmp, { recursive: true, force: true });
  try {
    await run(fetchCommands(from, tmp), `fetching the backup ${remoteText(from)}`, signal);
  } catch (e) {
    done();
    throw e;
  }
  return { dir: join(tmp, posix.basename(from.path)), done };
}
