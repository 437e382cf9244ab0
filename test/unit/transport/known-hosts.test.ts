// known_hosts parsing, lookup, fingerprints and recording — keys and hashes below were made by OpenSSH 9.2's ssh-keygen.
import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  checkHostKey,
  entriesFor,
  fingerprint,
  knownHostName,
  lookupHostKey,
  parseKnownHosts,
  preferredHostKeyAlgorithms,
  readKnownHosts,
  recordHostKey,
} from '../../../src/transport/known-hosts.js';

const ED1 = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAII2/H/Lohc479Jqc19MhGlx+YiJsOtLf6tBhgDC5pX2z';
const ED1_FINGERPRINT = 'SHA256:vYoUT4mmSImjfN1yI4aDtcVYP16nuitw5ZxCR6Q0huY'; // ssh-keygen -l
const ED2 = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBs34Olym4nfL29Mrk3J4CpE/s7BrS3BKnOY9YltRRro';
const ECDSA =
  'ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBL7pgipNkUmfeS01WH7jLhRvYZ5vEO9vAFtpnPpPmFMd5OO5sHZf3+i5Osi6afVuAE9xUQetCpb5eGdraEfCxGg=';
const RSA = 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQC7';
const ECDSA_FINGERPRINT = 'SHA256:LF4er81xMSysMbViBJayFbxqvgwnWzLfBqE3794l7cc';
// `ssh-keygen -H` of "node1.example ED1" and "[10.0.0.5]:2222 ED1".
const HASHED_NODE1 = `|1|5grEgLux78sB9+oAcBRJaimCsZ8=|iRJ7UB9Ov+N2XtTowag4QEw+kyg= ${ED1}`;
const HASHED_PORT = `|1|oK87P/HnXwJMptXY+TWuajI7QTI=|lhk40ec5Gq//53VUFi/mjBR/UKs= ${ED1}`;

const blob = (line: string) => Buffer.from(line.split(' ')[1], 'base64');
const status = (text: string, host: string, port: number, key: string) => lookupHostKey(parseKnownHosts(text), host, port, blob(key));

describe('fingerprint', () => {
  it('prints SHA256 fingerprints exactly as ssh-keygen -l does', () => {
    expect(fingerprint(blob(ED1))).toBe(ED1_FINGERPRINT);
    expect(fingerprint(blob(ECDSA))).toBe(ECDSA_FINGERPRINT);
  });
});

describe('parseKnownHosts', () => {
  it('reads key lines with their line numbers and markers, skipping comments, blanks and broken lines', () => {
    const entries = parseKnownHosts(
      ['# comment', '', `a.example,10.0.0.1 ${ED1} a comment`, `@revoked * ${ED2}`, 'broken line', `b.example ssh-ed25519 !!!`, `c.example ${ECDSA}`, `@cert-authority *.example ${ED2}`, `@bogus x ${ED1}`].join('\n'),
    );
    expect(entries.map((e) => [e.line, e.marker, e.hosts, e.keyType])).toEqual([
      [3, undefined, 'a.example,10.0.0.1', 'ssh-ed25519'],
      [4, 'revoked', '*', 'ssh-ed25519'],
      [7, undefined, 'c.example', 'ecdsa-sha2-nistp256'],
      [8, 'cert-authority', '*.example', 'ssh-ed25519'],
    ]);
    expect(entries[0].key.equals(blob(ED1))).toBe(true);
  });

  it('skips a line whose key type does not match the type inside its key', () => {
    expect(parseKnownHosts(`a.example ecdsa-sha2-nistp256 ${ED1.split(' ')[1]}`)).toEqual([]);
  });
});

describe('lookupHostKey', () => {
  it('matches plain names on port 22 and [host]:port on other ports, and a [host]:port line never on port 22', () => {
    expect(status(`node1.example ${ED1}`, 'node1.example', 22, ED1)).toBe('match');
    expect(status(`[node1.example]:2222 ${ED1}`, 'node1.example', 2222, ED1)).toBe('match');
    expect(status(`[node1.example]:2222 ${ED1}`, 'node1.example', 22, ED1)).toBe('unknown');
  });

  it('on another port with no line of its own, matches the key of the bare host name, and only a matching one', () => {
    expect(status(`node1.example ${ED1}`, 'node1.example', 2222, ED1)).toBe('match');
    expect(status(`node1.example ${ED2}`, 'node1.example', 2222, ED1)).toBe('unknown');
    expect(status(`node1.example ${ED1}\n[node1.example]:2222 ${ED2}`, 'node1.example', 2222, ED1)).toBe('changed');
  });

  it('matches any name of a comma list, wildcards, and honours negated patterns', () => {
    expect(status(`a.example,10.0.0.7 ${ED1}`, '10.0.0.7', 22, ED1)).toBe('match');
    expect(status(`*.example ${ED1}`, 'NODE1.example', 22, ED1)).toBe('match');
    expect(status(`10.0.0.? ${ED1}`, '10.0.0.7', 22, ED1)).toBe('match');
    expect(status(`*.example,!db.example ${ED1}`, 'db.example', 22, ED1)).toBe('unknown');
    expect(status(`[10.0.0.*]:2222 ${ED1}`, '10.0.0.7', 2222, ED1)).toBe('match');
  });

  it('matches hashed entries written by ssh-keygen -H, for port 22 and for [host]:port', () => {
    expect(status(HASHED_NODE1, 'node1.example', 22, ED1)).toBe('match');
    expect(status(HASHED_PORT, '10.0.0.5', 2222, ED1)).toBe('match');
    expect(status(HASHED_PORT, '10.0.0.5', 22, ED1)).toBe('unknown');
    expect(status(HASHED_NODE1, 'node2.example', 22, ED1)).toBe('unknown');
    expect(status(HASHED_NODE1, 'node1.example', 22, ED2)).toBe('changed');
  });

  // As ssh: a host with any known key is not new, whatever the type of the key it offers.
  it('reports a different key as changed, of the same type or of another, and matches any of several keys', () => {
    expect(status(`node1.example ${ED2}`, 'node1.example', 22, ED1)).toBe('changed');
    expect(status(`node1.example ${ECDSA}`, 'node1.example', 22, ED1)).toBe('changed');
    expect(status(`node1.example ${ECDSA}\nnode1.example ${ED1}`, 'node1.example', 22, ED1)).toBe('match');
  });

  it('reports a key revoked for the host as revoked, even when another line accepts it', () => {
    expect(status(`node1.example ${ED1}\n@revoked * ${ED1}`, 'node1.example', 22, ED1)).toBe('revoked');
    expect(status(`@revoked other.example ${ED1}\nnode1.example ${ED1}`, 'node1.example', 22, ED1)).toBe('match');
  });

  it('matches plain names whatever their case, and returns a host\'s lines in file order, plain and patterned alike', () => {
    expect(status(`Node1.Example ${ED1}`, 'node1.EXAMPLE', 22, ED1)).toBe('match');
    const entries = parseKnownHosts(`*.example ${ECDSA}\nnode1.example ${ED1}\n|1|5grEgLux78sB9+oAcBRJaimCsZ8=|iRJ7UB9Ov+N2XtTowag4QEw+kyg= ${ED2}\nNODE1.example,node1.example ${ED1}`);
    expect(entriesFor(entries, 'node1.example', 22).map((e) => e.line)).toEqual([1, 2, 3, 4]);
    // A negation on a line of plain names still excludes the host from that line.
    expect(entriesFor(parseKnownHosts(`node1.example,!node1.example ${ED1}\nnode1.example ${ED2}`), 'node1.example', 22).map((e) => e.line)).toEqual([2]);
  });

  it('ignores @cert-authority lines (certificates are not supported)', () => {
    expect(status(`@cert-authority * ${ED2}`, 'node1.example', 22, ED1)).toBe('unknown');
  });
});

describe('preferredHostKeyAlgorithms', () => {
  it('asks first for the key types known for the host, then all others', () => {
    const entries = parseKnownHosts(`[h]:2222 ${ECDSA}\nother ${ED1}`);
    expect(preferredHostKeyAlgorithms(entries, 'h', 2222).slice(0, 2)).toEqual(['ecdsa-sha2-nistp256', 'ssh-ed25519']);
    expect(preferredHostKeyAlgorithms([], 'h', 22)[0]).toBe('ssh-ed25519');
    expect(preferredHostKeyAlgorithms(parseKnownHosts(`h ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQC7`), 'h', 22)[0]).toBe('rsa-sha2-512');
  });
});

describe('recordHostKey and checkHostKey on real files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'provision-kh-unit-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a file once while it is unchanged, and again after a key is recorded in it', async () => {
    const file = join(dir, 'reread');
    writeFileSync(file, `a.example ${ED1}\n`);
    const first = await readKnownHosts(file);
    expect(await readKnownHosts(file)).toBe(first);
    await recordHostKey(file, 'b.example', 22, blob(ED2));
    const after = await readKnownHosts(file);
    expect(after).not.toBe(first);
    expect(after.map((e) => e.hosts)).toEqual(['a.example', 'b.example']);
  });

  it('names a host [host]:port unless the port is 22', () => {
    expect(knownHostName('10.0.0.5', 22)).toBe('10.0.0.5');
    expect(knownHostName('10.0.0.5', 2222)).toBe('[10.0.0.5]:2222');
  });

  it('creates the file 0600 in a new 0700 folder and writes the key in [host]:port form', async () => {
    const file = join(dir, 'new', 'known_hosts');
    expect(await recordHostKey(file, '10.0.0.5', 2222, blob(ED1))).toBe('unknown');
    expect(readFileSync(file, 'utf8')).toBe(`[10.0.0.5]:2222 ${ED1}\n`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'new')).mode & 0o777).toBe(0o700);
  });

  it('adds the missing final newline of an existing file before appending, and never writes a key twice', async () => {
    const file = join(dir, 'existing');
    writeFileSync(file, `a.example ${ED2}`);
    await recordHostKey(file, 'b.example', 22, blob(ED1));
    expect(await recordHostKey(file, 'b.example', 22, blob(ED1))).toBe('match');
    expect(readFileSync(file, 'utf8')).toBe(`a.example ${ED2}\nb.example ${ED1}\n`);
  });

  it('does not write over a changed key', async () => {
    const file = join(dir, 'changed');
    writeFileSync(file, `b.example ${ED2}\n`);
    expect(await recordHostKey(file, 'b.example', 22, blob(ED1))).toBe('changed');
    expect(readFileSync(file, 'utf8')).toBe(`b.example ${ED2}\n`);
  });

  it('reads extra (global) files too, and records new keys only in the first file', async () => {
    const user = join(dir, 'user_known_hosts');
    const global = join(dir, 'global_known_hosts');
    writeFileSync(global, `g.example ${ED1}\n`);
    expect(await checkHostKey({ address: 'g.example', port: 22, file: user, extraFiles: [global], acceptNew: false }, blob(ED1))).toBeUndefined();
    const refusal = await checkHostKey({ address: 'n.example', port: 22, file: user, extraFiles: [global], acceptNew: false }, blob(ED1));
    expect(refusal?.message).toBe(`unknown host key for n.example:22: ssh-ed25519 key ${ED1_FINGERPRINT} is not in ${user} or ${global}`);
    expect(await checkHostKey({ address: 'n.example', port: 22, file: user, extraFiles: [global], acceptNew: true }, blob(ED1))).toBeUndefined();
    expect(readFileSync(user, 'utf8')).toBe(`n.example ${ED1}\n`);
    expect(readFileSync(global, 'utf8')).toBe(`g.example ${ED1}\n`);
  });

  it('names every known key of another type and where it is, with an ssh-keygen -R for each file holding one', async () => {
    const user = join(dir, 'types_user');
    const global = join(dir, 'types_global');
    writeFileSync(user, `# header\nb.example ${ECDSA}\n`);
    writeFileSync(global, `b.example ${RSA}\n`);
    const refusal = await checkHostKey({ address: 'b.example', port: 22, file: user, extraFiles: [global], acceptNew: true }, blob(ED1));
    expect(refusal?.message).toBe(
      `HOST KEY CHANGED for b.example:22: it offered ssh-ed25519 key ${ED1_FINGERPRINT}, but the keys known for it are of another type: ` +
        `ecdsa-sha2-nistp256 at ${user}:2, ssh-rsa at ${global}:1; refusing to connect (possible man-in-the-middle attack)`,
    );
    expect(refusal?.fix).toBe(
      'if the host was reinstalled and you have checked the new fingerprint with its owner, remove the old ecdsa-sha2-nistp256 and ssh-rsa keys ' +
        `with \`ssh-keygen -R b.example -f ${user}\` and \`ssh-keygen -R b.example -f ${global}\` and connect again ` +
        '(--accept-new-host-keys adds no key for a host that has known keys)',
    );
    expect(readFileSync(user, 'utf8')).toBe(`# header\nb.example ${ECDSA}\n`);
  });

  it('points a changed key at the file and line holding the old one, with an ssh-keygen -R fix for port 22', async () => {
    const file = join(dir, 'changed2');
    writeFileSync(file, `# header\nb.example ${ED2}\n`);
    const refusal = await checkHostKey({ address: 'b.example', port: 22, file, acceptNew: true }, blob(ED1));
    expect(refusal?.message).toBe(
      `HOST KEY CHANGED for b.example:22: it offered ssh-ed25519 key ${ED1_FINGERPRINT}, but ${file}:2 holds another ssh-ed25519 key for it; refusing to connect (possible man-in-the-middle attack)`,
    );
    expect(refusal?.fix).toContain(`\`ssh-keygen -R b.example -f ${file}\``);
  });
});
