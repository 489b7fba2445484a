// Backups on another host over ssh: `USER@HOST:/ABSOLUTE/DIR` as scp writes it. The backup is
// built locally, then streamed through `tar | ssh … tar` into a hidden folder there and moved
// into place once whole; a restore streams it back the same way into a local temporary
// folder and checks it there. Argument arrays only; every remote word is quoted by sshArgv
// and comes after `--`; host, user and paths are checked so none can read as an option.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { basename, dirname, join, posix } from 'node:path';
import { execa } from 'execa';
import { CliError, UsageError } from '../command.js';
import { sshArgv, type ShellTarget } from '../deploy/drivers/real/commands.js';

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

/** Sends the local backup folder `dir` into the folder `to.path` there, whole or not at all. */
export function pushCommands(dir: string, to: RemotePlace): RemoteCommand[] {
  const name = basename(dir);
  const partial = posix.join(to.path, `.${name}.partial`);
  return [
    { argv: sshArgv(to.target, ['mkdir', '-p', '-m', '700', '--', partial]) },
    { argv: ['tar', '-C', dirname(dir), '-cf', '-', '--', name], into: sshArgv(to.target, ['tar', '-C', partial, '-xf', '-']) },
    { argv: sshArgv(to.target, ['mv', '--', posix.join(partial, name), posix.join(to.path, name)]) },
    { argv: sshArgv(to.target, ['rmdir', '--', partial]) },
  ];
}

/** Brings the backup folder `from.path` from there into the local folder `into`. */
export function fetchCommands(from: RemotePlace, into: string): RemoteCommand[] {
  return [{ argv: sshArgv(from.target, ['tar', '-C', posix.dirname(from.path), '-cf', '-', '--', posix.basename(from.path)]), into: ['tar', '-C', into, '-xf', '-'] }];
}

async function run(commands: RemoteCommand[], where: string, signal?: AbortSignal): Promise<void> {
  for (const c of commands) {
    try {
      const first = execa(c.argv[0], c.argv.slice(1), { cancelSignal: signal });
      await (c.into ? first.pipe(c.into[0], c.into.slice(1), { cancelSignal: signal }) : first);
    } catch (e) {
      const why = (e as { stderr?: string }).stderr?.trim().split('\n').pop() || (e as Error).message.split('\n')[0];
      throw new CliError(`${where}: ${c.argv[0]} failed: ${why}`, 1);
    }
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
