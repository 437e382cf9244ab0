// Project-local modules: JavaScript files in a `modules/` folder next to a playbook, loaded before the playbook is
// validated, so a playbook can use its own modules without forking the package.
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ProvisionError } from '../errors.js';
import type { ModuleDef } from './define.js';
import { registerModule } from './registry.js';

const loaded = new Set<string>();

/** Set by the CLI's launcher (scripts/launcher.mjs): code V8 runs from its code cache cannot import() on Node 20. */
declare const __provisionImport: ((url: string) => Promise<Record<string, unknown>>) | undefined;
const importFile = (url: string): Promise<Record<string, unknown>> => (typeof __provisionImport === 'function' ? __provisionImport(url) : import(url));

/** True for a value shaped like a module definition (name, zod args, plan). */
function isModule(v: unknown): v is ModuleDef {
  const m = v as Partial<ModuleDef> | null;
  return !!m && typeof m === 'object' && typeof m.name === 'string' && typeof m.plan === 'function' && typeof (m.args as { safeParse?: unknown })?.safeParse === 'function';
}

/** Registers every module exported by `DIR/modules/*.js|*.mjs`; returns their names. */
export async function loadLocalModules(playbookDir: string): Promise<string[]> {
  const dir = resolve(playbookDir, 'modules');
  if (!existsSync(dir)) return [];
  const names: string[] = [];
  for (const file of (await readdir(dir)).filter((f) => /\.(m?js)$/.test(f)).sort()) {
    const path = join(dir, file);
    let exports: Record<string, unknown>;
    try {
      exports = await importFile(pathToFileURL(path).href);
    } catch (e) {
      throw new ProvisionError({ what: `cannot load module file: ${(e as Error).message.split('\n')[0]}`, where: { file: path }, code: 'local-module' });
    }
    const defs = Object.values(exports).filter(isModule);
    if (defs.length === 0) {
      throw new ProvisionError({ what: 'no module exported', where: { file: path }, expected: 'export const my_module = defineModule({ name, summary, args, probe?, plan })', code: 'local-module' });
    }
    for (const def of defs) {
      if (!loaded.has(path + def.name)) registerModule(def);
      loaded.add(path + def.name);
      names.push(def.name);
    }
  }
  return names;
}
