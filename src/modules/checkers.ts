// Content checkers: a named check of a file's text, run on the control machine before anything is written, when a
// copy or template task asks for it (`lint: NAME`). Collections register them as they register modules.
import { z } from 'zod';
import { ProvisionError, ProvisionErrors } from '../errors.js';
import { closest } from '../source/suggest.js';

/** A content checker: every problem in `text`, each a ProvisionError pointing into it (empty: the text is fine). */
export interface ContentChecker {
  /** What `lint:` names, e.g. the kind of file it knows (`nginx.conf`). */
  name: string;
  /** One line for the module reference. */
  summary: string;
  check(text: string, where: CheckedFile): ProvisionError[];
}

/** The file a checker reads: its name as errors show it, and the host it is for. */
export interface CheckedFile {
  file: string;
  host?: string;
}

const checkers = new Map<string, ContentChecker>();

/** A content checker definition, typed (as defineModule is for modules). */
export function defineChecker(def: ContentChecker): ContentChecker {
  return def;
}

/** Makes a checker available to `lint:` (a later registration of the same name replaces the earlier one). */
export function registerChecker(def: ContentChecker): void {
  checkers.set(def.name, def);
}

/** The checker called `name`, or undefined. */
export function getChecker(name: string): ContentChecker | undefined {
  return checkers.get(name);
}

/** Every registered checker name, sorted. */
export function checkerNames(): string[] {
  return [...checkers.keys()].sort();
}

/** The `lint` argument copy and template share: the name of a registered checker. */
export const lintArg = z
  .string()
  .min(1)
  .superRefine((name, ctx) => {
    if (getChecker(name)) return;
    const known = checkerNames();
    const guess = closest(name, known);
    ctx.addIssue({ code: 'custom', message: `no content checker "${name}"${guess ? ` (did you mean "${guess}"?)` : ''}; ${known.length ? `known: ${known.join(', ')}` : 'none is registered'} (collections add them)` });
  })
  .describe('Check the text on the control machine before anything is written, with the named content checker (a collection provides them; `provision schema --docs` lists them)');

/** Runs checker `name` over `text`; throws every problem it finds, together. */
export function checkContent(name: string, text: string, where: CheckedFile): void {
  const checker = getChecker(name);
  if (!checker) throw new ProvisionError({ what: `no content checker "${name}"`, where, expected: checkerNames().join(', ') || 'a registered checker', code: 'unknown-checker' });
  const problems = checker.check(text, where);
  if (problems.length) throw new ProvisionErrors(problems.map((e) => e.problem));
}
