import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseUserProbe, planUser, user } from '../../../src/modules/user.js';

// Accounts are never created on the control machine: plans from captured probes, and only the read-only probe runs.
const captured = (name: string) => parseUserProbe(readFileSync(join(process.cwd(), 'test/fixtures/probes/user', `${name}.out`), 'utf8'));
// A bitcoin system user as the i2p-node playbook will leave it (same format as the captured probes).
const bitcoin = parseUserProbe('passwd=bitcoin:x:999:996::/var/lib/bitcoin:/usr/sbin/nologin\nprimary=bitcoin\ngroups=bitcoin i2pd\nsamegroup=yes\n');

describe('user plan (probe output → steps)', () => {
  const cases: Array<{ name: string; probe: ReturnType<typeof parseUserProbe>; args: Record<string, unknown>; steps: string[]; note?: string }> = [
    {
      name: 'a missing system user is created without a home by default',
      probe: captured('missing'),
      args: { name: 'bitcoin', system: true, home: '/var/lib/bitcoin', shell: '/usr/sbin/nologin' },
      steps: ['useradd --system --home-dir /var/lib/bitcoin --shell /usr/sbin/nologin --no-create-home -- bitcoin'],
      note: 'create system user bitcoin',
    },
    {
      name: 'a missing normal user gets a home, its groups and a uid',
      probe: captured('missing'),
      args: { name: 'bitcoin', uid: 1500, groups: ['i2pd', 'adm'] },
      steps: ['useradd --uid 1500 --groups i2pd,adm --create-home -- bitcoin'],
    },
    {
      name: 'a group named like the user that already exists becomes its primary group',
      probe: { ...captured('missing'), sameNameGroup: true },
      args: { name: 'bitcoin', system: true },
      steps: ['useradd --system --gid bitcoin --no-create-home -- bitcoin'],
    },
    {
      name: 'an existing user as wanted needs nothing',
      probe: bitcoin,
      args: { name: 'bitcoin', system: true, home: '/var/lib/bitcoin', shell: '/usr/sbin/nologin', group: 'bitcoin', groups: ['i2pd'] },
      steps: [],
      note: 'user bitcoin exists as wanted (uid 999, group bitcoin)',
    },
    {
      name: 'home, shell and groups that drifted are changed in one usermod',
      probe: bitcoin,
      args: { name: 'bitcoin', home: '/srv/bitcoin', shell: '/bin/sh', groups: ['adm'] },
      steps: ['usermod --home /srv/bitcoin --shell /bin/sh --groups adm -- bitcoin'],
      note: 'change user bitcoin: home /var/lib/bitcoin → /srv/bitcoin, shell /usr/sbin/nologin → /bin/sh, add to adm, remove from i2pd',
    },
    { name: 'append adds only the missing groups', probe: bitcoin, args: { name: 'bitcoin', groups: ['adm', 'i2pd'], append: true }, steps: ['usermod --append --groups adm -- bitcoin'] },
    { name: 'append with every group present needs nothing', probe: bitcoin, args: { name: 'bitcoin', groups: ['i2pd'], append: true }, steps: [] },
    { name: 'the primary group may be given by gid', probe: bitcoin, args: { name: 'bitcoin', group: 996 }, steps: [] },
    { name: 'captured _apt: its primary group is nogroup', probe: captured('_apt'), args: { name: '_apt', group: 'nogroup', shell: '/usr/sbin/nologin' }, steps: [] },
    { name: 'captured root: a new shell', probe: captured('root'), args: { name: 'root', shell: '/bin/sh' }, steps: ['usermod --shell /bin/sh -- root'] },
    { name: 'absent removes the account', probe: bitcoin, args: { name: 'bitcoin', state: 'absent' }, steps: ['userdel -- bitcoin'] },
    { name: 'absent with remove removes its home too', probe: bitcoin, args: { name: 'bitcoin', state: 'absent', remove: true }, steps: ['userdel --remove -- bitcoin'] },
    { name: 'absent on a missing user needs nothing', probe: captured('missing'), args: { name: 'bitcoin', state: 'absent' }, steps: [], note: 'user bitcoin is already absent' },
  ];
  it.each(cases)('$name', ({ probe, args, steps, note }) => {
    const plan = planUser(user.args.parse(args), probe);
    expect(plan.steps.map((s) => s.script.text)).toEqual(steps);
    if (note !== undefined) expect(plan.note).toBe(note);
  });

  it('quotes a home path full of shell syntax as one argument', () => {
    const home = "/srv/it's $(id); x\ny";
    const plan = planUser(user.args.parse({ name: 'bitcoin', home }), captured('missing'));
    expect(plan.steps[0].script.text).toBe(`useradd --home-dir '/srv/it'\\''s $(id); x\ny' --create-home -- bitcoin`);
    const argv = execFileSync('/bin/sh', ['-c', `useradd() { printf '%s|' "$@"; }\n${plan.steps[0].script.text}`], { encoding: 'utf8' });
    expect(argv).toBe(`--home-dir|${home}|--create-home|--|bitcoin|`);
  });
});

describe('user arguments', () => {
  it.each([
    [{ name: "bit'coin" }, 'a user name: a letter or "_" first, then letters, digits, "_", "." or "-"'],
    [{ name: '-o' }, 'a user name: a letter or "_" first, then letters, digits, "_", "." or "-"'],
    [{ name: 'bitcoin', groups: ['a,b'] }, 'a group name: a letter or "_" first, then letters, digits, "_", "." or "-"'],
    [{ name: 'bitcoin', home: 'var/lib/bitcoin' }, 'an absolute path'],
    [{ name: 'bitcoin', append: true }, 'append needs groups'],
    [{ name: 'bitcoin', remove: true }, 'remove is only used with state: absent'],
  ])('refuses %j', (args, message) => {
    expect(user.args.safeParse(args).error!.issues[0].message).toBe(message);
  });
});

describe('user probe on this machine (read-only)', () => {
  it('reads root and a missing account in one script each', () => {
    const probe = (name: string) => parseUserProbe(execFileSync('/bin/sh', ['-c', user.probe!(user.args.parse({ name }), {} as never)!.script.text], { encoding: 'utf8' }));
    expect(probe('root')).toMatchObject({ exists: true, uid: 0, gid: 0, primary: 'root', home: '/root', sameNameGroup: true });
    expect(probe('nosuchuser-provision')).toEqual({ exists: false, sameNameGroup: false });
  });
});
