// Mode, owner and group: the argument schemas, their normal form, and the chmod/chown that fixes drift.
import { z } from 'zod';
import { cmd, join, type ShellText } from '../../shell/quote.js';
import type { Step } from '../define.js';

/**
 * A file mode: an octal string ("0644", "644", "2755") or a number. A number is read by its digits (644 → "0644"),
 * because YAML 1.2 reads `mode: 0644` as the integer 644; write modes as quoted strings to be unambiguous.
 */
export const modeArg = z
  .union([z.string(), z.number().int().nonnegative()])
  .describe('Permissions as an octal string like "0644" or "2750" (quote it in YAML); symbolic modes like "u+rwx" are not supported')
  .transform((value, ctx) => {
    const text = String(value).trim();
    if (/^0?[0-7]{3,4}$/.test(text)) return text.padStart(4, '0').slice(-4);
    ctx.addIssue({
      code: 'custom',
      message: /^[ugoa]*[-+=][rwxXst]*(,[ugoa]*[-+=][rwxXst]*)*$/.test(text)
        ? `symbolic mode "${text}" is not supported: write an octal mode like "0644"`
        : `invalid mode ${JSON.stringify(value)}: expected an octal mode like "0644" (3 or 4 digits 0-7)`,
    });
    return z.NEVER;
  });

/** A user or group: a name or a numeric id. */
const principal = (kind: 'user' | 'group') =>
  z
    .union([
      z
        .string()
        .regex(/^[^\s:]+$/, `a ${kind} name without spaces or ":"`)
        // chown would read a leading "-" as an option; no user or group name starts with one.
        .refine((s) => !s.startsWith('-'), `a ${kind} name cannot start with "-"`),
      z.number().int().nonnegative(),
    ])
    .transform(String);

/** Owner argument (user name or uid). */
export const ownerArg = principal('user').describe('Owner: a user name or numeric uid');
/** Group argument (group name or gid). */
export const groupArg = principal('group').describe('Group: a group name or numeric gid');

/** Desired attributes; an absent field means "leave it as it is". */
export interface WantedAttrs {
  mode?: string;
  owner?: string;
  group?: string;
}

/** Attributes as the probe saw them. */
export interface CurrentAttrs {
  mode: string;
  uid: number;
  gid: number;
  owner: string;
  group: string;
}

/** A mode as four octal digits ("644" → "0644"). */
export function normalizeMode(mode: string): string {
  return mode.padStart(4, '0').slice(-4);
}

/** Which attributes differ, as a list of human words ("mode 0600 → 0644"). Empty when all match. */
export function attrDrift(want: WantedAttrs, have: CurrentAttrs): string[] {
  const drift: string[] = [];
  if (want.mode !== undefined && normalizeMode(want.mode) !== normalizeMode(have.mode)) drift.push(`mode ${normalizeMode(have.mode)} → ${normalizeMode(want.mode)}`);
  if (want.owner !== undefined && want.owner !== have.owner && want.owner !== String(have.uid)) drift.push(`owner ${have.owner} → ${want.owner}`);
  if (want.group !== undefined && want.group !== have.group && want.group !== String(have.gid)) drift.push(`group ${have.group} → ${want.group}`);
  return drift;
}

/** `user:group`, `user` or `:group` for chown, or undefined when neither is wanted. */
export function chownSpec(want: WantedAttrs): string | undefined {
  if (want.owner !== undefined && want.group !== undefined) return `${want.owner}:${want.group}`;
  if (want.owner !== undefined) return want.owner;
  if (want.group !== undefined) return `:${want.group}`;
  return undefined;
}

/** chown then chmod (chown may clear setuid bits, so the mode goes last); `-h` acts on a link itself, `-R` recurses. */
export function attrScript(path: string, want: WantedAttrs, flags: { recurse?: boolean; link?: boolean } = {}): ShellText {
  const parts: ShellText[] = [];
  const spec = chownSpec(want);
  const opts = [...(flags.recurse ? ['-R'] : []), ...(flags.link ? ['-h'] : [])];
  if (spec !== undefined) parts.push(cmd('chown', ...opts, spec, '--', path));
  if (want.mode !== undefined && !flags.link) parts.push(cmd('chmod', ...(flags.recurse ? ['-R'] : []), want.mode, '--', path));
  return join(parts, ' && ');
}

/** A step that sets only the attributes that drifted, or undefined when none did. */
export function attrStep(path: string, want: WantedAttrs, have: CurrentAttrs, flags: { link?: boolean } = {}): Step | undefined {
  const drift = attrDrift(want, have);
  if (drift.length === 0) return undefined;
  const modeDrift = drift.some((d) => d.startsWith('mode'));
  const ownerDrift = drift.some((d) => !d.startsWith('mode'));
  // chown clears setuid/setgid bits, so a chown re-applies the wanted mode as well.
  const fix: WantedAttrs = {
    mode: modeDrift || ownerDrift ? want.mode : undefined,
    owner: ownerDrift ? want.owner : undefined,
    group: ownerDrift ? want.group : undefined,
  };
  return { describe: `set ${drift.join(', ')} on ${path}`, script: attrScript(path, fix, flags) };
}
