// shell: a script the user wrote, run by a shell on the host (pipes, redirections, variables all work).
import { z } from 'zod';
import { defineModule } from './define.js';
import { runArgs, runPlan, runProbe, runResult, type RunInput, type RunState } from './command.js';

const args = z.strictObject({
  cmd: z.string().min(1).describe('The shell script to run (shell syntax is intended here)'),
  executable: z.string().min(1).default('/bin/sh').describe('The shell that runs the script with -c'),
  ...runArgs,
});

/** shell's arguments after parsing. */
export type ShellArgs = z.output<typeof args>;

/** The shell module. */
export const shell = defineModule<ShellArgs, RunInput, RunState | undefined>({
  name: 'shell',
  summary: 'Run a shell script on the host (through /bin/sh or `executable`); always "changed" unless creates/removes say otherwise.',
  args,
  freeForm: 'cmd',
  // The script is one argument to `executable -c`: the user's shell text reaches that shell unchanged.
  prepare: (a) => ({
    argv: [a.executable, '-c', a.cmd],
    display: a.cmd,
    creates: a.creates,
    removes: a.removes,
    chdir: a.chdir,
    env: a.env,
    stdin: a.stdin,
    stdin_add_newline: a.stdin_add_newline,
  }),
  probe: runProbe,
  plan: runPlan,
  result: runResult,
});
