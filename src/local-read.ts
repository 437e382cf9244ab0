// Reading a file the user named, on the control machine: a regular file only, never more bytes than a bound, and
// stoppable. stat says 0 bytes for /dev/zero and for /proc files and opening a FIFO blocks until a writer comes, so
// the type is checked before opening, the open cannot block, and the bound counts the bytes actually read.
import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { ProvisionError, type Where } from './errors.js';

/** How one kind of file is read: its name in messages, the most bytes it may have, and who can stop the read. */
export interface LocalRead {
  /** What the file is, for messages: `playbook`, `copy src`, `private key file`. */
  what: string;
  maxBytes: number;
  /** Where the file was named (a task, an option), when the file itself is not the place to point at. */
  from?: Where;
  /** Aborting it stops the read between chunks (an interrupt). */
  signal?: AbortSignal;
  /** The fix shown when the file is too large. */
  tooLargeFix?: string;
  /** Replaces the whole too-large problem (e.g. to point at the file itself). */
  tooLarge?: (size: string) => ProvisionError;
}

/** A size as messages show it: megabytes with one decimal, or bytes below one megabyte. */
export const sizeText = (n: number): string => (n < 1 << 20 ? `${n} bytes` : `${(n / (1024 * 1024)).toFixed(1)} MB`);

const CHUNK = 1 << 20;

/** What a file that is not a regular file is, in words. */
export function fileKind(info: Stats): string {
  if (info.isDirectory()) return 'a directory';
  if (info.isFIFO()) return 'a FIFO (named pipe)';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  if (info.isSocket()) return 'a socket';
  return 'not a regular file';
}

// Why stat or open failed, in words (Node's own messages repeat the syscall and the path).
function errnoWords(e: NodeJS.ErrnoException): string {
  if (e.code === 'EACCES' || e.code === 'EPERM') return 'permission denied';
  if (e.code === 'ENOTDIR') return 'a part of the path is not a directory';
  if (e.code === 'ELOOP') return 'too many symbolic links';
  return e.message;
}

// The refusals of one read, worded alike for the async and the sync reader.
function refusals(file: string, how: LocalRead) {
  const { what, from } = how;
  const refuse = (why: string, code = 'read') => new ProvisionError({ what: `cannot read ${what} ${file}: ${why}`, where: from, code });
  const tooLarge = (size: string) =>
    how.tooLarge?.(size) ??
    new ProvisionError({
      what: `${what} ${file} is too large: ${size} (provision reads a ${what} up to ${sizeText(how.maxBytes)})`,
      where: from,
      ...(how.tooLargeFix ? { fix: how.tooLargeFix } : {}),
      code: 'too-large',
    });
  return {
    tooLarge,
    interrupted: () => new ProvisionError({ what: `reading ${what} ${file} was interrupted`, where: from, code: 'interrupted' }),
    statFailed: (e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? new ProvisionError({ what: `${what} not found: ${file}`, where: from, code: 'read' }) : refuse(errnoWords(e))),
    openFailed: (e: NodeJS.ErrnoException) => refuse(errnoWords(e)),
    // Whether the file may be read at all: a regular file, not larger than the bound.
    check: (info: Stats) => {
      if (isDevNull(info)) return undefined;
      if (info.isDirectory()) return refuse('it is a directory');
      if (!info.isFile()) return refuse(`it is ${fileKind(info)}, not a regular file`, 'not-a-file');
      if (info.size > how.maxBytes) return tooLarge(sizeText(info.size));
      return undefined;
    },
  };
}

// The chunks read so far, for the async and the sync reader alike: the bound counts bytes actually read (one byte
// past it is asked for, to know the file is larger), and a read of 0 bytes is the end of the file.
function bounded(maxBytes: number, tooLarge: (size: string) => ProvisionError) {
  const chunks: Buffer[] = [];
  let total = 0;
  return {
    nextChunk: () => Buffer.allocUnsafe(Math.min(CHUNK, maxBytes + 1 - total)),
    /** The whole content once `bytesRead` is 0; throws past the bound. */
    took(chunk: Buffer, bytesRead: number): Buffer | undefined {
      if (bytesRead === 0) return Buffer.concat(chunks, total);
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
      if (total > maxBytes) throw tooLarge(`more than ${sizeText(maxBytes)}`);
      return undefined;
    },
  };
}

// /dev/null is the usual way to say "an empty file" (UserKnownHostsFile=/dev/null): it reads as empty.
let devNull: Stats | undefined;
function isDevNull(info: Stats): boolean {
  if (!info.isCharacterDevice()) return false;
  devNull ??= statSync('/dev/null', { throwIfNoEntry: false });
  return devNull !== undefined && info.rdev === devNull.rdev;
}

// O_NONBLOCK: if a FIFO replaced the file since stat, open returns at once instead of waiting for a writer.
const OPEN_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK;

/**
 * The bytes of `file`. Refused with a ProvisionError: a missing or unreadable file, anything but a regular file
 * (directory, FIFO, device, socket), a file with more than `maxBytes` bytes, and a read stopped by `signal`.
 */
export async function readLocalFile(file: string, how: LocalRead): Promise<Buffer> {
  const r = refusals(file, how);
  const info = await stat(file).catch((e: NodeJS.ErrnoException) => Promise.reject(r.statFailed(e)));
  const refused = r.check(info);
  if (refused) throw refused;
  if (how.signal?.aborted) throw r.interrupted();
  const handle = await open(file, OPEN_FLAGS).catch((e: NodeJS.ErrnoException) => Promise.reject(r.openFailed(e)));
  try {
    const changed = r.check(await handle.stat());
    if (changed) throw changed;
    const bytes = bounded(how.maxBytes, r.tooLarge);
    for (;;) {
      if (how.signal?.aborted) throw r.interrupted();
      const chunk = bytes.nextChunk();
      const done = bytes.took(chunk, (await handle.read(chunk, 0, chunk.length, null)).bytesRead);
      if (done) return done;
    }
  } finally {
    await handle.close();
  }
}

/** readLocalFile for code that cannot wait (no signal: a sync read cannot be interrupted anyway). */
export function readLocalFileSync(file: string, how: LocalRead): Buffer {
  const r = refusals(file, how);
  let fd: number;
  try {
    const refused = r.check(statSync(file));
    if (refused) throw refused;
    fd = openSync(file, OPEN_FLAGS);
  } catch (e) {
    throw e instanceof ProvisionError ? e : (e as NodeJS.ErrnoException).syscall === 'open' ? r.openFailed(e as NodeJS.ErrnoException) : r.statFailed(e as NodeJS.ErrnoException);
  }
  try {
    const changed = r.check(fstatSync(fd));
    if (changed) throw changed;
    const bytes = bounded(how.maxBytes, r.tooLarge);
    for (;;) {
      const chunk = bytes.nextChunk();
      const done = bytes.took(chunk, readSync(fd, chunk, 0, chunk.length, null));
      if (done) return done;
    }
  } finally {
    closeSync(fd);
  }
}
