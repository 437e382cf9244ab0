// Bringing up the lab's private I2P network (`lab up --i2p`): IPv6 addresses from 3fff:78::/48 on every host, i2pd
// floodfill routers on the lab's floodfill hosts bootstrapped from each other's router infos, and a reseed zip of
// those router infos in every node host, where the i2p-node playbook's i2pd (configured by the inventory) finds it.
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ProvisionError, checkAborted, execInHost, hostRootDir, must, type HostState, type LabSetupContext, type LabState } from 'provision/lab';
import { I2P_NETID, RESEED_ZIP_PATH, floodfillConf, i2pIpv6, i2pRouterAddress, type I2pRouterAddress } from './network.js';
import { netDbPath, routerInfoHash, zipStored } from './routerinfo.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Installs i2pd without starting it (policy-rc.d says no): its first start must already use the lab's config. No
// client tunnels (Debian's tunnels.conf has an IRC one): a floodfill serves the network and builds nothing of its own.
const INSTALL = `set -e
printf '#!/bin/sh\\nexit 101\\n' > /usr/sbin/policy-rc.d
chmod 755 /usr/sbin/policy-rc.d
trap 'rm -f /usr/sbin/policy-rc.d' EXIT
apt-get update -q >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends i2pd >/dev/null
: > /etc/i2pd/tunnels.conf
cat > /etc/i2pd/i2pd.conf
`;

/** Gives a host its IPv6 address on eth0 (`nodad`: usable at once, no duplicate detection delay). */
export async function addIpv6(h: HostState): Promise<void> {
  await must(['ip', '-n', h.netns, 'addr', 'add', `${h.ipv6}/64`, 'dev', 'eth0', 'nodad'], `adding ${h.ipv6} to ${h.name}`);
}

/** Sets up the I2P network of an --i2p lab whose hosts are all up (the lab extension's setup step); throws a
 * ProvisionError naming what failed. */
export async function setupI2p({ lab: state, hosts: nodes, serviceHosts: floodfills, log, signal }: LabSetupContext): Promise<void> {
  const started = Date.now();
  for (const h of [...nodes, ...floodfills]) {
    h.ipv6 = i2pIpv6(state.slot, h.index);
    await addIpv6(h);
  }
  log(`private I2P network (netid ${I2P_NETID}): installing i2pd on ${floodfills.length} floodfill router(s)`);
  await Promise.all(floodfills.map((h) => installFloodfill(state, h)));
  checkAborted(signal);
  // First start: each router creates its identity and writes a router.info with both of its addresses.
  const infos = await Promise.all(floodfills.map((h) => firstStart(state, h)));
  checkAborted(signal);
  const files = infos.map((data) => ({ name: `routerInfo-${routerInfoHash(data)}.dat`, hash: routerInfoHash(data), data }));
  // Every floodfill knows every other one from its netDb at its second start (LAB.md's bootstrap (a)).
  for (const [i, h] of floodfills.entries()) {
    const owner = await i2pdOwner(h);
    for (const [j, f] of files.entries()) if (i !== j) await writeOwned(join(hostRootDir(h.dir), 'var/lib/i2pd/netDb', netDbPath(f.hash)), f.data, owner);
  }
  await Promise.all(floodfills.map((h) => service(state, h, 'start')));
  // The nodes reseed from a zip of the floodfills' router infos (LAB.md's bootstrap (b)): the playbook's i2pd reads it.
  const zip = zipStored(files.map((f) => ({ name: f.name, data: f.data })));
  for (const h of nodes) await writeOwned(join(hostRootDir(h.dir), RESEED_ZIP_PATH.slice(1)), zip);
  await Promise.all(floodfills.map((h) => assertRunning(state, h)));
  log(`private I2P network: ${floodfills.length} floodfill router(s) up in ${((Date.now() - started) / 1000).toFixed(1)} s; reseed zip in every node at ${RESEED_ZIP_PATH}`);
}

/** The router address of a lab host (its 10.x address, its IPv6 address, its port). */
export function routerOf(state: LabState, h: HostState): I2pRouterAddress {
  return i2pRouterAddress(state.slot, h.index);
}

async function installFloodfill(state: LabState, h: HostState): Promise<void> {
  const r = await execInHost(state.name, h, ['sh', '-c', INSTALL], { input: floodfillConf(state.name, routerOf(state, h)), timeoutMs: 180_000 });
  if (r.code !== 0) throw failed(h, `installing i2pd from the lab repository failed (exit ${r.code})`, r.stderr);
}

async function firstStart(state: LabState, h: HostState): Promise<Buffer> {
  const r = routerOf(state, h);
  await service(state, h, 'start');
  const file = join(hostRootDir(h.dir), 'var/lib/i2pd/router.info');
  const want = [r.address, r.ipv6].map((a) => Buffer.from(a, 'latin1'));
  const deadline = Date.now() + 30_000;
  let info: Buffer | undefined;
  while (Date.now() < deadline) {
    info = existsSync(file) ? await readFile(file).catch(() => undefined) : undefined;
    if (info && want.every((w) => info!.includes(w))) break;
    await sleep(250);
  }
  await service(state, h, 'stop');
  // Read again after the stop: the last one i2pd wrote is the one it will publish at its next start.
  info = await readFile(file).catch(() => undefined);
  if (!info || !want.every((w) => info!.includes(w))) {
    throw failed(h, `i2pd did not write a router.info publishing ${r.address} and ${r.ipv6} within 30 s`, await logTail(state, h));
  }
  return info;
}

async function service(state: LabState, h: HostState, action: 'start' | 'stop'): Promise<void> {
  const argv = state.mode === 'systemd' ? ['systemctl', action, 'i2pd'] : ['service', 'i2pd', action];
  const r = await execInHost(state.name, h, argv, { timeoutMs: 60_000 });
  if (r.code !== 0) throw failed(h, `${argv.join(' ')} failed (exit ${r.code})`, `${r.stderr}\n${await logTail(state, h)}`);
}

// i2pd exits at once on a bad config; a router that is still there a moment after its start has taken it.
async function assertRunning(state: LabState, h: HostState): Promise<void> {
  await sleep(1000);
  const r = await execInHost(state.name, h, ['pgrep', '-x', 'i2pd']);
  if (r.code !== 0) throw failed(h, 'i2pd exited after its start', await logTail(state, h));
}

async function logTail(state: LabState, h: HostState): Promise<string> {
  const r = await execInHost(state.name, h, ['tail', '-n', '5', '/var/log/i2pd/i2pd.log']);
  return r.stdout.trim();
}

// The uid and gid of the host's i2pd user (from the host's own passwd), so i2pd can rewrite the files it owns.
async function i2pdOwner(h: HostState): Promise<{ uid: number; gid: number }> {
  const passwd = await readFile(join(hostRootDir(h.dir), 'etc/passwd'), 'utf8');
  const f = passwd.split('\n').find((l) => l.startsWith('i2pd:'))?.split(':');
  if (!f) throw failed(h, 'the i2pd package created no i2pd user', '');
  return { uid: Number(f[2]), gid: Number(f[3]) };
}

async function writeOwned(file: string, data: Buffer, owner?: { uid: number; gid: number }): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o755 });
  await writeFile(file, data, { mode: 0o644 });
  await chmod(file, 0o644);
  if (owner) await chown(file, owner.uid, owner.gid);
}

function failed(h: HostState, what: string, detail: string): ProvisionError {
  const got = detail.trim().split('\n').slice(-5).join(' | ');
  return new ProvisionError({ what: `lab: I2P floodfill ${h.name}: ${what}`, ...(got ? { got } : {}), fix: `look inside: provision lab exec ${h.name} -- tail -n 50 /var/log/i2pd/i2pd.log`, code: 'lab-i2p' });
}
