// Ansible's boolean words, read from YAML: the loader's keywords and the modules' boolean arguments share them.
import { z } from 'zod';

const BOOLEAN_WORDS: Record<string, boolean> = { yes: true, no: false, true: true, false: false, on: true, off: false };

/**
 * Ansible's boolean words (`yes`, `No`, `on`, `TRUE`) as booleans. YAML 1.2 reads them as strings; Ansible users
 * write them everywhere, so keyword booleans and boolean module arguments accept them.
 */
export function booleanWord(v: unknown): boolean | undefined {
  return typeof v === 'string' ? BOOLEAN_WORDS[v.toLowerCase()] : undefined;
}

/** A boolean keyword: true/false, or yes/no/on/off/true/false in any case. */
export const yamlBool = z.preprocess((v) => booleanWord(v) ?? v, z.boolean());
