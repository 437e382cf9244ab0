// A file with known content on the host: the plan `copy` and `template` share. The control side knows the bytes;
// one probe reads the host's file; the plan writes atomically, fixes attributes only, or does nothing.
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { z } from 'zod';
import { lintArg } from '../checkers.js';
import type { FileDiff, ModuleContext, Plan, Probe, StepResult } from '../define.js';
import { attrStep, groupArg, modeArg, ownerArg, type WantedAttrs } from './attrs.js';
import { DIFF_CONTENT_LIMIT, fileStateScript, parseFileState, type FileState } from './state.js';
import { atomicWriteStep, backupFileFrom, validateScript } from './write.js';

/** Arguments every content-writing module takes (copy, template). */
export const contentFileArgs = {
  // The host's working folder is nobody's choice and ~ is not expanded there: a path that is not absolute is refused.
  dest: z
    .string()
    .regex(/^\/[\s\S]*[^/]$/, 'an absolute file path (not ending in "/"; ~ is not expanded)')
    .describe('Absolute path of the file on the host; a symbolic link there is replaced by the file, not followed'),
  mode: modeArg.optional(),
  owner: ownerArg.optional(),
  group: groupArg.optional(),
  backup: z.boolean().default(false).describe('Keep the old file as DEST.YYYY-MM-DD@HH:MM:SS~ before replacing it'),
  validate: z
    .string()
    .optional()
    .describe('Command run on the new file before it replaces the old one (%s is its path, e.g. "visudo -cf %s"); no shell features'),
  force: z.boolean().default(true).describe('Replace the file when its content differs; false only creates a missing file'),
  lint: lintArg.optional(),
};

/** A file whose bytes the control machine already has. */
export interface ContentFile extends WantedAttrs {
  dest: string;
  data: Buffer;
  sha256: string;
  backup: boolean;
  validate?: string;
  force: boolean;
}

/** The sha256 of some bytes, hex. */
export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Builds a ContentFile from parsed args and the bytes to write (and checks `validate` early, on the control side). */
export function contentFile(args: { dest: string; mode?: string; owner?: string; group?: string; backup: boolean; validate?: string; force: boolean }, data: Buffer): ContentFile {
  if (args.validate !== undefined) validateScript(args.validate);
  return { dest: args.dest, data, sha256: sha256(data), mode: args.mode, owner: args.owner, group: args.group, backup: args.backup, validate: args.validate, force: args.force };
}

/** One round trip: the file's state, and its old content only when --diff needs it. */
export function contentProbe(file: ContentFile, ctx: ModuleContext): Probe<FileState> {
  return {
    script: fileStateScript(file.dest, { contentLimit: ctx.diff ? DIFF_CONTENT_LIMIT : 0, wantSha256: file.sha256 }),
    parse: (result) => parseFileState(file.dest, result),
  };
}

/** Text for a diff, or undefined when the bytes are binary (a NUL, or not UTF-8) or too big to show. */
export function asText(data: Buffer): string | undefined {
  if (data.length > DIFF_CONTENT_LIMIT || data.includes(0)) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    return undefined;
  }
}

function shown(data: Buffer | undefined, exists: boolean): string {
  if (!exists) return '';
  const text = data && asText(data);
  return text ?? `(binary, unreadable or larger than ${DIFF_CONTENT_LIMIT / 1024} KiB: not shown)\n`;
}

/** Pure: the file's state → nothing, a chmod/chown, or one atomic write. */
export function planContent(file: ContentFile, state: FileState, ctx: ModuleContext): Plan {
  const { dest } = file;
  if (!state.exists && !state.parentExists) {
    const dir = posix.dirname(dest);
    if (!ctx.check) return { steps: [], fail: `cannot create ${dest}: directory ${dir} does not exist (create it first with the file module, state: directory)` };
  }
  if (state.exists && state.type === 'directory') return { steps: [], fail: `${dest} is a directory: dest must be the full path of the file` };
  if (state.exists && state.type === 'other') return { steps: [], fail: `${dest} exists and is not a regular file` };
  if (state.exists && !file.force) return { steps: [], note: `${dest} exists and force is false: left as it is` };
  if (state.exists && state.type === 'file' && state.sha256 === file.sha256) {
    const step = attrStep(dest, file, state.attrs);
    if (!step) return { steps: [], note: `${dest} already has the wanted content${file.mode || file.owner || file.group ? ', mode and owner' : ''}` };
    return { steps: [step], note: step.describe };
  }
  const step = atomicWriteStep({ ...file, content: file.data });
  const why = !state.exists
    ? `create ${dest}${state.parentExists ? '' : ` (directory ${posix.dirname(dest)} does not exist yet)`}`
    : state.type === 'link'
      ? `replace the symbolic link ${dest} with a file`
      : `update the content of ${dest}`;
  const plan: Plan = { steps: [step], note: why };
  if (ctx.diff) {
    const before = state.exists ? shown(state.type === 'file' ? state.content : undefined, true) : '';
    plan.diffs = [maskedDiff(dest, before, shown(file.data, true), ctx.masker)];
  }
  return plan;
}

/**
 * A diff with every known secret masked, and more: where a line of the new content holds a secret after some text
 * (`rpcpassword=`), an old line starting with that text, in any case or spacing (`RPCPassword = `), has its value
 * masked too; and where the new content is nothing but secrets (a password file), so is every old line. That old
 * value is usually the secret being replaced (a rotated password), which the run never saw and so cannot mask by value.
 */
export function maskedDiff(path: string, before: string, after: string, masker: Pick<ModuleContext['masker'], 'mask'>): FileDiff {
  const maskedAfter = masker.mask(after);
  const keys = after.split('\n').flatMap((line) => {
    const masked = masker.mask(line);
    if (masked === line) return [];
    let i = 0;
    while (i < line.length && line[i] === masked[i]) i++;
    const key = squeeze(line.slice(0, i));
    return key !== '' ? [key] : [];
  });
  const onlySecrets = maskedAfter.split('\n').every((line) => line === '' || line === '***') && maskedAfter.includes('***');
  const old = masker
    .mask(before)
    .split('\n')
    .map((line) => {
      if (line === '' || line === '***') return line;
      if (onlySecrets) return '*** (old value)';
      const key = keys.find((k) => squeeze(line).startsWith(k));
      if (key === undefined) return line;
      const head = keyEnd(line, key.length);
      return line.slice(head).startsWith('***') ? line : `${line.slice(0, head)}*** (old value)`;
    })
    .join('\n');
  return { path, before: old, after: maskedAfter };
}

// Keys compared without case or spaces: `RPCPassword = x` is the same setting as `rpcpassword=x`.
const squeeze = (s: string): string => s.replace(/\s+/g, '').toLowerCase();

// Where the first `count` non-space characters of `line` end, with the spaces after them.
function keyEnd(line: string, count: number): number {
  let i = 0;
  for (let seen = 0; i < line.length && seen < count; i++) if (!/\s/.test(line[i])) seen++;
  while (i < line.length && /\s/.test(line[i])) i++;
  return i;
}

/** Registered values of a content file: dest, checksum, size, and the backup's path when one was made. */
export function contentResult(file: ContentFile, applied: StepResult[]): Record<string, unknown> {
  const backup = applied.map((a) => backupFileFrom(a.result.stdout)).find(Boolean);
  return { dest: file.dest, checksum: file.sha256, size: file.data.length, ...(backup ? { backup_file: backup } : {}) };
}
