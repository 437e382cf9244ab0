import { describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { hostname, machine, type, userInfo } from 'node:os';
import { gatherFactsProbe, parseFacts, parseOsRelease } from '../../../src/facts/gather.js';
import { LocalTransport } from '../../../src/transport/local.js';

const DEBIAN_12 = `PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
HOME_URL="https://www.debian.org/"
SUPPORT_URL="https://www.debian.org/support"
BUG_REPORT_URL="https://bugs.debian.org/"`;

const UBUNTU_24_04 = `PRETTY_NAME="Ubuntu 24.04.1 LTS"
NAME="Ubuntu"
VERSION_ID="24.04"
VERSION="24.04.1 LTS (Noble Numbat)"
VERSION_CODENAME=noble
ID=ubuntu
ID_LIKE=debian
HOME_URL="https://www.ubuntu.com/"
UBUNTU_CODENAME=noble
LOGO=ubuntu-logo`;

const output = (osRelease: string, uname: string, host: string, user: string, init: string) =>
  `@@ os-release\n${osRelease}\n@@ uname\n${uname}\n@@ hostname\n${host}\n@@ user\n${user}\n@@ init\n${init}\n@@ end\n`;

describe('fact parsing (captured outputs)', () => {
  it.each([
    {
      name: 'Debian 12 with systemd',
      stdout: output(DEBIAN_12, 'Linux\nx86_64', 'node1', 'admin', 'systemd'),
      facts: { system: 'Linux', distribution: 'debian', release: '12', codename: 'bookworm', architecture: 'x86_64', init: 'systemd', hostname: 'node1', user: 'admin' },
    },
    {
      name: 'Ubuntu 24.04 on arm64',
      stdout: output(UBUNTU_24_04, 'Linux\naarch64', 'pi', 'ubuntu', 'systemd'),
      facts: { system: 'Linux', distribution: 'ubuntu', release: '24.04', codename: 'noble', architecture: 'aarch64', init: 'systemd', hostname: 'pi', user: 'ubuntu' },
    },
    {
      name: 'a Debian chroot without systemd running',
      stdout: output(DEBIAN_12, 'Linux\nx86_64', 'lab-host-3', 'root', 'sysvinit'),
      facts: { system: 'Linux', distribution: 'debian', release: '12', codename: 'bookworm', architecture: 'x86_64', init: 'sysvinit', hostname: 'lab-host-3', user: 'root' },
    },
    {
      name: 'a minimal system without os-release or init scripts',
      stdout: output('', 'Linux\nx86_64', 'box', 'root', 'unknown'),
      facts: { system: 'Linux', distribution: '', release: '', codename: '', architecture: 'x86_64', init: 'unknown', hostname: 'box', user: 'root' },
    },
  ])('$name', ({ stdout, facts }) => {
    expect(parseFacts({ stdout, stderr: '', code: 0 })).toEqual(facts);
  });

  it('undoes os-release quoting and skips comments', () => {
    expect(parseOsRelease(['# comment', 'A="say \\"hi\\" \\$x"', "B='single'", 'C=plain', 'not a pair'])).toEqual({ A: 'say "hi" $x', B: 'single', C: 'plain' });
  });

  it('refuses output that stopped before the end marker, with what the host said', () => {
    expect(() => parseFacts({ stdout: '@@ os-release\n', stderr: 'sh: 1: uname: not found', code: 127 })).toThrow(
      'could not gather facts: the fact script did not finish\n  got: sh: 1: uname: not found\n  fix: the host needs a POSIX /bin/sh with uname and id; or set gather_facts: false',
    );
  });
});

describe('fact gathering on this machine', () => {
  it('reads the same facts as Node does, in one round trip', async () => {
    const t = new LocalTransport();
    const probe = gatherFactsProbe();
    const facts = probe.parse(await t.exec(probe.script));
    const osRelease = readFileSync('/etc/os-release', 'utf8');
    const field = (k: string) => new RegExp(`^${k}="?([^"\\n]*)"?$`, 'm').exec(osRelease)?.[1] ?? '';
    expect(facts).toEqual({
      system: type(),
      distribution: field('ID'),
      release: field('VERSION_ID'),
      codename: field('VERSION_CODENAME'),
      architecture: machine(),
      init: existsSync('/run/systemd/system') ? 'systemd' : existsSync('/etc/init.d') ? 'sysvinit' : 'unknown',
      hostname: hostname(),
      user: userInfo().username,
    });
    expect(t.roundTrips).toBe(1);
  });
});
