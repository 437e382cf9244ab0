// `provision schema`: writes the JSON Schemas editors use for playbooks and inventories, and the module reference.
import { existsSync, statSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { ProvisionError } from '../errors.js';
import { DEFAULT_DOCS_FILE, DEFAULT_SCHEMA_DIR, generatedFiles, staleFiles, staleMessage } from '../schema/index.js';
import { loadDefaultCollections } from '../collections/load.js';
import '../modules/index.js';
import type { ModuleDef } from '../modules/define.js';
import { readModuleDir } from '../modules/local.js';

/** Adds the schema command. */
export function registerSchema(program: Command): void {
  program
    .command('schema')
    .description('write the JSON Schemas of playbooks and inventories (for editors) and, with --docs, the module reference')
    .option('-o, --out <dir>', 'folder for playbook.json and inventory.json', DEFAULT_SCHEMA_DIR)
    .option('--docs [file]', `also write the module reference (default: ${DEFAULT_DOCS_FILE})`)
    .option('--modules <dir>', "also accept tasks using the modules in DIR (a project's modules/ folder); repeatable", (dir: string, dirs: string[]) => [...dirs, dir], [] as string[])
    .option('--check', 'write nothing; fail (exit 5) when a file is not what would be written')
    .action(async (opts: { out: string; docs?: string | true; modules: string[]; check?: boolean }) => {
      await loadDefaultCollections();
      const docsFile = opts.docs === true ? DEFAULT_DOCS_FILE : opts.docs;
      const extraModules = await modulesOf(opts.modules);
      const files = generatedFiles({ schemaDir: opts.out.replace(/\/+$/, '') || '.', docsFile, extraModules });
      if (opts.check) {
        const stale = await staleFiles(files);
        if (stale.length > 0) throw new ProvisionError({ what: staleMessage(stale), code: 'schema-stale' });
        process.stdout.write(`up to date: ${[...files.keys()].join(', ')}\n`);
        return;
      }
      for (const [file, text] of files) {
        const old = await readFile(file, 'utf8').catch(() => undefined);
        if (old === text) {
          process.stdout.write(`${file}: unchanged\n`);
          continue;
        }
        await mkdir(path.dirname(file), { recursive: true });
        await writeFile(file, text);
        process.stdout.write(`${file}: written\n`);
      }
    });
}

// The modules of each folder, as a playbook beside it would load them (registering none).
async function modulesOf(dirs: string[]): Promise<ModuleDef[]> {
  const defs: ModuleDef[] = [];
  for (const dir of dirs) {
    if (!existsSync(dir)) throw new ProvisionError({ what: 'no such folder of modules', where: { file: dir }, expected: "a project's modules/ folder", code: 'usage' });
    if (!statSync(dir).isDirectory()) throw new ProvisionError({ what: 'not a folder of modules', where: { file: dir }, expected: "a project's modules/ folder", got: 'a file', code: 'usage' });
    defs.push(...(await readModuleDir(path.resolve(dir))).map(({ def }) => def));
  }
  return defs;
}
