import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { readdir, readFile, writeFile } from 'node:fs/promises';
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

  it('writes exactly the bytes it is given, including none', async () => {
    const dest = join(dir, 'empty');
    await writeFile(dest, 'something');
    expect((await apply(atomicWriteStep({ dest, content: Buffer.alloc(0) }))).code).toBe(0);
    expect(await readFile(dest)).toEqual(Buffer.alloc(0));
  });
});
