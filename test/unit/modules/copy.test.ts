import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, readlink, stat, writeFile, symlink, lstat, chmod, chown } from 'node:fs/promises';
import { join } from 'node:path';
import { copy } from '../../../src/modules/copy.js';
import { contentFile, planContent, sha256 } from '../../../src/modules/files/content.js';
import { parseFileState } from '../../../src/modules/files/state.js';
import { Masker } from '../../../src/shell/secret.js';
import { fourSteps, runModule, tempDir, testContext } from '../../helpers/module-harness.js';

const NOBODY = 65534;

describe('copy plan (captured probe output → steps)', () => {
  const hello = Buffer.from('hello\n');
  const file = (over: Record<string, unknown> = {}) =>
    contentFile({ dest: '/etc/app.conf', backup: false, force: true, ...over } as Parameters<typeof contentFile>[0], hello);
  const probe = (stdout: string) => parseFileState('/etc/app.conf', { stdout, stderr: '', code: 0 });
  const same = `exists=yes\ntype=file\nattrs 644 0 0 root root 6\nsha256=${sha256(hello)}\n`;
  const cases: Array<{ name: string; args?: Record<string, unknown>; out: string; check?: boolean; steps: string[]; note?: string; fail?: string }> = [
    { name: 'a missing file is written', out: 'exists=no\nparent=yes\n', steps: ['write /etc/app.conf (6 bytes, atomically)'], note: 'create /etc/app.conf' },
    { name: 'same content and no wanted attributes: nothing', out: same, steps: [], note: '/etc/app.conf already has the wanted content' },
    { name: 'same content, mode and owner: nothing', args: { mode: '0644', owner: 'root', group: '0' }, out: same, steps: [], note: '/etc/app.conf already has the wanted content, mode and owner' },
    { name: 'only the mode drifted: a chmod, no rewrite', args: { mode: '0600' }, out: same, steps: ['set mode 0644 → 0600 on /etc/app.conf: chmod 0600 -- /etc/app.conf'] },
    {
      name: 'only the owner drifted: chown, then the mode again (chown clears setuid bits)',
      args: { owner: 'nobody', mode: '0644' },
      out: same,
      steps: ['set owner root → nobody on /etc/app.conf: chown nobody -- /etc/app.conf && chmod 0644 -- /etc/app.conf'],
    },
    { name: 'different content is rewritten', out: same.replace(/sha256=.*/, 'sha256=00'), steps: ['write /etc/app.conf (6 bytes, atomically)'], note: 'update the content of /etc/app.conf' },
    { name: 'a symbolic link at dest is replaced by the file', out: 'exists=yes\ntype=link\nattrs 777 0 0 root root 1\ntarget=Zgo=\nfollowed=file\nfattrs 644 0 0 root root 6\n', steps: ['write /etc/app.conf (6 bytes, atomically)'], note: 'replace the symbolic link /etc/app.conf with a file' },
    { name: 'force: false leaves an existing file alone', args: { force: false }, out: same.replace(/sha256=.*/, 'sha256=00'), steps: [], note: '/etc/app.conf exists and force is false: left as it is' },
    { name: 'a directory at dest fails', out: 'exists=yes\ntype=directory\nattrs 755 0 0 root root 4096\n', steps: [], fail: '/etc/app.conf is a directory: dest must be the full path of the file' },
    { name: 'a missing folder fails', out: 'exists=no\nparent=no\n', steps: [], fail: 'cannot create /etc/app.conf: directory /etc does not exist (create it first with the file module, state: directory)' },
    { name: 'a missing folder in check mode is a change', out: 'exists=no\nparent=no\n', check: true, steps: ['write /etc/app.conf (6 bytes, atomically)'], note: 'create /etc/app.conf (directory /etc does not exist yet)' },
  ];
  it.each(cases)('$name', ({ args, out, check, steps, note, fail }) => {
    const plan = planContent(file(args), probe(out), testContext({ check: !!check }));
    const shown = plan.steps.map((s) => (s.describe.startsWith('write') ? s.describe : `${s.describe}: ${s.script.text}`));
    expect(shown).toEqual(steps);
    if (note !== undefined) expect(plan.note).toBe(note);
    expect(plan.fail).toBe(fail);
  });

  it('writes the bytes on stdin, not inside the script', () => {
    const plan = planContent(file(), probe('exists=no\nparent=yes\n'), testContext());
    expect(plan.steps[0].stdin).toEqual(hello);
    expect(plan.steps[0].script.text).not.toContain('hello');
  });

  it('shows a masked unified-diff pair in diff mode', () => {
    const masker = new Masker();
    masker.add('s3cret');
    const f = contentFile({ dest: '/etc/app.conf', backup: false, force: true }, Buffer.from('password=s3cret\n'));
    const plan = planContent(f, probe(`exists=yes\ntype=file\nattrs 644 0 0 root root 6\nsha256=00\ncontent=${Buffer.from('password=old\n').toString('base64')}\n`), testContext({ diff: true, masker }));
    expect(plan.diffs).toEqual([{ path: '/etc/app.conf', before: 'password=*** (old value)\n', after: 'password=***\n' }]);
  });
});

describe('copy arguments', () => {
  it('refuses an unknown argument', () => {
    const r = copy.args.safeParse({ dest: '/x', content: '', mdoe: '0644' });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]).toMatchObject({ code: 'unrecognized_keys', keys: ['mdoe'] });
  });
  it('needs exactly one of content or src', () => {
    expect(copy.args.safeParse({ dest: '/x' }).error!.issues[0].message).toBe('give exactly one of content or src');
    expect(copy.args.safeParse({ dest: '/x', content: 'a', src: 'b' }).error!.issues[0].message).toBe('give exactly one of content or src');
  });
  it('refuses a symbolic mode with a clear message', () => {
    expect(copy.args.safeParse({ dest: '/x', content: '', mode: 'u+rwx' }).error!.issues[0].message).toBe('symbolic mode "u+rwx" is not supported: write an octal mode like "0644"');
  });
  it('refuses validate without %s before touching the host', async () => {
    await expect(runModule(copy, { dest: '/tmp/x', content: '', validate: 'true' })).rejects.toThrow('validate must contain %s, which stands for the file to check');
  });
});

describe('copy on a real filesystem', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ dir, cleanup } = await tempDir()));
  afterEach(() => cleanup());
  const leftovers = async () => (await readdir(dir)).filter((n) => n.includes('.provision-'));

  it('passes the four steps: check changes nothing, a run writes, a second run and a check find nothing to do', async () => {
    const dest = join(dir, 'app.conf');
    const r = await fourSteps(copy, { dest, content: 'port=8333\n', mode: '0640', owner: 'nobody', group: 'nogroup' }, {}, () => readFile(dest, 'utf8').catch(() => 'missing'));
    expect([r.checkBefore.changed, r.first.changed, r.second.changed, r.checkAfter.changed]).toEqual([true, true, false, false]);
    expect(r.afterCheck).toBe('missing');
    expect(r.checkBefore.applied).toEqual([]);
    expect(await readFile(dest, 'utf8')).toBe('port=8333\n');
    const st = await stat(dest);
    expect([st.mode & 0o7777, st.uid, st.gid]).toEqual([0o640, NOBODY, NOBODY]);
    expect(r.second.message).toBe(`${dest} already has the wanted content, mode and owner`);
    expect(r.first.execs).toHaveLength(2); // one probe, one write
    expect(await leftovers()).toEqual([]);
  });

  it('keeps the old file and removes the temp file when validate refuses the new content', async () => {
    const dest = join(dir, 'sudoers');
    await writeFile(dest, 'good\n');
    const r = await runModule(copy, { dest, content: 'bad\n', validate: 'grep -q good %s' });
    expect(r.failed).toBe(true);
    expect(r.message).toBe(`write ${dest} (4 bytes, atomically, validated): exit code 3\nvalidate refused the new content; ${dest} is unchanged`);
    expect(await readFile(dest, 'utf8')).toBe('good\n');
    expect(await leftovers()).toEqual([]);
  });

  it("shows the validator's own output when it fails", async () => {
    const dest = join(dir, 'conf');
    const r = await runModule(copy, { dest, content: 'x\n', validate: "sh -c 'echo \"line 1: syntax error\"; exit 1' check %s" });
    expect(r.message).toContain('line 1: syntax error\nvalidate refused the new content');
    expect(await stat(dest).catch(() => 'missing')).toBe('missing');
    expect(await leftovers()).toEqual([]);
  });

  it('runs validate on the temp file, in the same folder, before the rename', async () => {
    const dest = join(dir, 'conf');
    const seen = join(dir, 'seen');
    await runModule(copy, { dest, content: 'new\n', validate: `sh -c 'cat "$1" > "$2"; printf %s "$1" >> "$2"' check %s ${seen}` });
    const [content, tmpPath] = (await readFile(seen, 'utf8')).split('\n');
    expect(content).toBe('new');
    expect(tmpPath).toMatch(new RegExp(`^${dir}/\\.conf\\.provision-[A-Za-z0-9]{6}$`));
  });

  it('round-trips binary content byte for byte, and then finds nothing to do', async () => {
    const dest = join(dir, 'blob');
    const data = Buffer.concat([Buffer.from([0, 255, 10, 13, 0]), randomBytes(70_000)]);
    const src = join(dir, 'blob.src');
    await writeFile(src, data);
    expect((await runModule(copy, { dest, src })).changed).toBe(true);
    expect((await readFile(dest)).equals(data)).toBe(true);
    const second = await runModule(copy, { dest, src }, { diff: true });
    expect(second.changed).toBe(false);
    // Unchanged: the probe did not ship the file back even in diff mode.
    expect(second.execs[0].result.stdout).not.toContain('content=');
  });

  it('shows the old and new text in diff mode, and a placeholder for binary files', async () => {
    const dest = join(dir, 'conf');
    await writeFile(dest, 'a\nb\n');
    const r = await runModule(copy, { dest, content: 'a\nc\n' }, { diff: true, check: true });
    expect(r.plan.diffs).toEqual([{ path: dest, before: 'a\nb\n', after: 'a\nc\n' }]);
    await writeFile(dest, Buffer.from([1, 0, 2]));
    const bin = await runModule(copy, { dest, content: 'text\n' }, { diff: true, check: true });
    expect(bin.plan.diffs![0].before).toBe('(binary, unreadable or larger than 256 KiB: not shown)\n');
  });

  it('fixes only the mode when only the mode drifted (same inode, no rewrite)', async () => {
    const dest = join(dir, 'conf');
    await writeFile(dest, 'same\n');
    await chmod(dest, 0o600);
    const inode = (await stat(dest)).ino;
    const r = await runModule(copy, { dest, content: 'same\n', mode: '0644' });
    expect(r.plan.steps.map((s) => s.describe)).toEqual([`set mode 0600 → 0644 on ${dest}`]);
    expect((await stat(dest)).ino).toBe(inode);
    expect((await stat(dest)).mode & 0o7777).toBe(0o644);
  });

  it('keeps the mode and owner of the file it replaces when none are given, and uses the umask for new files', async () => {
    const dest = join(dir, 'conf');
    await writeFile(dest, 'old\n');
    await chmod(dest, 0o600);
    await chown(dest, NOBODY, NOBODY);
    await runModule(copy, { dest, content: 'new\n' });
    const st = await stat(dest);
    expect([st.mode & 0o7777, st.uid, st.gid]).toEqual([0o600, NOBODY, NOBODY]);
    const fresh = join(dir, 'fresh');
    await runModule(copy, { dest: fresh, content: 'x' });
    const umask = process.umask();
    expect((await stat(fresh)).mode & 0o7777).toBe(0o666 & ~umask);
  });

  it('makes a backup of the old file and registers its path', async () => {
    const dest = join(dir, 'conf');
    await writeFile(dest, 'old\n');
    const r = await runModule(copy, { dest, content: 'new\n', backup: true });
    const backup = r.result.backup_file as string;
    expect(backup).toMatch(new RegExp(`^${dest}\\.\\d{4}-\\d\\d-\\d\\d@\\d\\d:\\d\\d:\\d\\d~$`));
    expect(await readFile(backup, 'utf8')).toBe('old\n');
    expect(await readFile(dest, 'utf8')).toBe('new\n');
  });

  it('replaces a symbolic link at dest with a regular file, leaving the link target alone', async () => {
    const target = join(dir, 'target');
    const dest = join(dir, 'link');
    await writeFile(target, 'target\n');
    await symlink(target, dest);
    await runModule(copy, { dest, content: 'mine\n' });
    expect((await lstat(dest)).isFile()).toBe(true);
    expect(await readFile(target, 'utf8')).toBe('target\n');
  });

  // mv would move the file into the folder the link points at (and leave it there on every run): the link itself goes.
  it('replaces a symbolic link to a directory with a regular file, leaving nothing in that directory, and then has nothing to do', async () => {
    const folder = join(dir, 'folder');
    const dest = join(dir, 'link');
    await mkdir(folder);
    await symlink(folder, dest);
    const first = await runModule(copy, { dest, content: 'mine\n' });
    expect([first.failed, first.changed, first.message]).toEqual([false, true, `replace the symbolic link ${dest} with a file`]);
    expect((await lstat(dest)).isFile()).toBe(true);
    expect(await readFile(dest, 'utf8')).toBe('mine\n');
    expect(await readdir(folder)).toEqual([]);
    const second = await runModule(copy, { dest, content: 'mine\n' });
    expect([second.failed, second.changed]).toEqual([false, false]);
    expect(await readdir(folder)).toEqual([]);
    expect(await leftovers()).toEqual([]);
  });

  it('with backup, keeps the symbolic link it replaces as the backup', async () => {
    const folder = join(dir, 'folder');
    const dest = join(dir, 'link');
    await mkdir(folder);
    await symlink(folder, dest);
    const run = await runModule(copy, { dest, content: 'mine\n', backup: true });
    expect(run.failed).toBe(false);
    const backup = String(run.result.backup_file);
    expect((await lstat(backup)).isSymbolicLink()).toBe(true);
    expect(await readlink(backup)).toBe(folder);
    expect(await readFile(dest, 'utf8')).toBe('mine\n');
  });

  it('delivers quotes, $(), backticks, semicolons and newlines in paths and content literally', async () => {
    const nasty = `it's "$(touch PWNED)" \`touch PWNED\`; x\ny`;
    const folder = join(dir, nasty);
    await mkdir(folder);
    const dest = join(folder, `${nasty}.conf`);
    const content = `${nasty}\n$HOME \\n %s\n`;
    const r = await runModule(copy, { dest, content, mode: '0600' });
    expect(r.failed).toBe(false);
    expect(await readFile(dest, 'utf8')).toBe(content);
    expect(await readdir(dir)).toEqual([nasty]);
    expect(await stat(join(process.cwd(), 'PWNED')).catch(() => 'none')).toBe('none');
    expect((await runModule(copy, { dest, content, mode: '0600' })).changed).toBe(false);
  });

  it('reads src relative to the playbook folder, then its files/ folder', async () => {
    await mkdir(join(dir, 'files'));
    await writeFile(join(dir, 'files', 'motd'), 'welcome\n');
    const dest = join(dir, 'out');
    await runModule(copy, { dest, src: 'motd' }, { playbookDir: dir });
    expect(await readFile(dest, 'utf8')).toBe('welcome\n');
  });

  it('names every place it looked for a missing src', async () => {
    await expect(runModule(copy, { dest: join(dir, 'x'), src: 'nope' }, { playbookDir: dir })).rejects.toThrow(
      `copy src "nope" not found\n  expected: a file at ${dir}/nope or ${dir}/files/nope\n  fix: check the path, or put the file in the files/ folder next to the playbook`,
    );
  });

  it('fails clearly when the destination folder does not exist', async () => {
    const r = await runModule(copy, { dest: join(dir, 'no', 'such'), content: 'x' });
    expect(r.failed).toBe(true);
    expect(r.message).toBe(`cannot create ${dir}/no/such: directory ${dir}/no does not exist (create it first with the file module, state: directory)`);
  });
});
