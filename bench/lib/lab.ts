// Lab hosts for the benchmark (src/lab), the stand-in Bitcoin Core tarball served on the lab's gateway as the lab
// test does, and one inventory per tool describing the same hosts with the same variables.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { DEFAULT_PACKAGES } from '../../src/lab/config.js';
import { labDown, labExec, labStatus, labUp, type LabInfo, type LabMode } from '../../src/lab/index.js';
import { closeMasters } from './ansible.js';
import { loadCollectionsWithLab } from '../../src/cli/collections.js';

// Every lab's repository holds what the bundled collections' playbooks install (i2pd): their lab extensions say so.
await loadCollectionsWithLab();

/** The benchmark's lab: never the name of anyone else's lab. */
export const LAB_NAME = 'bench';

/** Ansible's apt module installs python3-apt on the hosts first: the offline repository must hold it (LAB.md). */
export const PACKAGES = ['i2pd', ...DEFAULT_PACKAGES, 'python3-apt', 'python-apt-common', 'distro-info-data'];

/** The stand-in release, as makeStandinTarball built it. */
export interface Tarball {
  file: string;
  sha256: string;
  version: string;
}

/** A lab that is up, with its tarball server and both inventories. */
export interface BenchLab {
  info: LabInfo;
  server: Server;
  oursInventory: string;
  ansibleInventory: string;
  /** Ansible's ControlPersist sockets for this lab's hosts. */
  controlDir: string;
}

/** Brings up `hosts` lab hosts and writes both inventories into `dir` (RPC password files shared across labs). */
export async function upLab(hosts: number, mode: LabMode, dir: string, tarball: Tarball, log: (s: string) => void): Promise<BenchLab> {
  const here = mkdtempSync(join(dir, `lab-${mode}-${hosts}-`));
  const info = await labUp({ name: LAB_NAME, hosts, mode, packages: PACKAGES, inventory: join(here, 'lab.yml'), log });
  const gateway = (await labStatus(LAB_NAME))[0].gateway;
  // Served like bitcoincore.org lays releases out: /bin/bitcoin-core-VERSION/NAME.
  const server = createServer((req, res) => {
    if (req.url === `/bin/bitcoin-core-${tarball.version}/bitcoin-${tarball.version}-x86_64-linux-gnu.tar.gz`) res.end(readFileSync(tarball.file));
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, gateway, r));
  const vars = {
    bitcoin_version: `"${tarball.version}"`,
    bitcoin_sha256: tarball.sha256,
    bitcoin_download_base: `http://${gateway}:${(server.address() as AddressInfo).port}/bin`,
    bitcoin_rpc_password_file: `"${join(dir, 'rpc')}/{{ inventory_hostname }}.password"`,
  };
  mkdirSync(join(dir, 'rpc'), { recursive: true, mode: 0o700 });
  const yaml = (hostLine: (h: { name: string; address: string }) => string, connection: string[]) =>
    ['all:', '  children:', '    nodes:', '      hosts:', ...info.hosts.map((h) => `        ${h.name}: { ${hostLine(h)} }`), '  vars:', ...connection.map((l) => `    ${l}`), ...Object.entries(vars).map(([k, v]) => `    ${k}: ${v}`)].join('\n') + '\n';
  const oursInventory = join(here, 'provision.yml');
  writeFileSync(oursInventory, yaml((h) => `address: ${h.address}`, ['user: root', `private_key_file: ${info.keyFile}`, `known_hosts_file: ${info.knownHostsFile}`]));
  const ansibleInventory = join(here, 'ansible.yml');
  writeFileSync(
    ansibleInventory,
    yaml((h) => `ansible_host: ${h.address}`, [
      'ansible_user: root',
      `ansible_ssh_private_key_file: ${info.keyFile}`,
      `ansible_ssh_common_args: "-o UserKnownHostsFile=${info.knownHostsFile} -o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes"`,
    ]),
  );
  return { info, server, oursInventory, ansibleInventory, controlDir: join(here, 'cp') };
}

/** Takes the lab down with everything the benchmark started for it. */
export async function downLab(lab: BenchLab): Promise<void> {
  await closeMasters(lab.controlDir);
  await new Promise((r) => lab.server.close(r));
  await labDown(LAB_NAME);
}

/** sha256 of files on a lab host (to prove both tools wrote the same bytes). */
export async function sha256On(host: string, files: string[]): Promise<string> {
  const r = await labExec(LAB_NAME, host, ['sha256sum', ...files]);
  return r.stdout.trim();
}
