// Ansible's host ranges in inventory names: `web[01:03]` → web01, web02, web03; `db-[a:c]`; `[0:10:5]` steps.

/** The most hosts one pattern may stand for: a typo like web[1:100000000] must not exhaust memory. */
export const MAX_RANGE_HOSTS = 10_000;

/** Why a host range cannot be expanded, and how to write it. */
export interface RangeProblem {
  what: string;
  fix: string;
}

const tooMany = (pattern: string): RangeProblem => ({
  what: `host range "${pattern}" stands for more than ${MAX_RANGE_HOSTS} hosts`,
  fix: `check the numbers for a typo, or split it into ranges of at most ${MAX_RANGE_HOSTS} hosts`,
});

/** The host names a pattern stands for, or the problem when its range is malformed or too large. */
export function expandHostRange(pattern: string): string[] | RangeProblem {
  const out = expand(pattern);
  if (!Array.isArray(out)) return out;
  return out.length > MAX_RANGE_HOSTS ? tooMany(pattern) : out;
}

function expand(pattern: string, budget = MAX_RANGE_HOSTS + 1): string[] | RangeProblem {
  const m = /\[([0-9A-Za-z]+):([0-9A-Za-z]+)(?::(\d+))?\]/.exec(pattern);
  if (!m) return [pattern];
  const [whole, from, to, stepText] = m;
  const head = pattern.slice(0, m.index);
  const tail = pattern.slice(m.index + whole.length);
  const step = stepText === undefined ? 1 : Number(stepText);
  if (step < 1) return { what: `bad host range "${whole}": the step must be at least 1`, fix: `write it like [0:10:2] (every second number)` };
  const reversed = (): RangeProblem => ({
    what: `bad host range "${whole}": ${from} is after ${to}`,
    fix: `write it from low to high: [${to}:${from}${stepText === undefined ? '' : `:${stepText}`}]`,
  });
  let items: string[];
  if (/^\d+$/.test(from) && /^\d+$/.test(to)) {
    const a = Number(from);
    const b = Number(to);
    if (a > b) return reversed();
    if ((b - a) / step + 1 > budget) return tooMany(pattern);
    // A leading zero fixes the width (01..10), as in Ansible.
    const width = from.startsWith('0') && from.length > 1 ? from.length : 0;
    items = [];
    for (let i = a; i <= b; i += step) items.push(String(i).padStart(width, '0'));
  } else if (/^[a-z]$/i.test(from) && /^[a-z]$/i.test(to)) {
    const a = from.charCodeAt(0);
    const b = to.charCodeAt(0);
    if (a > b) return reversed();
    items = [];
    for (let i = a; i <= b; i += step) items.push(String.fromCharCode(i));
  } else {
    return { what: `bad host range "${whole}"`, fix: 'write it like [1:9], [01:10], [a:f] or [0:10:2]' };
  }
  const out: string[] = [];
  for (const item of items) {
    const rest = expand(head + item + tail, Math.floor(budget / items.length));
    if (!Array.isArray(rest)) return rest;
    out.push(...rest);
  }
  return out;
}
