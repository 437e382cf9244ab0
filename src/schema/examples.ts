// Example tasks for the module reference (docs/modules.md), as YAML: a module's own `examples` (a collection's
// module brings them along), else the built-in src/modules/examples/<module>.yml. Between them the built-in ones use
// every argument of every module, so each argument's row shows a real value; test/unit/schema loads every one
// through the playbook loader.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_COLLECTIONS } from '../collections/defaults.js';
import type { ModuleDef } from '../modules/define.js';

// Found from dist/<dir>/<file> (tsc's output and the CLI bundle) and from src/<dir>/<file> (tests on the sources)
// alike: the folder ships in the package as it is (package.json "files").
/** The folder of the built-in modules' example files. */
export const EXAMPLES_DIR = resolve(fileURLToPath(import.meta.url), '../../../src/modules/examples');

/** The folders of the bundled collections' example files (collections/NAME/examples, shipped the same way). */
export const COLLECTION_EXAMPLES_DIRS = Object.keys(DEFAULT_COLLECTIONS).map((name) => resolve(fileURLToPath(import.meta.url), `../../../collections/${name}/examples`));

/** A module's example tasks (a YAML list of tasks), or undefined when it has none. */
export function moduleExamples(def: Pick<ModuleDef, 'name' | 'examples'>, dirs: string | string[] = [EXAMPLES_DIR, ...COLLECTION_EXAMPLES_DIRS]): string | undefined {
  if (def.examples !== undefined) return def.examples;
  // A module's name is a file name here only when it is a plain one (no folder, not hidden).
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(def.name)) return undefined;
  for (const dir of typeof dirs === 'string' ? [dirs] : dirs) {
    try {
      return readFileSync(join(dir, `${def.name}.yml`), 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
  return undefined;
}
