// The loader accepts a little more than the zod schemas say: it converts `yes` to true and "22" to 22, and it skips
// the check of a `{{ template }}` (its value is only known after rendering). JSON Schemas for editors must accept
// the same, or the editor would flag playbooks that run. This file finds the zod nodes where that happens and
// widens their JSON Schema, during z.toJSONSchema, through its `override` hook.
import { z } from 'zod';
import { booleanWord } from '../source/bool.js';
import { defOf, ZOD_WRAPPERS } from '../source/zod-def.js';

/**
 * How a zod node is reached. The loader's conversions (checkModuleArgs: yes → true, "22" → 22, 22 → "22") apply to
 * an issue zod reports at the node itself, never inside a union (zod reports the union as a whole), so where a node
 * sits decides what it admits.
 */
export type NodeRole = 'value' | 'union-option' | 'in-union' | 'record-key';

/** Calls `visit` for every zod node under `root` (once per role), through wrappers, containers, unions and pipes. */
export function walkZod(root: z.ZodType, visit: (node: z.ZodType, role: NodeRole) => void): void {
  const seen = new Map<unknown, Set<NodeRole>>();
  const go = (node: unknown, role: NodeRole): void => {
    const roles = seen.get(node) ?? new Set<NodeRole>();
    if (roles.has(role)) return;
    seen.set(node, roles.add(role));
    visit(node as z.ZodType, role);
    const def = defOf(node);
    // Children of a union option, or of anything inside one, are in the union.
    const child: NodeRole = role === 'value' ? 'value' : 'in-union';
    if (ZOD_WRAPPERS.has(def.type) || def.type === 'promise') return go(def.innerType, role);
    switch (def.type) {
      case 'lazy':
        return go(lazyInner(node), role);
      case 'pipe':
        // A preprocess (transform → schema) is widened as a whole (see widen); a transform after a schema only
        // shows its input side.
        return isPreprocess(node) ? undefined : go(def.in, role);
      case 'object':
        for (const value of Object.values(def.shape as Record<string, unknown>)) go(value, child);
        if (def.catchall) go(def.catchall, child);
        return;
      case 'array':
        return go(def.element, child);
      case 'record':
        go(def.keyType, 'record-key');
        return go(def.valueType, child);
      case 'union':
        for (const option of def.options as unknown[]) go(option, 'union-option');
        return;
      case 'intersection':
        go(def.left, role);
        return go(def.right, role);
      case 'tuple':
        for (const item of def.items as unknown[]) go(item, child);
        if (def.rest) go(def.rest, child);
        return;
    }
  };
  go(root, 'value');
}

// The schema a z.lazy stands for, as zod caches it (calling the getter again may build a new instance).
function lazyInner(node: unknown): unknown {
  return (node as { _zod: { innerType: unknown } })._zod.innerType;
}

/** A `z.preprocess(fn, schema)`: a pipe whose input side is a transform. */
export function isPreprocess(node: unknown): boolean {
  const def = defOf(node);
  return def.type === 'pipe' && defOf(def.in).type === 'transform';
}

/** The schema a wrapper (optional, default, nullable, lazy, a transform after it) checks values with. */
export function unwrapZod(node: z.ZodType): z.ZodType {
  let current: unknown = node;
  for (let i = 0; i < 20; i++) {
    const def = defOf(current);
    if (ZOD_WRAPPERS.has(def.type)) current = def.innerType;
    else if (def.type === 'lazy') current = lazyInner(current);
    else if (def.type === 'pipe' && !isPreprocess(current)) current = def.in;
    else break;
  }
  return current as z.ZodType;
}

// Ansible's boolean words (its BOOLEANS_TRUE and BOOLEANS_FALSE); the ones our loader accepts go into the schema.
const ANSIBLE_BOOLEAN_WORDS = ['yes', 'no', 'true', 'false', 'on', 'off', 'y', 'n', 't', 'f', '1', '0'];

/** The words the loader reads as booleans (any case). */
export const BOOLEAN_WORDS = ANSIBLE_BOOLEAN_WORDS.filter((w) => booleanWord(w) !== undefined);

const anyCase = (word: string) => [...word].map((c) => (c.toLowerCase() === c.toUpperCase() ? c : `[${c.toLowerCase()}${c.toUpperCase()}]`)).join('');

/** Shared definitions the widened nodes point at (`#/$defs/NAME`), as zod schemas. */
export const SHARED_DEFS = {
  template: z
    .string()
    .regex(/\{\{/)
    .describe('A Handlebars template such as "{{ var }}": its value is checked after rendering, when the task runs'),
  boolean_word: z
    .string()
    .regex(new RegExp(`^(${BOOLEAN_WORDS.map(anyCase).join('|')})$`))
    .describe(`A boolean written as a word (${BOOLEAN_WORDS.join(', ')}; any case), as Ansible allows`),
  numeric_string: z
    .string()
    .regex(/^\s*-?\d+(\.\d+)?\s*$/)
    .describe('A number written as a string ("22"); converted to the number'),
};

/** The JSON Schemas of SHARED_DEFS, for a document's `$defs`. */
export function sharedDefs(): Record<string, object> {
  return Object.fromEntries(
    Object.entries(SHARED_DEFS).map(([name, schema]) => {
      const { $schema: _, ...json } = z.toJSONSchema(schema, { io: 'input' }) as Record<string, unknown>;
      return [name, json];
    }),
  );
}

const ref = (name: keyof typeof SHARED_DEFS) => ({ $ref: `#/$defs/${name}` });
const ANNOTATIONS = new Set(['description', 'default', 'title', 'examples', 'deprecated', 'readOnly', 'writeOnly', '$comment']);

// Rewrites `json` in place to anyOf [its own constraints, ...extra], keeping annotations (description, default) on
// top where editors show them.
function addAlternatives(json: Record<string, unknown>, extra: object[]): void {
  if (extra.length === 0) return;
  const core: Record<string, unknown> = {};
  for (const key of Object.keys(json)) {
    if (ANNOTATIONS.has(key)) continue;
    core[key] = json[key];
    delete json[key];
  }
  // Already widened (a node can inherit a widened schema from the node it wraps).
  const anyOf = core.anyOf as object[] | undefined;
  if (Object.keys(core).length === 1 && anyOf?.some((b) => JSON.stringify(b) === JSON.stringify(ref('template')) || JSON.stringify(b) === JSON.stringify(ref('boolean_word')))) {
    json.anyOf = anyOf;
    return;
  }
  // A plain union: the alternatives join its own.
  json.anyOf = Object.keys(core).length === 1 && anyOf ? [...anyOf, ...extra] : [core, ...extra];
}

/** Where a widening applies, and what it admits there. */
export interface Leniency {
  /** The zod nodes checked this way, and how each was reached. */
  nodes: Map<z.ZodType, NodeRole>;
  /** Nodes never widened (e.g. a module's whole argument mapping, which cannot be a template). */
  exclude?: Set<z.ZodType>;
  /** Any value may be a `{{ template }}` instead (module arguments, connection variables). */
  templates: boolean;
  /** checkModuleArgs' conversions of a plain boolean, number or string (module arguments). */
  conversions: boolean;
}

/** The override for z.toJSONSchema that widens every node of `leniencies` as its loader does. */
export function lenientOverride(leniencies: Leniency[]): (ctx: { zodSchema: unknown; jsonSchema: Record<string, unknown> }) => void {
  return ({ zodSchema, jsonSchema }) => {
    const node = zodSchema as z.ZodType;
    const rule = leniencies.find((l) => l.nodes.has(node) && !l.exclude?.has(node));
    if (rule) widen(node, rule.nodes.get(node)!, jsonSchema, rule);
  };
}

function widen(node: z.ZodType, role: NodeRole, json: Record<string, unknown>, rule: Leniency): void {
  if (role === 'record-key') return;
  // A union takes the template itself, so its options need not.
  const template = rule.templates && role !== 'union-option' ? [ref('template')] : [];
  const convert = rule.conversions && role === 'value';
  if (isPreprocess(node)) {
    // The preprocessors of the loader's schemas: yamlBool (words) and numeric strings.
    const out = defOf(defOf(node).out).type;
    if (out === 'boolean') return addAlternatives(json, [ref('boolean_word'), ...template]);
    if (out === 'number') return addAlternatives(json, [ref('numeric_string'), ...template]);
    if (template.length > 0) addAlternatives(json, template);
    return;
  }
  switch (defOf(node).type) {
    case 'boolean':
      return addAlternatives(json, [...(convert ? [ref('boolean_word')] : []), ...template]);
    case 'number':
      return addAlternatives(json, [...(convert ? [ref('numeric_string')] : []), ...template]);
    case 'string': {
      const constrained = Object.keys(json).some((k) => !ANNOTATIONS.has(k) && k !== 'type' && k !== 'minLength');
      if (convert && !constrained) {
        json.type = ['string', 'number'];
        return;
      }
      return addAlternatives(json, [...(convert ? [{ type: 'number' }] : []), ...(constrained ? template : [])]);
    }
    case 'enum':
    case 'literal':
    case 'object':
    case 'array':
    case 'record':
    case 'tuple':
    case 'union':
      return addAlternatives(json, template);
  }
}

/** Collects the nodes of `roots` for a Leniency (the roots themselves are excluded when `excludeRoots`). */
export function nodesOf(roots: z.ZodType[], opts: { excludeRoots?: boolean } = {}): { nodes: Map<z.ZodType, NodeRole>; exclude: Set<z.ZodType> } {
  const nodes = new Map<z.ZodType, NodeRole>();
  const exclude = new Set<z.ZodType>();
  const rank: Record<NodeRole, number> = { 'record-key': 3, value: 2, 'in-union': 1, 'union-option': 0 };
  for (const root of roots) {
    // A node reached in several places (a shared schema) takes the most lenient role: the editor had better accept
    // what the loader accepts somewhere; a record key is never widened.
    walkZod(root, (node, role) => {
      const had = nodes.get(node);
      if (had === undefined || rank[role] > rank[had]) nodes.set(node, role);
    });
    if (opts.excludeRoots) {
      exclude.add(root);
      exclude.add(unwrapZod(root));
    }
  }
  return { nodes, exclude };
}
