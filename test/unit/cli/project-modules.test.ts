// Project modules through the shipped CLI (dist/cli/main.js): a module imports only from `provision`, which resolves
// to the running provision even where the project has no node_modules; TypeScript modules load with the project's
// own `typescript`; `provision schema --modules` makes editors accept the tasks that use them.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parseYaml } from '../../../src/source/yaml-source.js';
import { CLI } from '../../helpers/cli.js';
import { compile, errorLines } from '../schema/validator.js';

const exec = promisify(execFile);
const FIXTURE = resolve('test/fixtures/project-modules');

/** Runs the CLI in `cwd`; the exit code and both outputs, whether or not it succeeded. */
async function provision(cwd: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    return { code: 0, ...(await exec('node', [CLI, ...args], { cwd })) };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'provision-project-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('a project with no node_modules', () => {
  it('runs a module that imports defineModule and z from provision', async () => {
    const dir = join(root, 'plain');
    mkdirSync(join(dir, 'modules'), { recursive: true });
    writeFileSync(
      join(dir, 'modules/hello.mjs'),
      "import { defineModule, z } from 'provision';\n" +
        "export const hello = defineModule({ name: 'hello', summary: 'Says hello.', args: z.strictObject({ who: z.string() }), plan: (a) => ({ steps: [], note: `hello ${a.who}` }) });\n",
    );
    writeFileSync(join(dir, 'site.yml'), '- hosts: localhost\n  gather_facts: false\n  tasks:\n    - hello: { who: world }\n');
    const { code, stdout } = await provision(dir, 'run', 'site.yml', '-v');
    expect(stdout).toMatch(/^ok: \[localhost\] hello world$/m);
    expect(code).toBe(0);
  });

  it('refuses its TypeScript module, naming the fix, when no typescript package is found', async () => {
    const dir = join(root, 'ts');
    cpSync(FIXTURE, dir, { recursive: true });
    const { code, stderr } = await provision(dir, 'validate', 'site.yml');
    expect(stderr).toBe(
      `error: ${join(dir, 'modules/greet.ts')}: cannot load a TypeScript module: Node 20 does not run TypeScript, and no "typescript" package is found from this folder\n` +
        '  fix: install TypeScript in the project (npm install --save-dev typescript), or compile the module to .mjs\n',
    );
    expect(code).not.toBe(0);
  });

  it('names a file given as the folder (no internal error)', async () => {
    const { code, stderr } = await provision('.', 'schema', '--modules', 'package.json', '-o', join(root, 'none'));
    expect(stderr).toBe("error: package.json: not a folder of modules\n  expected: a project's modules/ folder\n  got: a file\n");
    expect(code).toBe(5);
  });
});

describe('a TypeScript module', () => {
  it('is transpiled with the typescript the project resolves, with the helper it imports as ./lib/greeting.js', async () => {
    const { code, stdout } = await provision(FIXTURE, 'run', 'site.yml', '-v');
    expect(stdout).toMatch(/^ok: \[localhost\] hello, world$/m);
    expect(code).toBe(0);
  });
});

describe('provision schema --modules', () => {
  const site = parseYaml(readFileSync('examples/custom-module/site.yml', 'utf8'), 'site.yml').value;

  it('writes a playbook schema under which examples/custom-module/site.yml is valid (it is not without)', async () => {
    const out = join(root, 'schemas');
    const { code, stdout } = await provision('.', 'schema', '--modules', 'examples/custom-module/modules', '-o', out);
    expect(stdout).toBe(`${out}/playbook.json: written\n${out}/inventory.json: written\n`);
    expect(code).toBe(0);
    const withModules = compile(JSON.parse(readFileSync(join(out, 'playbook.json'), 'utf8')));
    withModules(site);
    expect(errorLines(withModules.errors)).toEqual([]);
    const builtIn = compile(JSON.parse(readFileSync('schemas/playbook.json', 'utf8')));
    expect(builtIn(site)).toBe(false);
  });

  it('names a folder that does not exist', async () => {
    const { code, stderr } = await provision('.', 'schema', '--modules', 'no/such/modules', '-o', join(root, 'none'));
    expect(stderr).toBe("error: no/such/modules: no such folder of modules\n  expected: a project's modules/ folder\n");
    expect(code).not.toBe(0);
  });

  it('names a file given as the folder (no internal error)', async () => {
    const { code, stderr } = await provision('.', 'schema', '--modules', 'package.json', '-o', join(root, 'none'));
    expect(stderr).toBe("error: package.json: not a folder of modules\n  expected: a project's modules/ folder\n  got: a file\n");
    expect(code).toBe(5);
  });
});
