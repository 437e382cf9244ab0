// A project-local module: ensure `key=value` is a line of a file (like a tiny lineinfile). provision loads every
// .js/.mjs/.ts file in the modules/ folder next to a playbook before validating the playbook (a .ts file with the
// project's own `typescript` on Node 20). It imports only from provision, zod's `z` included.
import { defineModule, sh, z } from 'provision';

export const kv_line = defineModule({
  name: 'kv_line',
  summary: 'Ensure KEY=VALUE is a line of a file (replacing KEY=anything, or appending).',
  args: z.strictObject({
    path: z.string().min(1).describe('The file (must exist)'),
    key: z.string().regex(/^[A-Za-z0-9_.-]+$/).describe('The key'),
    value: z.string().describe('The value'),
  }),
  // Read-only: the current line for KEY, if any (one round trip).
  probe: (a) => ({
    script: sh`grep -m1 -E ${`^${a.key.replace(/\./g, '\\.')}=`} ${a.path} || true`,
    parse: (r) => ({ line: r.stdout.replace(/\n$/, '') }),
  }),
  // Pure: what to do, or nothing (with a note saying why).
  plan: (a, current) => {
    const want = `${a.key}=${a.value}`;
    if (current.line === want) return { steps: [], note: `${a.path} already has ${a.key}=…` };
    const script = current.line
      ? sh`tmp=$(mktemp ${a.path}.XXXXXX) && awk -v k=${a.key} -v line=${want} 'index($0, k"=")==1 && !done {print line; done=1; next} {print}' ${a.path} > "$tmp" && cat "$tmp" > ${a.path} && rm -f "$tmp"`
      : sh`printf '%s\n' ${want} >> ${a.path}`;
    return { steps: [{ describe: `set ${a.key} in ${a.path}`, script }], note: `${current.line ? 'replace' : 'add'} ${a.key} in ${a.path}` };
  },
});
