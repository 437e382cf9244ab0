// user: a local account (often a system account for a daemon) present or absent, read through getent and id.
import { z } from 'zod';
import { cmd, sh } from '../shell/quote.js';
import { defineModule, type Plan } from './define.js';
import { accountName } from './group.js';
import { keyValues } from '../text/probe-output.js';

const path = (what: string) => z.string().regex(/^\//, 'an absolute path').describe(what);

const args = z
  .strictObject({
    name: accountName('user').describe('Login name of the account'),
    state: z.enum(['present', 'absent']).default('present').describe('present: the account exists as described; absent: it is removed'),
    system: z.boolean().default(false).describe('Create a system account (uid from the system range, no aging); ignored for an existing account'),
    uid: z.number().int().nonnegative().optional().describe('Numeric user id'),
    group: z
      .union([accountName('group'), z.number().int().nonnegative().transform(String)])
      .optional()
      .describe('Primary group, by name or gid (must exist). Default for a new account: a group named like the user'),
    groups: z.array(accountName('group')).optional().describe('Supplementary groups (must exist)'),
    append: z.boolean().default(false).describe('Add the listed groups and keep any others; false: the account ends up in exactly `groups`'),
    home: path('Home directory (absolute path)').optional(),
    shell: path('Login shell, e.g. /usr/sbin/nologin for a service account').optional(),
    create_home: z.boolean().optional().describe('Create the home directory when creating the account. Default: true for a normal account, false for a system account'),
    remove: z.boolean().default(false).describe('state: absent: also remove the home directory and mail spool (userdel -r)'),
  })
  .superRefine((a, ctx) => {
    if (a.append && a.groups === undefined) ctx.addIssue({ code: 'custom', message: 'append needs groups', path: ['append'] });
    if (a.remove && a.state !== 'absent') ctx.addIssue({ code: 'custom', message: 'remove is only used with state: absent', path: ['remove'] });
  });

/** user's arguments after parsing. */
export type UserArgs = z.output<typeof args>;

/** What the probe found: the passwd entry, its primary group's name, all its groups, and whether a group named like the user exists. */
export type UserState =
  | { exists: false; sameNameGroup: boolean }
  | { exists: true; uid: number; gid: number; primary: string; home: string; shell: string; groups: string[]; sameNameGroup: boolean };

/** Parses the probe's `key=value` lines. */
export function parseUserProbe(stdout: string): UserState {
  const values = keyValues(stdout);
  const get = (k: string) => values.get(k) ?? '';
  const sameNameGroup = get('samegroup') === 'yes';
  const pw = get('passwd').split(':');
  if (pw.length < 7) return { exists: false, sameNameGroup };
  const primary = get('primary') || pw[3];
  const groups = get('groups').split(/\s+/).filter((g) => g !== '' && g !== primary);
  return { exists: true, uid: Number(pw[2]), gid: Number(pw[3]), primary, home: pw[5], shell: pw[6], groups, sameNameGroup };
}

/** Pure: the account's state → useradd, usermod or userdel. */
export function planUser(a: UserArgs, u: UserState): Plan {
  if (a.state === 'absent') {
    if (!u.exists) return { steps: [], note: `user ${a.name} is already absent` };
    const describe = `remove user ${a.name}${a.remove ? ' and its home' : ''}`;
    return { steps: [{ describe, script: cmd('userdel', ...(a.remove ? ['--remove'] : []), '--', a.name) }], note: describe };
  }
  if (!u.exists) {
    const createHome = a.create_home ?? !a.system;
    // useradd refuses to create a same-named group that already exists: join it instead (as Ansible does).
    const group = a.group ?? (u.sameNameGroup ? a.name : undefined);
    const argv = [
      'useradd',
      ...(a.system ? ['--system'] : []),
      ...(a.uid !== undefined ? ['--uid', String(a.uid)] : []),
      ...(group !== undefined ? ['--gid', group] : []),
      ...(a.groups?.length ? ['--groups', a.groups.join(',')] : []),
      ...(a.home !== undefined ? ['--home-dir', a.home] : []),
      ...(a.shell !== undefined ? ['--shell', a.shell] : []),
      createHome ? '--create-home' : '--no-create-home',
      '--',
      a.name,
    ];
    const describe = `create ${a.system ? 'system ' : ''}user ${a.name}`;
    return { steps: [{ describe, script: cmd(...argv) }], note: describe };
  }
  const opts: string[] = [];
  const changes: string[] = [];
  if (a.uid !== undefined && a.uid !== u.uid) (opts.push('--uid', String(a.uid)), changes.push(`uid ${u.uid} → ${a.uid}`));
  if (a.group !== undefined && a.group !== u.primary && a.group !== String(u.gid)) (opts.push('--gid', a.group), changes.push(`group ${u.primary} → ${a.group}`));
  if (a.home !== undefined && a.home !== u.home) (opts.push('--home', a.home), changes.push(`home ${u.home} → ${a.home}`));
  if (a.shell !== undefined && a.shell !== u.shell) (opts.push('--shell', a.shell), changes.push(`shell ${u.shell} → ${a.shell}`));
  if (a.groups !== undefined) {
    const want = a.groups.filter((g) => g !== (a.group ?? u.primary));
    const missing = want.filter((g) => !u.groups.includes(g));
    const extra = a.append ? [] : u.groups.filter((g) => !want.includes(g));
    if (missing.length || extra.length) {
      opts.push(...(a.append ? ['--append', '--groups', missing.join(',')] : ['--groups', want.join(',')]));
      if (missing.length) changes.push(`add to ${missing.join(', ')}`);
      if (extra.length) changes.push(`remove from ${extra.join(', ')}`);
    }
  }
  if (!opts.length) return { steps: [], note: `user ${a.name} exists as wanted (uid ${u.uid}, group ${u.primary})` };
  const describe = `change user ${a.name}: ${changes.join(', ')}`;
  return { steps: [{ describe, script: cmd('usermod', ...opts, '--', a.name) }], note: describe };
}

/** The user module. */
export const user = defineModule<UserArgs, UserArgs, UserState>({
  name: 'user',
  summary: 'Make a local account present (system or not, with home, shell, primary and supplementary groups) or absent.',
  args,
  freeForm: 'name',
  probe: (a) => ({
    // One round trip: the passwd entry, the primary group's name, every group of the account, and whether a
    // group with the account's name exists (useradd needs to know).
    script: sh`if pw=$(getent passwd -- ${a.name}); then
  printf 'passwd=%s\\n' "$pw"
  printf 'primary=%s\\n' "$(getent group -- "$(printf '%s' "$pw" | cut -d: -f4)" | cut -d: -f1)"
  printf 'groups=%s\\n' "$(id -Gn -- ${a.name} 2>/dev/null)"
fi
if getent group -- ${a.name} >/dev/null; then echo samegroup=yes; else echo samegroup=no; fi`,
    parse: ({ stdout }) => parseUserProbe(stdout),
  }),
  plan: planUser,
  result: (a) => ({ name: a.name, state: a.state }),
});
