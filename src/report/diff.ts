// Unified diffs for --diff, through jsdiff (the `diff` package).
import { createTwoFilesPatch } from 'diff';

/** `diff -u`-style text of before → after for one file. */
export function unifiedDiff(path: string, before: string, after: string, context = 3): string {
  const patch = createTwoFilesPatch(`${path} (before)`, `${path} (after)`, before, after, undefined, undefined, { context });
  // Drop jsdiff's "Index:"/"====" preamble: the ---/+++ lines already name the file.
  // Only the final newline goes: a last context line that is empty is one space, which the format needs.
  return patch.replace(/^(Index:.*\n)?=+\n/, '').replace(/\n+$/, '');
}
