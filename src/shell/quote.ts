// With word.ts, the ONLY place that turns values into shell text. Every module builds commands with these functions.
import { brand } from '../brand.js';
import { Secret } from './secret.js';
import { quote } from './word.js';

export { quote };

/** A piece of shell text that is already safe (built by this module); plain strings are always quoted. */
export class ShellText {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}
brand(ShellText, 'ShellText');

/** A value that may appear in a command. */
export type ShellValue = string | number | Secret | ShellText;

function reveal(v: ShellValue): string {
  if (v instanceof ShellText) return v.text;
  if (v instanceof Secret) return quote(v.reveal());
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`cannot put ${v} in a command`);
    return String(v);
  }
  return quote(v);
}

/** A command from an argument list: each argument quoted. */
export function cmd(...argv: ShellValue[]): ShellText {
  return new ShellText(argv.map(reveal).join(' '));
}

/**
 * Tagged template for shell text: literal parts are trusted script, every `${value}` is quoted.
 * Arrays expand to several quoted words.
 */
export function sh(strings: TemplateStringsArray, ...values: (ShellValue | ShellValue[])[]): ShellText {
  let out = strings[0];
  values.forEach((v, i) => {
    out += Array.isArray(v) ? v.map(reveal).join(' ') : reveal(v);
    out += strings[i + 1];
  });
  return new ShellText(out);
}

/** Joins shell fragments with a separator (`; `, ` && `, newline). */
export function join(parts: ShellText[], sep = '\n'): ShellText {
  return new ShellText(parts.map((p) => p.text).join(sep));
}

/** Privilege escalation settings for one command. */
export interface Become {
  /** User to become (default root). */
  user?: string;
  /** Escalation method; only non-interactive sudo is supported. */
  method?: 'sudo';
}

/**
 * Whether a command goes through sudo, and as whom: only when become is wanted and the login user is not already the
 * become user (root over SSH, as on most fleets: sudo would change nothing but cost the host PAM and sudoers work on
 * every command). `run` and `exec` both decide here.
 */
export function becomeAs(wanted: boolean, user: string, loginUser: string): Become | false {
  return wanted && user !== loginUser ? { user } : false;
}

/**
 * Wraps a script so it runs under `sh` as the become user through non-interactive sudo (`-n`: a password prompt
 * fails at once instead of hanging). Without become, it runs the script under `sh -c` so the login shell's rc files
 * are not involved.
 */
export function wrap(script: ShellText, become?: Become | false): ShellText {
  if (!become) return cmd('/bin/sh', '-c', script.text);
  return cmd('sudo', '-n', '-H', '-u', become.user ?? 'root', '--', '/bin/sh', '-c', script.text);
}
