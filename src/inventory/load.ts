// Ansible's YAML inventory (all / children / hosts / vars) plus group_vars/ and host_vars/ next to it, and the
// `-i a,b,c` host list.
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { ProvisionError, ProvisionErrors, type ProblemInfo, type Where } from '../errors.js';
import { readSourceFile } from '../source/yaml-checks.js';
import type { SourcePos } from '../source/position.js';
import { describeFileValue, describeValue, joinPath, listFix, parseYaml, posOf, readYaml, sortProblems, zodProblems, type PathSeg, type YamlSource } from '../source/yaml-source.js';
import { connectionFor, type Origins } from './connection.js';
import { groupNameError, hostNameError } from './names.js';
import { expandHostRange } from './ranges.js';
import { inventorySchema, type RawGroup } from './schema.js';
import type { Group, Host, Inventory } from './types.js';

/** Vars with the position each one was defined at. */
interface Layer {
  vars: Record<string, unknown>;
  origins: Origins;
}

interface GroupAcc extends Group {
  layer: Layer;
  /** Where each child was named, to point at the edge that closes a cycle. */
  childPos: Map<string, Where>;
}

const emptyLayer = (): Layer => ({ vars: {}, origins: new Map() });

/** Where a path into an inventory's groups was written: a position in YAML, or a path into a script's JSON. */
export type Locate = (path: readonly PathSeg[], opts?: { key?: boolean }) => Where;

/**
 * Reads an inventory file. Host variables are merged as Ansible does, later winning:
 *   inventory-file group vars (all → parents → children; siblings by name) < group_vars/ files (same order)
 *   < the host's own vars in the file < host_vars/ files.
 * Throws ProvisionErrors listing every problem (file:line:col), e.g. group cycles and bad ports.
 */
export async function loadInventory(file: string): Promise<Inventory> {
  return loadInventoryFromString(await readSourceFile(file, 'inventory'), file);
}

/** The earlier name of loadInventoryFromString. */
export const loadInventoryText = (text: string, file: string): Promise<Inventory> => loadInventoryFromString(text, file);

/** Like loadInventory, for text already in memory; `file` names it in errors and anchors group_vars/ and host_vars/. */
export async function loadInventoryFromString(text: string, file: string): Promise<Inventory> {
  const parsed = parseYaml(text, file);
  const ini = /^\s*\[[^\]\n]+\]\s*$/m.test(text);
  const notMapping = parsed.problems.length === 0 && parsed.value !== null && (typeof parsed.value !== 'object' || Array.isArray(parsed.value));
  if (ini && (parsed.problems.length > 0 || notMapping)) {
    throw new ProvisionError({ what: 'INI inventories are not supported', where: { file, line: 1, col: 1 }, expected: 'a YAML inventory (all: { hosts: ..., children: ... })', fix: 'convert it: ansible-inventory -i FILE --list --yaml', code: 'inventory' });
  }
  if (parsed.problems.length > 0) throw new ProvisionErrors(parsed.problems);
  const raw = parsed.value;
  if (raw === null || raw === undefined || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ProvisionErrors([
      {
        what: raw === null || raw === undefined ? 'the inventory is empty' : 'an inventory must be a mapping of groups',
        where: posOf(parsed.source, []),
        expected: 'all: { hosts: { web1: ... }, children: { ... } }',
        got: describeFileValue(raw),
        ...(Array.isArray(raw) ? { fix: 'put the hosts under all: hosts: (a mapping of host names)' } : {}),
        code: 'inventory',
      },
    ]);
  }
  const checked = inventorySchema.safeParse(raw);
  if (!checked.success) {
    throw new ProvisionErrors(sortProblems(zodProblems(checked.error.issues, { source: parsed.source, yamlPrefix: [], displayPrefix: '', data: raw, schema: inventorySchema }), file));
  }
  return inventoryFromGroups(checked.data, file, (at, opts) => posOf(parsed.source, at, opts));
}

/**
 * An inventory from its groups as the YAML format writes them (`all: { hosts, vars, children }`), however they were
 * read; `locate` says where a path into them came from, for errors.
 */
export async function inventoryFromGroups(data: Record<string, RawGroup | null>, file: string, locate: Locate): Promise<Inventory> {
  const dir = path.dirname(path.resolve(file));
  // group_vars/ files are named in errors the way the inventory was (relative stays relative).
  const shownDir = path.dirname(file);
  const problems: ProblemInfo[] = [];
  const groups = new Map<string, GroupAcc>();
  const hostOrder: string[] = [];
  const hostLayers = new Map<string, Layer>();
  const group = (name: string) => {
    let g = groups.get(name);
    if (!g) groups.set(name, (g = { name, hosts: [], children: [], vars: {}, layer: emptyLayer(), childPos: new Map() }));
    return g;
  };
  group('all');
  const walk = (name: string, body: RawGroup | null, at: PathSeg[], parent: string | undefined) => {
    const badName = groupNameError(name);
    if (badName) {
      problems.push({ ...badName, where: { ...locate(at, { key: true }), path: joinPath('', at) } });
      return;
    }
    const g = group(name);
    if (parent && !groups.get(parent)!.children.includes(name)) {
      groups.get(parent)!.children.push(name);
      groups.get(parent)!.childPos.set(name, locate(at, { key: true }));
    }
    if (!body) return;
    const hosts = Array.isArray(body.hosts) ? Object.fromEntries(body.hosts.map((h) => [h, null])) : (body.hosts ?? {});
    for (const [pattern, hv] of Object.entries(hosts)) {
      const names = expandHostRange(pattern);
      if (!Array.isArray(names)) {
        problems.push({ ...names, where: { ...locate([...at, 'hosts', pattern], { key: true }), path: joinPath('', [...at, 'hosts', pattern]) }, code: 'inventory' });
        continue;
      }
      for (const h of names) {
        const bad = hostNameError(h);
        if (bad) {
          problems.push({ ...bad, where: { ...locate([...at, 'hosts', pattern], { key: true }), path: joinPath('', [...at, 'hosts', pattern]) } });
          continue;
        }
        if (!g.hosts.includes(h)) g.hosts.push(h);
        if (!hostLayers.has(h)) {
          hostOrder.push(h);
          hostLayers.set(h, emptyLayer());
        }
        if (hv) addVars(hostLayers.get(h)!, hv, locate, [...at, 'hosts', pattern]);
      }
    }
    if (body.vars) addVars(g.layer, body.vars, locate, [...at, 'vars']);
    for (const [child, childBody] of Object.entries(body.children ?? {})) walk(child, childBody, [...at, 'children', child], name);
  };
  for (const [name, body] of Object.entries(data)) walk(name, body, [name], name === 'all' ? undefined : 'all');

  checkCycles(groups, file, problems);
  if (problems.length > 0) throw new ProvisionErrors(sortProblems(problems, file));
  const ungrouped = group('ungrouped');
  if (!groups.get('all')!.children.includes('ungrouped')) groups.get('all')!.children.push('ungrouped');
  const members = memberships(groups);
  for (const h of hostOrder) {
    if ((members.get(h) ?? []).every((g) => g === 'all')) {
      ungrouped.hosts.push(h);
      members.get(h)!.push('ungrouped');
    }
  }
  const order = groupOrder(groups);

  const fileLayers = new Map<string, Layer>();
  for (const name of order) {
    const layer = await varsDir(path.join(shownDir, 'group_vars'), name, problems);
    if (layer) fileLayers.set(name, layer);
  }
  const hosts = new Map<string, Host>();
  for (const name of hostOrder) {
    const inGroups = order.filter((g) => members.get(name)!.includes(g));
    const layers: Layer[] = [
      ...inGroups.map((g) => groups.get(g)!.layer),
      ...inGroups.flatMap((g) => fileLayers.get(g) ?? []),
      hostLayers.get(name)!,
      (await varsDir(path.join(shownDir, 'host_vars'), name, problems)) ?? emptyLayer(),
    ];
    const merged = emptyLayer();
    for (const l of layers) {
      Object.assign(merged.vars, l.vars);
      for (const [k, pos] of l.origins) merged.origins.set(k, pos);
    }
    const connection = connectionFor(name, merged.vars, merged.origins, dir, problems);
    if (connection) hosts.set(name, { name, vars: merged.vars, groups: inGroups, connection });
  }
  if (problems.length > 0) throw new ProvisionErrors(sortProblems(dedupe(problems), file));
  return { file, hosts, groups: new Map([...groups].map(([n, g]) => [n, { name: n, hosts: g.hosts, children: g.children, vars: g.layer.vars }])) };
}

function addVars(layer: Layer, vars: Record<string, unknown>, locate: Locate, at: PathSeg[]): void {
  for (const [k, v] of Object.entries(vars)) {
    layer.vars[k] = v;
    layer.origins.set(k, locate([...at, k]));
  }
}

// A group that contains itself through its children would make every membership question loop forever.
function checkCycles(groups: Map<string, GroupAcc>, file: string, problems: ProblemInfo[]): void {
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, trail: string[]) => {
    state.set(name, 'visiting');
    const g = groups.get(name)!;
    for (const child of g.children) {
      if (state.get(child) === 'visiting') {
        const path = [...trail, name];
        const cycle = [...path.slice(path.indexOf(child)), child];
        problems.push({ what: `group cycle: ${cycle.join(' → ')}`, where: { file, ...g.childPos.get(child) }, fix: `remove "${child}" from the children of "${name}"`, code: 'inventory-cycle' });
      } else if (!state.has(child)) visit(child, [...trail, name]);
    }
    state.set(name, 'done');
  };
  for (const name of groups.keys()) if (!state.has(name)) visit(name, []);
}

function memberships(groups: Map<string, GroupAcc>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const name of groups.keys()) {
    const all = new Set<string>();
    const collect = (g: string) => {
      for (const h of groups.get(g)!.hosts) all.add(h);
      for (const c of groups.get(g)!.children) collect(c);
    };
    collect(name);
    for (const h of all) out.set(h, [...(out.get(h) ?? []), name]);
  }
  return out;
}

// Ansible's order: by depth below `all` (parents before children), then by name; `all` first.
function groupOrder(groups: Map<string, GroupAcc>): string[] {
  const depth = new Map<string, number>([['all', 0]]);
  const deepen = (name: string, d: number) => {
    for (const c of groups.get(name)!.children) {
      if ((depth.get(c) ?? -1) < d + 1) {
        depth.set(c, d + 1);
        deepen(c, d + 1);
      }
    }
  };
  deepen('all', 0);
  for (const name of groups.keys()) if (!depth.has(name)) depth.set(name, 1);
  return [...groups.keys()].sort((a, b) => depth.get(a)! - depth.get(b)! || (a < b ? -1 : a > b ? 1 : 0));
}

/** NAME.yml, NAME.yaml, NAME.json, NAME, or the files of a NAME/ folder (by name), under `base`; undefined if none. */
async function varsDir(base: string, name: string, problems: ProblemInfo[]): Promise<Layer | undefined> {
  const files: string[] = [];
  for (const ext of ['', '.yml', '.yaml', '.json']) {
    const f = path.join(base, name + ext);
    const s = await stat(f).catch(() => undefined);
    if (s?.isFile()) files.push(f);
    else if (s?.isDirectory() && ext === '') {
      const entries = (await readdir(f)).filter((e) => /\.(ya?ml|json)$/.test(e)).sort();
      files.push(...entries.map((e) => path.join(f, e)));
    }
  }
  if (files.length === 0) return undefined;
  const layer = emptyLayer();
  for (const f of files) {
    const parsed = await readYaml(f, 'vars file');
    if (parsed.problems.length > 0) {
      problems.push(...parsed.problems);
      continue;
    }
    const v = parsed.value;
    if (v === null || v === undefined) continue;
    if (typeof v !== 'object' || Array.isArray(v)) {
      problems.push({ what: 'a vars file must be a mapping of variables', where: posOf(parsed.source, []), expected: 'name: value pairs', got: describeFileValue(v), ...listFix(v), code: 'inventory' });
      continue;
    }
    addVars(layer, v as Record<string, unknown>, (at, opts) => posOf(parsed.source, at, opts), []);
  }
  return layer;
}

function dedupe(problems: ProblemInfo[]): ProblemInfo[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.where?.file}:${p.where?.line}:${p.where?.col}:${p.where?.path}:${p.what}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * An inventory from `-i web1,web2:2222,[::1]:22,localhost` (Ansible's host list): every host in `all`;
 * `localhost` connects locally.
 */
export function inventoryFromList(text: string): Inventory {
  const hosts = new Map<string, Host>();
  const problems: ProblemInfo[] = [];
  for (const entry of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^\[([^\]]+)\]:(\d+)$/.exec(entry) ?? (/^[^:]+:(\d+)$/.test(entry) ? /^([^:]+):(\d+)$/.exec(entry) : null);
    const name = m ? m[1] : entry.replace(/^\[(.*)\]$/, '$1');
    const bad = hostNameError(name);
    if (bad) {
      problems.push(bad);
      continue;
    }
    const vars: Record<string, unknown> = m ? { ansible_port: Number(m[2]) } : {};
    const connection = connectionFor(name, vars, new Map(), process.cwd(), problems);
    if (connection) hosts.set(name, { name, vars, groups: ['all', 'ungrouped'], connection });
  }
  if (problems.length > 0) throw new ProvisionErrors(problems.map((p) => ({ ...p, where: { ...p.where, path: `-i ${text}` } })));
  const names = [...hosts.keys()];
  return {
    file: text,
    hosts,
    groups: new Map([
      ['all', { name: 'all', hosts: names, children: ['ungrouped'], vars: {} }],
      ['ungrouped', { name: 'ungrouped', hosts: names, children: [], vars: {} }],
    ]),
  };
}
