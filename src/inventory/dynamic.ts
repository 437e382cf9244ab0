// The JSON a dynamic inventory script prints for `--list` (Ansible's protocol): groups with hosts, vars and
// children, and `_meta.hostvars`. Checked against its own schema and named by JSON paths (`.web.hosts`) in errors;
// then handed to the inventory builder as groups, with each path located back in the JSON.
import { z } from 'zod';
import { ProvisionError, ProvisionErrors, type ProblemInfo } from '../errors.js';
import type { PathSeg } from '../source/yaml-source.js';
import type { Locate } from './groups.js';
import type { RawGroup } from './schema.js';

const GROUP_SHAPE = 'a group (a list of host names, or {"hosts": [...], "vars": {...}, "children": [...]})';
const names = (what: string) => z.array(z.string({ error: `expected ${what} names in the list` }), { error: `expected a list of ${what} names` });
const variables = z.record(z.string(), z.unknown(), { error: 'expected a mapping of variables' });

// A group written as a bare list is checked as {"hosts": [...]} (and its errors pointed back at the list).
const groupSchema = z.strictObject({ hosts: names('host').optional(), vars: variables.optional(), children: names('group').optional() }, { error: `expected ${GROUP_SHAPE}` });
const metaSchema = z.strictObject({ hostvars: z.record(z.string(), variables).optional() }, { error: 'expected {"hostvars": {"HOST": {...}}}' });

/** What `--list` prints, after the schema: groups by name, and the variables of each host. */
export interface DynamicList {
  /** `listed`: written as a bare list of host names. */
  groups: Map<string, { hosts: string[]; vars: Record<string, unknown>; children: string[]; listed: boolean }>;
  hostvars: Map<string, Record<string, unknown>>;
}

/** `.web.hosts[1]`: a path into JSON as jq writes it. */
export function jsonPath(path: readonly PathSeg[]): string {
  return path.map((seg) => (typeof seg === 'number' ? `[${seg}]` : /^[A-Za-z_][A-Za-z0-9_]*$/.test(seg) ? `.${seg}` : `[${JSON.stringify(seg)}]`)).join('') || '.';
}

const kind = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'a mapping' : typeof v === 'number' ? 'a number' : `a ${typeof v}`);

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let v = data;
  for (const seg of path) v = v !== null && typeof v === 'object' && Object.hasOwn(v, seg) ? (v as Record<PropertyKey, unknown>)[seg] : undefined;
  return v;
}

// Names that would become object keys: `__proto__` cannot be one (as in YAML inventories). Looked for wherever a
// name may be, whatever the shape around it (a shape problem is reported on its own).
function protoProblems(data: Record<string, unknown>, where: (path: PathSeg[]) => ProblemInfo['where']): ProblemInfo[] {
  const out: ProblemInfo[] = [];
  const check = (name: unknown, path: PathSeg[]) => {
    if (name === '__proto__') out.push({ what: '"__proto__" cannot be used as a name', where: where(path), fix: 'rename it', code: 'inventory' });
  };
  const list = (v: unknown, path: PathSeg[]) => Array.isArray(v) && v.forEach((n, i) => check(n, [...path, i]));
  const keys = (v: unknown, path: PathSeg[]) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.keys(v) : []).forEach((k) => check(k, [...path, k]));
  for (const [group, body] of Object.entries(data)) {
    check(group, [group]);
    const b = (body ?? {}) as Record<string, unknown>;
    if (Array.isArray(body)) list(body, [group]);
    else if (group === '_meta') {
      keys(b.hostvars, [group, 'hostvars']);
      for (const [h, vars] of typeof b.hostvars === 'object' && b.hostvars ? Object.entries(b.hostvars) : []) keys(vars, [group, 'hostvars', h]);
    } else {
      list(b.hosts, [group, 'hosts']);
      list(b.children, [group, 'children']);
      keys(b.vars, [group, 'vars']);
    }
  }
  return out;
}

/** Checks what `script --list` printed; every problem is a ProvisionError at `SCRIPT (its output) at .json.path`. */
export function parseDynamicList(json: unknown, script: string): DynamicList {
  const where = (path: readonly PathSeg[]) => ({ file: path.length ? `${script} (its output) at ${jsonPath(path)}` : `${script} (its output)` });
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new ProvisionError({ what: `expected a JSON object of groups, got ${kind(json)}`, where: where([]), expected: `{"GROUP": ${GROUP_SHAPE}, "_meta": {"hostvars": {...}}}`, code: 'inventory' });
  }
  const data = json as Record<string, unknown>;
  const problems: ProblemInfo[] = [];
  for (const [name, body] of Object.entries(data)) {
    const checked = name === '_meta' ? metaSchema.safeParse(body) : groupSchema.safeParse(Array.isArray(body) ? { hosts: body } : body);
    if (checked.success) continue;
    for (const issue of checked.error.issues) {
      const path = [name, ...(Array.isArray(body) ? issue.path.slice(1) : issue.path)] as PathSeg[];
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) problems.push({ what: `unknown key (${name === '_meta' ? '_meta has hostvars' : 'a group has hosts, vars and children'})`, where: where([...path, key]), code: 'inventory' });
      } else problems.push({ what: `${issue.message}, got ${kind(valueAt(data, path))}`, where: where(path), code: 'inventory' });
    }
  }
  problems.push(...protoProblems(data, where));
  if (problems.length > 0) throw new ProvisionErrors(problems);
  const groups: DynamicList['groups'] = new Map();
  const hostvars: DynamicList['hostvars'] = new Map();
  for (const [name, body] of Object.entries(data)) {
    if (name === '_meta') {
      for (const [h, vars] of Object.entries((body as { hostvars?: Record<string, Record<string, unknown>> }).hostvars ?? {})) hostvars.set(h, vars);
    } else {
      const g = Array.isArray(body) ? { hosts: body as string[] } : (body as { hosts?: string[]; vars?: Record<string, unknown>; children?: string[] });
      groups.set(name, { hosts: g.hosts ?? [], vars: g.vars ?? {}, children: g.children ?? [], listed: Array.isArray(body) });
    }
  }
  return { groups, hostvars };
}

/**
 * The list as the inventory builder reads groups (`all: { hosts, vars, children }`), and where each of their paths
 * came from in the JSON (a host's variables under `._meta.hostvars`, a group's members at their index).
 */
export function dynamicGroups(list: DynamicList, script: string): { data: Record<string, RawGroup>; locate: Locate } {
  const all = list.groups.get('all');
  const children: Record<string, RawGroup> = {};
  for (const [name, g] of list.groups) {
    if (name === 'all') continue;
    children[name] = { hosts: g.hosts, vars: g.vars, children: Object.fromEntries(g.children.filter((c) => c !== 'all').map((c) => [c, null])) };
  }
  const hosts: Record<string, Record<string, unknown> | null> = Object.fromEntries((all?.hosts ?? []).map((h) => [h, null]));
  for (const [h, vars] of list.hostvars) hosts[h] = vars;
  const data = { all: { hosts, vars: all?.vars ?? {}, children: Object.fromEntries(all?.children.map((c) => [c, null]) ?? []) } };
  Object.assign(data.all.children, children);
  const json = (path: PathSeg[]): string => {
    const [top, kind1, name, kind2, member, ...rest] = path.map(String);
    if (top !== 'all' || kind1 === undefined) return jsonPath(path);
    if (kind1 === 'hosts') return list.hostvars.has(name) ? jsonPath(['_meta', 'hostvars', ...path.slice(2)]) : jsonPath(['all', 'hosts', (all?.hosts ?? []).indexOf(name)]);
    if (kind1 === 'vars') return jsonPath(path);
    // all.children.GROUP[.hosts|vars|children.MEMBER]
    const g = list.groups.get(name);
    if (kind2 === 'vars') return jsonPath([name, 'vars', member, ...rest]);
    if (kind2 === 'hosts' && g?.listed) return jsonPath([name, g.hosts.indexOf(member)]);
    if ((kind2 === 'hosts' || kind2 === 'children') && g) return jsonPath([name, kind2, g[kind2].indexOf(member)]);
    return jsonPath([name]);
  };
  return { data, locate: (path) => ({ file: `${script} (its output) at ${json([...path])}` }) };
}
