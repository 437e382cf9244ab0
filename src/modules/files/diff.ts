// Unified diffs for --diff: line-based, 3 lines of context, `\ No newline at end of file` like diff(1).
import type { FileDiff } from '../define.js';

type Op = { kind: ' ' | '-' | '+'; text: string; noEol: boolean };

/** Above this many cells (lines before × lines after, after trimming common ends) the middle is shown as replaced. */
const MAX_TABLE = 4_000_000;

function splitLines(text: string): { lines: string[]; noEol: boolean } {
  if (text === '') return { lines: [], noEol: false };
  const lines = text.split('\n');
  const noEol = lines.at(-1) !== '';
  if (!noEol) lines.pop();
  return { lines, noEol };
}

// Longest common subsequence over the differing middle, by a dynamic-programming table (bounded by MAX_TABLE).
function editScript(a: string[], b: string[]): Array<' ' | '-' | '+'> {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) endA--, endB--;
  const n = endA - start;
  const m = endB - start;
  const middle: Array<' ' | '-' | '+'> = [];
  if ((n + 1) * (m + 1) > MAX_TABLE) {
    middle.push(...Array<'-'>(n).fill('-'), ...Array<'+'>(m).fill('+'));
  } else {
    const w = m + 1;
    const table = new Uint32Array((n + 1) * w);
    for (let i = n - 1; i >= 0; i--)
      for (let j = m - 1; j >= 0; j--)
        table[i * w + j] = a[start + i] === b[start + j] ? table[(i + 1) * w + j + 1] + 1 : Math.max(table[(i + 1) * w + j], table[i * w + j + 1]);
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && a[start + i] === b[start + j]) middle.push(' '), i++, j++;
      // Removals before additions, as diff(1) prints them.
      else if (i < n && (j === m || table[(i + 1) * w + j] >= table[i * w + j + 1])) middle.push('-'), i++;
      else middle.push('+'), j++;
    }
  }
  // Within each run of changes, all removals first, then all additions (diff(1)'s order; patch relies on it for the
  // "No newline at end of file" marker).
  const ordered: Array<' ' | '-' | '+'> = [];
  for (let k = 0; k < middle.length; ) {
    if (middle[k] === ' ') {
      ordered.push(middle[k++]);
      continue;
    }
    let minus = 0;
    let plus = 0;
    for (; k < middle.length && middle[k] !== ' '; k++) middle[k] === '-' ? minus++ : plus++;
    ordered.push(...Array<'-'>(minus).fill('-'), ...Array<'+'>(plus).fill('+'));
  }
  return [...Array<' '>(start).fill(' '), ...ordered, ...Array<' '>(a.length - endA).fill(' ')];
}

// diff(1)'s hunk ranges: `start,len`, `start` alone when len is 1, the line before when len is 0.
function range(start: number, len: number): string {
  return len === 1 ? `${start + 1}` : `${len ? start + 1 : start},${len}`;
}

/** A unified diff of `before` → `after` (empty string when they are equal). */
export function unifiedDiff(before: string, after: string, labels: { from: string; to: string }, context = 3): string {
  if (before === after) return '';
  const A = splitLines(before);
  const B = splitLines(after);
  // A last line without newline differs from the same text with one: mark it (NUL never occurs in shown text).
  if (A.noEol) A.lines[A.lines.length - 1] += '\0';
  if (B.noEol) B.lines[B.lines.length - 1] += '\0';
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  for (const kind of editScript(A.lines, B.lines)) {
    const fromA = kind !== '+';
    const text = (fromA ? A.lines[i] : B.lines[j]).replace(/\0$/, '');
    const noEol = fromA ? A.noEol && i === A.lines.length - 1 : B.noEol && j === B.lines.length - 1;
    ops.push({ kind, text, noEol });
    if (kind !== '+') i++;
    if (kind !== '-') j++;
  }
  const out = [`--- ${labels.from}`, `+++ ${labels.to}`];
  let k = 0;
  while (k < ops.length) {
    if (ops[k].kind === ' ') {
      k++;
      continue;
    }
    // A hunk: from `context` lines before this change to `context` lines after the last change closer than 2×context.
    const first = Math.max(0, k - context);
    let last = k;
    for (let x = k; x < ops.length && x <= last + 2 * context; x++) if (ops[x].kind !== ' ') last = x;
    const end = Math.min(ops.length, last + context + 1);
    const aStart = ops.slice(0, first).filter((o) => o.kind !== '+').length;
    const bStart = ops.slice(0, first).filter((o) => o.kind !== '-').length;
    const hunk = ops.slice(first, end);
    const aLen = hunk.filter((o) => o.kind !== '+').length;
    const bLen = hunk.filter((o) => o.kind !== '-').length;
    out.push(`@@ -${range(aStart, aLen)} +${range(bStart, bLen)} @@`);
    for (const o of hunk) {
      out.push(o.kind + o.text);
      if (o.noEol) out.push('\\ No newline at end of file');
    }
    k = end;
  }
  return out.join('\n') + '\n';
}

/** The unified diff of a plan's FileDiff (labels `before: PATH` / `after: PATH`). */
export function renderFileDiff(diff: FileDiff, context = 3): string {
  return unifiedDiff(diff.before, diff.after, { from: `before: ${diff.path}`, to: `after: ${diff.path}` }, context);
}
