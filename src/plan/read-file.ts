// Reading the files a person names (answers files, nodes files, password files): regular files
// only, at most a bounded size, opened without blocking. `/dev/zero`, a FIFO nobody writes or
// a 10 GB file is then a clear error at once, never a hang or an exhausted memory.
import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { visit, type Document } from 'yaml';

/** A password or token file holds one short line. */
export const MAX_SECRET_FILE_BYTES = 64 * 1024;
/** An answers or nodes file of a large data centre (tens of thousands of servers) fits. */
export const MAX_INPUT_FILE_BYTES = 64 * 1024 * 1024;

/** Why a file was not read, in plain words (`no such file`, `it is a FIFO ...`). */
export class FileReadError extends Error {
  override name = 'FileReadError';
}

function notRegular(st: Stats): string | undefined {
  if (st.isFile()) return undefined;
  if (st.isDirectory()) return 'it is a folder, not a file';
  if (st.isFIFO()) return 'it is a FIFO (named pipe), not a regular file: write the content into a file';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'it is a device, not a regular file';
  if (st.isSocket()) return 'it is a socket, not a regular file';
  return 'it is not a regular file';
}

/**
 * The text of a regular file of at most `maxBytes`. Throws a FileReadError whose message says
 * why not (missing, no permission, a folder, a device or FIFO, too big).
 */
export function readTextFile(file: string, maxBytes: number): string {
  let fd: number;
  try {
    // stat first: opening a device can have effects (a tape rewinds), a FIFO blocks.
    const why = notRegular(statSync(file));
    if (why) throw new FileReadError(why);
    // Non-blocking: should the path have become a FIFO since, the open does not wait.
    fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0));
  } catch (e) {
    throw e instanceof FileReadError ? e : new FileReadError(describeFsError(e));
  }
  try {
    const st = fstatSync(fd);
    const why = notRegular(st);
    if (why) throw new FileReadError(why);
    if (st.size > maxBytes) throw new FileReadError(`it is ${st.size} bytes, more than the ${maxBytes} this file may hold`);
    // Read at most one byte past the limit: a file that grows while read is still bounded.
    const buf = Buffer.alloc(Math.min(st.size, maxBytes) + 1);
    let length = 0;
    for (let n = 1; n > 0 && length < buf.length; length += n) n = readSync(fd, buf, length, buf.length - length, null);
    if (length > maxBytes) throw new FileReadError(`it is more than the ${maxBytes} bytes this file may hold`);
    return buf.toString('utf8', 0, length);
  } catch (e) {
    throw e instanceof FileReadError ? e : new FileReadError(describeFsError(e));
  } finally {
    closeSync(fd);
  }
}

/** A file system error in plain words. */
export function describeFsError(e: unknown): string {
  switch ((e as NodeJS.ErrnoException).code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a folder, not a file';
    case 'EAGAIN':
      return 'it has nothing to read yet (a FIFO or device?): write the content into a regular file';
    default:
      return (e as Error).message;
  }
}

/** Without the byte order mark some editors write first (JSON.parse rejects it). */
export function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * The document as plain data. An alias bomb ("billion laughs": aliases of aliases growing
 * exponentially) stops at the yaml library's alias budget, and an alias without its anchor is
 * named: where, instead of an exception.
 */
export function yamlData(doc: Document): { value: unknown } | { offset: number; message: string; fix: string } {
  try {
    return { value: doc.toJS({ maxAliasCount: 100 }) };
  } catch (e) {
    if (!(e instanceof ReferenceError) || !/alias/i.test(e.message)) throw e;
    let unresolved: { offset: number; name: string } | undefined;
    let amplifier: number | undefined;
    visit(doc, {
      Alias(_, alias) {
        const target = alias.resolve(doc);
        if (!target) {
          unresolved = { offset: alias.range?.[0] ?? 0, name: alias.source };
          return visit.BREAK;
        }
        let nested = false;
        visit(target, { Alias: () => ((nested = true), visit.BREAK) });
        if (nested && amplifier === undefined) amplifier = alias.range?.[0] ?? 0;
      },
    });
    if (unresolved)
      return { offset: unresolved.offset, message: `the alias *${unresolved.name} has no anchor &${unresolved.name} before it`, fix: `write &${unresolved.name} on the value it repeats, above this line, or write the value out` };
    return {
      offset: amplifier ?? 0,
      message: 'too many aliases: this file repeats aliases of aliases (*name) until it would grow beyond any size',
      fix: 'write the values out instead of repeating aliases of aliases (*name)',
    };
  }
}
