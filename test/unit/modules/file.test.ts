import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { lstat, mkdir, readdir, readlink, stat, symlink, writeFile, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { file, planFile } from '../../../src/modules/file.js';
import { parseFileState } from '../../../src/modules/files/state.js';
import { fourSteps, runModule, tempDir } from '../../helpers/module-harness.js';

const P = '/srv/data';
const captured = {
  missing: 'exists=no\nparent=yes\n',
  file: 'exists=yes\ntype=file\nattrs 644 0 0 root root 6\nsha256=5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03\n',
  dir: 'exists=yes\ntype=directory\nattrs 755 0 0 root root 4096\n',
  linkToF: 'exists=yes\ntype=link\nattrs 777 0 0 root root 1\ntarget=Zgo=\nfollowed=file\nfattrs 644 0 0 root root 6\n', // → f
  dangling: 'exists=yes\ntype=link\nattrs 777 0 0 root root 7\ntarget=bm93aGVyZQo=\nfollowed=missing\n', // → nowhere
};

describe('file plan (captured probe output → steps)', () => {
  const cases: Array<{ name: string; args: Record<string, unknown>; out: keyof typeof captured; drift?: boolean; steps: string[]; note?: string; fail?: string }> = [
    { name: 'absent: a missing path needs nothing', args: { state: 'absent' }, out: 'missing', steps: [], note: '/srv/data is already absent' },
    { name: 'absent: a directory is removed recursively', args: { state: 'absent' }, out: 'dir', steps: ['rm -rf -- /srv/data'], note: 'remove /srv/data (a directory)' },
    { name: 'directory: created with parents, then owner and mode', args: { state: 'directory', owner: 'nobody', mode: '0750' }, out: 'missing', steps: ['mkdir -p -- /srv/data && chown nobody -- /srv/data && chmod 0750 -- /srv/data'] },
    { name: 'directory: an existing one with the wanted mode needs nothing', args: { state: 'directory', mode: '755' }, out: 'dir', steps: [], note: 'directory /srv/data is already as wanted' },
    { name: 'directory: only the mode is fixed', args: { state: 'directory', mode: '0700' }, out: 'dir', steps: ['chmod 0700 -- /srv/data'], note: 'set mode 0755 → 0700 on /srv/data' },
    { name: 'directory: recurse fixes everything inside when something inside drifted', args: { state: 'directory', owner: 'nobody', recurse: true }, out: 'dir', drift: true, steps: ['chown -R nobody -- /srv/data'] },
    { name: 'directory: a file in the way fails', args: { state: 'directory' }, out: 'file', steps: [], fail: '/srv/data exists and is a file, not a directory' },
    { name: 'file: a missing file is an error, not created', args: { state: 'file' }, out: 'missing', steps: [], fail: '/srv/data does not exist (state: file does not create files: use state: touch, copy or template)' },
    { name: 'file: attributes are set through a link on its target', args: { state: 'file', group: 'nogroup' }, out: 'linkToF', steps: ['chown :nogroup -- /srv/data'] },
    { name: 'no state: an existing directory stays a directory', args: { mode: '0755' }, out: 'dir', steps: [], note: 'directory /srv/data is already as wanted' },
    { name: 'touch: a missing file is created empty', args: { state: 'touch', mode: '0600' }, out: 'missing', steps: ['touch -- /srv/data && chmod 0600 -- /srv/data'] },
    { name: 'touch: an existing file keeps its times (no step)', args: { state: 'touch' }, out: 'file', steps: [], note: '/srv/data exists and is already as wanted' },
    { name: 'touch: a dangling link fails instead of creating its target', args: { state: 'touch' }, out: 'dangling', steps: [], fail: '/srv/data is a dangling symbolic link to nowhere' },
    { name: 'link: a missing path becomes the link', args: { state: 'link', src: '/opt/x' }, out: 'missing', steps: ['ln -s -- /opt/x /srv/data'], note: 'link /srv/data → /opt/x' },
    { name: 'link: the same target needs nothing', args: { state: 'link', src: 'f' }, out: 'linkToF', steps: [], note: '/srv/data already links to f' },
    { name: 'link: another target is replaced', args: { state: 'link', src: 'g' }, out: 'dangling', steps: ['ln -sfn -- g /srv/data'], note: 'link /srv/data → g (was a symbolic link to nowhere)' },
    { name: 'link: a file in the way needs force', args: { state: 'link', src: 'g' }, out: 'file', steps: [], fail: '/srv/data exists and is a file: set force: true to replace it with a link' },
    { name: 'link: with force a file is replaced', args: { state: 'link', src: 'g', force: true, owner: 'nobody' }, out: 'file', steps: ['ln -sfn -- g /srv/data && chown -h nobody -- /srv/data'] },
  ];
  it.each(cases)('$name', ({ args, out, drift, steps, note, fail }) => {
    const a = file.args.parse({ path: P, ...args });
    const plan = planFile(a, { path: parseFileState(P, { stdout: captured[out], stderr: '', code: 0 }), insideDrift: !!drift });
    expect(plan.steps.map((s) => s.script.text)).toEqual(steps);
    if (note !== undefined) expect(plan.note).toBe(note);
    expect(plan.fail).toBe(fail);
  });

  it.each([
    [{ state: 'link' }, 'state: link needs src (the link target)'],
    [{ src: '/x' }, 'src is only used with state: link'],
    [{ state: 'link', src: '/x', mode: '0644' }, 'a symbolic link has no mode of its own: set the mode on its target'],
    [{ recurse: true }, 'recurse needs state: directory'],
    [{ state: 'hard' }, 'Invalid option: expected one of "file"|"directory"|"absent"|"link"|"touch"'],
  ])('refuses %j', (args, message) => {
    expect(file.args.safeParse({ path: P, ...args }).error!.issues[0].message).toBe(message);
  });
});

describe('file on a real filesystem', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ dir, cleanup } = await tempDir()));
  afterEach(() => cleanup());
  const changes = (r: Awaited<ReturnType<typeof fourSteps>>) => [r.checkBefore.changed, r.first.changed, r.second.changed, r.checkAfter.changed];
  const exists = (p: string) => lstat(p).then(() => true, () => false);

  it('directory: four steps, created with parents, owner and mode', async () => {
    const path = join(dir, 'a', 'b');
    const r = await fourSteps(file, { path, state: 'directory', owner: 'nobody', group: 'nogroup', mode: '0750' }, {}, () => exists(path));
    expect(changes(r)).toEqual([true, true, false, false]);
    expect(r.afterCheck).toBe(false);
    const st = await stat(path);
    expect([st.isDirectory(), st.mode & 0o7777, st.uid, st.gid]).toEqual([true, 0o750, 65534, 65534]);
    expect(r.first.execs).toHaveLength(2);
  });

  it('directory with recurse: four steps, everything inside gets the owner', async () => {
    const path = join(dir, 'tree');
    await mkdir(join(path, 'sub'), { recursive: true });
    await writeFile(join(path, 'sub', 'f'), 'x');
    const r = await fourSteps(file, { path, state: 'directory', owner: 'nobody', recurse: true });
    expect(changes(r)).toEqual([true, true, false, false]);
    expect((await stat(join(path, 'sub', 'f'))).uid).toBe(65534);
  });

  it('absent: four steps, a whole tree is removed', async () => {
    const path = join(dir, 'gone');
    await mkdir(join(path, 'sub'), { recursive: true });
    const r = await fourSteps(file, { path, state: 'absent' }, {}, () => exists(path));
    expect(changes(r)).toEqual([true, true, false, false]);
    expect(r.afterCheck).toBe(true);
    expect(await exists(path)).toBe(false);
  });

  it('touch: four steps, an empty file with a mode', async () => {
    const path = join(dir, 'flag');
    const r = await fourSteps(file, { path, state: 'touch', mode: '0600' });
    expect(changes(r)).toEqual([true, true, false, false]);
    expect((await stat(path)).size).toBe(0);
    expect((await stat(path)).mode & 0o7777).toBe(0o600);
  });

  it('file: four steps, only the mode of an existing file changes', async () => {
    const path = join(dir, 'f');
    await writeFile(path, 'data');
    await chmod(path, 0o644);
    const r = await fourSteps(file, { path, mode: '0400' });
    expect(changes(r)).toEqual([true, true, false, false]);
    expect((await stat(path)).mode & 0o7777).toBe(0o400);
  });

  it('link: four steps, then a new target replaces the old link', async () => {
    const path = join(dir, 'current');
    const r = await fourSteps(file, { path, state: 'link', src: 'releases/1' }, {}, () => exists(path));
    expect(changes(r)).toEqual([true, true, false, false]);
    expect(r.afterCheck).toBe(false);
    expect(await readlink(path)).toBe('releases/1');
    const again = await runModule(file, { path, state: 'link', src: 'releases/2' });
    expect(again.changed).toBe(true);
    expect(await readlink(path)).toBe('releases/2');
  });

  it('link: owner is set on the link itself', async () => {
    const path = join(dir, 'l');
    await writeFile(join(dir, 't'), '');
    const r = await fourSteps(file, { path, state: 'link', src: 't', owner: 'nobody' });
    expect(changes(r)).toEqual([true, true, false, false]);
    expect((await lstat(path)).uid).toBe(65534);
    expect((await stat(join(dir, 't'))).uid).toBe(0);
  });

  it('delivers quotes, $(), backticks, semicolons and newlines in paths and link targets literally', async () => {
    const nasty = `it's "$(touch PWNED)" \`touch PWNED\`; x\ny`;
    const path = join(dir, nasty);
    expect((await runModule(file, { path, state: 'directory', mode: '0700' })).failed).toBe(false);
    const link = join(path, 'link');
    expect((await runModule(file, { path: link, state: 'link', src: nasty })).failed).toBe(false);
    expect(await readlink(link)).toBe(nasty);
    expect((await runModule(file, { path: link, state: 'link', src: nasty })).changed).toBe(false);
    expect(await readdir(dir)).toEqual([nasty]);
    expect(await exists(join(process.cwd(), 'PWNED'))).toBe(false);
  });

  it('a symbolic link at the path: state file acts on the target', async () => {
    await writeFile(join(dir, 'target'), 'x');
    await chmod(join(dir, 'target'), 0o644);
    await symlink('target', join(dir, 'l'));
    const r = await runModule(file, { path: join(dir, 'l'), state: 'file', mode: '0600' });
    expect(r.changed).toBe(true);
    expect((await stat(join(dir, 'target'))).mode & 0o7777).toBe(0o600);
  });
});
