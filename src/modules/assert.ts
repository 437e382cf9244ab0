// assert: checks conditions on the control machine; the first false one fails the host.
import { z } from 'zod';
import { evalCondition } from '../expr/expr.js';
import { defineModule } from './define.js';

const args = z.strictObject({
  that: z
    .union([z.string().min(1), z.boolean(), z.array(z.union([z.string().min(1), z.boolean()])).min(1)])
    .transform((t) => (Array.isArray(t) ? t : [t]))
    .describe('A condition or a list of conditions (the same expressions as `when`), all of which must hold'),
  fail_msg: z.string().optional().describe('Message when a condition is false (default: "Assertion failed")'),
  msg: z.string().optional().describe('Same as fail_msg'),
  success_msg: z.string().optional().describe('Message when all conditions hold (default: "All assertions passed")'),
  quiet: z.boolean().default(false).describe('Say less on success'),
});

/** The assert module. */
export const assert = defineModule<z.output<typeof args>>({
  name: 'assert',
  summary: 'Fail unless every condition holds (runs on the control machine).',
  args,
  plan: (a, _current, ctx) => {
    for (const condition of a.that) {
      if (!evalCondition(condition, ctx.vars, { host: ctx.host })) {
        const msg = a.fail_msg ?? a.msg ?? `Assertion failed: ${condition}`;
        return { steps: [], changed: false, fail: msg, result: { assertion: condition, evaluated_to: false } };
      }
    }
    const msg = a.success_msg ?? 'All assertions passed';
    return { steps: [], changed: false, note: a.quiet ? undefined : msg, result: { msg } };
  },
});
