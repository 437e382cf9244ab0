// fail: stops the host with a message (usually behind a `when`).
import { z } from 'zod';
import { defineModule } from './define.js';

const args = z.strictObject({
  msg: z.string().default('Failed as requested from task').describe('The failure message'),
});

/** The fail module. */
export const fail = defineModule<z.output<typeof args>>({
  name: 'fail',
  summary: 'Fail the task with a message.',
  args,
  freeForm: 'msg',
  plan: (a) => ({ steps: [], changed: false, fail: a.msg }),
});
