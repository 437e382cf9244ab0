// Ansible's YAML inventory (all / children / hosts / vars) plus group_vars/ and host_vars/ next to it, and the
// `-i a,b,c` host list.
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { ProvisionError, ProvisionErrors, type ProblemInfo } from '../errors.js';
import { readSourceFile } from '../source/yaml-checks.js';
import { readVarsFile } from '../source/vars-file.js';
import { describeFileValue, parseYaml, posOf, sortProblems, zodProblems, type ParsedYaml } from '../source/yaml-source.js';
import { connectionFor } from './connection.js';
import { addVars, checkCycles, emptyLayer, groupOrder, mergeLayers, placeUngrouped, readGroupTree, type GroupTree, type Layer, type Locate } from './groups.js';
import { hostNameError } from './names.js';
import { inventorySchema, type RawGroup } from './schema.js';
import type { Host, Inventory } from './types.js';

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
  refuseIni(text, parsed, file);
  if (parsed.problems.length > 0) throw new ProvisionErrors(parsed.problems);
  const groups = checkInventoryShape(parsed);
  return inventoryFromGroups(groups, file, (at, opts) => posOf(parsed.source, at, opts));
}

// An Ansible INI inventory given where YAML is read (it reached the YAML reader by name): say so, rather than
// report its [sections] as YAML errors. INI text that happens to be valid YAML mapping is left to the schema.
function refuseIni(text: string, parsed: ParsedYaml, file: string): void {
  const ini = /^\s*\[[^\]\n]+\]\s*$/m.test(text);
  const notMapping = parsed.problems.length === 0 && parsed.value !== null && (typeof parsed.value !== 'object' || Array.isArray(parsed.value));
  if (ini && (parsed.problems.length > 0 || notMapping)) {
    throw new ProvisionError({ what: 'INI inventories are not supported', where: { file, line: 1, col: 1 }, expected: 'a YAML inventory (all: { hosts: ..., children: ... })', fix: 'convert it: ansible-inventory -i FILE --list --yaml', code: 'inventory' });
  }
}

// The parsed YAML as the inventory's groups: a mapping (not empty), valid against the schema.
function checkInventoryShape(parsed: ParsedYaml): Record<string, RawGroup | null> {
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
    const { source } = parsed;
    throw new ProvisionErrors(sortProblems(zodProblems(checked.error.issues, { source, yamlPrefix: [], displayPrefix: '', data: raw, schema: inventorySchema }), source.file));
  }
  return checked.data;
}

/**
 * An inventory from its groups as the YAML format writes them (`all: { hosts, vars, children }`), however they were
 * read; `locate` says where a path into them came from, for errors.
 */
export async function inventoryFromGroups(data: Record<string, RawGroup | null>, file: string, locate: Locate): Promise<Inventory> {
  const problems: ProblemInfo[] = [];
  const tree = readGroupTree(data, locate, problems);
  checkCycles(tree.groups, file, problems);
  if (problems.length > 0) throw new ProvisionErrors(sortProblems(problems, file));
  const hosts = await hostsWithVars(tree, file, problems);
  if (problems.length > 0) throw new ProvisionErrors(sortProblems(dedupe(problems), file));
  return { file, hosts, groups: new Map([...tree.groups].map(([n, g]) => [n, { name: n, hosts: g.hosts, children: g.children, vars: g.layer.vars }])) };
}

// Each host with its merged vars (the precedence in loadInventory's comment) and its connection.
async function hostsWithVars(tree: GroupTree, file: string, problems: ProblemInfo[]): Promise<Map<string, Host>> {
  const members = placeUngrouped(tree);
  const order = groupOrder(tree.groups);
  // Vars files are named in errors the way the inventory was (relative stays relative).
  const shownDir = path.dirname(file);
  const groupFiles = new Map<string, Layer>();
  for (const name of order) {
    const layer = await varsDir(path.join(shownDir, 'group_vars'), name, problems);
    if (layer) groupFiles.set(name, layer);
  }
  const hosts = new Map<string, Host>();
  for (const name of tree.hostOrder) {
    const inGroups = order.filter((g) => members.get(name)!.includes(g));
    const hostFile = await varsDir(path.join(shownDir, 'host_vars'), name, problems);
    const merged = mergeLayers([
      ...inGroups.map((g) => tree.groups.get(g)!.layer),
      ...inGroups.flatMap((g) => groupFiles.get(g) ?? []),
      tree.hostLayers.get(name)!,
      hostFile ?? emptyLayer(),
    ]);
    const connection = connectionFor(name, merged.vars, merged.origins, path.dirname(path.resolve(file)), problems);
    if (connection) hosts.set(name, { name, vars: merged.vars, groups: inGroups, connection });
  }
  return hosts;
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
    const read = await readVarsFile(f, { code: 'inventory', problems });
    if (read) addVars(layer, read.vars, (at, opts) => posOf(read.source, at, opts), []);
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
