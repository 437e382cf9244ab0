import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProblemInfo } from '../../../src/errors.js';
import { readVarsFile } from '../../../src/source/vars-file.js';
import { posOf } from '../../../src/source/yaml-source.js';

let dir: string;
const file = (name: string, text: string | Buffer) => {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'provision-vars-file-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('reading a vars file', () => {
  it('gives its variables and the source that places each of them', async () => {
    const f = file('ok.yml', 'a: 1\nb:\n  c: [x]\n');
    const problems: ProblemInfo[] = [];
    const read = await readVarsFile(f, { code: 'inventory', problems });
    expect(read?.vars).toEqual({ a: 1, b: { c: ['x'] } });
    expect(posOf(read!.source, ['b'], { key: true })).toEqual({ file: f, line: 2, col: 1 });
    expect(problems).toEqual([]);
  });

  it('reads an empty file as no variables', async () => {
    const read = await readVarsFile(file('empty.yml', '# nothing yet\n'), { code: 'inventory', problems: [] });
    expect(read?.vars).toEqual({});
  });

  it('refuses a list at the top level with the caller\'s code, and says how to fix it', async () => {
    const f = file('list.yml', '- a: 1\n- b: 2\n');
    const problems: ProblemInfo[] = [];
    expect(await readVarsFile(f, { code: 'vars-files', problems })).toBeUndefined();
    expect(problems).toEqual([
      {
        what: 'a vars file must be a mapping of variables',
        where: { file: f, line: 1, col: 1 },
        expected: 'name: value pairs',
        got: 'a list',
        fix: 'remove the "- " in front of the names: a vars file is one mapping, name: value on each line',
        code: 'vars-files',
      },
    ]);
  });

  it('refuses a scalar at the top level', async () => {
    const problems: ProblemInfo[] = [];
    await readVarsFile(file('scalar.yml', 'just text\n'), { code: 'inventory', problems });
    expect(problems.map((p) => [p.what, p.got, p.code])).toEqual([['a vars file must be a mapping of variables', 'a string of 9 characters (not shown: a file may hold a secret)', 'inventory']]);
  });

  it('adds YAML problems to the list, at their line, and gives undefined', async () => {
    const f = file('broken.yml', 'a: 1\n  b: 2\n');
    const problems: ProblemInfo[] = [];
    expect(await readVarsFile(f, { code: 'inventory', problems })).toBeUndefined();
    expect(problems).toHaveLength(1);
    expect(problems[0].where).toMatchObject({ file: f, line: 2 });
  });

  it('throws for a file that cannot be read, unless asked to collect it with where it was named', async () => {
    const missing = join(dir, 'missing.yml');
    await expect(readVarsFile(missing, { code: 'inventory', problems: [] })).rejects.toThrow(`vars file not found: ${missing}`);
    const problems: ProblemInfo[] = [];
    const from = { file: 'site.yml', line: 4, col: 7, path: 'plays[0].vars_files[1]' };
    expect(await readVarsFile(missing, { code: 'vars-files', from, problems, collectUnreadable: true })).toBeUndefined();
    expect(problems).toEqual([expect.objectContaining({ what: `vars file not found: ${missing}`, where: from })]);
  });

  it('refuses binary data before parsing it', async () => {
    const problems: ProblemInfo[] = [];
    await readVarsFile(file('binary.yml', Buffer.from([0x61, 0x3a, 0x00, 0x01])), { code: 'inventory', problems, collectUnreadable: true });
    expect(problems.map((p) => p.what)).toEqual(['binary data, not YAML text (a NUL byte)']);
  });
});
