// Project-local modules: files in a `modules/` folder next to a playbook, loaded before the playbook is validated,
// so a playbook can use its own modules without forking the package. What is a module file:
// - `.js`, `.mjs`: ES modules, loaded as they are.
// - `.ts`, `.mts`: transpiled with the project's own `typescript` (Node 20 cannot strip types; local-hooks.ts).
// - `.cjs`, `.cts`, `.jsx`, `.tsx`: refused, with the reason and the fix (never skipped: a task using the module
//   would then be reported as an unknown module, which hides the cause).
// - anything else (README.md, data files, `.d.ts` declarations, sub-folders for helpers): not a module, left alone.
// A module imports what it needs from `provision` (zod as `z` included); the hooks resolve that to the running
// provision, so the project needs no node_modules of its own.
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ProvisionError } from '../errors.js';
import type { ModuleDef } from './define.js';
import { canLoadTypeScript, registerProjectModuleHooks } from './local-hooks.js';
import { registerModule } from './registry.js';

const loaded = new Set<string>();

/** Set by the CLI's launcher (scripts/launcher.mjs): code V8 runs from its code cache cannot import() on Node 20. */
declare const __provisionImport: ((url: string) => Promise<Record<string, unknown>>) | undefined;
const importFile = (url: string): Promise<Record<string, unknown>> => (typeof __provisionImport === 'function' ? __provisionImport(url) : import(url));

const LOADED = new Set(['.js', '.mjs', '.ts', '.mts']);
// Why each refused kind cannot be a module, and what to do instead.
const REFUSED: Record<string, { why: string; fix: string }> = {
  '.cjs': { why: 'a CommonJS file cannot import provision (an ES module)', fix: 'rename it to .mjs and use import/export' },
  '.cts': { why: 'a CommonJS file cannot import provision (an ES module)', fix: 'rename it to .mts (or .ts) and use import/export' },
  '.jsx': { why: 'JSX is not a module language provision loads', fix: 'write the module as .mjs (or .ts)' },
  '.tsx': { why: 'JSX is not a module language provision loads', fix: 'write the module as .ts' },
};

/** True for a value shaped like a module definition (name, zod args, plan). */
function isModule(v: unknown): v is ModuleDef {
  const m = v as Partial<ModuleDef> | null;
  return !!m && typeof m === 'object' && typeof m.name === 'string' && typeof m.plan === 'function' && typeof (m.args as { safeParse?: unknown })?.safeParse === 'function';
}

/** The module files of a modules/ folder, sorted; throws for a file that looks like code but cannot be loaded. */
async function moduleFiles(dir: string): Promise<string[]> {
  const entries = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile() && !e.name.startsWith('.')).map((e) => e.name).sort();
  for (const name of entries) {
    const refused = REFUSED[extname(name)];
    if (refused) throw new ProvisionError({ what: `cannot load module file: ${refused.why}`, where: { file: join(dir, name) }, fix: refused.fix, code: 'local-module' });
  }
  return entries.filter((name) => LOADED.has(extname(name)) && !/\.d\.m?ts$/.test(name)).map((name) => join(dir, name));
}

/** Imports one module (or collection entry) file of a project; a failure to load is the user's to fix, said in one line. */
export async function importModuleFile(path: string, what = 'module file'): Promise<Record<string, unknown>> {
  if (/\.m?ts$/.test(path) && !canLoadTypeScript(path)) {
    throw new ProvisionError({
      what: 'cannot load a TypeScript module: Node 20 does not run TypeScript, and no "typescript" package is found from this folder',
      where: { file: path },
      fix: 'install TypeScript in the project (npm install --save-dev typescript), or compile the module to .mjs',
      code: 'local-module',
    });
  }
  try {
    return await importFile(pathToFileURL(path).href);
  } catch (e) {
    throw new ProvisionError({ what: `cannot load ${what}: ${(e as Error).message.split('\n')[0]}`, where: { file: path }, code: 'local-module' });
  }
}

/** A module definition and the file that exports it. */
export interface ModuleFromFile {
  file: string;
  def: ModuleDef;
}

/** The module definitions exported by the module files of `dir` (a modules/ folder), in file order; registers nothing. */
export async function readModuleDir(dir: string): Promise<ModuleFromFile[]> {
  const files = await moduleFiles(dir);
  if (files.length > 0) registerProjectModuleHooks();
  const found: ModuleFromFile[] = [];
  for (const file of files) {
    const defs = Object.values(await importModuleFile(file)).filter(isModule);
    if (defs.length === 0) {
      throw new ProvisionError({
        what: 'no module exported',
        where: { file },
        expected: 'export const my_module = defineModule({ name, summary, args, probe?, plan })',
        fix: 'export a module from it, or move a helper file into a sub-folder (modules/lib/)',
        code: 'local-module',
      });
    }
    found.push(...defs.map((def) => ({ file, def })));
  }
  return found;
}

/** Registers every module exported by the module files in `DIR/modules/`; returns their names. */
export async function loadLocalModules(playbookDir: string): Promise<string[]> {
  const dir = resolve(playbookDir, 'modules');
  if (!existsSync(dir)) return [];
  const found = await readModuleDir(dir);
  for (const { file, def } of found) {
    // Once per file and name: a playbook loaded again does not undo a registerModule made since.
    if (!loaded.has(file + def.name)) registerModule(def);
    loaded.add(file + def.name);
  }
  return found.map(({ def }) => def.name);
}
