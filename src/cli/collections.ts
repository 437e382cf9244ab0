// The CLI's start: the bundled collections loaded, and their lab extensions registered for `provision lab` and
// `run --lab` (the lab itself knows no collection).
import { loadDefaultCollections, loadedCollections } from '../collections/load.js';
import { registerLabExtension } from '../lab/index.js';

/** Loads the bundled collections and registers every lab extension they bring (idempotent). */
export async function loadCollectionsWithLab(): Promise<void> {
  await loadDefaultCollections();
  for (const collection of loadedCollections()) for (const extension of collection.lab ?? []) registerLabExtension(extension);
}
