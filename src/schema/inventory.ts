// The inventory's JSON Schema, made with z.toJSONSchema from the loader's own zod schemas: Ansible's YAML inventory
// (inventorySchema), whose variable mappings also describe the connection variables (connectionVarsSchema, under our
// names and Ansible's), so an editor completes `ansible_port` and flags `port: abc`.
import { z } from 'zod';
import { CONNECTION_ALIASES, connectionVarsSchema, inventorySchema } from '../inventory/schema.js';
import { CONNECTION_DOCS, GROUP_DOCS } from './keywords.js';
import { defOf } from '../source/zod-def.js';
import { lenientOverride, nodesOf, sharedDefs, walkZod, type Leniency } from './lenient.js';

/** The connection variables as a zod object: ours and Ansible's names, each nullable (null means unset). */
export function connectionVariables(): z.ZodObject {
  const shape = connectionVarsSchema.shape as Record<string, z.ZodType>;
  const entries: [string, z.ZodType][] = [];
  for (const [ours, schema] of Object.entries(shape)) {
    entries.push([ours, CONNECTION_DOCS[ours] ? schema.nullable().describe(CONNECTION_DOCS[ours]) : schema.nullable()]);
    for (const theirs of CONNECTION_ALIASES[ours as keyof typeof CONNECTION_ALIASES] ?? []) {
      entries.push([theirs, schema.nullable().describe(`Ansible's name for ${ours}`)]);
    }
  }
  return z.object(Object.fromEntries(entries));
}

// A mapping of variables: the connection variables described, any other variable allowed. Their values may be
// templates (rendered before they are checked).
function varsJsonSchema(): Record<string, unknown> {
  const vars = z.looseObject(connectionVariables().shape).describe('Variables: the connection variables below, and any others');
  const { nodes } = nodesOf([vars]);
  const leniency: Leniency = { nodes, exclude: new Set([vars]), templates: true, conversions: false };
  const { $schema: _, ...json } = z.toJSONSchema(vars, { io: 'input', override: lenientOverride([leniency]) }) as Record<string, unknown>;
  return json;
}

/** The JSON Schema of an inventory file (Ansible's YAML format). */
export function inventoryJsonSchema(): Record<string, unknown> {
  // The loader's mappings of variables (host vars, group vars) are records of anything: they become
  // #/$defs/vars. The group is the one object.
  const varsMaps = new Set<unknown>();
  const groups = new Set<unknown>();
  walkZod(inventorySchema, (node) => {
    const def = defOf(node);
    if (def.type === 'record' && defOf(def.valueType).type === 'unknown') varsMaps.add(node);
    if (def.type === 'object') groups.add(node);
  });
  const root = inventorySchema.nullable().meta({
    title: 'provision inventory',
    description: "Ansible's YAML inventory: top-level groups (usually all), each with hosts, children and vars",
  });
  const json = z.toJSONSchema(root, {
    io: 'input',
    override: ({ zodSchema, jsonSchema }) => {
      if (varsMaps.has(zodSchema)) {
        for (const key of Object.keys(jsonSchema)) delete jsonSchema[key];
        jsonSchema.$ref = '#/$defs/vars';
      }
      if (groups.has(zodSchema)) {
        const properties = jsonSchema.properties as Record<string, Record<string, unknown>>;
        for (const [key, doc] of Object.entries(GROUP_DOCS)) if (properties[key]) properties[key].description = doc;
      }
    },
  }) as Record<string, unknown>;
  const defs = { ...(json.$defs as object), vars: varsJsonSchema(), ...sharedDefs() };
  return renameDefs({ ...json, $defs: defs }, (name, def) => (name.startsWith('__schema') && 'children' in ((def as { properties?: object }).properties ?? {}) ? 'group' : name));
}

// zod names a recursive schema `__schema0`; give it a name that says what it is.
function renameDefs(json: Record<string, unknown>, rename: (name: string, def: unknown) => string): Record<string, unknown> {
  const defs = json.$defs as Record<string, unknown>;
  const names = new Map(Object.entries(defs).map(([name, def]) => [name, rename(name, def)]));
  const text = JSON.stringify({ ...json, $defs: Object.fromEntries(Object.entries(defs).map(([name, def]) => [names.get(name)!, def])) });
  return JSON.parse(text.replace(/"#\/\$defs\/([^"]+)"/g, (_m, name: string) => JSON.stringify(`#/$defs/${names.get(name) ?? name}`)));
}
