// The playbook's JSON Schema, made with z.toJSONSchema from the loader's own zod schemas (plays, task keys) and from
// every registered module's argument schema, so a new module or keyword appears in it without anyone writing JSON.
import { z } from 'zod';
import type { ModuleDef } from '../modules/define.js';
import { getModule, moduleNames } from '../modules/registry.js';
import { handlerKeysSchema, playSchema, taskKeysSchema } from '../playbook/schema.js';
import { PLAY_DOCS, TASK_DOCS } from './keywords.js';
import { isPreprocess, lenientOverride, nodesOf, sharedDefs, unwrapZod, walkZod, type Leniency, type NodeRole } from './lenient.js';

/** The registered modules, by name. */
export function registeredModules(): ModuleDef[] {
  return moduleNames().map((name) => getModule(name)!);
}

/**
 * Ansible's short form `key=value key2="two words"` for a module without a free form (as parseKeyValues in
 * src/playbook/module-args.ts reads it; a test holds the two together).
 */
export const KEY_VALUE_PAIRS = /^(\s*[A-Za-z_][A-Za-z0-9_]*=("(?:[^"\\]|\\.)*"|'[^']*'|[^\s"']*)\s*)+$/;

/** A fully qualified module name whose last part is `name` (ansible.builtin.copy → copy), as the loader resolves them. */
export function qualifiedName(name: string): string {
  return `^[A-Za-z0-9_]+\\.[A-Za-z0-9_]+\\.${name}$`;
}

// `.describe()` clones a schema with a description and changes no check.
function withDocs(shape: Record<string, z.ZodType>, docs: Record<string, string>): Record<string, z.ZodType> {
  return Object.fromEntries(Object.entries(shape).map(([key, schema]) => [key, docs[key] ? schema.describe(docs[key]) : schema]));
}

// The string a free-form module takes (`command: ls -l`, `apt: nginx`): the string its free-form argument takes.
function freeFormString(def: ModuleDef): z.ZodType {
  const shape = (unwrapZod(def.args) as unknown as { shape?: Record<string, z.ZodType> }).shape;
  const arg = shape?.[def.freeForm!];
  const inner = arg ? unwrapZod(arg) : undefined;
  const options = inner instanceof z.ZodUnion ? (inner.options as z.ZodType[]).map(unwrapZod) : [inner];
  const base = options.find((o) => o instanceof z.ZodString) ?? z.string();
  return base.describe(`Free form: the ${def.freeForm} argument (${def.name}: TEXT)`);
}

/** What a module key takes: its argument mapping, its free form or key=value pairs, and nothing when no argument is required. */
function moduleValue(def: ModuleDef, freeForms: Map<z.ZodType, NodeRole>): z.ZodType {
  const forms: z.ZodType[] = [def.args];
  if (def.freeForm) {
    const text = freeFormString(def);
    // The loader takes a number there too (`debug: 42`).
    freeForms.set(text, 'value');
    forms.push(text);
  } else {
    forms.push(z.string().regex(KEY_VALUE_PAIRS).describe('Arguments as key=value pairs (Ansible\'s short form)'));
  }
  if (def.args.safeParse({}).success) forms.push(z.null());
  return z.union(forms as [z.ZodType, z.ZodType, ...z.ZodType[]]).meta({ id: `module.${def.name}`, description: def.summary });
}

/** The JSON Schema of a playbook file for the given modules (default: every registered one). */
export function playbookJsonSchema(modules: readonly ModuleDef[] = registeredModules()): Record<string, unknown> {
  const sorted = [...modules].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const freeForms = new Map<z.ZodType, NodeRole>();
  const values = new Map(sorted.map((def) => [def.name, moduleValue(def, freeForms)]));
  const names = sorted.map((def) => def.name);

  // One object: every keyword and every module key, exactly one module key present (short or fully qualified).
  const task = (keys: z.ZodObject, id: string, description: string) =>
    keys
      .extend({
        ...withDocs(keys.shape as Record<string, z.ZodType>, TASK_DOCS),
        ...Object.fromEntries(names.map((name) => [name, values.get(name)!.optional()])),
      })
      .meta({
        id,
        description,
        patternProperties: Object.fromEntries(names.map((name) => [qualifiedName(name), { $ref: `#/$defs/module.${name}` }])),
        oneOf: [
          ...names.map((name) => ({ required: [name] })),
          {
            $comment: 'or a fully qualified module name (ansible.builtin.copy)',
            not: { propertyNames: { not: { pattern: `^[A-Za-z0-9_]+\\.[A-Za-z0-9_]+\\.(${names.join('|')})$` } } },
          },
        ],
      });

  // Checked by the loader in code (src/playbook/import-tasks.ts): this is its shape.
  const strings = z.union([z.string(), z.array(z.string())]);
  const importTasks = z
    .strictObject({
      import_tasks: z.string().min(1).regex(/^(?!.*\{\{)/, 'a file name, not a template').describe('A file holding a list of tasks, run here; relative to this file; read when the playbook loads'),
      name: z.string().optional().describe('Ignored; allowed as in Ansible'),
      when: strings.optional().describe('Conditions added to every imported task'),
      tags: strings.optional().describe('Tags added to every imported task'),
      vars: z.record(z.string(), z.unknown()).optional().describe('Variables for every imported task'),
    })
    .meta({ id: 'import_tasks', description: 'Splice in the tasks of another file' });
  const play = playSchema
    .extend({
      ...withDocs(playSchema.shape as Record<string, z.ZodType>, PLAY_DOCS),
      tasks: z.array(z.union([task(taskKeysSchema, 'task', 'A task: one module and any keywords'), importTasks])).optional().describe(PLAY_DOCS.tasks),
      handlers: z.array(task(handlerKeysSchema, 'handler', 'A handler: a task run when notified')).optional().describe(PLAY_DOCS.handlers),
    })
    .meta({ id: 'play', description: 'A play: which hosts, and the tasks to run on them' });
  // Checked by the loader in code (load.ts importPlaybook): this is its shape.
  const importPlaybook = z
    .strictObject({
      import_playbook: z.string().min(1).describe('Another playbook whose plays run here, relative to this file'),
      name: z.string().optional().describe('Ignored; allowed as in Ansible'),
    })
    .meta({ id: 'import_playbook', description: 'Splice in the plays of another playbook' });
  const playbook = z
    .array(z.union([play, importPlaybook]))
    .min(1)
    .meta({ title: 'provision playbook', description: 'A list of plays (and import_playbook entries), run in order' });

  const moduleArgs = nodesOf(sorted.map((def) => def.args), { excludeRoots: true });
  const keywordNodes = new Map<z.ZodType, NodeRole>();
  for (const root of [playSchema, handlerKeysSchema]) walkZod(root, (node, role) => isPreprocess(node) && keywordNodes.set(node, role));
  const leniencies: Leniency[] = [
    { nodes: new Map([...moduleArgs.nodes, ...freeForms]), exclude: moduleArgs.exclude, templates: true, conversions: true },
    // Keywords: yes/no for booleans; no templates (the loader reads keywords before any variable exists).
    { nodes: keywordNodes, templates: false, conversions: false },
  ];
  const json = z.toJSONSchema(playbook, { io: 'input', override: lenientOverride(leniencies) }) as Record<string, unknown>;
  json.$defs = { ...(json.$defs as object), ...sharedDefs() };
  return json;
}
