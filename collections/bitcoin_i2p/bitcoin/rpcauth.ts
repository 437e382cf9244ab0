// RPC credentials for bitcoind the way Bitcoin Core's share/rpcauth/rpcauth.py makes them: the host only ever sees
// `rpcauth=USER:SALT$HMAC`; the password stays in a 0600 file on the control machine.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { constants } from 'node:fs';
import { chmod, link, mkdir, open, stat, unlink } from 'node:fs/promises';
import { dirname, join, basename } from 'node:path';
import { cmd, ProvisionError, readLocalFile } from 'provision';

/** A password like rpcauth.py's generate_password(): 32 random bytes, URL-safe base64 (44 characters). */
export function generateRpcPassword(): string {
  return randomBytes(32).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

/** HMAC-SHA256 with the salt's text as key and the password's text as message, in hex (rpcauth.py's password_to_hmac). */
export function rpcAuthHmac(salt: string, password: string): string {
  return createHmac('sha256', Buffer.from(salt, 'utf8')).update(Buffer.from(password, 'utf8')).digest('hex');
}

/**
 * `rpcauth=USER:SALT$HMAC` for `user` (a new random password when none is given). The salt is 16 random bytes in hex,
 * as in rpcauth.py; pass `salt` to get the same line again for the same password (see stableRpcAuth).
 */
export function makeRpcAuth(user: string, password?: string, salt?: string): { line: string; password: string } {
  if (user === '' || /[:\s#]/.test(user)) {
    throw new ProvisionError({
      what: 'invalid RPC user name for rpcauth',
      expected: 'a non-empty name without ":", "#" or spaces',
      got: JSON.stringify(user),
      code: 'rpcauth-user',
    });
  }
  const pass = password ?? generateRpcPassword();
  const s = salt ?? randomBytes(16).toString('hex');
  return { line: `rpcauth=${user}:${s}$${rpcAuthHmac(s, pass)}`, password: pass };
}

/**
 * The rpcauth line for a user and password that is the same on every run, so re-rendering bitcoin.conf changes
 * nothing: the salt is derived from the password (HMAC-SHA256(key=password, "rpcauth salt for USER"), first 16
 * bytes) instead of drawn at random. Bitcoin Core accepts any salt string; only the HMAC is checked.
 */
export function stableRpcAuth(user: string, password: string): { line: string; password: string } {
  const salt = createHmac('sha256', Buffer.from(password, 'utf8')).update(`rpcauth salt for ${user}`).digest('hex').slice(0, 32);
  return makeRpcAuth(user, password, salt);
}

/** True when `password` matches the `rpcauth=USER:SALT$HMAC` line (or its value) for `user`, checked like bitcoind does. */
export function checkRpcAuth(line: string, user: string, password: string): boolean {
  const value = line.startsWith('rpcauth=') ? line.slice('rpcauth='.length) : line;
  const m = /^([^:]+):([^$]*)\$([0-9a-f]{64})$/.exec(value);
  if (!m || m[1] !== user) return false;
  return timingSafeEqual(Buffer.from(rpcAuthHmac(m[2], password), 'hex'), Buffer.from(m[3], 'hex'));
}

/**
 * The RPC password kept in `file` on the control machine, created (32 random bytes, URL-safe base64) when the file
 * does not exist yet. The file is created with mode 0600 and appears atomically, complete or not at all; when several
 * hosts ask at once, all of them get the one password that won. The password is never printed or put in an error.
 */
export async function loadOrCreateRpcPassword(file: string): Promise<string> {
  const existing = await readPasswordFile(file);
  if (existing !== undefined) return existing;
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  try {
    await handle.writeFile(`${generateRpcPassword()}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await chmod(tmp, 0o600); // a umask can only narrow the mode, but say it explicitly
    await link(tmp, file); // fails with EEXIST when another writer got there first: then theirs is the password
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
  const created = await readPasswordFile(file);
  if (created === undefined) throw new ProvisionError({ what: `the RPC password file ${file} vanished while it was being created`, code: 'rpc-password-file' });
  return created;
}

/** The RPC password kept in `file` on the control machine, or undefined when the file does not exist (nothing is written). */
export async function readPasswordFile(file: string): Promise<string | undefined> {
  let mode: number;
  try {
    mode = (await stat(file)).mode;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  if ((mode & 0o077) !== 0) {
    throw new ProvisionError({
      what: `the RPC password file ${file} can be read by other users`,
      expected: 'mode 0600 (owner only)',
      got: `mode 0${(mode & 0o777).toString(8)}`,
      fix: cmd('chmod', '600', file).text,
      code: 'rpc-password-file',
    });
  }
  // A password is 44 characters; a larger file is not one written by provision.
  const password = (await readLocalFile(file, { what: 'RPC password file', maxBytes: 4096 })).toString('utf8').replace(/\r?\n$/, '');
  if (password === '' || /[\r\n]/.test(password)) {
    throw new ProvisionError({
      what: `the RPC password file ${file} does not hold one password on one line`,
      fix: `delete ${file} to have a new password generated, or write the password on its only line`,
      code: 'rpc-password-file',
    });
  }
  return password;
}
