import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { chmod, chown, mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileStateScript, parseFileState } from '../../../../src/modules/files/state.js';
import { LocalTransport } from '../../../../src/transport/local.js';
import { tempDir } from '../../../helpers/module-harness.js';

const ok = (stdout: string) => ({ stdout, stderr: '', code: 0 });

describe('parsing the file probe (captured outputs)', () => {
  it('a regular file with its content', () => {
    expect(parseFileState('/f', ok('exists=yes\ntype=file\nattrs 644 0 0 root root 6\nsha256=5891b5\ncontent=aGVsbG8K\n'))).toEqual({
      exists: true,
      type: 'file',
      attrs: { mode: '0644', uid: 0, gid: 0, owner: 'root', group: 'root', size: 6 },
      sha256: '5891b5',
      content: Buffer.from('hello\n'),
    });
  });
  it('a dangling link', () => {
    expect(parseFileState('/l', ok('exists=yes\ntype=link\nattrs 777 0 0 root root 7\ntarget=bm93aGVyZQo=\nfollowed=missing\n'))).toMatchObject({
      type: 'link',
      linkTarget: 'nowhere',
      followed: null,
    });
  });
  it('a missing path and its folder', () => {
    expect(parseFileState('/x', ok('exists=no\nparent=no\n'))).toEqual({ exists: false, parentExists: false });
  });
  it('a probe that failed is an error naming the path and what the host said', () => {
    expect(() => parseFileState('/root/x', { stdout: '', stderr: 'sudo: a password is required', code: 1 })).toThrow(
      'could not read the state of /root/x\n  got: sudo: a password is required\n  fix: check that the path is readable by the connecting user, or use become',
    );
  });
});

describe('the file probe on this machine', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ dir, cleanup } = await tempDir()));
  afterEach(() => cleanup());
  const probe = async (path: string, options = {}) => parseFileState(path, await new LocalTransport().exec(fileStateScript(path, options)));

  it('reports mode with setgid bits, owner names and ids', async () => {
    const d = join(dir, 'd');
    await mkdir(d);
    await chmod(d, 0o2750);
    await chown(d, 65534, 65534);
    expect(await probe(d)).toEqual({ exists: true, type: 'directory', attrs: { mode: '2750', uid: 65534, gid: 65534, owner: 'nobody', group: 'nogroup', size: 4096 } });
  });

  it('sends content back only when asked, small, text and different from the wanted sha256', async () => {
    const f = join(dir, 'f');
    await writeFile(f, 'hello\n');
    const sha = '5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03';
    expect(await probe(f)).toMatchObject({ sha256: sha });
    expect((await probe(f)).exists && 'content' in (await probe(f))).toBe(false);
    expect(await probe(f, { contentLimit: 100 })).toMatchObject({ content: Buffer.from('hello\n') });
    expect('content' in (await probe(f, { contentLimit: 100, wantSha256: sha }))).toBe(false);
    expect('content' in (await probe(f, { contentLimit: 3 }))).toBe(false);
    await writeFile(f, Buffer.from([104, 0, 105]));
    expect('content' in (await probe(f, { contentLimit: 100 }))).toBe(false);
  });

  it('follows a link for the target type and attributes, and reads its target literally (even a final newline)', async () => {
    const target = `it's "$(x)"\n`;
    await writeFile(join(dir, target), 'x');
    await symlink(target, join(dir, 'l'));
    expect(await probe(join(dir, 'l'))).toMatchObject({ type: 'link', linkTarget: target, followed: { type: 'file', attrs: { size: 1 } } });
  });

  it('takes one round trip', async () => {
    const t = new LocalTransport();
    await t.exec(fileStateScript(join(dir, 'nothing'), { contentLimit: 10 }));
    expect(t.roundTrips).toBe(1);
  });
});
