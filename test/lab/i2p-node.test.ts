// playbooks/i2p-node.yml on the shared lab's systemd hosts, with Bitcoin Core's release tarball served from the lab
// bridge (its bitcoind is the labelled test stand-in, test/standin/). Everything is checked from outside the
// provisioner with lab exec.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { labExec, labStatus } from '../../src/lab/index.js';
import { makeStandinTarball } from '../standin/make-tarball.js';
import { describeLab, sharedLab } from './shared-lab.js';

const run = promisify(execFile);
const CLI = resolve('dist/cli/main.js');
const NODE = resolve('playbooks/i2p-node.yml');
const VERIFY = resolve('playbooks/verify.yml');
const VERSION = '29.1';

let dir: string;
let server: Server;
let inventory: string;
let sha256: string;
let hosts: string[];
let labName: string;

async function provision(playbook: string, ...args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run('node', [CLI, 'run', playbook, '-i', inventory, ...args], { maxBuffer: 20 << 20 });
    return { code: 0, out: stdout + stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, out: err.stdout + err.stderr };
  }
}
const sh = async (host: string, script: string) => labExec(labName, host, ['sh', '-c', script], { timeoutMs: 60_000 });
const out = async (host: string, script: string) => (await sh(host, script)).stdout.trim();

function writeInventory(extraVars: Record<string, string> = {}, hostVars: Record<string, string> = {}): void {
  const lab = sharedLab();
  const lines = [
    'all:',
    '  children:',
    '    nodes:',
    '      hosts:',
    ...lab.hosts.flatMap((h) => [`        ${h.name}:`, `          address: ${h.address}`, ...(hostVars[h.name] ? [`          ${hostVars[h.name]}`] : [])]),
    '  vars:',
    '    user: root',
    `    private_key_file: ${lab.keyFile}`,
    `    known_hosts_file: ${lab.knownHostsFile}`,
    ...Object.entries({
      bitcoin_version: `"${VERSION}"`,
      bitcoin_sha256: sha256,
      bitcoin_rpc_password_file: `${join(dir, 'rpc')}/{{ inventory_hostname }}.password`,
      ...extraVars,
    })
      .map(([k, v]) => `    ${k}: ${v}`),
  ];
  writeFileSync(inventory, lines.join('\n') + '\n');
}

describeLab('playbooks/i2p-node.yml on lab hosts', () => {
  let base: string;
  beforeAll(async () => {
    const lab = sharedLab();
    labName = lab.name;
    hosts = lab.hosts.map((h) => h.name);
    dir = mkdtempSync(join(tmpdir(), 'provision-i2p-node-'));
    inventory = join(dir, 'inventory.yml');
    const tarball = makeStandinTarball(dir, VERSION);
    sha256 = tarball.sha256;
    const gateway = (await labStatus(lab.name))[0].gateway;
    // Serves the release the way bitcoincore.org lays it out: /bin/bitcoin-core-VERSION/NAME (any version: the
    // checksum test asks for one the hosts do not have yet).
    server = createServer((req, res) => {
      if (/^\/bin\/bitcoin-core-([\d.]+)\/bitcoin-\1-x86_64-linux-gnu\.tar\.gz$/.test(req.url ?? '')) res.end(readFileSync(tarball.file));
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, gateway, r));
    base = `http://${gateway}:${(server.address() as AddressInfo).port}/bin`;
    writeInventory({ bitcoin_download_base: base });
  }, 60_000);
  afterAll(async () => {
    await new Promise((r) => server?.close(r));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('converges every host, and a second run changes nothing', async () => {
    const first = await provision(NODE);
    expect(first.out).toContain('PLAY RECAP');
    expect(first.code).toBe(0);
    const second = await provision(NODE);
    expect(second.code).toBe(0);
    expect(second.out).toContain(`No changes: ${hosts.length} hosts already in the desired state.`);
  }, 600_000);

  it('leaves each host as specified, seen from outside the provisioner', async () => {
    for (const h of hosts) {
      expect(await out(h, 'systemctl is-active i2pd bitcoind')).toBe('active\nactive');
      expect(await out(h, "ss -ltnH | awk '{print $4}' | grep -cE '^127.0.0.1:(7656|7070)$'")).toBe('2');
      expect(await out(h, "printf 'HELLO VERSION MIN=3.0 MAX=3.3\\n' | nc -N -w 5 127.0.0.1 7656")).toMatch(/^HELLO REPLY RESULT=OK VERSION=3\.\d$/);
      expect(await out(h, 'stat -c "%a %U %G" /etc/i2pd/i2pd.conf /etc/bitcoin /etc/bitcoin/bitcoin.conf /var/lib/bitcoind')).toBe(
        '644 root root\n750 root bitcoin\n640 root bitcoin\n710 bitcoin bitcoin',
      );
      const conf = await out(h, 'cat /etc/bitcoin/bitcoin.conf');
      expect(conf).toMatch(/^i2psam=127\.0\.0\.1:7656$/m);
      expect(conf).toMatch(/^i2pacceptincoming=1$/m);
      expect(conf).toMatch(/^rpcauth=provision:[0-9a-f]{32}\$[0-9a-f]{64}$/m);
      expect(conf).not.toMatch(/rpcpassword/);
      // The RPC password lives only on the control machine: nowhere on the host's disk.
      const password = readFileSync(join(dir, 'rpc', `${h}.password`), 'utf8').trim();
      expect((await sh(h, `grep -rlsF -- '${password}' /etc /var /opt /root /tmp /usr/local; echo "rc=$?"`)).stdout.trim()).toBe('rc=1');
      const ufw = await out(h, 'ufw status verbose | tr -s " "');
      expect(ufw).toContain('Status: active');
      expect(ufw).toContain('Default: deny (incoming), allow (outgoing), disabled (routed)');
      expect(ufw).toContain('22/tcp ALLOW IN Anywhere # SSH');
      expect(ufw).toContain('9000:31000/tcp ALLOW OUT Anywhere # I2P outbound');
      expect(ufw).toContain('9000:31000/udp ALLOW OUT Anywhere # I2P outbound');
    }
    // SSH still open after ufw: a fresh connection through the provisioner works.
    expect((await provision(VERIFY, '--limit', hosts[0])).code).toBe(0);
  }, 300_000);

  it('i2pd really starts with the rendered i2pd.conf (it exits on an unknown key)', async () => {
    const h = hosts[0];
    await sh(h, 'systemctl restart i2pd && sleep 2');
    expect(await out(h, 'systemctl is-active i2pd')).toBe('active');
    expect(await out(h, 'ps -o args= -C i2pd')).toContain('--conf=/etc/i2pd/i2pd.conf');
  }, 120_000);

  it('reports drift with --check --diff on exactly that host and file, then repairs it and restarts i2pd', async () => {
    const h = hosts[1];
    await sh(h, "sed -i 's/^bandwidth = .*/bandwidth = X/; $a # edited by hand' /etc/i2pd/i2pd.conf");
    const before = await out(h, 'systemctl show -p MainPID --value i2pd');
    const check = await provision(NODE, '--check', '--diff');
    expect(check.out.match(/^changed: \[[^\]]+\]/gm)).toEqual([`changed: [${h}]`, `changed: [${h}]`]); // the file, the handler
    expect(check.out).toContain('+++ /etc/i2pd/i2pd.conf (after)');
    expect(check.out).toContain('-# edited by hand');
    expect(await out(h, 'tail -1 /etc/i2pd/i2pd.conf')).toBe('# edited by hand');
    const fix = await provision(NODE);
    expect(fix.code).toBe(0);
    expect(fix.out).toMatch(new RegExp(`RUNNING HANDLER \\[restart i2pd\\]\\nchanged: \\[${h}\\]`));
    expect(await out(h, 'tail -1 /etc/i2pd/i2pd.conf')).not.toBe('# edited by hand');
    expect(await out(h, 'systemctl show -p MainPID --value i2pd')).not.toBe(before);
  }, 600_000);

  it.each([
    ['i2pd stopped', 'systemctl stop i2pd', 'i2pd is not running'],
    ['SAM disabled', "sed -i '/^\\[sam\\]/,/^\\[/ s/^enabled = true/enabled = false/' /etc/i2pd/i2pd.conf && systemctl restart i2pd", 'the SAM bridge does not answer HELLO'],
    ['ufw disabled', 'ufw disable', 'ufw is not active'],
    ['the outbound rule removed', 'ufw delete allow out 9000:31000/udp', 'ufw lacks a rule'],
    ['i2psam missing from bitcoin.conf', "sed -i '/^i2psam=/d' /etc/bitcoin/bitcoin.conf", 'has no i2psam=127.0.0.1:7656'],
  ])('verify.yml fails a node with %s and names the cause; a healthy node passes', async (_what, breakIt, cause) => {
    const [broken, healthy] = [hosts[2], hosts[0]];
    await sh(broken, breakIt);
    try {
      const verify = await provision(VERIFY, '--limit', `${broken},${healthy}`);
      expect(verify.code).toBe(2);
      expect(verify.out).toMatch(new RegExp(`failed: \\[${broken}\\] .*${cause.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
      expect(verify.out).toMatch(new RegExp(`^${healthy} +: .* failed=0 `, 'm'));
    } finally {
      // The playbook repairs whatever was broken (and must: the next case starts from a healthy node).
      expect((await provision(NODE, '--limit', broken)).code).toBe(0);
    }
  }, 600_000);

  it('repairs with ONE converge a node whose bitcoind crash-looped into its start limit; verify then passes', async () => {
    const h = hosts[2];
    // bitcoind refuses to start (onlynet=i2p without i2psam): Restart=on-failure spins until systemd's start limit.
    await sh(
      h,
      `sed -i 's/^i2psam=/#i2psam=/' /etc/bitcoin/bitcoin.conf && echo onlynet=i2p >> /etc/bitcoin/bitcoin.conf; systemctl restart bitcoind
for i in $(seq 150); do [ "$(systemctl is-active bitcoind)" = failed ] && break; sleep 0.2; done`,
    );
    expect(await out(h, 'systemctl is-active bitcoind; systemctl start bitcoind >/dev/null 2>&1; echo "plain start: $?"')).toBe('failed\nplain start: 1');
    const fix = await provision(NODE, '--limit', h);
    expect(fix.code).toBe(0);
    expect(fix.out).toMatch(new RegExp(`changed: \\[${h}\\] bitcoind \\(systemd\\): .*started \\(after systemctl reset-failed: it had failed`));
    const verify = await provision(VERIFY, '--limit', h);
    expect(verify.code).toBe(0);
  }, 600_000);

  it('stops the install on a wrong checksum, leaving nothing in place', async () => {
    const h = hosts[0];
    writeInventory({ bitcoin_download_base: base, bitcoin_sha256: `"${'f'.repeat(64)}"`, bitcoin_version: '"29.0"' });
    try {
      const r = await provision(NODE, '--limit', h, '--tags', 'bitcoin');
      expect(r.code).toBe(2);
      expect(r.out).toMatch(/TASK \[Download the release tarball\]\nfailed: \[[^\]]+\] [^\n]*\n\s+checksum mismatch for http:\S+: expected sha256:f{64}, got sha256:[0-9a-f]{64} \(the download was deleted;/);
      // No tarball, no temp file, nothing unpacked for the refused version; the installed one still in place.
      expect(await out(h, 'ls -A /var/cache /opt | grep -c "29\\.0"')).toBe('0');
      expect(await out(h, 'readlink /usr/local/bin/bitcoind')).toBe(`/opt/bitcoin-${VERSION}/bin/bitcoind`);
    } finally {
      writeInventory({ bitcoin_download_base: base });
    }
  }, 300_000);

  it('with strict egress blocks a port outside the I2P range, passes one inside it, and keeps SSH', async () => {
    const h = hosts[2];
    const gw = (await labStatus(labName))[0].gateway;
    // Real listeners on the gateway, so "blocked" cannot be confused with "refused": one port the OS picks (above
    // 31000), one inside 9000-31000.
    const listen = (port: number) =>
      new Promise<Server | undefined>((r) => {
        const s = createNetServer((c) => c.end()).once('error', () => r(undefined));
        s.listen(port, gw, () => r(s as unknown as Server));
      });
    const outside = (await listen(0))!;
    let inside: Server | undefined;
    for (let p = 9500; !inside && p < 9600; p++) inside = await listen(p);
    const portOf = (s: Server) => (s.address() as AddressInfo).port;
    writeInventory({ bitcoin_download_base: base, ufw_strict_egress: 'true' });
    try {
      expect((await provision(NODE, '--limit', h)).code).toBe(0);
      expect(await out(h, 'ufw status verbose | tr -s " " | grep "^Default"')).toBe('Default: deny (incoming), deny (outgoing), disabled (routed)');
      expect((await sh(h, `nc -z -w 3 ${gw} ${portOf(outside)}; echo rc=$?`)).stdout).toContain('rc=1');
      expect((await sh(h, `nc -z -w 3 ${gw} ${portOf(inside!)}; echo rc=$?`)).stdout).toContain('rc=0');
      expect((await provision(VERIFY, '--limit', h)).code).toBe(0);
    } finally {
      outside.close();
      inside?.close();
      writeInventory({ bitcoin_download_base: base });
      await provision(NODE, '--limit', h);
    }
  }, 300_000);
});
