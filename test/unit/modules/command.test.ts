import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { command, runPlan, type RunInput } from '../../../src/modules/command.js';
import { shell } from '../../../src/modules/shell.js';
import { splitWords } from '../../../src/modules/files/words.js';
import { fourSteps, runModule, tempDir, testContext } from '../../helpers/module-harness.js';

describe('splitting a command line into words', () => {
  it.each([
    ['ls -l /tmp', ['ls', '-l', '/tmp']],
    ['  echo   a\tb \n c ', ['echo', 'a', 'b', 'c']],
    [`echo 'a b' "c d"`, ['echo', 'a b', 'c d']],
    [`echo "it's" 'say "hi"'`, ['echo', "it's", 'say "hi"']],
    [`echo "a\\"b\\\\c\\$d\\x"`, ['echo', String.raw`a"b\c$d\x`]],
    [`echo a\\ b \\'`, ['echo', 'a b', "'"]],
    [`echo '' ""`, ['echo', '', '']],
    [`echo $HOME $(id) \`id\``, ['echo', '$HOME', '$(id)', '`id`']],
    [`echo '|' ";" \\>`, ['echo', '|', ';', '>']],
    [`printf x%sy`, ['printf', 'x%sy']],
  ])('%s', (line, words) => {
    expect(splitWords(line)).toEqual(words);
  });

  it('refuses an unclosed quote', () => {
    expect(() => splitWords(`echo 'a`)).toThrow('unclosed single quote in the command\n  got: echo \'a\n  fix: close the single quote');
    expect(() => splitWords(`echo "a`)).toThrow('unclosed double quote in the command');
  });

  it('refuses an unquoted pipe, pointing to the shell module', () => {
    expect(() => splitWords('cat /etc/passwd | wc -l')).toThrow(
      'the command runs without a shell, so "|" would be passed as a literal argument\n  got: cat /etc/passwd | wc -l\n  fix: use the shell module for pipes, redirections and command lists, or quote "|" if you mean it literally',
    );
  });
});

describe('command plan', () => {
  const input = (over: Record<string, unknown> = {}) => command.prepare!(command.args.parse({ cmd: 'make install', ...over }), testContext()) as RunInput;
  it('always reports a change when there is no creates/removes', () => {
    const plan = runPlan(input(), undefined, testContext());
    expect([plan.changed, plan.note, plan.steps.map((s) => s.script.text)]).toEqual([true, 'run make install', ['exec make install']]);
  });
  it('skips when creates exists', () => {
    const plan = runPlan(input({ creates: '/usr/local/bin/x' }), { creates: true }, testContext());
    expect([plan.steps, plan.changed, plan.note]).toEqual([[], false, 'skipped, since /usr/local/bin/x exists']);
  });
  it('skips when removes does not exist', () => {
    const plan = runPlan(input({ removes: '/tmp/lock' }), { removes: false }, testContext());
    expect([plan.steps, plan.changed, plan.note]).toEqual([[], false, 'skipped, since /tmp/lock does not exist']);
  });
  it('runs in chdir with env, through env(1), still without a shell', () => {
    const plan = runPlan(input({ chdir: '/opt/app dir', env: { LANG: 'C', N: 3 } }), undefined, testContext());
    expect(plan.steps[0].script.text).toBe("cd -- '/opt/app dir' && exec env LANG=C N=3 make install");
  });
  it('refuses an environment variable name a shell could not take', () => {
    expect(command.args.safeParse({ cmd: 'x', env: { 'A;B': '1' } }).error!.issues[0]).toMatchObject({ message: '"A;B" is not an environment variable name', path: ['env', 'A;B'] });
  });
  it('needs exactly one of cmd or argv', () => {
    expect(command.args.safeParse({}).error!.issues[0].message).toBe('give exactly one of cmd or argv');
  });
});

describe('command and shell on a real host', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ dir, cleanup } = await tempDir()));
  afterEach(() => cleanup());

  it('registers rc, stdout, stderr and their lines', async () => {
    const r = await runModule(command, { argv: ['sh', '-c', 'echo one; echo two; echo err >&2'] });
    expect(r.result).toMatchObject({ changed: true, failed: false, rc: 0, stdout: 'one\ntwo', stderr: 'err', stdout_lines: ['one', 'two'], stderr_lines: ['err'] });
  });

  it('fails on a non-zero exit with the command and its output', async () => {
    const r = await runModule(command, { cmd: 'ls /definitely/not/here' });
    expect(r.failed).toBe(true);
    expect(r.result.rc).toBe(2);
    expect(r.message).toMatch(/^run ls \/definitely\/not\/here: exit code 2\nls: cannot access '\/definitely\/not\/here': No such file or directory$/);
  });

  it('passes arguments literally: no shell sees them', async () => {
    const weird = [`it's`, `"$(touch PWNED)"`, '`touch PWNED`', 'a; touch PWNED', 'line1\nline2', '$HOME', '*'];
    const r = await runModule(command, { argv: ['printf', '%s|', ...weird], chdir: dir });
    expect(r.result.stdout).toBe(weird.map((w) => `${w}|`).join(''));
    expect(await readdir(dir)).toEqual([]);
  });

  it('splits a cmd string like a shell but expands nothing', async () => {
    const r = await runModule(command, { cmd: `printf '%s|' "a b" $HOME '$(id)'`, chdir: dir });
    expect(r.result.stdout).toBe('a b|$HOME|$(id)|');
  });

  it('feeds stdin, adding a newline by default', async () => {
    const r = await runModule(command, { cmd: 'od -c', stdin: 'hi' });
    expect(r.result.stdout).toContain('h   i  \\n');
    const raw = await runModule(command, { cmd: 'wc -c', stdin: 'hi', stdin_add_newline: false });
    expect(r.execs.at(-1)!.stdin).toBe('hi\n');
    expect(raw.result.stdout).toBe('2');
  });

  it('sets env and chdir', async () => {
    const r = await runModule(command, { cmd: 'sh -c "pwd; echo $GREETING"', chdir: dir, env: { GREETING: "it's $(nothing)" } });
    expect(r.result.stdout).toBe(`${dir}\nit's $(nothing)`);
  });

  it('creates: four steps, the second run is skipped with a note', async () => {
    const marker = join(dir, 'done');
    const r = await fourSteps(command, { argv: ['touch', marker], creates: marker });
    expect([r.checkBefore.changed, r.first.changed, r.second.changed, r.checkAfter.changed]).toEqual([true, true, false, false]);
    expect(r.checkBefore.applied).toEqual([]);
    expect(r.second.message).toBe(`skipped, since ${marker} exists`);
    expect(r.second.execs).toHaveLength(1);
  });

  it('creates is relative to chdir; removes runs only while the path exists', async () => {
    await writeFile(join(dir, 'lock'), '');
    const r = await fourSteps(command, { cmd: 'rm lock', chdir: dir, removes: 'lock' });
    expect([r.checkBefore.changed, r.first.changed, r.second.changed, r.checkAfter.changed]).toEqual([true, true, false, false]);
    expect(r.second.message).toBe('skipped, since lock does not exist');
  });

  it('shell: the script reaches the shell as written (pipes, variables, redirections)', async () => {
    const r = await runModule(shell, { cmd: 'echo "$GREETING" | tr a-z A-Z > out; cat out', chdir: dir, env: { GREETING: 'hello' } });
    expect(r.result.stdout).toBe('HELLO');
    expect(await readFile(join(dir, 'out'), 'utf8')).toBe('HELLO\n');
  });

  it('shell: runs under the given executable', async () => {
    const r = await runModule(shell, { cmd: 'echo ${BASH_VERSION:+bash}', executable: '/bin/bash' });
    expect(r.result.stdout).toBe('bash');
    const sh = await runModule(shell, { cmd: 'echo ${BASH_VERSION:+bash}' });
    expect(sh.result.stdout).toBe('');
  });

  it('shell: creates works the same way', async () => {
    const marker = join(dir, 'm');
    const r = await fourSteps(shell, { cmd: `touch '${marker}'`, creates: marker });
    expect([r.checkBefore.changed, r.first.changed, r.second.changed, r.checkAfter.changed]).toEqual([true, true, false, false]);
  });
});
