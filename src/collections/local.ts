// Project collections: each folder of a `collections/` folder next to a playbook is a collection, loaded (like the
// playbook's modules/) before the playbook is validated. Its entry is index.mjs, index.js, index.ts or index.mts.
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ProvisionError } from '../errors.js';
import { importModuleFile } from '../modules/local.js';
import { registerProjectModuleHooks } from '../modules/local-hooks.js';
import { collectionOf, registerCollection } from './load.js';

const ENTRIES = ['index.mjs', 'index.js', 'index.ts', 'index.mts'];

/** Registers every collection in `DIR/collections/NAME/`; returns their names. */
export async function loadLocalCollections(playbookDir: string): Promise<string[]> {
  const dir = resolve(playbookDir, 'collections');
  if (!existsSync(dir)) return [];
  const folders = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name).sort();
  const names: string[] = [];
  for (const name of folders) {
    const entry = ENTRIES.map((f) => join(dir, name, f)).find((f) => existsSync(f));
    if (!entry) {
      throw new ProvisionError({ what: `collection folder ${name} has no entry file`, where: { file: join(dir, name) }, expected: ENTRIES.join(', '), fix: 'add index.mjs exporting: export default defineCollection({ name, summary, modules, checkers })', code: 'collection' });
    }
    registerProjectModuleHooks();
    const collection = collectionOf(await importModuleFile(entry, 'collection entry file'), entry);
    if (collection.name !== name) {
      throw new ProvisionError({ what: `collection "${collection.name}" is in a folder named ${name}`, where: { file: entry }, expected: `name: ${name}`, fix: 'name the folder as the collection (a playbook names its modules NAMESPACE.NAME.module)', code: 'collection' });
    }
    registerCollection(collection);
    names.push(name);
  }
  return names;
}
