// Host key verification against a real sshd, by connect() and through a whole run: unknown keys refused, trust on
// first use, changed keys always refused.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Connection } from '../../src/inventory/types.js';
import { cmd } from '../../src/shell/quote.js';
import { connect, type ConnectOptions } from '../../src/transport/connect.js';
import { UnreachableError } from '../../src/transport/types.js';
import { loadInventory } from '../../src/inventory/load.js';
import { loadPlaybookFromString } from '../../src/playbook/load.js';
import { runPlaybook } from '../../src/runner/run.js';
import type { HostResultEvent } from '../../src/runner/events.js';
import '../../src/modules/index.js';
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

  // ssh's rule: a host with any known key is not new. Offering a key of a type it has none of is a changed key too.
  it('refuses a host that offers a key of a type not known for it while keys of other types are, with or without acceptNewHostKeys', async () => {
    const file = join(dir, 'other_type_known_hosts');
    const ecdsa = join(dir, 'old_ecdsa_host_key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ecdsa', '-N', '', '-f', ecdsa], { stdio: 'ignore' });
    const text = `# mine\n[${ADDRESS}]:${sshd.port} ${readFileSync(`${ecdsa}.pub`, 'utf8').split(' ').slice(0, 2).join(' ')}\n`;
    writeFileSync(file, text);
    for (const acceptNewHostKeys of [true, false]) {
      const e = await refusal(file, { acceptNewHostKeys });
      expect(e.message).toBe(
        `HOST KEY CHANGED for ${where}: it offered ssh-ed25519 key ${sshd.hostKeyFingerprint}, but the keys known for it are of ` +
          `another type: ecdsa-sha2-nistp256 at ${file}:2; refusing to connect (possible man-in-the-middle attack)`,
      );
      expect(e.fix).toBe(
        'if the host was reinstalled and you have checked the new fingerprint with its owner, remove the old ecdsa-sha2-nistp256 key with ' +
          `\`ssh-keygen -R '[${ADDRESS}]:${sshd.port}' -f ${file}\` and connect again (--accept-new-host-keys adds no key for a host that has known keys)`,
      );
      expect(readFileSync(file, 'utf8')).toBe(text);
    }
  });

  it('accepts the key recorded for the bare host name when none is recorded for [host]:port, as ssh does', async () => {
    const file = join(dir, 'bare_name_known_hosts');
    writeFileSync(file, `${ADDRESS} ${sshd.hostPublicKey}\n`);
    expect(await tryConnect(file)).toBe('in\n');
    expect(readFileSync(file, 'utf8')).toBe(`${ADDRESS} ${sshd.hostPublicKey}\n`);
  });

  // The fixes are commands to paste into a shell: a known_hosts path with spaces or `;` must stay one word.
  it('quotes the known_hosts path in the commands it suggests, and those commands work as pasted', async () => {
    const odd = join(dir, "odd dir; echo it's", 'known hosts');
    execFileSync('mkdir', ['-p', join(dir, "odd dir; echo it's")]);
    writeFileSync(odd, '');
    const quoted = `'${odd.replace(/'/g, `'\\''`)}'`;
    const unknown = await refusal(odd);
    expect(unknown.fix).toBe(
      `check the fingerprint with the host's owner, then run \`ssh-keyscan -p ${sshd.port} ${ADDRESS} >> ${quoted}\`, ` +
        'or run with --accept-new-host-keys to trust it on first use',
    );
    execFileSync('sh', ['-c', /`([^`]+)`/.exec(unknown.fix!)![1]], { stdio: 'ignore' });
    expect(await tryConnect(odd)).toBe('in\n');

    const other = generateKey(join(dir, 'odd_impostor_host_key'));
    writeFileSync(odd, `[${ADDRESS}]:${sshd.port} ${readFileSync(`${other}.pub`, 'utf8').split(' ').slice(0, 2).join(' ')}\n`);
    const changed = await refusal(odd);
    expect(changed.fix).toContain(`\`ssh-keygen -R '[${ADDRESS}]:${sshd.port}' -f ${quoted}\``);
    execFileSync('sh', ['-c', /`([^`]+)`/.exec(changed.fix!)![1]], { stdio: 'ignore' });
    expect(readFileSync(odd, 'utf8')).toBe('');
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
  // The same rules through a whole run, as `provision run [--accept-new-host-keys]` applies them: the host is
  // unreachable with the fix in its message, nothing runs on it, and known_hosts is only ever appended to.
  const runWith = async (knownHostsFile: string, acceptNewHostKeys: boolean, check = false) => {
    const inv = join(dir, `run-inventory-${Math.random().toString(36).slice(2)}.yml`);
    writeFileSync(
      inv,
      `all:\n  hosts:\n    node1:\n      address: ${ADDRESS}\n  vars:\n    port: ${sshd.port}\n    user: ${sshd.user}\n    private_key_file: ${sshd.clientKeyFile}\n    known_hosts_file: ${knownHostsFile}\n`,
    );
    const marker = join(dir, `ran-${Math.random().toString(36).slice(2)}`);
    // With creates, the task probes the host, so a check run connects too (a bare command does not need the host).
    const task = `command: { argv: [touch, "${marker}"]${check ? `, creates: "${marker}"` : ''} }`;
    const playbook = await loadPlaybookFromString(`- hosts: all\n  gather_facts: false\n  tasks:\n    - ${task}\n`, join(dir, 'run.yml'));
    const results: HostResultEvent[] = [];
    const summary = await runPlaybook({ playbook, inventory: await loadInventory(inv), acceptNewHostKeys, check, onEvent: (e) => e.type === 'host.result' && results.push(e) });
    return { summary, results, ran: existsSync(marker) };
  };

  it('a run refuses an unknown key by default: unreachable, exit 4, the fix in the message, nothing run', async () => {
    const file = join(dir, 'run_empty_known_hosts');
    writeFileSync(file, '');
    const { summary, results, ran } = await runWith(file, false);
    expect(summary.exitCode).toBe(4);
    expect(ran).toBe(false);
    expect(results.map((r) => r.status)).toEqual(['unreachable']);
    expect(results[0].msg).toBe(
      `unknown host key for ${where}: ssh-ed25519 key ${sshd.hostKeyFingerprint} is not in ${file}\n  fix: check the fingerprint with the host's owner, ` +
        `then run \`ssh-keyscan -p ${sshd.port} ${ADDRESS} >> ${file}\`, or run with --accept-new-host-keys to trust it on first use`,
    );
    expect(readFileSync(file, 'utf8')).toBe('');
  });

  it('a run with acceptNewHostKeys records an unknown key and runs', async () => {
    const file = join(dir, 'run_tofu_known_hosts');
    const { summary, ran } = await runWith(file, true);
    expect(summary.exitCode).toBe(0);
    expect(ran).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe(hostKeyLine());
  });

  // Check mode changes nothing anywhere, known_hosts included: the key is trusted for that run only.
  it('a check run with acceptNewHostKeys connects to a host with an unknown key but records nothing', async () => {
    const file = join(dir, 'run_check_known_hosts');
    writeFileSync(file, '');
    const { summary, results, ran } = await runWith(file, true, true);
    expect(summary.exitCode).toBe(0);
    expect(results.map((r) => r.status)).toEqual(['changed']);
    expect(ran).toBe(false);
    expect(readFileSync(file, 'utf8')).toBe('');
  });

  it('a run with acceptNewHostKeys still refuses a changed key: unreachable, the ssh-keygen -R fix, nothing run, file kept', async () => {
    const file = join(dir, 'run_changed_known_hosts');
    const other = generateKey(join(dir, 'run_impostor_host_key'));
    const text = `[${ADDRESS}]:${sshd.port} ${readFileSync(`${other}.pub`, 'utf8').split(' ').slice(0, 2).join(' ')}\n`;
    writeFileSync(file, text);
    const { summary, results, ran } = await runWith(file, true);
    expect(summary.exitCode).toBe(4);
    expect(ran).toBe(false);
    expect(results.map((r) => r.status)).toEqual(['unreachable']);
    expect(results[0].msg).toMatch(/^HOST KEY CHANGED for /);
    expect(results[0].msg).toContain(`\n  fix: if the host was reinstalled and you have checked the new fingerprint with its owner, remove the old key with \`ssh-keygen -R '[${ADDRESS}]:${sshd.port}' -f ${file}\``);
    expect(readFileSync(file, 'utf8')).toBe(text);
  });
});
