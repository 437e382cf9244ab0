// Ansible's host ranges in inventory names: `web[01:03]` → web01, web02, web03; `db-[a:c]`; `[0:10:5]` steps.

/** The most hosts one pattern may stand for: a typo like web[1:100000000] must not exhaust memory. */
export const MAX_RANGE_HOSTS = 10_000;

/** The host names a pattern stands for, or an error message when its range is malformed or too large. */
export function expandHostRange(pattern: string): string[] | string {
  const out = expand(pattern);
  if (typeof out === 'string') return out;
  return out.length > MAX_RANGE_HOSTS ? `host range "${pattern}" stands for more than ${MAX_RANGE_HOSTS} hosts` : out;
}

function expand(pattern: string, budget = MAX_RANGE_HOSTS + 1): string[] | string {
  const m = /\[([0-9A-Za-z]+):([0-9A-Za-z]+)(?::(\d+))?\]/.exec(pattern);
  if (!m) return [pattern];
  const [whole, from, to, stepText] = m;
  const head = pattern.slice(0, m.index);
  const tail = pattern.slice(m.index + whole.length);
  const step = stepText === undefined ? 1 : Number(stepText);
  if (step < 1) return `bad host range "${whole}": the step must be at least 1`;
  let items: string[];
  if (/^\d+$/.test(from) && /^\d+$/.test(to)) {
    const a = Number(from);
    const b = Number(to);
    if (a > b) return `bad host range "${whole}": ${from} is after ${to}`;
    if ((b - a) / step + 1 > budget) return `host range "${pattern}" stands for more than ${MAX_RANGE_HOSTS} hosts`;
    // A leading zero fixes the width (01..10), as in Ansible.
    const width = from.startsWith('0') && from.length > 1 ? from.length : 0;
    items = [];
    for (let i = a; i <= b; i += step) items.push(String(i).padStart(width, '0'));
  } else if (/^[a-z]$/i.test(from) && /^[a-z]$/i.test(to)) {
    const a = from.charCodeAt(0);
    const b = to.charCodeAt(0);
    if (a > b) return `bad host range "${whole}": ${from} is after ${to}`;
    items = [];
    for (let i = a; i <= b; i += step) items.push(String.fromCharCode(i));
  } else {
    return `bad host range "${whole}": expected [1:9], [01:10], [a:f] or [0:10:2]`;
  }
  const out: string[] = [];
  for (const item of items) {
    const rest = expand(head + item + tail, Math.floor(budget / items.length));
    if (typeof rest === 'string') return rest;
    out.push(...rest);
  }
  return out;
}
