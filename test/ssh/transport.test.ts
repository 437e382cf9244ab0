// The SSH transport against a real OpenSSH sshd on loopback.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { createHash } from 'node:crypto';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, Socket, type Server } from 'node:net';
import { join } from 'node:path';
import type { Connection } from '../../src/inventory/types.js';
import { cmd, sh } from '../../src/shell/quote.js';
import { connect, connectSsh } from '../../src/transport/connect.js';
import { LocalTransport } from '../../src/transport/local.js';
import type { SshTransport } from '../../src/transport/ssh.js';
import { UnreachableError } from '../../src/transport/types.js';
import { generateKey, sshdSuite, startSshd, type SshdHandle } from '../helpers/sshd.js';

const ADDRESS = '127.0.0.2';
// Generous: the machine is shared; the tests' own bounds ("within 5 s") say what matters.
jest.setTimeout(20_000);

function connectionTo(sshd: SshdHandle, extra: Partial<Connection> = {}): Connection {
  return {
    type: 'ssh',
    address: ADDRESS,
    port: sshd.port,
    user: sshd.user,
    privateKeyFile: sshd.clientKeyFile,
    knownHostsFile: sshd.knownHostsFile,
    ...extra,
  };
}

/** The error a promise rejects with (fails the test if it resolves). */
async function rejection(p: Promise<unknown>): Promise<UnreachableError> {
  const result = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(result).toBeInstanceOf(UnreachableError);
  return result as UnreachableError;
}

/** Whether a process runs (the test sshd is local); a zombie left for a non-reaping init counts as dead. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** A port nothing listens on (bound, then released). */
function unusedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, ADDRESS, () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

sshdSuite(describe, 'test/ssh/transport.test.ts')('SSH transport', () => {
  let sshd: SshdHandle;
  let t: SshTransport;

  beforeAll(async () => {
    sshd = await startSshd({ addresses: ['127.0.0.1', ADDRESS] });
    t = await connectSsh({ name: 'web1', connection: connectionTo(sshd) });
  });
  afterAll(async () => {
    await t?.close();
    await sshd?.stop();
  });

  it('returns stdout, stderr and the exit code, and does not reject for a failing command', async () => {
    const r = await t.exec(sh`echo out; echo ${'to stderr'} >&2; exit 3`);
    expect(r).toEqual({ stdout: 'out\n', stderr: 'to stderr\n', code: 3 });
  });

  it('passes a string on stdin as UTF-8', async () => {
    const r = await t.exec(cmd('cat'), { stdin: 'héllo ✓\n' });
    expect(r.stdout).toBe('héllo ✓\n');
  });

  it('passes all 256 byte values on stdin unchanged', async () => {
    const bytes = Buffer.from(Array.from({ length: 512 }, (_, i) => i % 256));
    const file = join(sshd.dir, 'bytes');
    const r = await t.exec(sh`cat > ${file}; sha256sum ${file}`, { stdin: bytes });
    expect(r.code).toBe(0);
    expect(r.stdout.split(' ')[0]).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(readFileSync(file).equals(bytes)).toBe(true);
  });

  it('runs 50 commands at once over its one connection, all successfully', async () => {
    const before = t.roundTrips;
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => t.exec(sh`echo ${String(i)} "$SSH_CONNECTION"`)));
    expect(results.map((r) => r.code)).toEqual(Array(50).fill(0));
    expect(results.map((r) => r.stdout.split(' ')[0])).toEqual(Array.from({ length: 50 }, (_, i) => String(i)));
    // One TCP connection: the client's source port (2nd field of SSH_CONNECTION) is the same for every command.
    expect(new Set(results.map((r) => r.stdout.split(' ')[2])).size).toBe(1);
    expect(t.roundTrips - before).toBe(50);
  });

  it('runs 50 commands at once even with as many channels as sshd allows (refused channel opens are retried)', async () => {
    const u = await connectSsh({ name: 'web1', connection: connectionTo(sshd) }, { maxChannels: 10 });
    try {
      const results = await Promise.all(Array.from({ length: 50 }, () => u.exec(cmd('true'))));
      expect(results.map((r) => r.code)).toEqual(Array(50).fill(0));
    } finally {
      await u.close();
    }
  });

  it('reuses the one connection for commands run one after another, counting a round trip each', async () => {
    const before = t.roundTrips;
    const first = await t.exec(cmd('sh', '-c', 'echo $SSH_CONNECTION'));
    const seen = new Set<string>();
    for (let i = 0; i < 20; i++) seen.add((await t.exec(cmd('sh', '-c', 'echo $SSH_CONNECTION'))).stdout);
    expect([...seen]).toEqual([first.stdout]);
    expect(t.roundTrips - before).toBe(21);
  });

  it("turns Nagle's algorithm off on the connection's socket (with it, each command waits ~40 ms for a delayed ACK)", async () => {
    const noDelay = jest.spyOn(Socket.prototype, 'setNoDelay');
    try {
      const u = await connectSsh({ name: 'web1', connection: connectionTo(sshd) });
      // Read while connected: a closed socket no longer knows its remote port.
      const calls = noDelay.mock.calls.map((args, i) => ({ port: (noDelay.mock.contexts[i] as Socket).remotePort, on: args[0] !== false }));
      await u.close();
      expect(calls.filter((c) => c.on && c.port === sshd.port)).not.toEqual([]);
    } finally {
      noDelay.mockRestore();
    }
  });

  it('kills a command that outlives its timeout, with everything it started, and says it timed out', async () => {
    const pids = join(sshd.dir, 'timeout.pids');
    const started = Date.now();
    const r = await t.exec(sh`echo $$ > ${pids}; sleep 30 & echo $! >> ${pids}; wait`, { timeoutMs: 300 });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(r).toMatchObject({ timedOut: true, code: null, signal: 'SIGTERM' });
    const [shell, sleeper] = readFileSync(pids, 'utf8').trim().split('\n').map(Number);
    expect([alive(shell), alive(sleeper)]).toEqual([false, false]);
  });

  it('kills a command that ignores SIGTERM with SIGKILL a second later', async () => {
    const pids = join(sshd.dir, 'stubborn.pids');
    const started = Date.now();
    // Ignored signals stay ignored across exec, so sleep ignores TERM too.
    const r = await t.exec(sh`trap '' TERM; echo $$ > ${pids}; sleep 30 & echo $! >> ${pids}; wait`, { timeoutMs: 200 });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(r).toMatchObject({ timedOut: true, code: null, signal: 'SIGKILL' });
    const [shell, sleeper] = readFileSync(pids, 'utf8').trim().split('\n').map(Number);
    expect([alive(shell), alive(sleeper)]).toEqual([false, false]);
  });

  it('kills a command when its abort signal fires', async () => {
    const pids = join(sshd.dir, 'abort.pids');
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 300);
    const r = await t.exec(sh`echo $$ > ${pids}; sleep 30`, { signal: abort.signal });
    expect(r).toMatchObject({ code: null, signal: 'SIGTERM' });
    expect(r.timedOut).toBeUndefined();
    expect(alive(Number(readFileSync(pids, 'utf8')))).toBe(false);
  });

  it('still runs commands after a timeout (the killed session freed its channel)', async () => {
    const results = await Promise.all(Array.from({ length: 10 }, () => t.exec(cmd('true'))));
    expect(results.every((r) => r.code === 0)).toBe(true);
  });

  it('refuses a connection with the wrong key, naming the user, the address and the key it tried', async () => {
    const wrongKey = generateKey(join(sshd.dir, 'wrong_key'));
    const e = await rejection(connect({ name: 'web1', connection: connectionTo(sshd, { privateKeyFile: wrongKey }) }));
    expect(e.message).toBe(`authentication failed for user ${sshd.user} at ${ADDRESS}:${sshd.port} (tried: key file ${wrongKey})`);
    expect(e.host).toBe('web1');
  });

  it('refuses a public key given as the private key, naming the private key file beside it', async () => {
    const pub = `${sshd.clientKeyFile}.pub`;
    const e = await rejection(connect({ name: 'web1', connection: connectionTo(sshd, { privateKeyFile: pub }) }, { retries: 0 }));
    expect(e.message).toBe(`private key file ${pub} holds a public key (ssh-ed25519), not a private one`);
    expect(e.fix).toBe(`set private_key_file to ${sshd.clientKeyFile}, the private half of that key`);
    // With no private half beside it, the fix says what to look for.
    const lone = join(sshd.dir, 'lone_key.pub');
    copyFileSync(pub, lone);
    const l = await rejection(connect({ name: 'web1', connection: connectionTo(sshd, { privateKeyFile: lone }) }, { retries: 0 }));
    expect(l.fix).toBe(`set private_key_file to the private half of that key (the file whose name is ${lone} without .pub)`);
  });

  it('reports a missing key file before connecting', async () => {
    const e = await rejection(connect({ name: 'web1', connection: connectionTo(sshd, { privateKeyFile: '/nonexistent/key' }) }));
    expect(e.message).toBe('cannot read private key file /nonexistent/key: ENOENT');
  });

  it('returns a LocalTransport for a local connection', async () => {
    const local = await connect({ name: 'localhost', connection: { type: 'local', address: 'localhost', port: 22, user: 'root' } });
    expect(local).toBeInstanceOf(LocalTransport);
    expect((await local.exec(cmd('echo', 'hi'))).stdout).toBe('hi\n');
  });

  it('closes idempotently, and refuses commands afterwards', async () => {
    const u = await connectSsh({ name: 'web1', connection: connectionTo(sshd) });
    await Promise.all([u.close(), u.close()]);
    await u.close();
    await expect(u.exec(cmd('true'))).rejects.toThrow(`the connection to ${ADDRESS}:${sshd.port} was closed by provision`);
  });
});

sshdSuite(describe, 'test/ssh/transport.test.ts')('SSH connect failures', () => {
  const servers: Server[] = [];
  afterAll(() => servers.forEach((s) => s.close()));

  function listen(onConnection: (sock: import('node:net').Socket) => void): Promise<number> {
    return new Promise((resolve) => {
      const server = createServer(onConnection).listen(0, ADDRESS, () => resolve((server.address() as { port: number }).port));
      servers.push(server);
    });
  }
  const conn = (port: number): Connection => ({ type: 'ssh', address: ADDRESS, port, user: 'root', privateKeyFile: keyFile, knownHostsFile: '/dev/null' });
  let keyFile: string;
  let sshd: SshdHandle | undefined;
  beforeAll(async () => {
    // Any valid key will do: these servers never get as far as asking for it.
    sshd = await startSshd();
    keyFile = sshd.clientKeyFile;
  });
  afterAll(async () => sshd?.stop());

  it('reports a host with nothing listening as "connection refused"', async () => {
    const port = await unusedPort();
    const e = await rejection(connect({ name: 'db1', connection: conn(port) }, { retries: 0 }));
    expect(e.message).toBe(`connection refused at ${ADDRESS}:${port}`);
    expect(e.fix).toBe(`check that sshd runs on ${ADDRESS} and listens on port ${port}`);
  });

  it('retries a refused connection, so a host whose sshd is just starting is reached', async () => {
    const port = await unusedPort();
    // The late sshd has the first one's identity: its host key is known and its client key is authorized.
    const knownHostsFile = join(sshd!.dir, 'late_known_hosts');
    writeFileSync(knownHostsFile, `[${ADDRESS}]:${port} ${sshd!.hostPublicKey}\n`);
    const connecting = connectSsh({ name: 'db1', connection: { ...conn(port), knownHostsFile } }, { retries: 6 });
    await new Promise((r) => setTimeout(r, 100));
    const late = await startSshd({ addresses: [ADDRESS], port, keysFrom: sshd });
    try {
      const u = await connecting;
      expect((await u.exec(cmd('echo', 'up'))).stdout).toBe('up\n');
      await u.close();
    } finally {
      await late.stop();
    }
  });

  it('times out on a server that accepts but never speaks SSH', async () => {
    const port = await listen(() => {});
    const e = await rejection(connect({ name: 'db1', connection: conn(port) }, { connectTimeoutMs: 300, retries: 0 }));
    expect(e.message).toBe(`timed out after 0.3 s connecting to ${ADDRESS}:${port}`);
  });

  it('opens no connection when the private key file cannot be read', async () => {
    let seen = 0;
    const port = await listen(() => seen++);
    const e = await rejection(connect({ name: 'db1', connection: { ...conn(port), privateKeyFile: join(sshd!.dir, 'missing_key') } }, { retries: 0 }));
    expect(e.message).toBe(`cannot read private key file ${join(sshd!.dir, 'missing_key')}: ENOENT`);
    await new Promise((r) => setTimeout(r, 100));
    expect(seen).toBe(0);
  });

  // The TCP handshake starts while the key is parsed; a key that turns out unusable closes that connection.
  it.each([
    ['not a key', () => writeFileSync(join(sshd!.dir, 'not_a_key'), 'hello\n') ?? join(sshd!.dir, 'not_a_key'), /^private key file .*not_a_key is not a private key \(/],
    [
      'an encrypted key',
      () => (execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'secret', '-f', join(sshd!.dir, 'locked_key')]), join(sshd!.dir, 'locked_key')),
      /^private key file .*locked_key is encrypted and provision does not ask for passphrases$/,
    ],
  ])('refuses %s, and closes the connection it had begun', async (_what, makeKey, message) => {
    const closed: Promise<void>[] = [];
    const port = await listen((sock) => closed.push(new Promise((r) => sock.on('close', () => r()))));
    const keyFile = makeKey();
    const e = await rejection(connect({ name: 'db1', connection: { ...conn(port), privateKeyFile: keyFile } }, { retries: 0 }));
    expect(e.message).toMatch(message);
    // The server saw at most the one early connection, and it is closed (a leak would time this test out).
    await new Promise((r) => setTimeout(r, 100));
    expect(closed.length).toBeLessThanOrEqual(1);
    await Promise.all(closed);
  });

  it('suggests an ssh-add for an encrypted key that works as pasted, for a path with spaces and ";"', async () => {
    const port = await listen(() => {});
    const keyFile = join(sshd!.dir, 'my keys; x', 'locked key');
    mkdirSync(join(sshd!.dir, 'my keys; x'));
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'secret', '-f', keyFile]);
    const e = await rejection(connect({ name: 'db1', connection: { ...conn(port), privateKeyFile: keyFile } }, { retries: 0 }));
    expect(e.fix).toBe(`load it into ssh-agent (ssh-add '${keyFile}') and run with SSH_AUTH_SOCK set`);
  });

  it('retries a server that drops connections before the handshake (MaxStartups), then reports it plainly', async () => {
    let seen = 0;
    const port = await listen((sock) => (seen++, sock.destroy()));
    // A connect timeout longer than the test's own: a dropped connection must be seen as such, not waited out.
    const e = await rejection(connect({ name: 'db1', connection: conn(port) }, { retries: 2, connectTimeoutMs: 60_000 }));
    expect(e.message).toBe(`connection closed by ${ADDRESS}:${port} before the SSH handshake finished`);
    expect(seen).toBe(3);
  });
});

sshdSuite(describe, 'test/ssh/transport.test.ts')('SSH connection lost', () => {
  it('rejects a running command with UnreachableError when the connection drops, and every later one too', async () => {
    const sshd = await startSshd({ addresses: [ADDRESS] });
    try {
      const t = await connectSsh({ name: 'web2', connection: connectionTo(sshd) });
      const running = t.exec(cmd('sleep', '20'));
      await new Promise((r) => setTimeout(r, 200));
      sshd.kill();
      const e = await rejection(running);
      expect(e.message).toBe(`connection to ${ADDRESS}:${sshd.port} lost while running a command`);
      expect(e.host).toBe('web2');
      expect(t.lost).toBe(true);
      const later = await rejection(t.exec(cmd('true')));
      expect(later.message).toBe(`connection to ${ADDRESS}:${sshd.port} lost before the command could start`);
      await t.close();
    } finally {
      await sshd.stop();
    }
  });
});

sshdSuite(describe, 'test/ssh/transport.test.ts')('SSH login without a key file', () => {
  let sshd: SshdHandle;
  let agent: ChildProcess | undefined;
  let home: string;
  const saved = { HOME: process.env.HOME, SSH_AUTH_SOCK: process.env.SSH_AUTH_SOCK };
  beforeAll(async () => {
    sshd = await startSshd({ addresses: [ADDRESS] });
    home = mkdtempSync(join(tmpdir(), 'provision-home-'));
  });
  afterAll(async () => {
    process.env.HOME = saved.HOME;
    if (saved.SSH_AUTH_SOCK === undefined) delete process.env.SSH_AUTH_SOCK;
    else process.env.SSH_AUTH_SOCK = saved.SSH_AUTH_SOCK;
    if (agent?.pid) process.kill(agent.pid);
    rmSync(home, { recursive: true, force: true });
    await sshd?.stop();
  });
  const keyless = () => {
    const { privateKeyFile: _, ...c } = connectionTo(sshd);
    return c;
  };

  it('says which methods exist when there is no key file, no agent and no default key', async () => {
    process.env.HOME = home;
    delete process.env.SSH_AUTH_SOCK;
    const e = await rejection(connect({ name: 'web1', connection: keyless() }));
    expect(e.message).toBe(
      `no SSH key to log in as ${sshd.user} at ${ADDRESS}:${sshd.port}: no private_key_file is set, no ssh-agent is running ` +
        '(SSH_AUTH_SOCK), and ~/.ssh has no usable id_ed25519, id_ecdsa, id_rsa',
    );
  });

  it('logs in with ~/.ssh/id_ed25519 when no key file is set', async () => {
    process.env.HOME = home;
    delete process.env.SSH_AUTH_SOCK;
    mkdirSync(join(home, '.ssh'), { mode: 0o700 });
    copyFileSync(sshd.clientKeyFile, join(home, '.ssh', 'id_ed25519'));
    const t = await connect({ name: 'web1', connection: keyless() });
    expect((await t.exec(cmd('echo', 'ok'))).stdout).toBe('ok\n');
    await t.close();
    rmSync(join(home, '.ssh'), { recursive: true });
  });

  it('logs in through ssh-agent (SSH_AUTH_SOCK), and names it among the methods tried when it fails', async () => {
    const sock = join(home, 'agent.sock');
    agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
    for (let i = 0; i < 100 && !existsSync(sock); i++) await new Promise((r) => setTimeout(r, 20));
    process.env.HOME = home;
    process.env.SSH_AUTH_SOCK = sock;
    const wrong = generateKey(join(home, 'wrong'));
    execFileSync('ssh-add', ['-q', wrong], { env: { ...process.env, SSH_AUTH_SOCK: sock }, stdio: 'ignore' });
    const e = await rejection(connect({ name: 'web1', connection: keyless() }));
    expect(e.message).toBe(`authentication failed for user ${sshd.user} at ${ADDRESS}:${sshd.port} (tried: ssh-agent)`);
    execFileSync('ssh-add', ['-q', sshd.clientKeyFile], { env: { ...process.env, SSH_AUTH_SOCK: sock }, stdio: 'ignore' });
    const t = await connect({ name: 'web1', connection: keyless() });
    expect((await t.exec(cmd('echo', 'ok'))).stdout).toBe('ok\n');
    await t.close();
  });

  it('logs in through ssh-agent when private_key_file names the public half of a key it holds, as ssh does', async () => {
    // The agent of the test above, which holds the client key by now.
    const t = await connect({ name: 'web1', connection: connectionTo(sshd, { privateKeyFile: `${sshd.clientKeyFile}.pub` }) });
    expect((await t.exec(cmd('echo', 'ok'))).stdout).toBe('ok\n');
    await t.close();
  });

  it('stops connecting when aborted, with a plain message', async () => {
    const server = createServer(() => {}).listen(0, ADDRESS);
    await new Promise((r) => server.once('listening', r));
    const port = (server.address() as { port: number }).port;
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 100);
    const started = Date.now();
    const e = await rejection(connect({ name: 'web1', connection: { ...connectionTo(sshd), port } }, { signal: abort.signal }));
    server.close();
    expect(e.message).toBe(`connecting to ${ADDRESS}:${port} was aborted`);
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
