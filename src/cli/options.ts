// Shared option helpers for the CLI commands.
import { ProvisionError } from '../errors.js';

/** Collects a repeatable option into a list. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Counts a repeatable flag (-v -v or -vv). */
export function increase(_: string, previous = 0): number {
  return previous + 1;
}

/** Comma lists (`--tags a,b --tags c`). */
export function commaList(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').map((s) => s.trim()).filter(Boolean)];
}

/** A whole number within bounds, for options like --forks. */
export function positiveInt(name: string, max = 100000): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > max) {
      throw new ProvisionError({ what: `invalid ${name}`, expected: `a whole number from 1 to ${max}`, got: JSON.stringify(value), code: 'usage' });
    }
    return n;
  };
}
