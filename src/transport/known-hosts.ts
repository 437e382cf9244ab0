// OpenSSH known_hosts: parse, look a host's key up (plain, [host]:port, patterns, hashed |1| entries, @revoked),
// and record a new key (trust on first use). ssh2 has no known_hosts support of its own and accepts any key.
import { createHash, createHmac } from 'node:crypto';
import { appendFile, mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { cmd, quote } from '../shell/quote.js';
import { readLocalFile } from '../local-read.js';
import { globToRegExp, hasWildcard } from '../text/glob.js';

/** One key line of a known_hosts file. */
export interface KnownHostEntry {
  /** 1-based line number in the file. */
  line: number;
  marker?: 'revoked' | 'cert-authority';
  /** The host field as written: a comma list of patterns, or one `|1|salt|hash`. */
  hosts: string;
  /** Key type as written (`ssh-ed25519`, `ecdsa-sha2-nistp256`, `ssh-rsa`, ...). */
  keyType: string;
  /** The raw public key blob (base64-decoded). */
  key: Buffer;
}

/** What known_hosts says about a key a host offered. */
export type HostKeyStatus = 'match' | 'unknown' | 'changed' | 'revoked';

/** Parses known_hosts text; comments, blank and malformed lines are skipped (as OpenSSH does). */
export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  text.split('\n').forEach((raw, i) => {
    const fields = raw.trim().split(/\s+/);
    if (fields[0] === '' || fields[0].startsWith('#')) return;
    let marker: KnownHostEntry['marker'];
    if (fields[0].startsWith('@')) {
      const m = fields.shift()!;
      if (m !== '@revoked' && m !== '@cert-authority') return;
      marker = m === '@revoked' ? 'revoked' : 'cert-authority';
    }
    const [hosts, keyType, base64] = fields;
    if (!hosts || !keyType || !base64 || !/^[A-Za-z0-9+/]+=*$/.test(base64)) return;
    const key = Buffer.from(base64, 'base64');
    // The blob starts with its own type name; a line whose two disagree is corrupt.
    if (blobKeyType(key) !== keyType) return;
    entries.push({ line: i + 1, ...(marker ? { marker } : {}), hosts, keyType, key });
  });
  return entries;
}

/** The key type named at the start of an SSH public key blob (`ssh-ed25519`, ...), or '' if malformed. */
export function blobKeyType(blob: Buffer): string {
  if (blob.length < 4) return '';
  const len = blob.readUInt32BE(0);
  return len > 0 && 4 + len <= blob.length ? blob.subarray(4, 4 + len).toString('latin1') : '';
}

/** `SHA256:...` fingerprint of a key blob, exactly as `ssh-keygen -l` and `ssh` print it. */
export function fingerprint(keyBlob: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '');
}

/** How known_hosts names a host: `host` on port 22, `[host]:port` otherwise. */
export function knownHostName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

// OpenSSH's match_pattern: `*` any run, `?` one character, case-insensitive for host names. Each pattern is
// compiled once per run: a fleet-wide known_hosts is matched against every host.
const globs = new Map<string, RegExp>();
function globMatch(pattern: string, name: string): boolean {
  let re = globs.get(pattern);
  if (!re) {
    re = globToRegExp(pattern, { ignoreCase: true });
    globs.set(pattern, re);
  }
  return re.test(name);
}

function hostsFieldMatches(hosts: string, name: string): boolean {
  if (hosts.startsWith('|1|')) {
    const [, , salt, hash] = hosts.split('|');
    if (!salt || !hash) return false;
    return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
  }
  let matched = false;
  for (const pattern of hosts.split(',')) {
    // A matching negated pattern excludes the host from this line whatever else matches.
    if (pattern.startsWith('!')) {
      if (globMatch(pattern.slice(1), name)) return false;
    } else if (globMatch(pattern, name)) {
      matched = true;
    }
  }
  return matched;
}

/**
 * Where to look for a host in a list of entries: lines that name hosts plainly, by lower-cased name; the others
 * (patterns, negations, hashed names) are matched one by one, as before. Built once per list (lists read from a
 * file are reused while the file is unchanged), so checking N hosts against an N-line file is not N² matches.
 */
interface EntryIndex {
  plain: Map<string, number[]>;
  scan: number[];
}
const indexes = new WeakMap<KnownHostEntry[], EntryIndex>();

function indexOf(entries: KnownHostEntry[]): EntryIndex {
  let index = indexes.get(entries);
  if (index) return index;
  index = { plain: new Map(), scan: [] };
  entries.forEach((e, i) => {
    const patterns = e.hosts.startsWith('|1|') ? [] : e.hosts.split(',');
    if (!patterns.length || patterns.some((p) => hasWildcard(p) || p.startsWith('!'))) return index!.scan.push(i);
    for (const p of new Set(patterns.map((p) => p.toLowerCase()))) {
      const at = index!.plain.get(p);
      if (at) at.push(i);
      else index!.plain.set(p, [i]);
    }
  });
  indexes.set(entries, index);
  return index;
}

/** The entries that apply to `host` on `port`, in file order (cert-authority lines excluded: certificates are not supported). */
export function entriesFor(entries: KnownHostEntry[], host: string, port: number): KnownHostEntry[] {
  const name = knownHostName(host, port);
  const index = indexOf(entries);
  const at = [...(index.plain.get(name.toLowerCase()) ?? []), ...index.scan.filter((i) => hostsFieldMatches(entries[i].hosts, name))];
  return at
    .sort((a, b) => a - b)
    .map((i) => entries[i])
    .filter((e) => e.marker !== 'cert-authority');
}

/**
 * Looks up the key a host offered, by OpenSSH's rules: `revoked` if an @revoked line lists it, `match` if a line for
 * this host has it, `changed` if lines for this host hold only other keys (of any type: a host known by its ECDSA key
 * that offers an ed25519 key is not new), else `unknown`. On a port other than 22 with no line of its own, a line for
 * the bare host name that has the key matches too, as ssh's "checking without port identifier" does.
 */
export function lookupHostKey(entries: KnownHostEntry[], host: string, port: number, keyBlob: Buffer): HostKeyStatus {
  const status = lookupName(entries, host, port, keyBlob);
  if (status === 'unknown' && port !== 22 && lookupName(entries, host, 22, keyBlob) === 'match') return 'match';
  return status;
}

function lookupName(entries: KnownHostEntry[], host: string, port: number, keyBlob: Buffer): HostKeyStatus {
  const mine = entriesFor(entries, host, port);
  if (mine.some((e) => e.marker === 'revoked' && e.key.equals(keyBlob))) return 'revoked';
  const plain = mine.filter((e) => !e.marker);
  if (plain.some((e) => e.key.equals(keyBlob))) return 'match';
  return plain.length ? 'changed' : 'unknown';
}

// ssh2's host key algorithm names for each known_hosts key type (RSA keys sign with SHA-2 today).
const ALGORITHMS_FOR_TYPE: Record<string, string[]> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
};

/**
 * Host key algorithms to offer, those already known for the host first (as OpenSSH does), so a host with a
 * known ECDSA key is not asked for its (unknown) ed25519 key and reported as new.
 */
export function preferredHostKeyAlgorithms(entries: KnownHostEntry[], host: string, port: number): string[] {
  const known = entriesFor(entries, host, port)
    .filter((e) => !e.marker)
    .flatMap((e) => ALGORITHMS_FOR_TYPE[e.keyType] ?? []);
  const all = Object.values(ALGORITHMS_FOR_TYPE).flat();
  return [...new Set([...known, ...all])];
}

/** The largest known_hosts file read (OpenSSH sets none; this is hundreds of thousands of hosts). */
export const MAX_KNOWN_HOSTS_BYTES = 64 * 1024 * 1024;

// The text of a known_hosts file: only a regular file, and bounded.
async function knownHostsText(file: string): Promise<string> {
  return (await readLocalFile(file, { what: 'known_hosts file', maxBytes: MAX_KNOWN_HOSTS_BYTES })).toString('utf8');
}

// Parsed files, reused while the file's size, mtime, ctime and inode stay the same (every connection reads them).
const parsed = new Map<string, { stamp: string; entries: KnownHostEntry[] }>();

/** Reads and parses a known_hosts file; a missing file is an empty list. The list returned must not be changed. */
export async function readKnownHosts(file: string): Promise<KnownHostEntry[]> {
  try {
    const info = await stat(file);
    const stamp = `${info.size} ${info.mtimeMs} ${info.ctimeMs} ${info.ino}`;
    const held = parsed.get(file);
    if (held?.stamp === stamp) return held.entries;
    const entries = parseKnownHosts(await knownHostsText(file));
    parsed.set(file, { stamp, entries });
    return entries;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}

// Lists of several files, joined once while each file's list is the same.
const joined = new Map<string, { parts: KnownHostEntry[][]; entries: KnownHostEntry[] }>();

/** The entries of several known_hosts files, in order (the same list while none of them changed). */
export async function readKnownHostsFiles(files: string[]): Promise<KnownHostEntry[]> {
  const parts = await Promise.all(files.map(readKnownHosts));
  const key = JSON.stringify(files);
  const held = joined.get(key);
  if (held && held.parts.length === parts.length && held.parts.every((p, i) => p === parts[i])) return held.entries;
  const entries = parts.flat();
  joined.set(key, { parts, entries });
  return entries;
}

// Appends are serialized per file so that many hosts first seen at once cannot interleave or duplicate lines.
const appendChains = new Map<string, Promise<unknown>>();

/**
 * Records a host's key (trust on first use) unless the file meanwhile holds a key for it, and returns the
 * status found just before writing: 'unknown' means it was written; 'match' means another connection wrote it;
 * 'changed'/'revoked' mean nothing was written. Creates the file 0600 and its folder 0700 when missing.
 */
export function recordHostKey(file: string, host: string, port: number, keyBlob: Buffer): Promise<HostKeyStatus> {
  const run = async (): Promise<HostKeyStatus> => {
    let text = '';
    const exists = await stat(file).then(
      () => true,
      (e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? false : Promise.reject(e)),
    );
    if (exists) text = await knownHostsText(file);
    else await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    const status = lookupHostKey(parseKnownHosts(text), host, port, keyBlob);
    if (status !== 'unknown') return status;
    const line = `${knownHostName(host, port)} ${blobKeyType(keyBlob)} ${keyBlob.toString('base64')}\n`;
    // mode applies only when appendFile creates the file; an existing file keeps the mode its owner chose.
    await appendFile(file, (text && !text.endsWith('\n') ? '\n' : '') + line, { mode: 0o600 });
    return status;
  };
  const next = (appendChains.get(file) ?? Promise.resolve()).then(run, run);
  appendChains.set(file, next.catch(() => undefined));
  return next;
}

/** Where a host key is checked: the host as ssh sees it and the known_hosts files. */
export interface HostKeyCheck {
  address: string;
  port: number;
  /** The file new keys are written to (and read first). */
  file: string;
  /** Further read-only files (e.g. /etc/ssh/ssh_known_hosts). */
  extraFiles?: string[];
  acceptNew: boolean;
  /** With acceptNew: false trusts an unknown key without writing it to `file` (default true). */
  record?: boolean;
}

/** Why a host key was refused: the message and the fix, ready for an UnreachableError. */
export interface HostKeyRefusal {
  message: string;
  fix: string;
}

/** `host:port` for messages (`[::1]:22` for IPv6). */
export function target(address: string, port: number): string {
  return `${address.includes(':') ? `[${address}]` : address}:${port}`;
}

/**
 * The host key policy: a known key passes; a revoked or changed key is refused always (even with acceptNew);
 * an unknown key is trusted with acceptNew (and recorded, unless `record` is false) and refused without it.
 */
export async function checkHostKey(check: HostKeyCheck, keyBlob: Buffer): Promise<HostKeyRefusal | undefined> {
  const { address, port, file } = check;
  const files = [file, ...(check.extraFiles ?? [])];
  let status = lookupHostKey(await readKnownHostsFiles(files), address, port, keyBlob);
  if (status === 'unknown' && check.acceptNew && check.record !== false) status = await recordHostKey(file, address, port, keyBlob);
  if (status === 'match' || (status === 'unknown' && check.acceptNew)) return undefined;
  const where = target(address, port);
  const type = blobKeyType(keyBlob);
  const offered = `${type} key ${fingerprint(keyBlob)}`;
  // The line to point at: the first entry for this host with the offered key's type.
  const perFile = await Promise.all(files.map(readKnownHosts));
  const at = (want: (e: KnownHostEntry) => boolean): string => {
    for (const [i, entries] of perFile.entries()) {
      const e = entriesFor(entries, address, port).find(want);
      if (e) return `${files[i]}:${e.line}`;
    }
    return files.join(' or ');
  };
  if (status === 'revoked') {
    return {
      message: `host key for ${where} is revoked: it offered ${offered}, marked @revoked at ${at((e) => e.marker === 'revoked' && e.key.equals(keyBlob))}`,
      fix: `the key was revoked on purpose: give the host a new key (ssh-keygen -A on the host), check it and record it`,
    };
  }
  if (status === 'changed') {
    const known = perFile.flatMap((entries, i) => entriesFor(entries, address, port).filter((e) => !e.marker).map((e) => ({ file: files[i], e })));
    const holding = [...new Set(known.map((k) => k.file))];
    const removal = holding.map((f) => `\`${cmd('ssh-keygen', '-R', knownHostName(address, port), '-f', f)}\``).join(' and ');
    const sameType = known.some((k) => k.e.keyType === type);
    const types = [...new Set(known.map((k) => k.e.keyType))];
    const oldKeys = sameType ? 'the old key' : `the old ${types.join(' and ')} key${known.length > 1 ? 's' : ''}`;
    const held = sameType
      ? `${at((e) => !e.marker && e.keyType === type)} holds another ${type} key for it`
      : `the keys known for it are of another type: ${known.map((k) => `${k.e.keyType} at ${k.file}:${k.e.line}`).join(', ')}`;
    return {
      message: `HOST KEY CHANGED for ${where}: it offered ${offered}, but ${held}; refusing to connect (possible man-in-the-middle attack)`,
      fix:
        `if the host was reinstalled and you have checked the new fingerprint with its owner, remove ${oldKeys} ` +
        `with ${removal} and connect again ` +
        (sameType ? '(--accept-new-host-keys never replaces a changed key)' : '(--accept-new-host-keys adds no key for a host that has known keys)'),
    };
  }
  return {
    message: `unknown host key for ${where}: ${offered} is not in ${files.join(' or ')}`,
    fix:
      `check the fingerprint with the host's owner, then run \`${cmd('ssh-keyscan', '-p', port, address)} >> ${quote(file)}\`, ` +
      `or run with --accept-new-host-keys to trust it on first use`,
  };
}
