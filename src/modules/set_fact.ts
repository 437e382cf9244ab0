// set_fact: sets host variables for the rest of the run (control side; the values are already templated).
import { z } from 'zod';
import { defineModule } from './define.js';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const args = z
  .record(z.string(), z.unknown())
  .superRefine((a, ctx) => {
    if (Object.keys(a).length === 0) ctx.addIssue({ code: 'custom', message: 'give at least one variable: set_fact: { name: value }', path: [] });
    for (const key of Object.keys(a)) {
      if (!NAME.test(key)) ctx.addIssue({ code: 'custom', message: `"${key}" is not a variable name (letters, digits, _; not starting with a digit)`, path: [key] });
    }
  })
  .describe('Variables to set on the host: name → value');

/** The set_fact module. */
export const set_fact = defineModule<Record<string, unknown>>({
  name: 'set_fact',
  summary: 'Set host variables (facts) that later tasks can use.',
  args,
  plan: (a) => ({ steps: [], changed: false, facts: a, note: `set ${Object.keys(a).join(', ')}`, result: { ansible_facts: a } }),
});
