// Ansible's INI inventory format, converted to the YAML inventory shape our loader reads (the JSON of dynamic
// inventories is read by dynamic.ts).
import { ProvisionError } from '../errors.js';

type Group = { hosts?: Record<string, Record<string, unknown> | null>; vars?: Record<string, unknown>; children?: Record<string, Group | null> };

/** True when text looks like an INI inventory (a `[section]` line and no YAML document shape). */
export function looksLikeIni(text: string): boolean {
  return /^\s*\[[^\]\n]+\]\s*$/m.test(text) && !/^all\s*:/m.test(text);
}

/** A value as Ansible reads it on an INI host line: numbers and booleans become typed, quotes are removed. */
function iniValue(raw: string): unknown {
  if (/^(["']).*\1$/.test(raw)) return raw.slice(1, -1);
  if (/^-?\d+$/.test(raw)) return Number(raw);
  if (/^(true|false)$/i.test(raw)) return raw.toLowerCase() === 'true';
  return raw;
}

/** Splits `name k=v k2="a b"` into words, honouring quotes. */
function words(line: string, file: string, n: number): string[] {
  const out: string[] = [];
  const re = /\s*((?:[^\s"']+|"[^"]*"|'[^']*')+)/y;
  let m: RegExpExecArray | null;
  let at = 0;
  while (at < line.length && (re.lastIndex = at, (m = re.exec(line)))) {
    out.push(m[1]);
    at = re.lastIndex;
  }
  if (line.slice(at).trim()) throw new ProvisionError({ what: 'unclosed quote', where: { file, line: n, col: at + 1 }, code: 'inventory' });
  return out;
}

/**
 * Ansible's INI inventory → the YAML inventory shape. Hosts before any section are ungrouped; `[g]` lists hosts
 * (with `k=v` host vars), `[g:vars]` group vars, `[g:children]` child groups. Every `k=v` value is typed as on a
 * host line (Ansible keeps `:vars` values as strings; typing them too keeps `ansible_port=2222` a port).
 */
export function iniToInventory(text: string, file: string): { all: Group } {
  const all: Group = { hosts: {}, vars: {}, children: {} };
  const group = (name: string): Group => {
    if (name === 'all') return all;
    return (all.children![name] ??= { hosts: {}, vars: {}, children: {} })!;
  };
  let section: { name: string; kind: 'hosts' | 'vars' | 'children' } = { name: 'ungrouped', kind: 'hosts' };
  text.split('\n').forEach((rawLine, i) => {
    const n = i + 1;
    const line = rawLine.replace(/^\s+|\s+$/g, '');
    if (!line || line.startsWith('#') || line.startsWith(';')) return;
    const head = /^\[([^\]:]+)(?::(vars|children))?\]$/.exec(line);
    if (head) {
      section = { name: head[1], kind: (head[2] as 'vars' | 'children') ?? 'hosts' };
      group(section.name);
      return;
    }
    if (line.startsWith('[')) {
      throw new ProvisionError({ what: `bad section header ${line}`, where: { file, line: n, col: 1 }, expected: '[group], [group:vars] or [group:children]', code: 'inventory' });
    }
    const g = group(section.name);
    if (section.kind === 'vars') {
      const eq = line.indexOf('=');
      if (eq < 1) throw new ProvisionError({ what: 'a :vars line must be key=value', where: { file, line: n, col: 1 }, got: line, code: 'inventory' });
      g.vars![line.slice(0, eq).trim()] = iniValue(line.slice(eq + 1).trim());
    } else if (section.kind === 'children') {
      group(line);
      g.children![line] = all.children![line] ?? null;
    } else {
      const [name, ...pairs] = words(line, file, n);
      const vars: Record<string, unknown> = {};
      for (const p of pairs) {
        const eq = p.indexOf('=');
        if (eq < 1) throw new ProvisionError({ what: `host variable "${p}" is not key=value`, where: { file, line: n, col: rawLine.indexOf(p) + 1 }, code: 'inventory' });
        vars[p.slice(0, eq)] = iniValue(p.slice(eq + 1));
      }
      g.hosts![name] = { ...(g.hosts![name] ?? {}), ...vars };
      if (Object.keys(g.hosts![name]!).length === 0) g.hosts![name] = null;
    }
  });
  return { all: prune(all) };
}

/** Drops empty maps so the YAML loader sees the plain shape. */
function prune(g: Group): Group {
  const out: Group = {};
  if (g.hosts && Object.keys(g.hosts).length) out.hosts = g.hosts;
  if (g.vars && Object.keys(g.vars).length) out.vars = g.vars;
  if (g.children && Object.keys(g.children).length) out.children = Object.fromEntries(Object.entries(g.children).map(([k, v]) => [k, v ? prune(v) : null]));
  return out;
}
