// One value as one shell word: the quoting rule itself, which quote.ts's cmd/sh and the secret masker's printed
// forms both use (kept apart from quote.ts so the Secret type and the quoting do not import each other).
import { ProvisionError } from '../errors.js';

/** POSIX single-quoting: the result is one word whatever the input; NUL bytes are refused (no shell can carry them). */
export function quote(value: string): string {
  const nul = value.indexOf('\0');
  if (nul >= 0) {
    // The whole value and where the byte is: formatProblem shortens the value only after a run has masked any
    // secret in it (a window cut from a secret would no longer match it).
    throw new ProvisionError({
      what: `a value contains a NUL byte (character ${[...value.slice(0, nul)].length + 1}), which no shell command can carry`,
      got: `a string (${JSON.stringify(value)})`,
      fix: 'remove the NUL byte from the value',
      code: 'nul-byte',
    });
  }
  if (value !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
