import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { apt } from '../../../src/modules/apt.js';
import type { ModuleDef } from '../../../src/modules/define.js';
import { get_url } from '../../../src/modules/get_url.js';
import { group, parseGroupLine, planGroup } from '../../../src/modules/group.js';
import { service } from '../../../src/modules/service.js';
import { ufw } from '../../../src/modules/ufw.js';
import { unarchive } from '../../../src/modules/unarchive.js';
import { user } from '../../../src/modules/user.js';

// Groups are never created on the control machine: plans from captured probes, and only the read-only probe runs.
const captured = (name: string) => parseGroupLine(readFileSync(join(process.cwd(), 'test/fixtures/probes/group', `${name}.out`), 'utf8'));

describe('group plan (probe output → steps)', () => {
  const cases: Array<{ name: string; probe: string; args: Record<string, unknown>; steps: string[]; note?: string }> = [
    { name: 'a missing system group is created', probe: 'missing', args: { name: 'bitcoin', system: true }, steps: ['groupadd --system -- bitcoin'], note: 'create system group bitcoin' },
    { name: 'a missing group with a gid', probe: 'missing', args: { name: 'bitcoin', gid: 2000 }, steps: ['groupadd --gid 2000 -- bitcoin'], note: 'create group bitcoin (gid 2000)' },
    { name: 'an existing group needs nothing', probe: 'nogroup', args: { name: 'nogroup' }, steps: [], note: 'group nogroup exists (gid 65534)' },
    { name: 'the same gid needs nothing', probe: 'nogroup', args: { name: 'nogroup', gid: 65534 }, steps: [] },
    { name: 'another gid is changed', probe: 'nogroup', args: { name: 'nogroup', gid: 65000 }, steps: ['groupmod --gid 65000 -- nogroup'], note: 'change gid of group nogroup: 65534 → 65000' },
    { name: 'absent removes it', probe: 'nogroup', args: { name: 'nogroup', state: 'absent' }, steps: ['groupdel -- nogroup'] },
    { name: 'absent on a missing group needs nothing', probe: 'missing', args: { name: 'bitcoin', state: 'absent' }, steps: [], note: 'group bitcoin is already absent' },
  ];
  it.each(cases)('$name', ({ probe, args, steps, note }) => {
    const plan = planGroup(group.args.parse(args), captured(probe));
    expect(plan.steps.map((s) => s.script.text)).toEqual(steps);
    if (note !== undefined) expect(plan.note).toBe(note);
  });

  it('reads the members of a group line', () => {
    expect(parseGroupLine('i2pd:x:996:bitcoin,alice')).toEqual({ exists: true, gid: 996, members: ['bitcoin', 'alice'] });
  });

  it.each([
    [{ name: 'bit coin' }, 'a group name: a letter or "_" first, then letters, digits, "_", "." or "-"'],
    [{ name: '$(id)' }, 'a group name: a letter or "_" first, then letters, digits, "_", "." or "-"'],
    [{ name: 'g', gid: -1 }, 'Too small: expected number to be >=0'],
  ])('refuses %j', (args, message) => {
    expect(group.args.safeParse(args).error!.issues[0].message).toBe(message);
  });

  it('probes this machine read-only', () => {
    const probe = (name: string) => parseGroupLine(execFileSync('/bin/sh', ['-c', group.probe!(group.args.parse({ name }), {} as never)!.script.text], { encoding: 'utf8' }));
    expect(probe('root')).toEqual({ exists: true, gid: 0, members: [] });
    expect(probe('nosuchgroup-provision')).toEqual({ exists: false });
  });
});

describe('the node modules document their arguments', () => {
  it('export to JSON Schema with a description on every field (docs and editor schemas come from them)', () => {
    const defs: ModuleDef[] = [apt, service, ufw, user, group, get_url, unarchive];
    const undocumented: string[] = [];
    const walk = (schema: { properties?: Record<string, { description?: string; items?: object }> }, path: string) => {
      for (const [key, field] of Object.entries(schema.properties ?? {})) {
        if (!field.description) undocumented.push(path + key);
        if (field.items) walk(field.items as never, `${path}${key}[].`);
      }
    };
    for (const def of defs) walk(z.toJSONSchema(def.args, { io: 'input' }) as never, `${def.name}.`);
    expect(undocumented).toEqual([]);
    expect(defs.map((d) => d.name)).toEqual(['apt', 'service', 'ufw', 'user', 'group', 'get_url', 'unarchive']);
  });
});
