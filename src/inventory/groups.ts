// The group tree of an inventory, however it was read (YAML, INI, a dynamic script's JSON): groups, their hosts and
// vars, cycles, memberships and Ansible's group order.
import type { ProblemInfo, Where } from '../errors.js';
import { joinPath, type PathSeg } from '../source/yaml-source.js';
import type { Origins } from './connection.js';
import { groupNameError, hostNameError } from './names.js';
import { expandHostRange } from './ranges.js';
import type { RawGroup } from './schema.js';
import type { Group } from './types.js';

/** Where a path into an inventory's groups was written: a position in YAML, or a path into a script's JSON. */
export type Locate = (path: readonly PathSeg[], opts?: { key?: boolean }) => Where;

/** Vars with the position each one was defined at. */
export interface Layer {
  vars: Record<string, unknown>;
  origins: Origins;
}

/** A group while the tree is read: its own vars as a layer. */
export interface GroupAcc extends Group {
  layer: Layer;
  /** Where each child was named, to point at the edge that closes a cycle. */
  childPos: Map<string, Where>;
}

/** The groups and hosts as the inventory writes them, before any vars file is read. */
export interface GroupTree {
  groups: Map<string, GroupAcc>;
  /** Hosts in the order they first appear. */
  hostOrder: string[];
  /** Each host's own vars in the inventory. */
  hostLayers: Map<string, Layer>;
}

/** A layer with no vars. */
export const emptyLayer = (): Layer => ({ vars: {}, origins: new Map() });

/** Adds vars to a layer, each with where `locate` says it was written. */
export function addVars(layer: Layer, vars: Record<string, unknown>, locate: Locate, at: PathSeg[]): void {
  for (const [k, v] of Object.entries(vars)) {
    layer.vars[k] = v;
    layer.origins.set(k, locate([...at, k]));
  }
}

/** The layers merged, a later one winning each variable (and its origin). */
export function mergeLayers(layers: readonly Layer[]): Layer {
  const merged = emptyLayer();
  for (const l of layers) {
    Object.assign(merged.vars, l.vars);
    for (const [k, pos] of l.origins) merged.origins.set(k, pos);
  }
  return merged;
}

// The walk over the written groups: the tree it fills, and where to report what it refuses.
interface Walk extends GroupTree {
  locate: Locate;
  problems: ProblemInfo[];
}

/** Reads the written groups (`all` first, implicitly): bad group and host names are added to `problems`. */
export function readGroupTree(data: Record<string, RawGroup | null>, locate: Locate, problems: ProblemInfo[]): GroupTree {
  const walk: Walk = { groups: new Map(), hostOrder: [], hostLayers: new Map(), locate, problems };
  groupIn(walk.groups, 'all');
  for (const [name, body] of Object.entries(data)) readGroup(walk, name, body, [name], name === 'all' ? undefined : 'all');
  return { groups: walk.groups, hostOrder: walk.hostOrder, hostLayers: walk.hostLayers };
}

// The group of that name, added (empty) if it is new.
function groupIn(groups: Map<string, GroupAcc>, name: string): GroupAcc {
  let g = groups.get(name);
  if (!g) groups.set(name, (g = { name, hosts: [], children: [], vars: {}, layer: emptyLayer(), childPos: new Map() }));
  return g;
}

function readGroup(walk: Walk, name: string, body: RawGroup | null, at: PathSeg[], parent: string | undefined): void {
  const badName = groupNameError(name);
  if (badName) {
    walk.problems.push({ ...badName, where: { ...walk.locate(at, { key: true }), path: joinPath('', at) } });
    return;
  }
  const g = groupIn(walk.groups, name);
  const p = parent === undefined ? undefined : walk.groups.get(parent)!;
  if (p && !p.children.includes(name)) {
    p.children.push(name);
    p.childPos.set(name, walk.locate(at, { key: true }));
  }
  if (!body) return;
  const hosts = Array.isArray(body.hosts) ? Object.fromEntries(body.hosts.map((h) => [h, null])) : (body.hosts ?? {});
  for (const [pattern, vars] of Object.entries(hosts)) readHosts(walk, g, pattern, vars, [...at, 'hosts', pattern]);
  if (body.vars) addVars(g.layer, body.vars, walk.locate, [...at, 'vars']);
  for (const [child, childBody] of Object.entries(body.children ?? {})) readGroup(walk, child, childBody, [...at, 'children', child], name);
}

// One entry of a group's hosts: a name or a range (web[1:3]), each host with the vars written beside it.
function readHosts(walk: Walk, g: GroupAcc, pattern: string, vars: Record<string, unknown> | null | undefined, at: PathSeg[]): void {
  const where = () => ({ ...walk.locate(at, { key: true }), path: joinPath('', at) });
  const names = expandHostRange(pattern);
  if (!Array.isArray(names)) {
    walk.problems.push({ ...names, where: where(), code: 'inventory' });
    return;
  }
  for (const h of names) {
    const bad = hostNameError(h);
    if (bad) {
      walk.problems.push({ ...bad, where: where() });
      continue;
    }
    if (!g.hosts.includes(h)) g.hosts.push(h);
    if (!walk.hostLayers.has(h)) {
      walk.hostOrder.push(h);
      walk.hostLayers.set(h, emptyLayer());
    }
    if (vars) addVars(walk.hostLayers.get(h)!, vars, walk.locate, at);
  }
}

/** Adds `ungrouped` (a child of `all`) holding the hosts in no other group; gives each host's groups. */
export function placeUngrouped(tree: GroupTree): Map<string, string[]> {
  const ungrouped = groupIn(tree.groups, 'ungrouped');
  const all = tree.groups.get('all')!;
  if (!all.children.includes('ungrouped')) all.children.push('ungrouped');
  const members = memberships(tree.groups);
  for (const h of tree.hostOrder) {
    if ((members.get(h) ?? []).every((g) => g === 'all')) {
      ungrouped.hosts.push(h);
      members.get(h)!.push('ungrouped');
    }
  }
  return members;
}

/**
 * Adds a problem for each group cycle, at the child entry that closes it (a group that contains itself through its
 * children would make every membership question loop forever).
 */
export function checkCycles(groups: Map<string, GroupAcc>, file: string, problems: ProblemInfo[]): void {
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

/** Ansible's group order: by depth below `all` (parents before children), then by name; `all` first. */
export function groupOrder(groups: Map<string, GroupAcc>): string[] {
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
