// Module probes run for real on a Debian host without systemd (a private chroot lab host: sshd is PID 1, services
// have init.d scripts), read back by the same parsers the modules use. Run here rather than on the machine running
// the tests, which may have neither dpkg nor init.d scripts.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { apt, aptProbeScript, parseAptProbe } from '../../src/modules/apt.js';
import { parseServiceProbe, serviceProbeScript } from '../../src/modules/service.js';
import { faultsLab, type FaultsLab } from './faults-helpers.js';
import { describeLab } from './shared-lab.js';

describeLab('module probes on a Debian host without systemd (private chroot lab)', () => {
  let lab: FaultsLab;
  let host: string;

  beforeAll(async () => {
    lab = await faultsLab('probes', 1);
    host = lab.hosts[0].name;
  }, 180_000);

  afterAll(async () => {
    await lab?.down();
  }, 60_000);

  it('service finds the init.d script of ssh when systemd is not PID 1', async () => {
    const r = await lab.sh(host, serviceProbeScript('ssh', undefined).text);
    expect(parseServiceProbe(r.stdout)).toMatchObject({ init: 'sysv', script: true });
  });

  it('apt reads installed and missing packages in one script, and no lists at all as no age', async () => {
    const a = apt.args.parse({ name: ['dpkg', 'nosuchpackage-provision'] });
    const version = (await lab.sh(host, "dpkg-query -W -f='${Version}' dpkg")).stdout;
    const state = parseAptProbe((await lab.sh(host, aptProbeScript(a).text)).stdout);
    expect(state.packages.dpkg.installed).toBe(version);
    expect(state.packages['nosuchpackage-provision']?.installed).toBeUndefined();
    // A host straight after lab up has empty package lists: stale, whatever the folder's mtime says.
    expect(state.cacheAge).toBeUndefined();
  });

  it("apt dates lists by their newest file once they exist (apt gives it the repository's Last-Modified time)", async () => {
    expect((await lab.sh(host, 'apt-get update -q')).code).toBe(0);
    const newest = Number((await lab.sh(host, 'stat -c %Y /var/lib/apt/lists/*_Packages | sort -n | tail -n 1')).stdout);
    const state = parseAptProbe((await lab.sh(host, aptProbeScript(apt.args.parse({ name: 'dpkg' })).text)).stdout);
    expect(state.cacheAge).toBeGreaterThanOrEqual(0);
    expect(Math.floor(Date.now() / 1000) - newest - state.cacheAge!).toBeLessThan(30);
  });
});
