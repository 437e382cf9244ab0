// Secrets are a distinct type: they print as *** everywhere and are revealed only where a command is built.
import { brand } from '../brand.js';

const MASK = '***';

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

/** Collects secret values seen during a run and blanks them out of any text. */
export class Masker {
  readonly #values = new Set<string>();
  /** Remember a value (ignored when shorter than 3 characters, which would mask noise). */
  add(value: string | Secret): void {
    const v = value instanceof Secret ? value.reveal() : value;
    if (v.length >= 3) this.#values.add(v);
  }
  /** Text with every known secret replaced by ***. */
  mask(text: string): string {
    let out = text;
    // Longest first, so a secret containing another is masked whole.
    for (const v of [...this.#values].sort((a, b) => b.length - a.length)) out = out.split(v).join(MASK);
    return out;
  }
  /** Deep copy of a JSON-like value with secrets masked in every string. */
  maskValue<T>(value: T): T {
    if (typeof value === 'string') return this.mask(value) as T;
    if (value instanceof Secret) return MASK as T;
    if (Array.isArray(value)) return value.map((v) => this.maskValue(v)) as T;
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = this.maskValue(v);
      return out as T;
    }
    return value;
  }
  get size(): number {
    return this.#values.size;
  }
}
