// Host key verification against a real sshd: unknown keys refused, trust on first use, changed keys always refused.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Connection } from '../../src/inventory/types.js';
import { cmd } from '../../src/shell/quote.js';
import { connect, type ConnectOptions } from '../../src/transport/connect.js';
import { UnreachableError } from '../../src/transport/types.js';
import { generateKey, sshdSuite, startSshd, type SshdHandle } from '../helpers/sshd.js';

const ADDRESS = '127.0.0.3';
jest.setTimeout(20_000);

sshdSuite(describe, 'test/ssh/known-hosts.test.ts')('SSH host keys', () => {
  let sshd: SshdHandle;
  let dir: string;
  let where: string;
  beforeAll(async () => {
    sshd = await startSshd({ addresses: [ADDRESS] });
    where = `${ADDRESS}:${sshd.port}`;
    dir = mkdtempSync(join(tmpdir(), 'provision-known-hosts-'));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await sshd?.stop();
  });

  const conn = (knownHostsFile: string): Connection => ({
    type: 'ssh',
    address: ADDRESS,
    port: sshd.port,
    user: sshd.user,
    privateKeyFile: sshd.clientKeyFile,
    knownHostsFile,
  });
  const tryConnect = async (knownHostsFile: string, options: ConnectOptions = {}) => {
    const t = await connect({ name: 'node1', connection: conn(knownHostsFile) }, { retries: 0, ...options });
    const r = await t.exec(cmd('echo', 'in'));
    await t.close();
    return r.stdout;
  };
  const refusal = async (knownHostsFile: string, options: ConnectOptions = {}) => {
    const e = await tryConnect(knownHostsFile, options).then(() => undefined, (err: unknown) => err);
    expect(e).toBeInstanceOf(UnreachableError);
    return e as UnreachableError;
  };
  const hostKeyLine = () => `[${ADDRESS}]:${sshd.port} ${sshd.hostPublicKey}\n`;

  it('connects when known_hosts has the key', async () => {
    expect(await tryConnect(sshd.knownHostsFile)).toBe('in\n');
  });

  it('refuses an unknown key by default, naming the host, the fingerprint and both fixes', async () => {
    const file = join(dir, 'empty_known_hosts');
    writeFileSync(file, '# nothing yet\n');
    const e = await refusal(file);
    expect(e.message).toBe(`unknown host key for ${where}: ssh-ed25519 key ${sshd.hostKeyFingerprint} is not in ${file}`);
    expect(e.fix).toBe(
      `check the fingerprint with the host's owner, then run \`ssh-keyscan -p ${sshd.port} ${ADDRESS} >> ${file}\`, ` +
        'or run with --accept-new-host-keys to trust it on first use',
    );
    expect(readFileSync(file, 'utf8')).toBe('# nothing yet\n');
  });

  it('refuses an unknown key when the known_hosts file does not exist, and does not create it', async () => {
    const file = join(dir, 'missing', 'known_hosts');
    const e = await refusal(file);
    expect(e.message).toMatch(/^unknown host key for /);
    expect(existsSync(file)).toBe(false);
  });

  it('accepts a new key with acceptNewHostKeys, records it (0600 file, 0700 folder), then connects strictly', async () => {
    const file = join(dir, 'tofu', 'ssh', 'known_hosts');
    expect(await tryConnect(file, { acceptNewHostKeys: true })).toBe('in\n');
    expect(readFileSync(file, 'utf8')).toBe(hostKeyLine());
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'tofu', 'ssh')).mode & 0o777).toBe(0o700);
    expect(await tryConnect(file)).toBe('in\n');
    // What ssh itself makes of the recorded line: the same fingerprint.
    expect(execFileSync('ssh-keygen', ['-l', '-F', `[${ADDRESS}]:${sshd.port}`, '-f', file], { encoding: 'utf8' })).toContain(sshd.hostKeyFingerprint);
  });

  it('records a key once when many connections meet it at the same time', async () => {
    const file = join(dir, 'parallel_known_hosts');
    writeFileSync(file, 'other.example ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBz4qqv4JNTqU7bvlrTlxMd3j/VFyMf1j1t2Sn4Kh6Sy'); // no final newline
    const outs = await Promise.all(Array.from({ length: 8 }, () => tryConnect(file, { acceptNewHostKeys: true, retries: 3 })));
    expect(outs).toEqual(Array(8).fill('in\n'));
    const lines = readFileSync(file, 'utf8').split('\n');
    expect(lines.slice(1)).toEqual([hostKeyLine().trimEnd(), '']);
  });

  it('refuses a changed key even with acceptNewHostKeys, loudly, with the ssh-keygen -R fix, and keeps the file', async () => {
    const file = join(dir, 'changed_known_hosts');
    const other = generateKey(join(dir, 'impostor_host_key'));
    const otherLine = readFileSync(`${other}.pub`, 'utf8').split(' ').slice(0, 2).join(' ');
    const text = `# mine\n[${ADDRESS}]:${sshd.port} ${otherLine}\n`;
    writeFileSync(file, text);
    const e = await refusal(file, { acceptNewHostKeys: true });
    expect(e.message).toBe(
      `HOST KEY CHANGED for ${where}: it offered ssh-ed25519 key ${sshd.hostKeyFingerprint}, but ${file}:2 holds ` +
        'another ssh-ed25519 key for it; refusing to connect (possible man-in-the-middle attack)',
    );
    expect(e.fix).toBe(
      'if the host was reinstalled and you have checked the new fingerprint with its owner, remove the old key with ' +
        `\`ssh-keygen -R '[${ADDRESS}]:${sshd.port}' -f ${file}\` and connect again (--accept-new-host-keys never replaces a changed key)`,
    );
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  it('matches a hashed entry written by ssh-keygen -H', async () => {
    const file = join(dir, 'hashed_known_hosts');
    writeFileSync(file, hostKeyLine());
    execFileSync('ssh-keygen', ['-H', '-f', file], { stdio: 'ignore' });
    expect(readFileSync(file, 'utf8')).toMatch(/^\|1\|/);
    expect(await tryConnect(file)).toBe('in\n');
  });

  it('refuses a key marked @revoked, even with acceptNewHostKeys', async () => {
    const file = join(dir, 'revoked_known_hosts');
    writeFileSync(file, `@revoked * ${sshd.hostPublicKey}\n`);
    const e = await refusal(file, { acceptNewHostKeys: true });
    expect(e.message).toBe(`host key for ${where} is revoked: it offered ssh-ed25519 key ${sshd.hostKeyFingerprint}, marked @revoked at ${file}:1`);
  });
});
