// debug: shows a message or a variable's value; never touches the host.
import { z } from 'zod';
import { defineModule } from './define.js';

const args = z
  .strictObject({
    msg: z.unknown().optional().describe('The message to show (any value; default "Hello world!")'),
    var: z.string().min(1).optional().describe('Name of a variable to show; dots and [n] reach inside (e.g. result.stdout_lines[0])'),
  })
  .superRefine((a, ctx) => {
    if (a.msg !== undefined && a.var !== undefined) ctx.addIssue({ code: 'custom', message: 'give msg or var, not both', path: [] });
  });

/** What debug shows for a variable that does not exist (Ansible's words). */
export const NOT_DEFINED = 'VARIABLE IS NOT DEFINED!';

/** The value at `path` (`a.b[0].c`) in `vars`, or undefined. */
export function lookupVar(vars: Record<string, unknown>, path: string): unknown {
  let value: unknown = vars;
  for (const key of path.replace(/\[(\d+|'[^']*'|"[^"]*")\]/g, '.$1').split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    const k = key.replace(/^(['"])(.*)\1$/, '$2');
    if (!Object.prototype.hasOwnProperty.call(value, k)) return undefined;
    value = (value as Record<string, unknown>)[k];
  }
  return value;
}

/** The debug module. */
export const debug = defineModule<z.output<typeof args>>({
  name: 'debug',
  summary: 'Show a message or the value of a variable (runs on the control machine).',
  args,
  freeForm: 'msg',
  plan: (a, _current, ctx) => {
    if (a.var !== undefined) {
      const value = lookupVar(ctx.vars, a.var);
      const shown = value === undefined ? NOT_DEFINED : value;
      return { steps: [], changed: false, result: { [a.var]: shown, msg: shown } };
    }
    return { steps: [], changed: false, result: { msg: a.msg ?? 'Hello world!' } };
  },
});
