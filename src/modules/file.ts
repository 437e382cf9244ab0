// file: a path that is a file, a directory, a symbolic link, or nothing, with a mode and an owner.
import { z } from 'zod';
import { cmd, join, sh, type ShellText } from '../shell/quote.js';
import { defineModule, type Plan, type Step } from './define.js';
import { attrScript, attrStep, groupArg, modeArg, ownerArg, type CurrentAttrs } from './files/attrs.js';
import { fileStateScript, parseFileState, type FileState } from './files/state.js';

const args = z
  .strictObject({
    path: z.string().min(1).describe('Path on the host'),
    state: z
      .enum(['file', 'directory', 'absent', 'link', 'touch'])
      .optional()
      .describe(
        'file: must exist, set attributes; directory: create with parents; absent: remove (recursively); link: symbolic link to src; touch: create an empty file if missing (existing files keep their times). Default: what is there, else file',
      ),
    src: z.string().min(1).optional().describe('Target of the symbolic link (state: link), written as is'),
    mode: modeArg.optional(),
    owner: ownerArg.optional(),
    group: groupArg.optional(),
    recurse: z.boolean().default(false).describe('state: directory: apply owner, group and mode to everything inside too'),
    force: z.boolean().default(false).describe('state: link: replace a regular file at path with the link'),
  })
  .superRefine((a, ctx) => {
    if (a.state === 'link' && a.src === undefined) ctx.addIssue({ code: 'custom', message: 'state: link needs src (the link target)', path: ['src'] });
    if (a.src !== undefined && a.state !== 'link') ctx.addIssue({ code: 'custom', message: 'src is only used with state: link', path: ['src'] });
    if (a.state === 'link' && a.mode !== undefined) ctx.addIssue({ code: 'custom', message: 'a symbolic link has no mode of its own: set the mode on its target', path: ['mode'] });
    if (a.recurse && a.state !== 'directory') ctx.addIssue({ code: 'custom', message: 'recurse needs state: directory', path: ['recurse'] });
  });

/** file's arguments after parsing. */
export type FileArgs = z.output<typeof args>;

/** The probe's view: the path itself, and whether anything inside a directory has other attributes (recurse). */
export interface FileProbeState {
  path: FileState;
  insideDrift: boolean;
}

function recurseScript(a: FileArgs): ShellText | undefined {
  if (!a.recurse || (a.mode === undefined && a.owner === undefined && a.group === undefined)) return undefined;
  const tests: ShellText[] = [];
  if (a.owner !== undefined) tests.push(sh`! -user ${a.owner}`);
  if (a.group !== undefined) tests.push(sh`! -group ${a.group}`);
  if (a.mode !== undefined) tests.push(sh`! -perm ${a.mode}`);
  // find's own complaints (an unknown user) count as drift, so the chown step runs and reports the real error.
  return sh`if [ -d ${a.path} ] && [ -n "$(find ${a.path} \\( ${join(tests, ' -o ')} \\) -print -quit 2>&1)" ]; then echo inside=drift; fi`;
}

function effectiveState(a: FileArgs, s: FileState): NonNullable<FileArgs['state']> {
  if (a.state) return a.state;
  if (!s.exists) return 'file';
  const type = s.type === 'link' ? s.followed?.type : s.type;
  return type === 'directory' ? 'directory' : 'file';
}

// The attributes that count for a path: a link's target's, since chmod and chown follow links.
function targetAttrs(s: FileState & { exists: true }): CurrentAttrs | undefined {
  return s.type === 'link' ? s.followed?.attrs : s.attrs;
}

function one(step: Step | undefined, okNote: string): Plan {
  return step ? { steps: [step], note: step.describe } : { steps: [], note: okNote };
}

/** Pure: the path's state → the fewest steps that make it what `a` asks for. */
export function planFile(a: FileArgs, current: FileProbeState): Plan {
  const s = current.path;
  const p = a.path;
  const want = { mode: a.mode, owner: a.owner, group: a.group };
  const state = effectiveState(a, s);
  const kind = s.exists ? (s.type === 'link' ? `a symbolic link to ${s.linkTarget}` : s.type === 'other' ? 'a special file' : `a ${s.type}`) : 'missing';
  const followedType = s.exists ? (s.type === 'link' ? s.followed?.type : s.type) : undefined;
  switch (state) {
    case 'absent':
      return s.exists ? { steps: [{ describe: `remove ${p}`, script: cmd('rm', '-rf', '--', p) }], note: `remove ${p} (${kind})` } : { steps: [], note: `${p} is already absent` };
    case 'directory': {
      if (!s.exists) {
        const attrs = attrScript(p, want);
        const script = attrs.text ? sh`mkdir -p -- ${p} && ${attrs}` : cmd('mkdir', '-p', '--', p);
        return { steps: [{ describe: `create directory ${p}`, script }], note: `create directory ${p}` };
      }
      if (followedType !== 'directory') return { steps: [], fail: `${p} exists and is ${kind}, not a directory` };
      const steps: Step[] = [];
      const top = attrStep(p, want, targetAttrs(s)!);
      if (current.insideDrift) steps.push({ describe: `set owner/group/mode recursively in ${p}`, script: attrScript(p, want, { recurse: true }) });
      else if (top) steps.push(top);
      return steps.length ? { steps, note: steps.map((x) => x.describe).join('; ') } : { steps: [], note: `directory ${p} is already as wanted` };
    }
    case 'file':
      if (!s.exists) return { steps: [], fail: `${p} does not exist (state: file does not create files: use state: touch, copy or template)` };
      if (followedType !== 'file') return { steps: [], fail: `${p} is ${kind}, not a file` };
      return one(attrStep(p, want, targetAttrs(s)!), `file ${p} is already as wanted`);
    case 'touch': {
      if (!s.exists) {
        const attrs = attrScript(p, want);
        const script = attrs.text ? sh`touch -- ${p} && ${attrs}` : cmd('touch', '--', p);
        return { steps: [{ describe: `create empty file ${p}`, script }], note: `create empty file ${p}` };
      }
      if (followedType === undefined) return { steps: [], fail: `${p} is a dangling symbolic link to ${s.linkTarget}` };
      return one(attrStep(p, want, targetAttrs(s)!), `${p} exists and is already as wanted`);
    }
    case 'link': {
      const src = a.src!;
      const owner = { owner: a.owner, group: a.group };
      const create = (replace: boolean): Plan => {
        const ln = replace ? sh`ln -sfn -- ${src} ${p}` : sh`ln -s -- ${src} ${p}`;
        const attrs = attrScript(p, owner, { link: true });
        const describe = `link ${p} → ${src}`;
        return { steps: [{ describe, script: attrs.text ? sh`${ln} && ${attrs}` : ln }], note: s.exists ? `${describe} (was ${kind})` : describe };
      };
      if (!s.exists) return create(false);
      if (s.type === 'link') {
        if (s.linkTarget !== src) return create(true);
        return one(attrStep(p, owner, s.attrs, { link: true }), `${p} already links to ${src}`);
      }
      if (s.type === 'directory') return { steps: [], fail: `${p} is a directory: remove it first (state: absent) to put a link there` };
      if (!a.force) return { steps: [], fail: `${p} exists and is ${kind}: set force: true to replace it with a link` };
      return create(true);
    }
  }
}

/** The file module. */
export const file = defineModule<FileArgs, FileArgs, FileProbeState>({
  name: 'file',
  summary: 'Make a path a file, a directory, a symbolic link or nothing, with the given mode, owner and group.',
  args,
  probe: (a) => {
    const inside = recurseScript(a);
    return {
      script: inside ? join([fileStateScript(a.path), inside]) : fileStateScript(a.path),
      parse: (r) => ({ path: parseFileState(a.path, r), insideDrift: /^inside=drift$/m.test(r.stdout) }),
    };
  },
  plan: planFile,
  result: (a) => ({ path: a.path, ...(a.state ? { state: a.state } : {}) }),
});
