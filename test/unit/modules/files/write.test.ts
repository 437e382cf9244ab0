import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { atomicWriteStep, validateScript } from '../../../../src/modules/files/write.js';
import { LocalTransport } from '../../../../src/transport/local.js';
import { tempDir } from '../../../helpers/module-harness.js';

describe('validate command', () => {
  it('becomes quoted words with the temp file in place of every %s', () => {
    expect(validateScript('visudo -cf %s').text).toBe(`visudo -cf ''"$tmp"''`);
    expect(validateScript('check --file=%s.new').text).toBe(`check --file="$tmp".new`);
    expect(validateScript(`sh -c 'test -s "$1"' x %s`).text).toBe(`sh -c 'test -s "$1"' x ''"$tmp"''`);
  });
  it('must name the file with %s', () => {
    expect(() => validateScript('nginx -t')).toThrow('validate must contain %s, which stands for the file to check\n  got: nginx -t\n  fix: write it like: visudo -cf %s');
  });
});

describe('atomic write step', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ dir, cleanup } = await tempDir()));
  afterEach(() => cleanup());
  const apply = (step: ReturnType<typeof atomicWriteStep>) => new LocalTransport().exec(step.script, { stdin: step.stdin });

  it('leaves the old file and no temp file when a step after the temp file fails (unknown owner)', async () => {
    const dest = join(dir, 'f');
    await writeFile(dest, 'old\n');
    const r = await apply(atomicWriteStep({ dest, content: Buffer.from('new\n'), owner: 'no-such-user-here' }));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/^chown: invalid user: .no-such-user-here.$/m);
    expect(await readFile(dest, 'utf8')).toBe('old\n');
    expect(await readdir(dir)).toEqual(['f']);
  });

  it('removes temp files an earlier write to the same file left behind (killed) over an hour ago, and nothing else', async () => {
    const dest = join(dir, 'a[1].conf');
    const hoursAgo = (h: number) => new Date(Date.now() - h * 3600_000);
    const files = {
      stale: '.a[1].conf.provision-Ab12Cd', // this file's, 2 h old: a write killed before its EXIT trap
      fresh: '.a[1].conf.provision-Ef34Gh', // this file's, 10 min old: maybe a write still running
      globTwin: '.a1.conf.provision-Ij56Kl', // what the name would match as a glob
      other: '.b.conf.provision-Mn78Op', // another file's
      longer: '.a[1].conf.provision-Qr90StX', // not mktemp's six characters
    };
    for (const [what, name] of Object.entries(files)) {
      await writeFile(join(dir, name), 'x');
      await utimes(join(dir, name), what === 'fresh' ? hoursAgo(1 / 6) : hoursAgo(2), what === 'fresh' ? hoursAgo(1 / 6) : hoursAgo(2));
    }
    expect((await apply(atomicWriteStep({ dest, content: Buffer.from('new\n') }))).code).toBe(0);
    expect((await readdir(dir)).sort()).toEqual(['a[1].conf', files.fresh, files.globTwin, files.other, files.longer].sort());
  });

  it('writes exactly the bytes it is given, including none', async () => {
    const dest = join(dir, 'empty');
    await writeFile(dest, 'something');
    expect((await apply(atomicWriteStep({ dest, content: Buffer.alloc(0) }))).code).toBe(0);
    expect(await readFile(dest)).toEqual(Buffer.alloc(0));
  });
});
