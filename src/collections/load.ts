// Loading collections: the bundled ones (defaults.ts) and any a program or a playbook names. A collection's modules
// and checkers are registered exactly as a user's would be: there is no other way in.
import { ProvisionError } from '../errors.js';
import { registerChecker } from '../modules/checkers.js';
import { registerModule } from '../modules/registry.js';
import type { Collection } from './define.js';
import { DEFAULT_COLLECTIONS } from './defaults.js';

const registered = new Map<string, Collection>();

/** True for a value shaped like a collection (a name and lists of modules or checkers). */
function isCollection(v: unknown): v is Collection {
  const c = v as Partial<Collection> | null;
  return !!c && typeof c === 'object' && typeof c.name === 'string' && (Array.isArray(c.modules) || Array.isArray(c.checkers));
}

/** Registers a collection's modules and checkers (idempotent per collection name). */
export function registerCollection(collection: Collection): void {
  if (!/^[A-Za-z0-9_]+$/.test(collection.name)) {
    throw new ProvisionError({ what: `collection name "${collection.name}"`, expected: 'letters, digits and _ only', code: 'collection' });
  }
  for (const def of collection.modules ?? []) registerModule(def);
  for (const def of collection.checkers ?? []) registerChecker(def);
  registered.set(collection.name, collection);
}

/** The collection an entry file exports: its default export, or an export named `collection`. */
export function collectionOf(exports: Record<string, unknown>, from: string): Collection {
  const found = [exports.default, exports.collection].find(isCollection);
  if (!found) {
    throw new ProvisionError({
      what: 'no collection exported',
      where: { file: from },
      expected: 'export default defineCollection({ name, summary, modules, checkers })',
      code: 'collection',
    });
  }
  return found;
}

/** Loads and registers the bundled collections (once per process; later calls return at once). */
export async function loadDefaultCollections(): Promise<void> {
  for (const [name, load] of Object.entries(DEFAULT_COLLECTIONS)) {
    if (registered.has(name)) continue;
    registerCollection(collectionOf(await load(), `bundled collection ${name}`));
  }
}

/** The names of the collections registered so far. */
export function collectionNames(): string[] {
  return [...registered.keys()].sort();
}

/** The collections registered so far, in the order they were. */
export function loadedCollections(): Collection[] {
  return [...registered.values()];
}
