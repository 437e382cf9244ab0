// Playbooks built in TypeScript: the plays written as they would be in YAML (same keys, same values), typed from the
// loader's zod schemas and each module's argument schema, then rendered to YAML and loaded by the same loader, so a
// playbook built in code is checked exactly as a file is, with the same errors.
import { stringify } from 'yaml';
import type { z } from 'zod';
import { ProvisionErrors, type ProblemInfo } from '../errors.js';
import type { ModuleDef } from '../modules/define.js';
import type * as builtin from '../modules/index.js';
import { registerModule } from '../modules/registry.js';
import { loadPlaybookFromString, sourceFile } from './load.js';
import type { handlerKeysSchema, playSchema, taskKeysSchema } from './schema.js';
import type { Playbook } from './types.js';

/** A string holding a template (`"{{ port }}"`): accepted wherever a value may be templated. */
export type Templated = `${string}{{${string}}}${string}`;

/** A value as a playbook may write it: itself, or a template for any value that is not already a string. */
export type Loose<T> = T extends string
  ? T
  : T extends number | boolean
    ? T | Templated
    : T extends readonly (infer U)[]
      ? Loose<U>[] | Templated
      : T extends object
        ? { [K in keyof T]: Loose<T[K]> } | Templated
        : T;

type IsAny<T> = 0 extends 1 & T ? true : false;

/**
 * A module's arguments in a task: its zod input type when defineModule inferred it from `args`. A module declared
 * with explicit type parameters only tells its parsed type, which differs from what is written (defaults, a string
 * that becomes a list): its argument names are checked, their values only when the playbook is built.
 */
export type ArgsOf<D> = D extends ModuleDef<infer A, any, any, infer I> ? (IsAny<I> extends true ? (A extends object ? { [K in keyof A]?: unknown } : unknown) : Loose<I>) : never;

/** The built-in modules by name. */
export type BuiltinModules = { [K in keyof typeof builtin as (typeof builtin)[K] extends ModuleDef ? K : never]: (typeof builtin)[K] };

/** Exactly one module key of `M`, with its arguments (or a free-form / key=value string, as in YAML). */
export type ModuleCall<M> = { [K in keyof M]: { [P in K]: ArgsOf<M[K]> | string | null } & { [P in Exclude<keyof M, K>]?: never } }[keyof M];

/** A task: its keywords (name, when, register, loop, ...) and one module. */
export type TaskSpec<M = BuiltinModules> = z.input<typeof taskKeysSchema> & ModuleCall<M>;
/** A handler: a task that may also `listen`. */
export type HandlerSpec<M = BuiltinModules> = z.input<typeof handlerKeysSchema> & ModuleCall<M>;
/** `- import_tasks: file.yml` in a task list. */
export interface ImportTasksSpec {
  import_tasks: string;
  name?: string;
  when?: string | string[];
  tags?: string | string[];
  vars?: Record<string, unknown>;
}
/** A play: hosts, its keywords, its tasks and handlers. */
export type PlaySpec<M = BuiltinModules> = Omit<z.input<typeof playSchema>, 'tasks' | 'handlers'> & {
  tasks?: (TaskSpec<M> | ImportTasksSpec)[];
  handlers?: HandlerSpec<M>[];
};
/** `- import_playbook: other.yml` among the plays. */
export interface ImportPlaybookSpec {
  import_playbook: string;
  name?: string;
}

/** Where a built playbook is said to come from: its name in errors and the folder its relative paths start from. */
export interface BuildOptions {
  /** Named in errors (default `playbook.ts`). */
  file?: string;
  /** Its modules/, vars_files, imports and templates are found from here (default: the current folder). */
  dir?: string;
}

/** A playbook being built: add plays, then `build()` it (or read it as YAML). */
export interface PlaybookBuilder<M> {
  /** Adds a play (in order); returns the builder. */
  play(play: PlaySpec<M>): PlaybookBuilder<M>;
  /** Adds `- import_playbook: file`; returns the builder. */
  importPlaybook(file: string): PlaybookBuilder<M>;
  /** The plays as YAML: the text `build()` validates (the line numbers of its errors and events count in it). */
  yaml(): string;
  /** Registers the builder's modules, then loads the plays as loadPlaybookFromString does a YAML file. */
  build(options?: BuildOptions): Promise<Playbook>;
}

/**
 * Starts a playbook in TypeScript. `modules` (e.g. `{ kv_line }`) are the project modules its tasks use, besides the
 * built-in ones: they type the tasks' arguments and are registered when the playbook is built.
 */
export function playbook<M extends Record<string, ModuleDef> = Record<never, ModuleDef>>(options: { modules?: M } = {}): PlaybookBuilder<BuiltinModules & M> {
  const plays: (PlaySpec<BuiltinModules & M> | ImportPlaybookSpec)[] = [];
  const builder: PlaybookBuilder<BuiltinModules & M> = {
    play(play) {
      plays.push(play);
      return builder;
    },
    importPlaybook(file) {
      plays.push({ import_playbook: file });
      return builder;
    },
    yaml: () => stringify(plays, { lineWidth: 0 }),
    async build({ file = 'playbook.ts', dir } = {}) {
      for (const def of Object.values(options.modules ?? {})) registerModule(def);
      try {
        return await loadPlaybookFromString(builder.yaml(), { file, dir });
      } catch (e) {
        throw e instanceof ProvisionErrors ? new ProvisionErrors(e.problems.map(withoutTextPosition(file, dir))) : e;
      }
    },
  };
  return builder;
}

// A problem in the built playbook's own text points at lines nobody wrote: its path (plays[0].tasks[1].kv_line)
// says where in the plays. Problems in other files (vars_files, imports) keep their positions.
function withoutTextPosition(file: string, dir: string | undefined) {
  const own = sourceFile({ file, dir });
  return (p: ProblemInfo): ProblemInfo => {
    if (p.where?.file !== own) return p;
    const { line: _line, col: _col, ...where } = p.where;
    return { ...p, where };
  };
}
