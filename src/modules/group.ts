// group: a local group (system or not, with a fixed gid) present or absent, read through getent.
import { z } from 'zod';
import { cmd, sh } from '../shell/quote.js';
import { defineModule, type Plan } from './define.js';

/** A user or group name as shadow's tools accept it (no spaces, ':', ',' or leading '-'). */
export const accountName = (kind: 'user' | 'group') =>
  z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_.-]*\$?$/, `a ${kind} name: a letter or "_" first, then letters, digits, "_", "." or "-"`)
    .max(32, `a ${kind} name has at most 32 characters`);

const args = z.strictObject({
  name: accountName('group').describe('Name of the group'),
  state: z.enum(['present', 'absent']).default('present').describe('present: the group exists; absent: it is removed'),
  system: z.boolean().default(false).describe('Create it as a system group (gid from the system range); ignored for an existing group'),
  gid: z.number().int().nonnegative().optional().describe('Numeric group id; an existing group with another gid is changed with groupmod'),
});

/** group's arguments after parsing. */
export type GroupArgs = z.output<typeof args>;

/** What getent said about the group. */
export type GroupState = { exists: false } | { exists: true; gid: number; members: string[] };

/** Parses the `getent group` line printed by the probe (empty when the group does not exist). */
export function parseGroupLine(line: string): GroupState {
  const fields = line.trim().split(':');
  if (fields.length < 4) return { exists: false };
  return { exists: true, gid: Number(fields[2]), members: fields[3] ? fields[3].split(',') : [] };
}

/** Pure: the group's state → groupadd, groupmod or groupdel. */
export function planGroup(a: GroupArgs, g: GroupState): Plan {
  if (a.state === 'absent') {
    return g.exists ? { steps: [{ describe: `remove group ${a.name}`, script: cmd('groupdel', '--', a.name) }], note: `remove group ${a.name}` } : { steps: [], note: `group ${a.name} is already absent` };
  }
  if (!g.exists) {
    const argv = ['groupadd', ...(a.system ? ['--system'] : []), ...(a.gid !== undefined ? ['--gid', String(a.gid)] : []), '--', a.name];
    const describe = `create ${a.system ? 'system ' : ''}group ${a.name}${a.gid !== undefined ? ` (gid ${a.gid})` : ''}`;
    return { steps: [{ describe, script: cmd(...argv) }], note: describe };
  }
  if (a.gid !== undefined && a.gid !== g.gid) {
    const describe = `change gid of group ${a.name}: ${g.gid} → ${a.gid}`;
    return { steps: [{ describe, script: cmd('groupmod', '--gid', a.gid, '--', a.name) }], note: describe };
  }
  return { steps: [], note: `group ${a.name} exists (gid ${g.gid})` };
}

/** The group module. */
export const group = defineModule<GroupArgs, GroupArgs, GroupState>({
  name: 'group',
  summary: 'Make a local group present (optionally a system group with a fixed gid) or absent.',
  args,
  freeForm: 'name',
  probe: (a) => ({
    script: sh`getent group -- ${a.name} || true`,
    parse: ({ stdout }) => parseGroupLine(stdout.split('\n')[0] ?? ''),
  }),
  plan: planGroup,
  result: (a) => ({ name: a.name, state: a.state }),
});
