// Project modules (a playbook's modules/ folder): which files are modules, and what a user reads when one cannot be.
import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ProvisionError } from '../../../src/errors.js';
import { readModuleDir } from '../../../src/modules/local.js';

const FIXTURE = resolve('test/fixtures/project-modules/modules');
let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

/** A modules/ folder outside the repository (no node_modules above it) holding `files`. */
function modulesDir(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'provision-modules-'));
  dirs.push(root);
  const dir = join(root, 'modules');
  mkdirSync(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

async function problemOf(dir: string): Promise<string> {
  try {
    await readModuleDir(dir);
  } catch (e) {
    if (e instanceof ProvisionError) return e.message;
    throw e;
  }
  return 'loaded';
}

describe('a modules/ folder', () => {
  it('loads a TypeScript module (and the helper it imports from a sub-folder), leaving README.md alone', async () => {
    const found = await readModuleDir(FIXTURE);
    expect(found.map(({ file, def }) => [file, def.name])).toEqual([[join(FIXTURE, 'greet.ts'), 'greet']]);
    expect(found[0].def.plan({ who: 'world' }, undefined, {} as never).note).toBe('hello, world');
  });

  it('leaves declarations, dotfiles and data files alone', async () => {
    const dir = modulesDir({ 'kv.d.ts': 'export declare const x: number;\n', '.eslintrc.json': '{}', 'notes.txt': 'x', 'data.json': '{}' });
    expect(await readModuleDir(dir)).toEqual([]);
  });

  it('refuses a CommonJS file, saying why and what to do', async () => {
    const dir = modulesDir({ 'old.cjs': 'module.exports = {};\n' });
    expect(await problemOf(dir)).toBe(`${join(dir, 'old.cjs')}: cannot load module file: a CommonJS file cannot import provision (an ES module)\n  fix: rename it to .mjs and use import/export`);
  });

  it('refuses a .tsx file', async () => {
    const dir = modulesDir({ 'view.tsx': 'export const x = 1;\n' });
    expect(await problemOf(dir)).toBe(`${join(dir, 'view.tsx')}: cannot load module file: JSX is not a module language provision loads\n  fix: write the module as .ts`);
  });

  it('refuses a TypeScript module when no typescript package is found from its folder', async () => {
    const dir = modulesDir({ 'm.ts': 'export const x: number = 1;\n' });
    expect(await problemOf(dir)).toBe(
      `${join(dir, 'm.ts')}: cannot load a TypeScript module: Node 20 does not run TypeScript, and no "typescript" package is found from this folder\n` +
        '  fix: install TypeScript in the project (npm install --save-dev typescript), or compile the module to .mjs',
    );
  });

  it('says how to keep a helper file that exports no module', async () => {
    const dir = modulesDir({ 'util.mjs': 'export const x = 1;\n' });
    expect(await problemOf(dir)).toBe(
      `${join(dir, 'util.mjs')}: no module exported\n  expected: export const my_module = defineModule({ name, summary, args, probe?, plan })\n  fix: export a module from it, or move a helper file into a sub-folder (modules/lib/)`,
    );
  });
});
