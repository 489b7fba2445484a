// A file-system error about cloudseed's own state, in plain words with what to do: the state
// directory, deploy/, the journal or the lock may be a file where a folder belongs (or the
// reverse), on a read-only or full disk, or not ours to write.

/** "PATH is a file where cloudseed needs a folder: move it away" (no errno jargon). */
export function fsProblem(e: unknown, path: string): string {
  const err = e as NodeJS.ErrnoException;
  // The path the system call failed on says more than the one cloudseed asked for.
  const at = err.path ?? path;
  switch (err.code) {
    case 'EEXIST':
    case 'ENOTDIR':
      return `${at} (or a folder above it) is a file where cloudseed needs a folder: move that file away, or choose another --state-dir`;
    case 'EISDIR':
      return `${at} is a folder where cloudseed needs a file: move it away (cloudseed leaves it as it is)`;
    case 'EROFS':
      return `${at} is on a read-only file system: choose a writable --state-dir`;
    case 'EACCES':
    case 'EPERM':
      return `permission denied on ${at}: choose a --state-dir you can write, or fix its owner and mode`;
    case 'ENOSPC':
    case 'EDQUOT':
      return `no space left for ${at}: free some space, then run the same command again`;
    case 'ENOENT':
      return `${at} does not exist`;
    default:
      return `${at}: ${err.message}`;
  }
}
