// apt's cache_valid_time on a host straight after `lab up`: the package lists are empty, and the lists folder's
// mtime is as young as the lab base. Empty lists are never fresh; a package with no candidate in lists that were
// not refreshed makes apt refresh once and decide again. (A user's first `run --lab` failed on exactly this.)
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { cli, faultsLab, hostLine, type FaultsLab } from './faults-helpers.js';
import { describeLab } from './shared-lab.js';

describeLab('apt cache_valid_time on a brand-new lab host (private chroot lab)', () => {
  let lab: FaultsLab;
  let host: string;

  beforeAll(async () => {
    lab = await faultsLab('aptcache', 1);
    host = lab.hosts[0].name;
  }, 180_000);

  afterAll(async () => {
    await lab?.down();
  }, 60_000);

  const install = (name: string) =>
    lab.playbook(
      `install-${name}.yml`,
      `- hosts: all
  gather_facts: false
  tasks:
    - name: install
      apt: { name: ${name}, update_cache: true, cache_valid_time: 3600 }
`,
    );

  it('refreshes empty package lists whose folder was touched a moment ago (a base younger than cache_valid_time)', async () => {
    // As a base built moments ago leaves it: no lists, no update stamp, the folder itself brand new.
    const reset = await lab.sh(host, 'rm -rf /var/lib/apt/lists/* /var/lib/apt/periodic/update-success-stamp; mkdir -p /var/lib/apt/lists/partial; touch /var/lib/apt/lists');
    expect(reset.code).toBe(0);
    const r = await cli('run', install('netcat-openbsd'), '-i', lab.writeInventory('inv.yml'));
    expect(hostLine(r.out, 'install', host)).toMatch(/^changed: \[\S+\] package lists updated; installed: netcat-openbsd /);
    expect(r.code).toBe(0);
    expect((await lab.sh(host, "dpkg-query -W -f='${Status}' netcat-openbsd")).stdout).toBe('install ok installed');
  }, 120_000);

  it('refreshes once when a wanted package has no candidate in lists that are within cache_valid_time (a source added since)', async () => {
    // Fresh lists that lack the package (its stanza taken out): as after adding an apt source without updating.
    const r0 = await lab.sh(
      host,
      `apt-get update -q >/dev/null && for f in /var/lib/apt/lists/*_Packages; do awk -v RS= -v ORS='\\n\\n' '!/^Package: curl\\n/' "$f" > "$f.new" && mv "$f.new" "$f"; done
touch /var/lib/apt/periodic/update-success-stamp; apt-cache policy curl | grep Candidate || true`,
    );
    expect(r0.stdout.trim()).toBe('');
    expect(r0.code).toBe(0);
    const r = await cli('run', install('curl'), '-i', lab.writeInventory('inv.yml'));
    expect(hostLine(r.out, 'install', host)).toMatch(/^changed: \[\S+\] package lists updated \(curl had no installable version in lists \d+ s old\); installed: curl /);
    expect(r.code).toBe(0);
  }, 120_000);

  it('within cache_valid_time and with every package known, does not refresh: ok, no change', async () => {
    const r = await cli('run', install('curl'), '-i', lab.writeInventory('inv.yml'), '-v');
    expect(hostLine(r.out, 'install', host)).toMatch(/^ok: \[\S+\] package lists are \d+ s old \(valid for 3600 s\); already installed: curl$/);
    expect(r.code).toBe(0);
  }, 120_000);

  it('a package that exists nowhere fails after one refresh, saying so', async () => {
    const r = await cli('run', install('no-such-package-xyz'), '-i', lab.writeInventory('inv.yml'));
    expect(r.code).toBe(2);
    expect(hostLine(r.out, 'install', host)).toContain('no installable version of no-such-package-xyz, even after refreshing the package lists');
  }, 120_000);
});
