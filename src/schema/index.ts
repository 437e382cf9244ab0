// JSON Schemas for editors and the module reference, generated from the zod schemas the loader checks with.
import { readFile } from 'node:fs/promises';
import type { ModuleDef } from '../modules/define.js';
import { moduleReference } from './docs.js';
import { inventoryJsonSchema } from './inventory.js';
import { playbookJsonSchema, registeredModules } from './playbook.js';

export { playbookJsonSchema, registeredModules, KEY_VALUE_PAIRS, qualifiedName } from './playbook.js';
export { inventoryJsonSchema, connectionVariables } from './inventory.js';
export { moduleReference, argsJsonSchema, describeType } from './docs.js';
export { moduleExamples, EXAMPLES_DIR } from './examples.js';

/** The command that rewrites the committed files (schemas/*.json, docs/modules.md) from the current schemas. */
export const REGENERATE_COMMAND = 'npm run build && npx provision schema --docs';

/** Default places of the generated files, relative to the repository (or the current folder). */
export const DEFAULT_SCHEMA_DIR = 'schemas';
/** Default place of the module reference. */
export const DEFAULT_DOCS_FILE = 'docs/modules.md';

/** Text of a JSON Schema file as committed: two-space JSON and a final newline. */
export function jsonText(schema: unknown): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}

/** The schema files by name (playbook.json, inventory.json) for the given modules (default: every registered one). */
export function schemaFiles(modules: readonly ModuleDef[] = registeredModules()): Record<string, string> {
  return { 'playbook.json': jsonText(playbookJsonSchema(modules)), 'inventory.json': jsonText(inventoryJsonSchema()) };
}

/** `modules` and then `extra`, one per name (an extra module replaces a module of the same name, as registering it would). */
export function withExtraModules(modules: readonly ModuleDef[], extra: readonly ModuleDef[] = []): ModuleDef[] {
  return [...new Map([...modules, ...extra].map((def) => [def.name, def])).values()];
}

/**
 * Every generated file, path → text: the schemas under `schemaDir` and, when `docsFile` is given, the reference;
 * for `modules` (default: every registered one) and `extraModules` (project or collection modules, not registered).
 */
export function generatedFiles(opts: { schemaDir?: string; docsFile?: string; modules?: readonly ModuleDef[]; extraModules?: readonly ModuleDef[] } = {}): Map<string, string> {
  const modules = withExtraModules(opts.modules ?? registeredModules(), opts.extraModules);
  const dir = opts.schemaDir ?? DEFAULT_SCHEMA_DIR;
  const files = new Map(Object.entries(schemaFiles(modules)).map(([name, text]) => [`${dir}/${name}`, text]));
  if (opts.docsFile) files.set(opts.docsFile, moduleReference(modules));
  return files;
}

/** The files whose text on disk differs from `files` (missing ones included), in order. */
export async function staleFiles(files: Map<string, string>): Promise<string[]> {
  const stale: string[] = [];
  for (const [file, text] of files) if ((await readFile(file, 'utf8').catch(() => undefined)) !== text) stale.push(file);
  return stale;
}

/** What to tell someone whose generated files are out of date. */
export function staleMessage(stale: string[]): string {
  return `out of date with the zod schemas: ${stale.join(', ')}\n  fix: ${REGENERATE_COMMAND}, and commit the result`;
}
