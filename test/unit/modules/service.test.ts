import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseServiceProbe, planService, service, serviceProbeScript } from '../../../src/modules/service.js';

const captured = (name: string) => parseServiceProbe(readFileSync(join(process.cwd(), 'test/fixtures/probes/service', `${name}.out`), 'utf8'));

describe('service plan (probe output → steps)', () => {
  const cases: Array<{ name: string; probe: string; args: Record<string, unknown>; check?: boolean; steps: string[]; note?: string; fail?: string }> = [
    { name: 'systemd: running and enabled needs nothing', probe: 'systemd-active-enabled', args: { name: 'i2pd', state: 'started', enabled: true }, steps: [], note: 'i2pd (systemd): already enabled at boot, already running' },
    {
      name: 'systemd: stopped and disabled is enabled, then started',
      probe: 'systemd-inactive-disabled',
      args: { name: 'i2pd', state: 'started', enabled: true },
      steps: ['systemctl enable -- i2pd', 'systemctl start -- i2pd'],
      note: 'i2pd (systemd): enabled at boot, started',
    },
    {
      name: 'check mode says what would be done',
      probe: 'systemd-inactive-disabled',
      args: { name: 'i2pd', state: 'started', enabled: true },
      check: true,
      steps: ['systemctl enable -- i2pd', 'systemctl start -- i2pd'],
      note: 'i2pd (systemd): would be enabled at boot, started',
    },
    {
      name: 'systemd: a failed unit (maybe held by its start limit after a crash loop) is reset, then started: the first converge repairs it',
      probe: 'systemd-failed-enabled',
      args: { name: 'bitcoind', state: 'started' },
      steps: ['systemctl reset-failed -- bitcoind && systemctl start -- bitcoind'],
      note: 'bitcoind (systemd): started (after systemctl reset-failed: it had failed, and may be held by its start limit)',
    },
    {
      name: 'systemd: a restart of a failed unit (a handler after a config fix) resets it too',
      probe: 'systemd-failed-enabled',
      args: { name: 'bitcoind', state: 'restarted' },
      steps: ['systemctl reset-failed -- bitcoind && systemctl restart -- bitcoind'],
      note: 'bitcoind (systemd): restarted (after systemctl reset-failed: it had failed, and may be held by its start limit)',
    },
    { name: 'systemd: stopped only when running', probe: 'systemd-inactive-disabled', args: { name: 'i2pd', state: 'stopped', enabled: false }, steps: [], note: 'i2pd (systemd): already disabled at boot, already stopped' },
    { name: 'systemd: restarted always restarts', probe: 'systemd-active-enabled', args: { name: 'i2pd', state: 'restarted' }, steps: ['systemctl restart -- i2pd'], note: 'i2pd (systemd): restarted' },
    { name: 'systemd: reloaded reloads a running service', probe: 'systemd-active-enabled', args: { name: 'i2pd', state: 'reloaded' }, steps: ['systemctl reload -- i2pd'] },
    { name: 'systemd: reloaded starts a stopped one', probe: 'systemd-inactive-disabled', args: { name: 'i2pd', state: 'reloaded' }, steps: ['systemctl start -- i2pd'], note: 'i2pd (systemd): started (it was stopped)' },
    { name: 'systemd: a static unit counts as enabled', probe: 'systemd-static', args: { name: 'foo', enabled: true }, steps: [], note: 'foo (systemd): already enabled at boot' },
    {
      name: 'systemd: daemon_reload comes first and a just-written unit is started',
      probe: 'systemd-not-found',
      args: { name: 'bitcoind', state: 'started', enabled: true, daemon_reload: true },
      steps: ['systemctl daemon-reload', 'systemctl enable -- bitcoind', 'systemctl start -- bitcoind'],
    },
    {
      name: 'systemd: an unknown unit fails and points at daemon_reload',
      probe: 'systemd-not-found',
      args: { name: 'bitcoind', state: 'started' },
      steps: [],
      fail: 'service bitcoind: systemd knows no unit bitcoind.service; if a task just wrote its unit file, set daemon_reload: true',
    },
    {
      name: 'systemd: an unknown unit in check mode is planned (an earlier task may install it)',
      probe: 'systemd-not-found',
      args: { name: 'i2pd', state: 'started' },
      check: true,
      steps: ['systemctl start -- i2pd'],
      note: 'i2pd (systemd): would be started (not installed yet: an earlier task may install it)',
    },
    { name: 'systemd: a masked unit is not started', probe: 'systemd-masked', args: { name: 'i2pd', state: 'started' }, steps: [], fail: 'service i2pd is masked: unmask it first (systemctl unmask i2pd)' },
    {
      name: 'systemd: daemon_reload reloads a unit whose file changed since systemd loaded it, before anything else',
      probe: 'systemd-changed-on-disk',
      args: { name: 'fx-edited', state: 'restarted', daemon_reload: true },
      steps: ['systemctl daemon-reload', 'systemctl restart -- fx-edited'],
    },
    {
      name: 'systemd: daemon_reload does not reload what systemd already has loaded (a no-op run reloads nothing)',
      probe: 'systemd-active-enabled',
      args: { name: 'i2pd', state: 'started', enabled: true, daemon_reload: true },
      steps: [],
      note: 'i2pd (systemd): already enabled at boot, already running',
    },
    {
      name: 'systemd: daemon_reload alone, with the unit changed on disk',
      probe: 'systemd-changed-on-disk',
      args: { name: 'fx-edited', daemon_reload: true },
      steps: ['systemctl daemon-reload'],
      note: 'fx-edited (systemd): reloaded the systemd units (fx-edited.service changed on disk)',
    },
    {
      name: 'systemd: daemon_reload alone, nothing to reload',
      probe: 'systemd-active-enabled',
      args: { name: 'i2pd', daemon_reload: true },
      steps: [],
      note: "i2pd (systemd): systemd has the unit's current files loaded",
    },
    {
      name: 'systemd: check mode says it would reload',
      probe: 'systemd-changed-on-disk',
      args: { name: 'fx-edited', daemon_reload: true },
      check: true,
      steps: ['systemctl daemon-reload'],
      note: 'fx-edited (systemd): would reload the systemd units (fx-edited.service changed on disk)',
    },
    {
      name: 'systemd: a name given with its unit suffix is not suffixed again',
      probe: 'systemd-changed-on-disk',
      args: { name: 'fx-edited.service', daemon_reload: true },
      steps: ['systemctl daemon-reload'],
      note: 'fx-edited.service (systemd): reloaded the systemd units (fx-edited.service changed on disk)',
    },
    { name: 'init.d: daemon_reload alone has nothing to do', probe: 'sysv-ssh', args: { name: 'ssh', daemon_reload: true }, steps: [], note: 'ssh (sysv): no systemd: nothing to reload' },
    {
      name: 'init.d (captured): a stopped ssh is started through its script and its boot links are kept',
      probe: 'sysv-ssh',
      args: { name: 'ssh', state: 'started', enabled: true },
      steps: ['/etc/init.d/ssh start'],
      note: 'ssh (sysv): already enabled at boot, started',
    },
    { name: 'init.d: disabling removes the boot links with update-rc.d', probe: 'sysv-ssh', args: { name: 'ssh', enabled: false }, steps: ['update-rc.d ssh disable'] },
    { name: 'init.d: reloaded uses force-reload (every LSB script has it)', probe: 'sysv-ssh', args: { name: 'ssh', state: 'reloaded' }, steps: ['/etc/init.d/ssh start'] },
    {
      name: 'init.d (captured): no script fails with the reason',
      probe: 'sysv-missing',
      args: { name: 'i2pd', state: 'started', enabled: true },
      steps: [],
      fail: 'service i2pd: no executable /etc/init.d/i2pd on this host (and it does not run systemd)',
    },
    {
      name: 'init.d: a missing script in check mode gets enabled and started',
      probe: 'sysv-missing',
      args: { name: 'i2pd', state: 'started', enabled: true },
      check: true,
      steps: ['update-rc.d i2pd defaults && update-rc.d i2pd enable', '/etc/init.d/i2pd start'],
    },
  ];
  it.each(cases)('$name', ({ probe, args, check, steps, note, fail }) => {
    const plan = planService(service.args.parse(args), captured(probe), { check: !!check });
    expect(plan.fail).toBe(fail);
    expect(plan.steps.map((s) => s.script.text)).toEqual(steps);
    if (note !== undefined) expect(plan.note).toBe(note);
  });

  it('counts daemon-reload as no change but restarted as one', () => {
    expect(planService(service.args.parse({ name: 'fx-edited', daemon_reload: true }), captured('systemd-changed-on-disk'), { check: false }).changed).toBe(false);
    expect(planService(service.args.parse({ name: 'i2pd', state: 'restarted' }), captured('systemd-active-enabled'), { check: false }).changed).toBe(true);
  });

  it('reloads when systemd did not say whether the unit needs it (no NeedDaemonReload line)', () => {
    const s = parseServiceProbe('init=systemd\nLoadState=loaded\nActiveState=active\nIsEnabledRc=0\nIsEnabled=enabled\n');
    expect(planService(service.args.parse({ name: 'i2pd', daemon_reload: true }), s, { check: false }).steps.map((x) => x.script.text)).toEqual(['systemctl daemon-reload']);
  });

  it('reloads a running init.d service with force-reload', () => {
    const running = { ...captured('sysv-ssh'), statusRc: 0 };
    expect(planService(service.args.parse({ name: 'ssh', state: 'reloaded' }), running, { check: false }).steps.map((s) => s.script.text)).toEqual(['/etc/init.d/ssh force-reload']);
  });
});

describe('service probe', () => {
  it('follows the facts, and detects systemd itself when facts were not gathered', () => {
    expect(serviceProbeScript('i2pd', 'systemd').text).toBe(
      "echo init=systemd\nsystemctl show -p LoadState -p ActiveState -p NeedDaemonReload -- i2pd 2>/dev/null\ne=$(systemctl is-enabled -- i2pd 2>/dev/null); echo \"IsEnabledRc=$?\"; echo \"IsEnabled=$e\"",
    );
    expect(serviceProbeScript('i2pd', undefined).text).toMatch(/^if \[ -d \/run\/systemd\/system \]; then echo init=systemd\n/);
  });

  it.each([
    [{ name: 'i2pd; reboot', state: 'started' }, 'a service or unit name (letters, digits, "@", ".", "_", ":", "-")'],
    [{ name: '-i2pd', state: 'started' }, 'a service or unit name (letters, digits, "@", ".", "_", ":", "-")'],
    [{ name: 'i2pd' }, 'give state, enabled, or both'],
    [{ name: 'i2pd', state: 'running' }, 'Invalid option: expected one of "started"|"stopped"|"restarted"|"reloaded"'],
  ])('refuses %j', (args, message) => {
    expect(service.args.safeParse(args).error!.issues[0].message).toBe(message);
  });
});
