// `lab down` leaves nothing behind, a failed or interrupted `up` removes what it started, and `up` refuses clearly.
// These tests bring up their own small labs (chroot mode, other names) so the shared lab is never touched.
import { afterAll, expect, it } from '@jest/globals';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labDown, labStatus, labUp, type LabInfo } from '../../src/lab/index.js';
import { labCgroups } from '../../src/lab/cgroups.js';
import { must, run } from '../../src/lab/run.js';
import { readState, type LabState } from '../../src/lab/state.js';
import { describeLab, sharedLab } from './shared-lab.js';
import { loadCollectionsWithLab } from '../../src/cli/collections.js';

// Every lab's repository holds what the bundled collections' playbooks install (i2pd): their lab extensions say so.
await loadCollectionsWithLab();

const LAB = 'labdowntest';

// Every trace a lab can leave on the machine, found independently of the lab's own code.
interface Traceable {
  dir: string;
  bridge: string;
  inventoryFile?: string;
  hosts: { name: string; netns: string; veth: string; cgroups: string[] }[];
}

async function traces(state: Traceable): Promise<string[]> {
  const found: string[] = [];
  const netns = (await run(['ip', 'netns', 'list'])).stdout;
  for (const h of state.hosts) if (netns.split('\n').some((l) => l.split(' ')[0] === h.netns)) found.push(`netns ${h.netns}`);
  const links = (await run(['ip', '-o', 'link', 'show'])).stdout;
  for (const name of [state.bridge, ...state.hosts.map((h) => h.veth)]) if (links.includes(` ${name}:`) || links.includes(` ${name}@`)) found.push(`link ${name}`);
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) if (line.includes(state.dir)) found.push(`mount ${line.split(' ')[4]}`);
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (cmd.includes(state.dir) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z')) found.push(`process ${pid}: ${cmd}`);
    } catch {
      /* exited */
    }
  }
  for (const h of state.hosts) for (const cg of h.cgroups) if (existsSync(cg)) found.push(`cgroup ${cg}`);
  for (const h of state.hosts) if (existsSync(`/run/systemd/nspawn/propagate/${h.name}`)) found.push(`nspawn dir of ${h.name}`);
  if (existsSync(state.dir)) found.push(`state dir ${state.dir}`);
  if (state.inventoryFile && existsSync(state.inventoryFile)) found.push(`inventory ${state.inventoryFile}`);
  return found;
}

describeLab('lab down', () => {
  afterAll(async () => {
    await labDown(LAB);
  }, 60_000);

  it('removes every process, mount, namespace, link, cgroup and file of a lab; a second down is harmless', async () => {
    const inventory = join(tmpdir(), `${LAB}-${process.pid}.yml`);
    const info: LabInfo = await labUp({ name: LAB, hosts: 1, mode: 'chroot', inventory });
    expect(info.hosts).toEqual([{ name: `${LAB}1`, address: expect.stringMatching(/^10\.77\.\d+\.11$/) }]);
    const state = (await readState(LAB))!;
    expect((await traces(state)).length).toBeGreaterThan(5);
    const [status] = await labStatus(LAB);
    expect(status.hosts[0].up).toBe(true);

    expect(await labDown(LAB)).toBe(true);
    expect(await traces(state)).toEqual([]);
    expect(await labDown(LAB)).toBe(false);
  }, 180_000);

  it('removes what an interrupted up had started', async () => {
    const abort = new AbortController();
    const inventory = join(tmpdir(), `${LAB}-${process.pid}.yml`);
    let state: LabState | undefined;
    const up = labUp({
      name: LAB, hosts: 2, mode: 'chroot', inventory, signal: abort.signal,
      log: (line) => {
        if (line.startsWith('starting')) void readState(LAB).then((s) => ((state = s), abort.abort()));
      },
    });
    await expect(up).rejects.toThrow('lab: interrupted; removed what it had started');
    expect(state?.name).toBe(LAB);
    // The hosts it may have got to, named as the lab names them.
    const hosts = [1, 2].map((i) => ({
      name: `${LAB}${i}`, netns: `provlab-${LAB}${i}`, veth: `provv${state!.slot}h${i}`, cgroups: labCgroups(LAB).map((d) => join(d, `${LAB}${i}`)),
    }));
    expect(await traces({ ...state!, hosts })).toEqual([]);
    expect(labCgroups(LAB).filter((d) => existsSync(d))).toEqual([]);
  }, 180_000);

  it('refuses a second lab under a name that is already up', async () => {
    await expect(labUp({ name: sharedLab().name, hosts: 1, inventory: join(tmpdir(), `${LAB}.yml`) })).rejects.toThrow(`lab: a lab named "${sharedLab().name}" is already up`);
  });

  it('refuses an address range that something else on the machine uses, and leaves nothing behind', async () => {
    const taken = new Set((await labStatus()).map((l) => Number(l.gateway.split('.')[2])));
    let slot = 0;
    while (taken.has(slot)) slot++;
    const dummy = `provtest${slot}`;
    // A bridge stands in for any other user of the range (the kernel may have no dummy links).
    await must(['ip', 'link', 'add', dummy, 'type', 'bridge'], 'test setup');
    await must(['ip', 'addr', 'add', `10.77.${slot}.200/24`, 'dev', dummy], 'test setup');
    try {
      await expect(labUp({ name: LAB, hosts: 1, mode: 'chroot', inventory: join(tmpdir(), `${LAB}.yml`) })).rejects.toThrow(
        `lab: address range 10.77.${slot}.0/24 is already in use on this machine\n  got: ${dummy} has 10.77.${slot}.200/24`,
      );
      expect(await readState(LAB)).toBeUndefined();
    } finally {
      await run(['ip', 'link', 'del', dummy]);
    }
  });

  it('refuses a package Debian does not have, before starting anything', async () => {
    await expect(labUp({ name: LAB, hosts: 1, mode: 'chroot', inventory: join(tmpdir(), `${LAB}.yml`), packages: ['no-such-package-provision-lab'] })).rejects.toThrow(
      'lab: package no-such-package-provision-lab does not exist in Debian bookworm',
    );
    expect(await readState(LAB)).toBeUndefined();
  }, 120_000);
});
