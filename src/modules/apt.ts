// apt: Debian packages present, absent or at their newest version, with a cache refresh that honours a validity
// window, never a prompt, and a dpkg lock that is waited for (and named when the wait times out).
import { z } from 'zod';
import { waitSeconds } from '../source/numbers.js';
import { cmd, join, sh, ShellText } from '../shell/quote.js';
import { keyValues, outputSections } from '../text/probe-output.js';
import { defineModule, type ModuleContext, type Plan, type Step } from './define.js';

const packageName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9+.-]+(:[a-z0-9-]+)?$/, 'a Debian package name (lower case letters, digits, "+", "-", "."; optionally ":arch")');

const args = z
  .strictObject({
    name: z
      .union([packageName, z.array(packageName).min(1)])
      .transform((n) => (Array.isArray(n) ? n : [n]))
      .optional()
      .describe('Package name or list of names'),
    state: z.enum(['present', 'absent', 'latest']).default('present').describe('present: installed (any version); latest: installed at the candidate version; absent: removed'),
    purge: z.boolean().default(false).describe('state: absent: also remove configuration files'),
    update_cache: z.boolean().default(false).describe('Run `apt-get update` first (not counted as a change on its own)'),
    cache_valid_time: z.number().int().nonnegative().default(0).describe('Seconds: skip the update when the package lists were refreshed more recently than this'),
    install_recommends: z.boolean().optional().describe('Install recommended packages too. Default: what the host\'s apt is configured to do (Debian: yes)'),
    lock_timeout: waitSeconds({ integer: true }).default(120).describe('Seconds to wait for another apt/dpkg to release its lock; on timeout the task fails naming the process holding it'),
  })
  .superRefine((a, ctx) => {
    if (a.name === undefined && !a.update_cache) ctx.addIssue({ code: 'custom', message: 'give name (the packages), update_cache: true, or both', path: ['name'] });
    if (a.purge && a.state !== 'absent') ctx.addIssue({ code: 'custom', message: 'purge is only used with state: absent', path: ['purge'] });
  });

/** apt's arguments after parsing. */
export type AptArgs = z.output<typeof args>;

/** One package as dpkg and apt see it. */
export interface PackageState {
  installed?: string;
  /** From `apt-cache policy`, probed only where it matters (state latest, or a package to install). */
  candidate?: string;
}

/** The probe's view: packages by name (without ":arch"), and the package lists' age. */
export interface AptState {
  packages: Record<string, PackageState>;
  /** Seconds since the lists were last refreshed (our update stamp or the newest list file); undefined when the host has
   * no package lists at all, which makes them stale. */
  cacheAge?: number;
}

const baseName = (name: string) => name.split(':')[0];

/** Lock files apt and dpkg take; the probe names whoever holds one of them when an apt step fails. */
export const APT_LOCKS = ['/var/lib/dpkg/lock-frontend', '/var/lib/dpkg/lock', '/var/lib/apt/lists/lock', '/var/cache/apt/archives/lock'];

/** Prints `provision: LOCK is held by process PID (CMDLINE)` to stderr for each open holder of the given files. */
export function lockHolderScript(locks: string[] = APT_LOCKS): ShellText {
  // One find over every open file of every process (a readlink per descriptor costs a fork each: tens of seconds on
  // a busy host); -lname compares the link's target with each lock path (none holds a glob character).
  const tests = locks.flatMap((l, i) => (i === 0 ? ['-lname', l] : ['-o', '-lname', l]));
  return sh`find /proc/[0-9]*/fd -maxdepth 1 -type l \\( ${tests} \\) -printf '%h %l\\n' 2>/dev/null | sort -u | while read -r d l; do
  pid=\${d#/proc/}; pid=\${pid%%/*}
  echo "provision: $l is held by process $pid ($(tr '\\0' ' ' < /proc/$pid/cmdline 2>/dev/null | sed 's/ $//'))" >&2
done`;
}

// Runs an apt command; when it fails (a lock timeout above all), the holders of apt's locks are named last on stderr.
function withLockReport(script: ShellText): ShellText {
  return sh`{ ${script}; } || { rc=$?
${lockHolderScript()}
exit $rc; }`;
}

const aptGet = (a: AptArgs, ...rest: string[]) =>
  sh`DEBIAN_FRONTEND=noninteractive NEEDRESTART_MODE=a ${cmd('apt-get', '-q', '-y', '-o', `DPkg::Lock::Timeout=${a.lock_timeout}`, '-o', 'Dpkg::Options::=--force-confdef', '-o', 'Dpkg::Options::=--force-confold', ...rest)}`;

/** The read-only probe: dpkg status of every package, candidates where needed, and the cache age — one round trip. */
export function aptProbeScript(a: AptArgs): ShellText {
  const names = a.name ?? [];
  const parts: ShellText[] = [new ShellText('export LC_ALL=C')];
  if (names.length) {
    parts.push(sh`dpkg=$(dpkg-query -W -f='\${Package}\\t\${db:Status-Abbrev}\\t\${Version}\\n' -- ${names} 2>/dev/null)
echo '#dpkg'; [ -n "$dpkg" ] && printf '%s\\n' "$dpkg"`);
    if (a.state === 'latest') parts.push(sh`echo '#policy'; apt-cache policy -- ${names} 2>/dev/null`);
    // For present, the candidate only names the version a missing package will get: ask only for the missing ones
    // (apt-cache policy takes about a second on a host with full lists). Which are missing is read from the
    // status above by the shell itself (a line "NAME<tab>?i": installed), not by one dpkg-query per package.
    if (a.state === 'present') {
      parts.push(sh`set --
for p in ${names}; do
  case "
$dpkg" in *"
$p\t"?i*) ;; *) set -- "$@" "$p" ;; esac
done
echo '#policy'; if [ $# -gt 0 ]; then apt-cache policy -- "$@" 2>/dev/null; fi`);
    }
  }
  // The lists' age: our update stamp, else the newest list file itself (never a folder's mtime: `lab up` or a
  // clean-up that empties the folder makes it look brand new). No list files at all: no age, so they are stale.
  parts.push(new ShellText(`echo '#cache'
set -- /var/lib/apt/lists/*_Packages*
if [ -e "$1" ]; then
  echo "lists=$(stat -c %Y -- "$@" | sort -n | tail -n 1)"
  echo "stamp=$(stat -c %Y /var/lib/apt/periodic/update-success-stamp 2>/dev/null)"
fi
echo "now=$(date +%s)"`));
  return join(parts);
}

/** Parses the probe's output (sections #dpkg, #policy, #cache). */
export function parseAptProbe(stdout: string): AptState {
  const packages: Record<string, PackageState> = {};
  const pkg = (name: string) => (packages[baseName(name)] ??= {});
  const sections = outputSections(stdout, /^#(.*)$/);
  for (const line of sections.get('dpkg') ?? []) {
    const [name, status, version] = line.split('\t');
    // Second letter of the status is the current state: i = installed (also on hold); a package can appear once per
    // architecture, and counts as installed when any of them is.
    if (name && status?.[1] === 'i') pkg(name).installed = version;
    else if (name) pkg(name);
  }
  let current = '';
  for (const line of sections.get('policy') ?? []) {
    const head = line.match(/^(\S+):$/);
    if (head) current = head[1];
    const cand = line.match(/^\s+Candidate: (.+)$/);
    if (cand && current && cand[1] !== '(none)') pkg(current).candidate = cand[1];
  }
  const cache = keyValues(sections.get('cache') ?? []);
  const seconds = (key: string) => Number(cache.get(key)) || 0;
  const newest = Math.max(seconds('stamp'), seconds('lists'));
  const now = seconds('now');
  return { packages, ...(newest > 0 && now > 0 ? { cacheAge: Math.max(0, now - newest) } : {}) };
}

// After the refresh: a package still without a candidate fails the task by name, before apt-get says less.
function requireCandidates(names: string[]): ShellText {
  return sh`for p in ${names}; do
  case "$(LC_ALL=C apt-cache policy -- "$p" 2>/dev/null)" in
    *"Candidate: ("*|"") echo "provision: no installable version of $p, even after refreshing the package lists; check the name and the host's apt sources" >&2; exit 100 ;;
  esac
done`;
}

/** Pure: which packages differ, and the fewest apt-get runs that fix them. */
export function planApt(a: AptArgs, s: AptState, ctx: Pick<ModuleContext, 'check'>): Plan {
  const names = a.name ?? [];
  const state = (n: string) => s.packages[baseName(n)] ?? {};
  const steps: Step[] = [];
  const notes: string[] = [];
  const missing = names.filter((n) => state(n).installed === undefined);
  const present = names.filter((n) => state(n).installed !== undefined);
  // Packages to install that the lists do not offer: lists older than the source that has them, or a wrong name.
  const unknown = a.state === 'absent' ? [] : missing.filter((n) => state(n).candidate === undefined);
  const stale = s.cacheAge === undefined || a.cache_valid_time === 0 || s.cacheAge >= a.cache_valid_time;
  // cache_valid_time saves a refresh, it never costs an install: lists that lack a wanted package are refreshed once.
  const refresh = a.update_cache && (stale || unknown.length > 0);
  if (refresh) {
    steps.push({
      describe: 'update the package lists (apt-get update)',
      script: withLockReport(sh`${aptGet(a, 'update')} && mkdir -p /var/lib/apt/periodic && touch /var/lib/apt/periodic/update-success-stamp`),
    });
    const why = stale ? '' : ` (${unknown.join(', ')} had no installable version in lists ${s.cacheAge} s old)`;
    notes.push(`${ctx.check ? 'would update the package lists' : 'package lists updated'}${why}`);
  } else if (a.update_cache) notes.push(`package lists are ${s.cacheAge} s old (valid for ${a.cache_valid_time} s)`);

  const result: Record<string, unknown> = { installed: [], upgraded: [], removed: [], cache_updated: refresh };
  let changed = false;
  if (a.state === 'absent') {
    if (present.length) {
      steps.push({ describe: `remove ${present.join(', ')}`, script: withLockReport(aptGet(a, a.purge ? 'purge' : 'remove', '--', ...present)) });
      notes.push(`${ctx.check ? 'would remove' : 'removed'}: ${present.map((n) => `${n} ${state(n).installed}`).join(', ')}`);
      result.removed = present.map((n) => ({ name: n, version: state(n).installed }));
      changed = true;
    }
    if (missing.length) notes.push(`already absent: ${missing.join(', ')}`);
  } else {
    // Without a refreshed cache, a package with no candidate cannot be installed: say why now, not after apt fails.
    if (unknown.length && !refresh) {
      return { steps: [], fail: `no installable version of ${unknown.join(', ')} in the host's package lists; check the name, or set update_cache: true` };
    }
    const version = (n: string) => state(n).candidate ?? 'newest';
    const upgrades = a.state === 'latest' && !refresh ? present.filter((n) => state(n).candidate !== undefined && state(n).candidate !== state(n).installed) : [];
    // After a cache refresh the candidates are unknown until it has run: every named package goes to apt, which
    // installs or upgrades only what is behind, so the task cannot know beforehand and reports a change.
    const latestAfterRefresh = a.state === 'latest' && refresh ? present : [];
    const toInstall = [...missing, ...upgrades, ...latestAfterRefresh];
    if (toInstall.length) {
      const rec = a.install_recommends === undefined ? [] : a.install_recommends ? ['-o', 'APT::Install-Recommends=true'] : ['--no-install-recommends'];
      steps.push({
        describe: `install ${toInstall.join(', ')}`,
        script: sh`${unknown.length ? requireCandidates(unknown) : new ShellText(':')}
${withLockReport(aptGet(a, ...rec, 'install', '--', ...toInstall))}
dpkg-query -W -f='provision-installed\\t\${Package}\\t\${Version}\\n' -- ${toInstall}`,
      });
      changed = true;
      if (missing.length) notes.push(`${ctx.check ? 'would install' : 'installed'}: ${missing.map((n) => `${n} ${version(n)}`).join(', ')}`);
      if (upgrades.length) notes.push(`${ctx.check ? 'would upgrade' : 'upgraded'}: ${upgrades.map((n) => `${n} ${state(n).installed} → ${version(n)}`).join(', ')}`);
      if (latestAfterRefresh.length) notes.push(`${ctx.check ? 'would upgrade' : 'upgraded'} if newer after the cache update: ${latestAfterRefresh.join(', ')}`);
      result.installed = missing.map((n) => ({ name: n, version: state(n).candidate }));
      result.upgraded = upgrades.map((n) => ({ name: n, from: state(n).installed, version: state(n).candidate }));
    }
    const settled = present.filter((n) => !toInstall.includes(n));
    if (settled.length) notes.push(`${a.state === 'latest' ? 'already newest' : 'already installed'}: ${settled.join(', ')}`);
  }
  return { steps, note: notes.join('; '), changed, result };
}

/** The apt module. */
export const apt = defineModule<AptArgs, AptArgs, AptState>({
  name: 'apt',
  summary: 'Install, upgrade or remove Debian packages with apt-get, non-interactively, waiting for the dpkg lock.',
  args,
  freeForm: 'name',
  probe: (a) => ({ script: aptProbeScript(a), parse: ({ stdout }) => parseAptProbe(stdout) }),
  plan: planApt,
  // The versions really installed, read back by the install step (the plan only knew the candidates).
  result: (_a, applied, plan) => {
    const out = applied.flatMap((r) => [...r.result.stdout.matchAll(/^provision-installed\t(\S+)\t(\S+)$/gm)].map((m) => ({ name: m[1], version: m[2] })));
    if (!out.length) return {};
    const version = new Map(out.map((p) => [p.name, p.version]));
    const fix = (list: unknown) => (list as { name: string; version?: string }[]).map((p) => ({ ...p, version: version.get(baseName(p.name)) ?? p.version }));
    return { installed: fix(plan.result?.installed ?? []), upgraded: fix(plan.result?.upgraded ?? []) };
  },
});
