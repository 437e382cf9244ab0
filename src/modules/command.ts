// command: runs a program with arguments, without a shell. Also the shared parts of `shell` (creates/removes,
// chdir, env, stdin, and the registered rc/stdout/stderr).
import { z } from 'zod';
import { cmd, sh, join, type ShellText } from '../shell/quote.js';
import { defineModule, type ModuleContext, type Plan, type Probe, type StepResult } from './define.js';
import { splitWords } from './files/words.js';

/** Arguments shared by command and shell. */
export const runArgs = {
  creates: z.string().min(1).optional().describe('Skip the command when this path exists on the host (relative to chdir)'),
  removes: z.string().min(1).optional().describe('Run the command only when this path exists on the host (relative to chdir)'),
  chdir: z.string().min(1).optional().describe('Change into this folder before running'),
  env: z
    .record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String))
    .superRefine((env, ctx) => {
      for (const key of Object.keys(env)) {
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) ctx.addIssue({ code: 'custom', message: `"${key}" is not an environment variable name`, path: [key] });
      }
    })
    .optional()
    .describe('Environment variables for the command'),
  stdin: z.string().optional().describe('Text fed to the command\'s standard input'),
  stdin_add_newline: z.boolean().default(true).describe('Append a newline to stdin'),
};

/** What command and shell prepare: the program line to exec, plus the shared options. */
export interface RunInput {
  /** Program and arguments (already split for command; [executable, '-c', script] for shell). */
  argv: string[];
  /** How the task shows the command in notes. */
  display: string;
  creates?: string;
  removes?: string;
  chdir?: string;
  env?: Record<string, string>;
  stdin?: string;
  stdin_add_newline: boolean;
}

/** What the creates/removes probe found. */
export interface RunState {
  creates?: boolean;
  removes?: boolean;
}

/** Probes creates/removes in one round trip (no probe when neither is given). */
export function runProbe(input: RunInput): Probe<RunState> | undefined {
  if (input.creates === undefined && input.removes === undefined) return undefined;
  const tests: ShellText[] = [];
  if (input.chdir !== undefined) tests.push(sh`cd -- ${input.chdir} 2>/dev/null || { echo chdir=missing; exit 0; }`);
  if (input.creates !== undefined) tests.push(sh`if [ -e ${input.creates} ]; then echo creates=yes; else echo creates=no; fi`);
  if (input.removes !== undefined) tests.push(sh`if [ -e ${input.removes} ]; then echo removes=yes; else echo removes=no; fi`);
  return {
    script: join(tests),
    parse: ({ stdout }) => ({
      ...(input.creates !== undefined ? { creates: /^creates=yes$/m.test(stdout) } : {}),
      ...(input.removes !== undefined ? { removes: /^removes=yes$/m.test(stdout) } : {}),
    }),
  };
}

/** The script that runs `argv` (optionally in chdir, with env) as the last thing the shell does. */
export function runScript(input: RunInput): ShellText {
  const envWords = Object.entries(input.env ?? {}).map(([k, v]) => `${k}=${v}`);
  const run = envWords.length ? sh`exec env ${envWords} ${input.argv}` : sh`exec ${input.argv}`;
  return input.chdir !== undefined ? sh`cd -- ${input.chdir} && ${run}` : run;
}

/** Pure: skip for creates/removes, else one step that always counts as a change. */
export function runPlan(input: RunInput, current: RunState | undefined, ctx: ModuleContext): Plan {
  const skipped = (note: string): Plan => ({
    steps: [],
    changed: false,
    note,
    result: { rc: 0, stdout: note, stderr: '', stdout_lines: [note], stderr_lines: [] },
  });
  if (current?.creates === true) return skipped(`skipped, since ${input.creates} exists`);
  if (current?.removes === false) return skipped(`skipped, since ${input.removes} does not exist`);
  const stdin = input.stdin === undefined ? undefined : input.stdin + (input.stdin_add_newline ? '\n' : '');
  const describe = ctx.masker.mask(`run ${input.display}`);
  return { steps: [{ describe, script: runScript(input), ...(stdin !== undefined ? { stdin } : {}) }], changed: true, note: describe };
}

function lines(text: string): string[] {
  return text === '' ? [] : text.split('\n');
}

/** Registered values of an applied command: rc, stdout, stderr (trailing newlines removed) and their lines. */
export function runResult(input: RunInput, applied: StepResult[]): Record<string, unknown> {
  const last = applied.at(-1)?.result;
  if (!last) return {};
  const stdout = last.stdout.replace(/[\r\n]+$/, '');
  const stderr = last.stderr.replace(/[\r\n]+$/, '');
  return { cmd: input.argv, rc: last.code, stdout, stderr, stdout_lines: lines(stdout), stderr_lines: lines(stderr) };
}

const args = z
  .strictObject({
    cmd: z.string().min(1).optional().describe('The command line; split into words like a shell would (quotes honoured), but run without one'),
    argv: z.array(z.string()).min(1).optional().describe('The program and its arguments as a list, passed exactly as given'),
    ...runArgs,
  })
  .superRefine((a, ctx) => {
    if ((a.cmd === undefined) === (a.argv === undefined)) ctx.addIssue({ code: 'custom', message: 'give exactly one of cmd or argv', path: [] });
  });

/** command's arguments after parsing. */
export type CommandArgs = z.output<typeof args>;

/** The command module. */
export const command = defineModule<CommandArgs, RunInput, RunState | undefined>({
  name: 'command',
  summary: 'Run a program with arguments on the host, without a shell; always "changed" unless creates/removes say otherwise.',
  args,
  freeForm: 'cmd',
  prepare(a) {
    const argv = a.argv ?? splitWords(a.cmd!, 'command');
    const display = a.cmd ?? cmd(...argv).text;
    return { argv, display, creates: a.creates, removes: a.removes, chdir: a.chdir, env: a.env, stdin: a.stdin, stdin_add_newline: a.stdin_add_newline };
  },
  probe: runProbe,
  plan: runPlan,
  result: runResult,
});
