// The inventory's YAML shape (Ansible's YAML inventory) and the connection variables a host may set.
import { z } from 'zod';
import { yamlBool } from '../source/bool.js';
import { integerIn, waitSeconds } from '../source/numbers.js';

const vars = z.record(z.string(), z.unknown()).nullable();

/** A group: member hosts (name → vars, or nothing), child groups, and group vars. */
export interface RawGroup {
  hosts?: Record<string, Record<string, unknown> | null> | string[] | null;
  children?: Record<string, RawGroup | null> | null;
  vars?: Record<string, unknown> | null;
}

/** One group as written. */
export const groupSchema: z.ZodType<RawGroup> = z.lazy(() =>
  z.strictObject({
    // Ansible wants a mapping; a plain list of names is accepted too, it cannot mean anything else.
    hosts: z.union([z.record(z.string(), vars), z.array(z.string())]).nullable().optional(),
    children: z.record(z.string(), groupSchema.nullable()).nullable().optional(),
    vars: vars.optional(),
  }),
);

/** A whole inventory file: top-level groups (usually just `all`). */
export const inventorySchema = z.record(z.string(), groupSchema.nullable());

const numeric = (v: unknown) => (typeof v === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(v) ? Number(v) : v);

/** Connection settings under our names, after Ansible's names were mapped onto them. */
export const connectionVarsSchema = z.object({
  address: z.string().min(1).optional(),
  port: z.preprocess(numeric, integerIn(1, 65535)).optional(),
  user: z.string().min(1).optional(),
  private_key_file: z.string().min(1).optional(),
  known_hosts_file: z.string().min(1).optional(),
  become: yamlBool.optional(),
  become_user: z.string().min(1).optional(),
  connection: z.enum(['ssh', 'local']).optional(),
  connect_timeout: z.preprocess(numeric, waitSeconds({ positive: true })).optional(),
  proxy_jump: z.string().min(1).optional(),
  ssh_config_file: z.string().min(1).optional(),
});

/** Our connection key → the Ansible variables that mean the same (ours wins when both are set). */
export const CONNECTION_ALIASES: Record<keyof z.infer<typeof connectionVarsSchema>, string[]> = {
  address: ['ansible_host', 'ansible_ssh_host'],
  port: ['ansible_port', 'ansible_ssh_port'],
  user: ['ansible_user', 'ansible_ssh_user'],
  private_key_file: ['ansible_ssh_private_key_file', 'ansible_private_key_file'],
  known_hosts_file: [],
  become: ['ansible_become'],
  become_user: ['ansible_become_user'],
  connection: ['ansible_connection'],
  connect_timeout: ['ansible_timeout'],
  proxy_jump: [],
  ssh_config_file: [],
};
