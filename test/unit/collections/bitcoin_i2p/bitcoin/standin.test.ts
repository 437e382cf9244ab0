// The bitcoind TEST STAND-IN (test/standin/bitcoin-standin.py) against a fake SAM bridge on loopback: what it says
// to SAM, how it guards RPC, what getnetworkinfo shows, and its release tarball.
import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeRpcAuth } from '../../../../../collections/bitcoin_i2p/bitcoin/rpcauth.js';
import { makeStandinTarball, STANDIN_SCRIPT } from '../../../../standin/make-tarball.js';
import { b32Of, startFakeSam, type FakeSam } from './fake-sam.js';

const root = mkdtempSync(join(tmpdir(), 'standin-test-'));
const bin = join(root, 'bin');
mkdirSync(bin);
symlinkSync(STANDIN_SCRIPT, join(bin, 'bitcoind'));
symlinkSync(STANDIN_SCRIPT, join(bin, 'bitcoin-cli'));
const { line: RPCAUTH, password: PASSWORD } = makeRpcAuth('verify');

const running: ChildProcess[] = [];
const sams: FakeSam[] = [];
afterEach(async () => {
  for (const p of running.splice(0)) if (p.exitCode === null) p.kill('SIGKILL');
  for (const s of sams.splice(0)) await s.close();
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const freePort = () => new Promise<number>((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const { port } = s.address() as { port: number };
    s.close(() => resolve(port));
  });
});

interface Node { dir: string; conf: string; port: number; proc: ChildProcess; output: () => string }

/** Starts the stand-in in the foreground with a bitcoin.conf made of `lines` (plus rpcport and rpcauth). */
async function startNode(lines: string[], dir = mkdtempSync(join(root, 'node-'))): Promise<Node> {
  const port = await freePort();
  const conf = join(dir, 'bitcoin.conf');
  writeFileSync(conf, [...lines, `rpcport=${port}`, RPCAUTH, ''].join('\n'));
  const proc = spawn(join(bin, 'bitcoind'), [`-conf=${conf}`, `-datadir=${dir}`, '-printtoconsole=0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  running.push(proc);
  let output = '';
  proc.stdout!.on('data', (d) => (output += d));
  proc.stderr!.on('data', (d) => (output += d));
  const node = { dir, conf, port, proc, output: () => output };
  await until(async () => (await rpc(node, 'uptime')).status === 200, `RPC of the stand-in on port ${port}`);
  return node;
}

async function rpc(node: { port: number }, method: string, auth = `verify:${PASSWORD}`): Promise<{ status: number; body: any; headers: Headers }> {
  try {
    const res = await fetch(`http://127.0.0.1:${node.port}/`, {
      method: 'POST',
      headers: { Authorization: `Basic ${Buffer.from(auth).toString('base64')}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '1.0', id: 'test', method, params: [] }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
  } catch {
    return { status: 0, body: undefined, headers: new Headers() };
  }
}

async function until(check: () => Promise<boolean> | boolean, what: string, ms = 10000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const i2pNetwork = async (node: Node) => (await rpc(node, 'getnetworkinfo')).body.result.networks.find((n: { name: string }) => n.name === 'i2p');

describe('the bitcoind stand-in', () => {
  it('creates a persistent SAM session the way Bitcoin Core does, keeps its key, and shows its .b32.i2p address', async () => {
    const sam = await startFakeSam();
    sams.push(sam);
    const node = await startNode([`i2psam=127.0.0.1:${sam.port}`, 'i2pacceptincoming=1']);
    await until(async () => (await i2pNetwork(node)).reachable, 'i2p reachable');
    // Reachable is reported as soon as i2psam is set (as Bitcoin Core does), not once the session exists.
    await until(() => sam.sessions.size > 0, 'the SAM session');

    const [id] = [...sam.sessions.keys()];
    expect(sam.commands.slice(0, 3).map((c) => c.replace(/DESTINATION=\S+/, 'DESTINATION=<key>'))).toEqual([
      'HELLO VERSION MIN=3.1 MAX=3.1',
      'DEST GENERATE SIGNATURE_TYPE=7',
      `SESSION CREATE STYLE=STREAM ID=${id} DESTINATION=<key> i2cp.leaseSetEncType=4,0 inbound.quantity=3 outbound.quantity=3`,
    ]);
    expect(id).toMatch(/^[0-9a-f]{10}$/);
    await until(() => sam.commands.includes(`STREAM ACCEPT ID=${id} SILENT=false`), 'STREAM ACCEPT');

    const key = readFileSync(join(node.dir, 'i2p_private_key'));
    expect(statSync(join(node.dir, 'i2p_private_key')).mode & 0o777).toBe(0o600);
    const address = b32Of(key.subarray(0, 387 + key.readUInt16BE(385)));
    expect(sam.sessions.get(id)!.b32).toBe(address);

    const info = (await rpc(node, 'getnetworkinfo')).body;
    expect(info.error).toBeNull();
    expect(info.result.networks.map((n: { name: string }) => n.name)).toEqual(['ipv4', 'ipv6', 'onion', 'i2p', 'cjdns']);
    expect(info.result.networks[3]).toEqual({ name: 'i2p', limited: false, reachable: true, proxy: `127.0.0.1:${sam.port}`, proxy_randomize_credentials: false });
    expect(info.result.localaddresses).toEqual([{ address, port: 0, score: 4 }]);
    expect(info.result.subversion).toBe('/Satoshi:29.1.0(test-stand-in)/');

    // Restarted, it reuses the key on disk: same address, no DEST GENERATE.
    node.proc.kill('SIGTERM');
    await until(() => node.proc.exitCode !== null, 'the stand-in to stop');
    expect(node.proc.exitCode).toBe(0);
    sam.commands.length = 0;
    const again = await startNode([`i2psam=127.0.0.1:${sam.port}`, 'i2pacceptincoming=1'], node.dir);
    await until(async () => (await rpc(again, 'getnetworkinfo')).body.result.localaddresses.length === 1, 'the address after a restart');
    expect((await rpc(again, 'getnetworkinfo')).body.result.localaddresses[0].address).toBe(address);
    expect(sam.commands).not.toContain('DEST GENERATE SIGNATURE_TYPE=7');
  }, 30000);

  it('with i2pacceptincoming=0 uses a transient destination and publishes no address', async () => {
    const sam = await startFakeSam();
    sams.push(sam);
    const node = await startNode([`i2psam=127.0.0.1:${sam.port}`, 'i2pacceptincoming=0', 'onlynet=i2p']);
    await until(async () => (await i2pNetwork(node)).reachable, 'i2p reachable');
    const [id] = [...sam.sessions.keys()];
    expect(sam.commands).toEqual([
      'HELLO VERSION MIN=3.1 MAX=3.1',
      `SESSION CREATE STYLE=STREAM ID=${id} DESTINATION=TRANSIENT SIGNATURE_TYPE=7 i2cp.leaseSetEncType=4,0 inbound.quantity=1 outbound.quantity=1`,
    ]);
    const info = (await rpc(node, 'getnetworkinfo')).body.result;
    expect(info.localaddresses).toEqual([]);
    expect(info.networks.filter((n: { reachable: boolean }) => n.reachable).map((n: { name: string }) => n.name)).toEqual(['i2p']);
    expect(existsSync(join(node.dir, 'i2p_private_key'))).toBe(false);
  }, 20000);

  it('says i2p is reachable once i2psam is set, as Bitcoin Core does, but lists its .b32.i2p address only once a session is up', async () => {
    const port = await freePort();
    const node = await startNode([`i2psam=127.0.0.1:${port}`, 'i2pacceptincoming=1']);
    expect(await i2pNetwork(node)).toMatchObject({ name: 'i2p', reachable: true, limited: false });
    expect((await rpc(node, 'getnetworkinfo')).body.result.localaddresses).toEqual([]);
    sams.push(await startFakeSam(port));
    await until(async () => (await rpc(node, 'getnetworkinfo')).body.result.localaddresses.length === 1, '.b32.i2p local address after the bridge came up', 15000);
  }, 30000);

  it('accepts the rpcauth password and refuses a wrong one with 401 and Bitcoin Core\'s realm', async () => {
    const node = await startNode([]);
    const ok = await rpc(node, 'getblockchaininfo');
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ result: { chain: 'main', blocks: 0, headers: 0, initialblockdownload: true, pruned: false, warnings: [] }, error: null, id: 'test' });
    const refused = await rpc(node, 'getblockchaininfo', 'verify:wrong');
    expect([refused.status, refused.headers.get('www-authenticate')]).toEqual([401, 'Basic realm="jsonrpc"']);
    expect((await rpc(node, 'getblockchaininfo', `someone:${PASSWORD}`)).status).toBe(401);
    expect((await rpc(node, 'nosuchmethod')).body).toEqual({ result: null, error: { code: -32601, message: 'Method not found' }, id: 'test' });
  }, 20000);

  it('connects two nodes over I2P with addnode=X.b32.i2p:0, and getpeerinfo lists the peer on both sides', async () => {
    const sam = await startFakeSam();
    sams.push(sam);
    const b = await startNode([`i2psam=127.0.0.1:${sam.port}`]);
    await until(async () => (await rpc(b, 'getnetworkinfo')).body.result.localaddresses.length === 1, 'node B\'s address');
    const bAddress = (await rpc(b, 'getnetworkinfo')).body.result.localaddresses[0].address;
    const a = await startNode([`i2psam=127.0.0.1:${sam.port}`, 'i2pacceptincoming=0', `addnode=${bAddress}:0`]);
    await until(async () => (await rpc(b, 'getpeerinfo')).body.result.length === 1 && (await rpc(a, 'getpeerinfo')).body.result.length === 1, 'a peer on both sides', 15000);
    const [out] = (await rpc(a, 'getpeerinfo')).body.result;
    const [inbound] = (await rpc(b, 'getpeerinfo')).body.result;
    expect(out).toMatchObject({ addr: `${bAddress}:0`, network: 'i2p', inbound: false, connection_type: 'manual', subver: '/Satoshi:29.1.0(test-stand-in)/' });
    expect(inbound).toMatchObject({ network: 'i2p', inbound: true, connection_type: 'inbound', subver: '/Satoshi:29.1.0(test-stand-in)/' });
    expect(inbound.addr).toMatch(/^[a-z2-7]{52}\.b32\.i2p:0$/);
    expect((await rpc(b, 'getnetworkinfo')).body.result).toMatchObject({ connections: 1, connections_in: 1, connections_out: 0 });
  }, 40000);

  it('refuses to start with onlynet=i2p and no i2psam, with Bitcoin Core\'s message', () => {
    const dir = mkdtempSync(join(root, 'bad-'));
    writeFileSync(join(dir, 'bitcoin.conf'), 'onlynet=i2p\n');
    let out = '';
    try {
      execFileSync(join(bin, 'bitcoind'), [`-datadir=${dir}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      out = `${(e as { status: number }).status} ${(e as { stderr: string }).stderr}`;
    }
    expect(out).toBe('1 Error: Outbound connections restricted to i2p (-onlynet=i2p) but -i2psam is not provided\n');
  });

  it('as a daemon with -daemonwait returns once ready; its bitcoin-cli reads the cookie, and stop cleans up', async () => {
    const dir = mkdtempSync(join(root, 'daemon-'));
    const port = await freePort();
    writeFileSync(join(dir, 'bitcoin.conf'), `chain=regtest\n[regtest]\nrpcport=${port}\n`);
    const args = [`-conf=${join(dir, 'bitcoin.conf')}`, `-datadir=${dir}`];
    execFileSync(join(bin, 'bitcoind'), [...args, '-daemonwait', `-pid=${join(dir, 'd.pid')}`]);
    const pid = Number(readFileSync(join(dir, 'd.pid'), 'utf8'));
    expect(existsSync(join(dir, 'regtest', '.cookie'))).toBe(true);
    const cli = (...a: string[]) => execFileSync(join(bin, 'bitcoin-cli'), [...args, ...a], { encoding: 'utf8' });
    const failing = (...a: string[]) => {
      try {
        return `0 ${execFileSync(join(bin, 'bitcoin-cli'), [...args, ...a], { encoding: 'utf8', stdio: 'pipe' })}`;
      } catch (e) {
        return `${(e as { status: number }).status} ${(e as { stderr: string }).stderr}`;
      }
    };
    expect(JSON.parse(cli('getblockchaininfo')).chain).toBe('regtest');
    expect(failing('getblock', '"00"')).toBe('1 error code: -32601\nerror message:\nMethod not found\n');
    expect(failing('-rpcuser=x', '-rpcpassword=y', 'uptime')).toBe('1 error: Authorization failed: Incorrect rpcuser or rpcpassword\n');
    expect(cli('stop')).toBe('Bitcoin Core stopping\n');
    await until(() => { try { process.kill(pid, 0); return false; } catch { return true; } }, 'the daemon to exit');
    expect(failing('uptime')).toMatch(/^1 error: timeout on transient error: Could not connect to the server 127\.0\.0\.1:\d+\n/);
    expect([existsSync(join(dir, 'd.pid')), existsSync(join(dir, 'regtest', '.cookie'))]).toEqual([false, false]);
    expect(readFileSync(join(dir, 'regtest', 'debug.log'), 'utf8').split('\n')[0]).toMatch(/TEST STAND-IN for Bitcoin Core version v29\.1\.0 \(not Bitcoin Core/);
  }, 20000);
});

describe('the stand-in release tarball', () => {
  it('is laid out like Bitcoin Core\'s, reproducible, with its sha256 in SHA256SUMS', () => {
    const out = mkdtempSync(join(root, 'dist-'));
    const built = makeStandinTarball(out, '29.1');
    expect(built.name).toBe('bitcoin-29.1-x86_64-linux-gnu.tar.gz');
    expect(createHash('sha256').update(readFileSync(built.file)).digest('hex')).toBe(built.sha256);
    expect(readFileSync(built.sha256sums, 'utf8')).toBe(`${built.sha256}  bitcoin-29.1-x86_64-linux-gnu.tar.gz\n`);
    expect(makeStandinTarball(mkdtempSync(join(root, 'dist-')), '29.1').sha256).toBe(built.sha256);
    const listing = execFileSync('tar', ['-tvzf', built.file], { encoding: 'utf8' }).trim().split('\n').map((l) => { const f = l.split(/\s+/); return `${f[0]} ${f[1]} ${f[5]}`; });
    expect(listing).toEqual([
      'drwxr-xr-x 0/0 bitcoin-29.1/',
      '-rw-r--r-- 0/0 bitcoin-29.1/README.STANDIN',
      'drwxr-xr-x 0/0 bitcoin-29.1/bin/',
      '-rwxr-xr-x 0/0 bitcoin-29.1/bin/bitcoin-cli',
      '-rwxr-xr-x 0/0 bitcoin-29.1/bin/bitcoind',
    ]);
    execFileSync('tar', ['-xzf', built.file, '-C', out]);
    expect(execFileSync(join(out, 'bitcoin-29.1', 'bin', 'bitcoind'), ['-version'], { encoding: 'utf8' })).toBe('Bitcoin Core version v29.1.0 (TEST STAND-IN, not Bitcoin Core)\n');
    expect(execFileSync(join(out, 'bitcoin-29.1', 'bin', 'bitcoin-cli'), ['-version'], { encoding: 'utf8' })).toBe('Bitcoin Core RPC client version v29.1.0 (TEST STAND-IN, not Bitcoin Core)\n');
  });
});
