import { afterEach, describe, expect, it } from '@jest/globals';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { apt, lockHolderScript, parseAptProbe, planApt } from '../../../src/modules/apt.js';
import type { StepResult } from '../../../src/modules/define.js';
import { tempDir } from '../../helpers/module-harness.js';

const captured = (name: string) => readFileSync(join(process.cwd(), 'test/fixtures/probes/apt', `${name}.out`), 'utf8');
// Every apt-get call: quiet, yes, the lock wait, and the two dpkg options that keep existing config files silently.
const APT = "DEBIAN_FRONTEND=noninteractive NEEDRESTART_MODE=a apt-get -q -y -o DPkg::Lock::Timeout=120 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold";

describe('apt plan (probes captured on Debian 12 → steps)', () => {
  const cases: Array<{ name: string; probe: string; args: Record<string, unknown>; check?: boolean; steps: string[]; note?: string; fail?: string; changed?: boolean }> = [
    {
      name: 'installs only the missing packages, naming their versions',
      probe: 'present-curl-i2pd-ufw',
      args: { name: ['curl', 'i2pd', 'ufw'] },
      steps: ['install i2pd, ufw'],
      note: 'installed: i2pd 2.45.1-1, ufw 0.36.2-1; already installed: curl',
      changed: true,
    },
    {
      name: 'says "would install" in check mode',
      probe: 'present-curl-i2pd-ufw',
      args: { name: ['curl', 'i2pd', 'ufw'] },
      check: true,
      steps: ['install i2pd, ufw'],
      note: 'would install: i2pd 2.45.1-1, ufw 0.36.2-1; already installed: curl',
    },
    { name: 'an installed package needs nothing', probe: 'present-curl', args: { name: 'curl' }, steps: [], note: 'already installed: curl', changed: false },
    {
      name: 'latest upgrades only what is behind its candidate',
      probe: 'latest-curl-libc6',
      args: { name: ['curl', 'libc6'], state: 'latest' },
      steps: ['install curl'],
      note: 'upgraded: curl 7.88.1-10+deb12u14 → 7.88.1-10+deb12u15; already newest: libc6',
    },
    {
      name: 'absent removes only what is installed',
      probe: 'absent-curl-i2pd',
      args: { name: ['curl', 'i2pd'], state: 'absent' },
      steps: ['remove curl'],
      note: 'removed: curl 7.88.1-10+deb12u14; already absent: i2pd',
    },
    {
      name: 'a package the lists do not know fails before apt-get does',
      probe: 'present-nosuchpackage',
      args: { name: 'nosuchpackage-provision' },
      steps: [],
      fail: 'no installable version of nosuchpackage-provision in the host\'s package lists; check the name, or set update_cache: true',
    },
    {
      name: 'with update_cache the unknown package is tried after the update',
      probe: 'present-nosuchpackage',
      args: { name: 'nosuchpackage-provision', update_cache: true },
      steps: ['update the package lists (apt-get update)', 'install nosuchpackage-provision'],
      note: 'package lists updated; installed: nosuchpackage-provision newest',
    },
    {
      name: 'a package the lists lack is refreshed for once, even within cache_valid_time (lists are 1601 s old)',
      probe: 'present-nosuchpackage',
      args: { name: 'nosuchpackage-provision', update_cache: true, cache_valid_time: 3600 },
      steps: ['update the package lists (apt-get update)', 'install nosuchpackage-provision'],
      note: 'package lists updated (nosuchpackage-provision had no installable version in lists 1601 s old); installed: nosuchpackage-provision newest',
    },
    {
      name: 'a host with no package lists at all has stale lists, whatever cache_valid_time says',
      probe: 'present-nolists',
      args: { name: 'curl', update_cache: true, cache_valid_time: 3600 },
      steps: ['update the package lists (apt-get update)', 'install curl'],
      note: 'package lists updated; installed: curl newest',
    },
    {
      name: 'a cache younger than cache_valid_time is not updated (lists are 1600 s old)',
      probe: 'present-curl',
      args: { name: 'curl', update_cache: true, cache_valid_time: 3600 },
      steps: [],
      note: 'package lists are 1600 s old (valid for 3600 s); already installed: curl',
    },
    {
      name: 'an older cache is updated, and the update alone is not a change',
      probe: 'present-curl',
      args: { name: 'curl', update_cache: true, cache_valid_time: 600 },
      steps: ['update the package lists (apt-get update)'],
      note: 'package lists updated; already installed: curl',
      changed: false,
    },
    {
      name: 'latest after an update cannot know the candidates: every package goes to apt',
      probe: 'latest-curl-libc6',
      args: { name: ['curl', 'libc6'], state: 'latest', update_cache: true },
      steps: ['update the package lists (apt-get update)', 'install curl, libc6'],
      note: 'package lists updated; upgraded if newer after the cache update: curl, libc6',
      changed: true,
    },
  ];
  it.each(cases)('$name', ({ probe, args, check, steps, note, fail, changed }) => {
    const plan = planApt(apt.args.parse(args), parseAptProbe(captured(probe)), { check: !!check });
    expect(plan.fail).toBe(fail);
    expect(plan.steps.map((s) => s.describe)).toEqual(steps);
    if (note !== undefined) expect(plan.note).toBe(note);
    if (changed !== undefined) expect(plan.changed).toBe(changed);
  });

  it('runs apt-get non-interactively with the lock wait, keeping config files, and reads back the versions', () => {
    const plan = planApt(apt.args.parse({ name: ['i2pd', 'ufw'], install_recommends: false, lock_timeout: 5 }), parseAptProbe(captured('present-curl-i2pd-ufw')), { check: false });
    const script = plan.steps[0].script.text;
    expect(script).toContain(`${APT.replace('Timeout=120', 'Timeout=5')} --no-install-recommends install -- i2pd ufw; } || { rc=$?`);
    expect(script).toMatch(/dpkg-query -W -f='provision-installed\\t\$\{Package\}\\t\$\{Version\}\\n' -- i2pd ufw$/);
  });

  it('removes with purge when asked, and refreshes with the same lock wait', () => {
    const a = apt.args.parse({ name: 'curl', state: 'absent', purge: true, update_cache: true });
    const plan = planApt(a, parseAptProbe(captured('absent-curl-i2pd')), { check: false });
    expect(plan.steps[0].script.text).toContain(`${APT} update && mkdir -p /var/lib/apt/periodic && touch /var/lib/apt/periodic/update-success-stamp; }`);
    expect(plan.steps[1].script.text).toContain(`${APT} purge -- curl; }`);
  });

  it('registers the versions apt really installed', () => {
    const a = apt.args.parse({ name: ['curl', 'i2pd', 'ufw'] });
    const plan = planApt(a, parseAptProbe(captured('present-curl-i2pd-ufw')), { check: false });
    const applied: StepResult[] = [{ step: plan.steps[0], result: { code: 0, stderr: '', stdout: 'Setting up i2pd ...\nprovision-installed\ti2pd\t2.45.1-1+b1\nprovision-installed\tufw\t0.36.2-1\n' } }];
    expect(apt.result!(a, applied, plan)).toEqual({ installed: [{ name: 'i2pd', version: '2.45.1-1+b1' }, { name: 'ufw', version: '0.36.2-1' }], upgraded: [] });
    expect(plan.result).toMatchObject({ cache_updated: false, removed: [] });
  });
});

describe('apt arguments', () => {
  it.each([
    [{ name: 'curl; reboot' }, 'a Debian package name (lower case letters, digits, "+", "-", "."; optionally ":arch")'],
    [{ name: ["i2pd'$(id)'"] }, 'a Debian package name (lower case letters, digits, "+", "-", "."; optionally ":arch")'],
    [{}, 'give name (the packages), update_cache: true, or both'],
    [{ name: 'curl', purge: true }, 'purge is only used with state: absent'],
    [{ name: 'curl', state: 'installed' }, 'Invalid option: expected one of "present"|"absent"|"latest"'],
  ])('refuses %j', (args, message) => {
    expect(apt.args.safeParse(args).error!.issues[0].message).toBe(message);
  });
});

describe('apt lock reports on this machine (Linux /proc)', () => {
  let holder: ChildProcess | undefined;
  afterEach(() => {
    holder?.kill();
  });

  it('names the process holding a lock file', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const lock = join(dir, 'lock-frontend');
      execFileSync('touch', [lock]);
      const fd = openSync(lock, 'r');
      holder = spawn('sleep', ['30'], { stdio: [fd, 'ignore', 'ignore'] });
      closeSync(fd); // only the child holds it now
      await new Promise((r) => setTimeout(r, 100));
      const out = execFileSync('/bin/sh', ['-c', `${lockHolderScript([lock]).text} 2>&1`], { encoding: 'utf8' });
      expect(out).toBe(`provision: ${lock} is held by process ${holder.pid} (sleep 30)\n`);
    } finally {
      await cleanup();
    }
  });

  it('keeps apt-get\'s exit code when it fails and does not read back versions', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      // A stand-in apt-get first in PATH fails like a lock timeout; dpkg-query would print provision-installed lines if it ran.
      writeFileSync(join(dir, 'apt-get'), "#!/bin/sh\necho 'E: Could not get lock /var/lib/dpkg/lock-frontend' >&2\nexit 100\n");
      chmodSync(join(dir, 'apt-get'), 0o755);
      const plan = planApt(apt.args.parse({ name: 'i2pd' }), parseAptProbe(captured('present-curl-i2pd-ufw')), { check: false });
      let code = 0;
      let stdout = '';
      try {
        execFileSync('/bin/sh', ['-c', plan.steps[0].script.text], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], env: { PATH: `${dir}:${process.env.PATH}` } });
      } catch (e) {
        ({ status: code, stdout } = e as { status: number; stdout: string });
      }
      expect(code).toBe(100);
      expect(stdout).not.toContain('provision-installed');
    } finally {
      await cleanup();
    }
  });
});
