import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkRpcAuth, generateRpcPassword, loadOrCreateRpcPassword, makeRpcAuth, stableRpcAuth } from '../../../../../collections/bitcoin_i2p/bitcoin/rpcauth.js';
import type { ProvisionError } from '../../../../../src/errors.js';

// share/rpcauth/rpcauth.py's password_to_hmac, run by python3 itself: the reference our HMAC must equal.
const pythonHmac = (salt: string, password: string) => execFileSync('python3', ['-c',
  "import hmac,sys; print(hmac.new(bytearray(sys.argv[1],'utf-8'), bytearray(sys.argv[2],'utf-8'), 'SHA256').hexdigest())", salt, password], { encoding: 'utf8' }).trim();

describe('makeRpcAuth', () => {
  it('makes rpcauth=USER:SALT$HMAC with a 16-byte hex salt and the HMAC rpcauth.py computes', () => {
    const { line, password } = makeRpcAuth('alice', 'correct horse');
    const m = /^rpcauth=alice:([0-9a-f]{32})\$([0-9a-f]{64})$/.exec(line);
    expect(m).not.toBeNull();
    expect(m![2]).toBe(pythonHmac(m![1], 'correct horse'));
    expect(password).toBe('correct horse');
  });

  it('draws a new salt every time, like rpcauth.py', () => {
    expect(makeRpcAuth('alice', 'pw').line).not.toBe(makeRpcAuth('alice', 'pw').line);
  });

  it('generates a 44-character URL-safe password when none is given', () => {
    const { line, password } = makeRpcAuth('alice');
    expect(password).toMatch(/^[A-Za-z0-9_-]{43}=$/);
    expect(checkRpcAuth(line, 'alice', password)).toBe(true);
    expect(generateRpcPassword()).not.toBe(generateRpcPassword());
  });

  it('refuses a user name bitcoind would split wrongly', () => {
    expect(() => makeRpcAuth('a:b', 'pw')).toThrow('invalid RPC user name for rpcauth\n  expected: a non-empty name without ":", "#" or spaces\n  got: "a:b"');
  });
});

describe('stableRpcAuth', () => {
  it('gives the same line for the same user and password (so a second run changes nothing), and it verifies', () => {
    const a = stableRpcAuth('verify', 'pw1');
    expect(stableRpcAuth('verify', 'pw1').line).toBe(a.line);
    expect(stableRpcAuth('verify', 'pw2').line).not.toBe(a.line);
    const [, salt, hmac] = /:([0-9a-f]{32})\$([0-9a-f]{64})$/.exec(a.line)!;
    expect(hmac).toBe(pythonHmac(salt, 'pw1'));
  });
});

describe('checkRpcAuth', () => {
  it('accepts the right user and password only', () => {
    const { line } = makeRpcAuth('bob', 'secret');
    expect(checkRpcAuth(line, 'bob', 'secret')).toBe(true);
    expect(checkRpcAuth(line, 'bob', 'Secret')).toBe(false);
    expect(checkRpcAuth(line, 'eve', 'secret')).toBe(false);
    expect(checkRpcAuth('bob:nothex', 'bob', 'secret')).toBe(false);
  });
});

describe('loadOrCreateRpcPassword', () => {
  const dir = () => mkdtempSync(join(tmpdir(), 'rpcpw-'));

  it('creates the file with mode 0600 (in a new 0700 folder) and returns the same password afterwards', async () => {
    const file = join(dir(), 'secrets', 'node1.rpcpass');
    const pw = await loadOrCreateRpcPassword(file);
    expect(pw).toMatch(/^[A-Za-z0-9_-]{43}=$/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(file, '..')).mode & 0o777).toBe(0o700);
    expect(readFileSync(file, 'utf8')).toBe(`${pw}\n`);
    expect(await loadOrCreateRpcPassword(file)).toBe(pw);
  });

  it('hands every one of many simultaneous callers the same password and leaves no temporary file', async () => {
    const d = dir();
    const file = join(d, 'fleet.rpcpass');
    const all = await Promise.all(Array.from({ length: 20 }, () => loadOrCreateRpcPassword(file)));
    expect(new Set(all).size).toBe(1);
    expect(readdirSync(d)).toEqual(['fleet.rpcpass']);
  });

  it('uses a password the user put in the file', async () => {
    const file = join(dir(), 'given');
    writeFileSync(file, 'my own password\n', { mode: 0o600 });
    expect(await loadOrCreateRpcPassword(file)).toBe('my own password');
  });

  it('refuses a file other users can read, without showing its content', async () => {
    const file = join(dir(), 'loose');
    writeFileSync(file, 'leaky-password\n');
    chmodSync(file, 0o644);
    const err = await loadOrCreateRpcPassword(file).then(() => undefined, (e: Error) => e);
    expect(err?.message).toBe(`the RPC password file ${file} can be read by other users\n  expected: mode 0600 (owner only)\n  got: mode 0644\n  fix: chmod 600 ${file}`);
  });

  it('suggests a chmod that works as pasted, for a path with spaces and ";"', async () => {
    const folder = join(dir(), 'rpc; files');
    mkdirSync(folder);
    const file = join(folder, "node 1's password");
    writeFileSync(file, 'leaky-password\n');
    chmodSync(file, 0o644);
    const err = await loadOrCreateRpcPassword(file).then(() => undefined, (e: ProvisionError) => e);
    const fix = err!.problem.fix!;
    expect(fix).toBe(`chmod 600 '${file.replace(/'/g, `'\\''`)}'`);
    execFileSync('sh', ['-c', fix]);
    expect(await loadOrCreateRpcPassword(file)).toBe('leaky-password');
  });

  it('refuses an empty file', async () => {
    const file = join(dir(), 'empty');
    writeFileSync(file, '', { mode: 0o600 });
    await expect(loadOrCreateRpcPassword(file)).rejects.toThrow(`the RPC password file ${file} does not hold one password on one line`);
  });
});
