// Rendering a value that may be a structure: every string inside it, and a lone {{ path }} keeps its type.
import { ProvisionError, type Where } from '../errors.js';
import { isTemplated, render } from './render.js';

// `{{ name }}`, `{{ a.b.[0] }}`, `{{{ x }}}`: one plain path, whose value keeps its type (a list stays a list).
// Nothing may stand outside the braces: `"{{ motd }}\n"` is text, and its newline is part of it.
const WHOLE = /^\{\{\{?\s*([A-Za-z_@][\w-]*(?:\.(?:[\w-]+|\[[^\]]+\]))*)\s*\}?\}\}$/;

/**
 * Renders every string inside `value` (deeply). A string that is exactly one `{{ path }}` gives the variable's own
 * value, as Ansible does (`loop: "{{ packages }}"` is a list, `port: "{{ port }}"` a number); other strings render
 * through Handlebars, strictly: a missing variable is a ProvisionError naming it and `where`.
 */
export function renderValue(value: unknown, vars: Record<string, unknown>, where: Where): unknown {
  if (typeof value === 'string') {
    if (!isTemplated(value)) return value;
    const whole = WHOLE.exec(value);
    if (whole) {
      let found;
      try {
        found = lookup(vars, whole[1]);
      } catch (e) {
        throw e instanceof ProvisionError ? new ProvisionError({ ...e.problem, where: { ...e.problem.where, ...where } }) : e;
      }
      if (found.ok) return found.value;
    }
    try {
      return render(value, vars, where);
    } catch (e) {
      // render() shifts the column into the string, which is right only when `where` points at the string itself;
      // callers pass the task's position, so keep theirs.
      if (e instanceof ProvisionError && where.line !== undefined) throw new ProvisionError({ ...e.problem, where: { ...e.problem.where, line: where.line, col: where.col } });
      throw e;
    }
  }
  if (Array.isArray(value)) return value.map((v, i) => renderValue(v, vars, { ...where, path: `${where.path ?? ''}[${i}]` }));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = renderValue(v, vars, { ...where, path: where.path ? `${where.path}.${k}` : k });
    return out;
  }
  return value;
}

function lookup(vars: Record<string, unknown>, expr: string): { ok: true; value: unknown } | { ok: false } {
  const segs = expr.match(/\[[^\]]+\]|[^.[\]]+/g) ?? [];
  let v: unknown = vars;
  for (let i = 0; i < segs.length; i++) {
    let seg = segs[i];
    if (seg.startsWith('[')) seg = seg.slice(1, -1);
    if (i === 0 && (seg === 'this' || seg === '@root')) continue;
    if (seg.startsWith('@')) return { ok: false };
    if (v === null || typeof v !== 'object' || !Object.prototype.hasOwnProperty.call(v, seg)) return { ok: false };
    v = (v as Record<string, unknown>)[seg];
  }
  return v === undefined ? { ok: false } : { ok: true, value: v };
}

