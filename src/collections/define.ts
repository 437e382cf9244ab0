// A collection, as Ansible users know them: one folder that brings modules and content checkers (templates live in
// the playbook's templates/ until roles exist). The bundled collections are written with exactly this API.
import type { ContentChecker } from '../modules/checkers.js';
import type { ModuleDef } from '../modules/define.js';
import type { LabExtension } from '../lab/extension.js';

/** What a collection's entry file exports (as its default export, or as `collection`). */
export interface Collection {
  /** Its name: letters, digits and _ (a playbook may name its modules `NAMESPACE.NAME.module`). */
  name: string;
  /** One line: what it is for. */
  summary: string;
  modules?: ModuleDef[];
  checkers?: ContentChecker[];
  /** Lab extensions (`provision lab up --NAME`): what the collection's playbooks need of a throwaway lab. */
  lab?: LabExtension[];
}

/** A collection definition, typed. */
export function defineCollection(def: Collection): Collection {
  return def;
}
