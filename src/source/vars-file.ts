// The one reader of vars files (an inventory's group_vars/ and host_vars/, a play's vars_files): a bounded read,
// YAML with positions, and a top level that must be a mapping of variables.
import { ProvisionError, type ProblemInfo, type Where } from '../errors.js';
import { describeFileValue, listFix, posOf, readYaml, type YamlSource } from './yaml-source.js';

/** A vars file's variables, with the source that places each of them (posOf(source, [name])). */
export interface VarsFile {
  vars: Record<string, unknown>;
  source: YamlSource;
}

/** How to report a vars file's problems. */
export interface VarsFileOptions {
  /** The `code` of a not-a-mapping problem (the caller's family: 'inventory', 'vars-files'). */
  code: string;
  /** Where the file was named (a vars_files entry), for a file that cannot be read. */
  from?: Where;
  /** Problems found in the file are added here. */
  problems: ProblemInfo[];
  /** A file that cannot be read (missing, too large, binary, not UTF-8) is added to `problems` too; default: thrown. */
  collectUnreadable?: boolean;
}

/**
 * Reads a vars file. An empty file holds no variables; a file with YAML problems, or whose top level is not a
 * mapping, adds them to `options.problems` and gives undefined (so every broken file is reported at once).
 */
export async function readVarsFile(file: string, options: VarsFileOptions): Promise<VarsFile | undefined> {
  let parsed;
  try {
    parsed = await readYaml(file, 'vars file', options.from);
  } catch (e) {
    if (!(e instanceof ProvisionError) || !options.collectUnreadable) throw e;
    options.problems.push(e.problem);
    return undefined;
  }
  if (parsed.problems.length > 0) {
    options.problems.push(...parsed.problems);
    return undefined;
  }
  const v = parsed.value;
  if (v === null || v === undefined) return { vars: {}, source: parsed.source };
  if (typeof v !== 'object' || Array.isArray(v)) {
    options.problems.push({ what: 'a vars file must be a mapping of variables', where: posOf(parsed.source, []), expected: 'name: value pairs', got: describeFileValue(v), ...listFix(v), code: options.code });
    return undefined;
  }
  return { vars: v as Record<string, unknown>, source: parsed.source };
}
