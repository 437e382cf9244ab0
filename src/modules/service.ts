// service: a daemon started, stopped, restarted or reloaded, and enabled at boot or not. systemd when the host runs
// it (from the facts, or detected by the probe when facts were not gathered), else the /etc/init.d script.
import { z } from 'zod';
import { cmd, sh, type ShellText } from '../shell/quote.js';
import { defineModule, type ModuleContext, type Plan, type Step } from './define.js';
import { keyValues } from '../text/probe-output.js';

const args = z
  .strictObject({
    name: z
      .string()
      .regex(/^[A-Za-z0-9_][A-Za-z0-9@._:\\-]*$/, 'a service or unit name (letters, digits, "@", ".", "_", ":", "-")')
      .describe('Service name (systemd unit without ".service", or the script in /etc/init.d)'),
    state: z
      .enum(['started', 'stopped', 'restarted', 'reloaded'])
      .optional()
      .describe('started/stopped: only when needed; restarted/reloaded: always (a change every time; a stopped service is started)'),
    enabled: z.boolean().optional().describe('Start at boot (systemctl enable / update-rc.d)'),
    daemon_reload: z
      .boolean()
      .default(false)
      .describe(
        'systemd: run `systemctl daemon-reload` first when the unit\'s files changed since systemd loaded them (its NeedDaemonReload) or systemd has not loaded it; not counted as a change',
      ),
  })
  .superRefine((a, ctx) => {
    if (a.state === undefined && a.enabled === undefined && !a.daemon_reload) ctx.addIssue({ code: 'custom', message: 'give state, enabled, or both', path: ['state'] });
  });

/** service's arguments after parsing. */
export type ServiceArgs = z.output<typeof args>;

/** What the probe found, in either init system. */
export type ServiceState =
  | { init: 'systemd'; load: string; active: string; enabled: string; enabledRc: number; needReload: boolean }
  | { init: 'sysv'; script: boolean; statusRc: number; bootLinks: boolean };

function systemdProbe(name: string): ShellText {
  // `is-enabled` (not UnitFileState) because it also answers for init.d scripts run through systemd-sysv-install.
  return sh`systemctl show -p LoadState -p ActiveState -p NeedDaemonReload -- ${name} 2>/dev/null
e=$(systemctl is-enabled -- ${name} 2>/dev/null); echo "IsEnabledRc=$?"; echo "IsEnabled=$e"`;
}

function sysvProbe(name: string): ShellText {
  const script = `/etc/init.d/${name}`;
  // LSB status codes: 0 running, 1-3 not running, 4 unknown. Boot links: an S link in runlevels 2-5.
  return sh`if [ -x ${script} ]; then echo script=yes; ${script} status >/dev/null 2>&1; echo "status=$?"; else echo script=no; fi
if ls /etc/rc[2345].d/S[0-9][0-9]${name} >/dev/null 2>&1; then echo boot=yes; else echo boot=no; fi`;
}

/** The probe script: the facts' init system, or a test for /run/systemd/system (sd_booted) when facts are absent. */
export function serviceProbeScript(name: string, init: 'systemd' | 'sysvinit' | undefined): ShellText {
  if (init === 'systemd') return sh`echo init=systemd
${systemdProbe(name)}`;
  if (init !== undefined) return sh`echo init=sysv
${sysvProbe(name)}`;
  return sh`if [ -d /run/systemd/system ]; then echo init=systemd
${systemdProbe(name)}
else echo init=sysv
${sysvProbe(name)}
fi`;
}

/** Parses the probe's `key=value` lines. */
export function parseServiceProbe(stdout: string): ServiceState {
  const values = keyValues(stdout);
  const get = (k: string) => values.get(k) ?? '';
  if (get('init') === 'systemd') {
    return {
      init: 'systemd',
      load: get('LoadState') || 'not-found',
      active: get('ActiveState') || 'inactive',
      enabled: get('IsEnabled'),
      enabledRc: Number(get('IsEnabledRc') || 1),
      // Unknown (no answer) counts as needed: a reload too many costs a moment, one too few runs an old unit.
      needReload: get('NeedDaemonReload') !== 'no',
    };
  }
  return { init: 'sysv', script: get('script') === 'yes', statusRc: Number(get('status') || 4), bootLinks: get('boot') === 'yes' };
}

/** Pure: the service's state → the systemctl or init.d commands that bring it where it should be. */
export function planService(a: ServiceArgs, s: ServiceState, ctx: Pick<ModuleContext, 'check'>): Plan {
  const n = a.name;
  // systemd's name for it: "i2pd" is i2pd.service; a name with a unit suffix is used as given.
  const unit = /\.(service|socket|timer|path|mount|target)$/.test(n) ? n : `${n}.service`;
  const steps: Step[] = [];
  const notes: string[] = [];
  let running: boolean;
  let enabled: boolean;
  let missing = false;
  if (s.init === 'systemd') {
    missing = s.load === 'not-found';
    if (s.load === 'masked' && (a.state === 'started' || a.state === 'restarted' || a.state === 'reloaded' || a.enabled)) {
      return { steps: [], fail: `service ${n} is masked: unmask it first (systemctl unmask ${n})` };
    }
    running = s.active === 'active' || s.active === 'reloading' || s.active === 'activating';
    // is-enabled exits 0 for enabled, static, alias, indirect, generated and enabled-runtime: all start at boot or on demand.
    enabled = s.enabledRc === 0;
  } else {
    missing = !s.script;
    running = s.statusRc === 0;
    enabled = s.bootLinks;
  }
  // A unit written by an earlier task is not loaded until daemon-reload, and in check mode that task did not run.
  if (missing && !a.daemon_reload && !ctx.check) {
    return {
      steps: [],
      fail:
        s.init === 'systemd'
          ? `service ${n}: systemd knows no unit ${unit}; if a task just wrote its unit file, set daemon_reload: true`
          : `service ${n}: no executable /etc/init.d/${n} on this host (and it does not run systemd)`,
    };
  }
  // A failed unit may be held by its start limit after a crash loop ("Start request repeated too quickly"; systemd
  // 252 still reports Result=exit-code then): reset-failed first, so a converge that fixed the cause repairs the
  // service on its first run, not once systemd's interval has passed. On a failed unit it only clears that state.
  const limited = s.init === 'systemd' && s.active === 'failed';
  const run = (verb: string): ShellText => {
    if (s.init !== 'systemd') return cmd(`/etc/init.d/${n}`, verb);
    return limited && verb !== 'stop' ? sh`${cmd('systemctl', 'reset-failed', '--', n)} && ${cmd('systemctl', verb, '--', n)}` : cmd('systemctl', verb, '--', n);
  };
  const startLimit = limited ? ' (after systemctl reset-failed: it had failed, and may be held by its start limit)' : '';
  let changed = false;
  // Only when this unit needs it: a daemon-reload makes systemd re-run its generators and re-read every unit (~0.15 s
  // of the host's CPU), which a run that changed nothing has no reason to cost every host. Ansible reloads every time.
  const reload = a.daemon_reload && s.init === 'systemd' ? (missing ? 'not loaded' : s.needReload ? 'changed on disk' : undefined) : undefined;
  if (reload) steps.push({ describe: `reload systemd units (systemctl daemon-reload): ${unit} ${reload}`, script: cmd('systemctl', 'daemon-reload') });

  if (a.enabled !== undefined && a.enabled !== enabled) {
    const script =
      s.init === 'systemd'
        ? cmd('systemctl', a.enabled ? 'enable' : 'disable', '--', n)
        : a.enabled
          ? sh`update-rc.d ${n} defaults && update-rc.d ${n} enable`
          : cmd('update-rc.d', n, 'disable');
    steps.push({ describe: `${a.enabled ? 'enable' : 'disable'} ${n} at boot`, script });
    notes.push(`${a.enabled ? 'enabled' : 'disabled'} at boot`);
    changed = true;
  } else if (a.enabled !== undefined) notes.push(`already ${a.enabled ? 'enabled' : 'disabled'} at boot`);

  switch (a.state) {
    case 'started':
    case 'stopped': {
      const want = a.state === 'started';
      if (want === running) notes.push(`already ${running ? 'running' : 'stopped'}`);
      else {
        steps.push({ describe: `${want ? 'start' : 'stop'} ${n}${want ? startLimit : ''}`, script: run(want ? 'start' : 'stop') });
        notes.push(want ? `started${startLimit}` : 'stopped');
        changed = true;
      }
      break;
    }
    case 'restarted':
      steps.push({ describe: `restart ${n}${startLimit}`, script: run('restart') });
      notes.push(`restarted${startLimit}`);
      changed = true;
      break;
    case 'reloaded':
      // Reloading a stopped daemon means nothing: start it instead (as Ansible does).
      steps.push(running ? { describe: `reload ${n}`, script: run(s.init === 'systemd' ? 'reload' : 'force-reload') } : { describe: `start ${n} (it was stopped)${startLimit}`, script: run('start') });
      notes.push(running ? 'reloaded' : `started (it was stopped)${startLimit}`);
      changed = true;
      break;
  }
  if (!notes.length && a.daemon_reload) {
    notes.push(
      reload ? `${ctx.check ? 'would reload' : 'reloaded'} the systemd units (${unit} ${reload})` : s.init === 'systemd' ? "systemd has the unit's current files loaded" : 'no systemd: nothing to reload',
    );
  }
  const prefix = ctx.check && changed ? 'would be ' : '';
  return {
    steps,
    changed,
    note: `${n} (${s.init}): ${prefix}${notes.join(', ')}${missing ? ' (not installed yet: an earlier task may install it)' : ''}`,
    result: { name: n, init: s.init, state: a.state, enabled: a.enabled ?? enabled, was_running: running },
  };
}

/** The service module. */
export const service = defineModule<ServiceArgs, ServiceArgs, ServiceState>({
  name: 'service',
  summary: 'Start, stop, restart or reload a service and enable it at boot: systemd, or /etc/init.d scripts where systemd does not run.',
  args,
  probe: (a, ctx) => ({ script: serviceProbeScript(a.name, ctx.facts?.init === 'unknown' ? undefined : ctx.facts?.init), parse: ({ stdout }) => parseServiceProbe(stdout) }),
  plan: planService,
});
