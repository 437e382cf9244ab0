// The Module contract: a zod schema for the arguments, a read-only probe, a pure plan. The runner applies the steps,
// so check mode and diff mode hold for every module without the module doing anything.
import type { z } from 'zod';
import type { Become, ShellText } from '../shell/quote.js';
import type { Masker } from '../shell/secret.js';
import type { Facts } from '../facts/types.js';
import type { ExecResult } from '../transport/types.js';

/** What a module knows about the host and the run when it probes and plans. */
export interface ModuleContext {
  /** Inventory name of the host. */
  host: string;
  /** Variables visible to this host at this task (inventory, play, facts, registered results, extra vars). */
  vars: Record<string, unknown>;
  /** Gathered facts, when the play gathers them. */
  facts?: Facts;
  check: boolean;
  diff: boolean;
  become: Become | false;
  /** Folder of the playbook file: relative `src` paths resolve here (then templates/ and files/ below it). */
  playbookDir: string;
  /** Folders searched for template sources, in order. */
  templateDirs: string[];
  /** Knows every secret of the run; modules mask what they put into notes and diffs. */
  masker: Masker;
  /** Aborted when the run is interrupted: control-side work (reading a local file) stops. */
  signal?: AbortSignal;
}

/** A read-only script and the pure parser of its result. Probes of several tasks may be batched by the runner. */
export interface Probe<P> {
  script: ShellText;
  parse(result: ExecResult): P;
}

/** One change on the host, applied by the runner (never in check mode unless `readOnly`). */
export interface Step {
  /** One line for -v output: what this step does, with no secret in it. */
  describe: string;
  script: ShellText;
  /** Bytes fed to the script's stdin (file contents travel this way, binary-safe). */
  stdin?: Buffer | string;
  /** A step that changes nothing and runs in check mode too (e.g. waiting for a port). */
  readOnly?: boolean;
  /** Exit codes that count as success (default [0]). */
  okCodes?: number[];
  timeoutMs?: number;
}

/** A file's before and after, for --diff. */
export interface FileDiff {
  path: string;
  before: string;
  after: string;
}

/** What a module decided; an empty `steps` with no `fail` means "ok, unchanged" and `note` says why. */
export interface Plan {
  steps: Step[];
  /** One line: why nothing needs doing, or what will change. */
  note?: string;
  diffs?: FileDiff[];
  /**
   * Whether the task changes the host. Default: any step that is not readOnly. `command` without creates/removes
   * sets true because it cannot know.
   */
  changed?: boolean;
  /** Values for `register`, merged with the last step's rc/stdout/stderr. */
  result?: Record<string, unknown>;
  /** set_fact: host variables to set. */
  facts?: Record<string, unknown>;
  /** Fail the task with this message (assert, fail, or a plan that cannot proceed). */
  fail?: string;
}

/** What each applied step returned. */
export interface StepResult {
  step: Step;
  result: ExecResult;
}

/**
 * A module: one file, one definition. `A` is the parsed arguments, `R` what `prepare` turns them into, `P` the probe's
 * state, `I` the arguments as written (known when defineModule infers it from `args`; the playbook builder types
 * a task's arguments with it).
 */
export interface ModuleDef<A = any, R = A, P = any, I = any> {
  name: string;
  /** One line for the module reference. */
  summary: string;
  args: z.ZodType<A, I>;
  /**
   * Example tasks for the module reference (`provision schema --docs`), as YAML text: a list of tasks that use the
   * module. Default: the built-in src/modules/examples/<name>.yml, if there is one.
   */
  examples?: string;
  /** Key that receives a bare string argument (`command: ls -l` → `{ cmd: 'ls -l' }`). */
  freeForm?: string;
  /** Control-side preparation (read and render a template, hash a local file). Default: the arguments as they are. */
  prepare?(args: A, ctx: ModuleContext): R | Promise<R>;
  /** Reads the host's current state. Omit for modules that never touch the host (debug, set_fact, assert, fail). */
  probe?(input: R, ctx: ModuleContext): Probe<P> | undefined;
  /** Pure: current state + desired state → steps. */
  plan(input: R, current: P, ctx: ModuleContext): Plan;
  /** Extra registered values from the applied steps (e.g. command's rc, stdout, stderr). */
  result?(input: R, applied: StepResult[], plan: Plan): Record<string, unknown>;
}

/** Declares a module (an identity function that gives the definition its types). */
export function defineModule<A, R = A, P = undefined, I = any>(def: ModuleDef<A, R, P, I>): ModuleDef<A, R, P, I> {
  return def;
}
