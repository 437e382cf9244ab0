// Secrets are a distinct type: they print as *** everywhere and are revealed only where a command is built. The
// Masker holds every secret value a run has seen, in every form the project prints, and is the one place text and
// values are masked before any output shows them.
import { brand } from '../brand.js';
import { quote } from './word.js';

const MASK = '***';
// Below this length a value is too common to mask inside other text ("ab" in "tab"): it is masked as a whole word.
const SHORT = 3;
const WORD = /[\p{L}\p{N}_]/u;

/** Variable names whose values are masked in every output (`rpc_password`, `api_token`, `wallet_passphrase`, ...). */
export const SECRET_NAME = /(pass(word|phrase)?|secret|token|private_?key|credential)s?$/i;

/** A value that must never appear in output; `String(secret)` and JSON give `***`. */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  /** The real value: only for building a command or a file, never for logs. */
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return MASK;
  }
  toJSON(): string {
    return MASK;
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return MASK;
  }
}
brand(Secret, 'Secret');

/**
 * Every form in which the project may print a string: as is; without surrounding blanks, in upper and lower case
 * (a command's output loses its last newline; the trim, upper and lower filters of conditions); JSON-escaped (events,
 * the json helper, errors); shell-quoted (-v commands).
 */
function printedForms(text: string): string[] {
  const trimmed = text.trim();
  const forms = [text, trimmed, trimmed.toUpperCase(), trimmed.toLowerCase(), text.toUpperCase(), text.toLowerCase()];
  forms.push(...forms.map((form) => JSON.stringify(form).slice(1, -1)));
  // quote() refuses NUL, which no command can carry anyway.
  if (!text.includes('\0')) forms.push(quote(text));
  return forms;
}

/** Collects the secret values of a run and blanks them out of any text or value shown to anyone. */
export class Masker {
  readonly #values = new Set<string>();
  /**
   * Remembers a secret: a string, a Secret, a number (as it prints), or every such leaf of a list or mapping. A
   * value shorter than 3 characters is masked only where it stands as a whole word or a whole value.
   */
  add(value: unknown): void {
    if (value instanceof Secret) this.add(value.reveal());
    else if (typeof value === 'string') for (const form of printedForms(value)) this.#addForm(form);
    else if (typeof value === 'number' || typeof value === 'bigint') this.#addForm(String(value));
    else if (Array.isArray(value)) value.forEach((v) => this.add(v));
    else if (value !== null && typeof value === 'object') Object.values(value).forEach((v) => this.add(v));
  }
  #addForm(form: string): void {
    if (form !== '') this.#values.add(form);
  }
  /** Text with every known secret replaced by ***; overlapping secrets become one ***, so no part of either shows. */
  mask(text: string): string {
    const spans: [number, number][] = [];
    for (const v of this.#values) {
      for (let i = text.indexOf(v); i !== -1; i = text.indexOf(v, i + 1)) {
        if (v.length < SHORT && (WORD.test(text[i - 1] ?? '') || WORD.test(text[i + v.length] ?? ''))) continue;
        spans.push([i, i + v.length]);
      }
    }
    if (spans.length === 0) return text;
    spans.sort((a, b) => a[0] - b[0]);
    let out = '';
    let end = -1;
    for (const [start, stop] of spans) {
      // A span that starts inside (or right at the end of) the previous one extends it.
      if (start > end) out += text.slice(Math.max(end, 0), start) + MASK;
      end = Math.max(end, stop);
    }
    return out + text.slice(end);
  }
  /** Deep copy of a JSON-like value with secrets masked in every string; a number that is a secret becomes ***. */
  maskValue<T>(value: T): T {
    if (typeof value === 'string') return this.mask(value) as T;
    if (typeof value === 'number' || typeof value === 'bigint') return (this.#values.has(String(value)) ? MASK : value) as T;
    if (value instanceof Secret) return MASK as T;
    if (Array.isArray(value)) return value.map((v) => this.maskValue(v)) as T;
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = this.maskValue(v);
      return out as T;
    }
    return value;
  }
  /** How many forms of secrets are known. */
  get size(): number {
    return this.#values.size;
  }
}
