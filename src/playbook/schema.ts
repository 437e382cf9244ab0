// The playbook's YAML shape in zod: plays and the keys every task shares. Module arguments are checked by each
// module's own schema (src/modules); load.ts splits a task into its common keys and its one module key.
import { z } from 'zod';
import { integerIn, numberIn, waitSeconds } from '../source/numbers.js';
import { yamlBool } from '../source/bool.js';

/** A string or a list of strings, normalized to a list. */
export const stringList = z.union([z.string(), z.array(z.string())]).transform((v) => (Array.isArray(v) ? v : [v]));

/** Tags: a list, or a string that may hold several comma-separated tags (as Ansible allows). */
export const tagList = z.union([z.string(), z.array(z.string())]).transform((v) =>
  (Array.isArray(v) ? v : v.split(',')).map((t) => t.trim()).filter((t) => t !== ''),
);

/** Conditions (`when`, `changed_when`, `failed_when`, `until`): an expression, a boolean, or a list of them. */
export const conditionList = z
  .union([z.string(), z.boolean(), z.array(z.union([z.string(), z.boolean()]))])
  .transform((v) => (Array.isArray(v) ? v : [v]).map((c) => (typeof c === 'boolean' ? String(c) : c)));

/** A variable name usable in templates and conditions. */
export const identifier = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a name of letters, digits and _, not starting with a digit');

const varsMap = z.record(z.string(), z.unknown());

const percent = z.string().regex(/^\d+(\.\d+)?%$/, 'a percentage like "30%"');
const batchSize = z.union([z.number().int().min(1), percent]);

/** Keys common to every task (everything except the module key). */
export const taskKeysSchema = z.strictObject({
  name: z.string().optional(),
  when: conditionList.optional(),
  notify: stringList.optional(),
  register: identifier.optional(),
  changed_when: conditionList.optional(),
  failed_when: conditionList.optional(),
  ignore_errors: yamlBool.optional(),
  tags: tagList.optional(),
  retries: integerIn(0, 10000).optional(),
  delay: waitSeconds().optional(),
  until: conditionList.optional(),
  loop: z.union([z.array(z.unknown()), z.string()]).optional(),
  // Ansible's older spelling of `loop`; it flattens one level of nested lists.
  with_items: z.union([z.array(z.unknown()), z.string()]).optional(),
  loop_control: z.strictObject({ loop_var: identifier.optional(), label: z.string().optional() }).optional(),
  become: yamlBool.optional(),
  become_user: z.string().optional(),
  check_mode: yamlBool.optional(),
  no_log: yamlBool.optional(),
  vars: varsMap.optional(),
  // Extra module arguments beside a free-form one (`command: make` + `args: { chdir: /src }`), as in Ansible.
  args: varsMap.optional(),
});

/** Keys common to every handler: a task's plus `listen`. */
export const handlerKeysSchema = taskKeysSchema.extend({ listen: stringList.optional() });

/** Every key a task may carry beside its module. */
export const TASK_KEYS = Object.keys(taskKeysSchema.shape);
/** Every key a handler may carry beside its module. */
export const HANDLER_KEYS = Object.keys(handlerKeysSchema.shape);

/** One play as written (tasks and handlers are checked one by one afterwards, for precise errors). */
export const playSchema = z.strictObject({
  name: z.string().optional(),
  hosts: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
  defaults: varsMap.optional(),
  vars: varsMap.optional(),
  vars_files: stringList.optional(),
  become: yamlBool.optional(),
  become_user: z.string().optional(),
  gather_facts: yamlBool.optional(),
  serial: z.union([batchSize, z.array(batchSize).min(1)]).optional(),
  max_fail_percentage: numberIn(0, 100).optional(),
  any_errors_fatal: yamlBool.optional(),
  tasks: z.array(z.unknown()).optional(),
  handlers: z.array(z.unknown()).optional(),
});

/** Every key a play may carry. */
export const PLAY_KEYS = Object.keys(playSchema.shape);

/** Ansible keys provision does not support, with what to do instead. */
export const UNSUPPORTED_KEYS: Record<string, string> = {
  roles: 'put the tasks in the play (and their variables in vars_files)',
  pre_tasks: 'put them first in tasks',
  post_tasks: 'put them last in tasks',
  block: 'write the tasks one by one (with when on each)',
  include_tasks: 'write the tasks into the play',
  import_tasks: 'import_tasks works in tasks: (a handler cannot import tasks)',
  include_role: 'write the tasks into the play',
  import_role: 'write the tasks into the play',
  include_vars: 'use vars_files on the play',
  delegate_to: 'run the task in a play for that host',
  run_once: 'run the task in a play for one host',
};

/** The raw shape of a play, as parsed by playSchema. */
export type RawPlay = z.output<typeof playSchema>;
/** The raw common keys of a task or handler, as parsed by handlerKeysSchema. */
export type RawTaskKeys = z.output<typeof handlerKeysSchema>;
