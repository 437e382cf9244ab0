// docs/modules.md: the module reference, made from each module's zod schema (through z.toJSONSchema: types,
// defaults, required, descriptions) and its example tasks (examples.ts finds them).
import { parse } from 'yaml';
import { z } from 'zod';
import type { ModuleDef } from '../modules/define.js';
import { parseKeyValues } from '../playbook/module-args.js';
import { moduleExamples } from './examples.js';
import { registeredModules } from './playbook.js';

type Json = Record<string, any>;

/** The JSON Schema (input side) of a module's arguments, as the reference reads it. */
export function argsJsonSchema(def: ModuleDef): Json {
  const { $schema: _, ...json } = z.toJSONSchema(def.args, { io: 'input' }) as Json;
  return json;
}

const SIMPLE_PLURALS: Record<string, string> = { string: 'strings', integer: 'integers', number: 'numbers', boolean: 'booleans' };
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** A JSON Schema in words: `string`, `one of present, absent`, `list of strings`, `integer 1–65535`. */
export function describeType(js: Json): string {
  if (js.anyOf) return [...new Set((js.anyOf as Json[]).map(describeType))].join(' or ');
  if (js.enum) return js.enum.length === 1 ? code(js.enum[0]) : `one of ${js.enum.map(code).join(', ')}`;
  if (js.const !== undefined) return code(js.const);
  if (Array.isArray(js.type)) return js.type.map((t: string) => describeType({ ...js, type: t })).join(' or ');
  switch (js.type) {
    case 'string': {
      const limits = [js.minLength > 1 ? `at least ${js.minLength} characters` : '', js.maxLength !== undefined ? `at most ${js.maxLength} characters` : ''].filter(Boolean);
      return `string${js.pattern ? ` matching ${code(js.pattern)}` : ''}${limits.length ? ` (${limits.join(', ')})` : ''}`;
    }
    case 'integer':
    case 'number': {
      const low = js.exclusiveMinimum !== undefined ? `> ${js.exclusiveMinimum}` : js.minimum !== undefined ? `≥ ${js.minimum}` : '';
      const high = js.exclusiveMaximum !== undefined ? `< ${js.exclusiveMaximum}` : js.maximum !== undefined && js.maximum !== MAX_SAFE ? `≤ ${js.maximum}` : '';
      if (js.minimum !== undefined && high.startsWith('≤')) return `${js.type} ${js.minimum}–${js.maximum}`;
      return `${js.type} ${[low, high].filter(Boolean).join(' and ')}`.trimEnd();
    }
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'nothing';
    case 'array': {
      const item = js.items ? describeType(js.items) : 'any values';
      const list = SIMPLE_PLURALS[item] ?? (js.items?.type === 'object' ? 'mappings (below)' : `(${item})`);
      return `${js.minItems >= 1 ? 'non-empty ' : ''}list of ${list}`;
    }
    case 'object':
      if (js.properties) return 'mapping (below)';
      if (js.additionalProperties && Object.keys(js.additionalProperties).length > 0) return `mapping of names to ${describeType(js.additionalProperties)}`;
      return 'mapping';
    default:
      return 'any value';
  }
}

function code(v: unknown): string {
  const text = typeof v === 'string' ? v : JSON.stringify(v);
  // A backtick inside would end the code span: widen the fence.
  return text.includes('`') ? `\`\` ${text} \`\`` : `\`${text}\``;
}

function cell(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}

/** A value as it would be written in YAML flow style, short: `[nginx, ufw]`, `{ HOME: /root }`, `"0644"`. */
export function flowValue(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(flowValue).join(', ')}]`;
  if (v !== null && typeof v === 'object') return `{ ${Object.entries(v).map(([k, x]) => `${k}: ${flowValue(x)}`).join(', ')} }`;
  if (typeof v !== 'string') return String(v);
  // Plain when YAML would read it back as the same string.
  const plain = v !== '' && !/^[\s\-?:,[\]{}#&*!|>'"%@`]|[:#]\s|\s$|\n/.test(v) && typeof parse(v) === 'string' && parse(v) === v;
  return plain ? v : JSON.stringify(v);
}

// A long list shows its first item (the example below has them all).
function shortFlow(v: unknown): string {
  const full = flowValue(v);
  return Array.isArray(v) && v.length > 1 && full.length > 60 ? `[${flowValue(v[0])}, …]` : full;
}

/** The arguments each example task gives its module (a mapping, key=value pairs, or the free form). */
export function exampleArgs(def: ModuleDef, yamlText: string): Record<string, unknown>[] {
  const tasks = (parse(yamlText) ?? []) as Record<string, unknown>[];
  return tasks.flatMap((task) => {
    const raw = task[def.name];
    if (raw === undefined) return [];
    if (raw === null) return [{}];
    if (typeof raw === 'object') return [raw as Record<string, unknown>];
    const pairs = parseKeyValues(String(raw));
    return [pairs ?? (def.freeForm ? { [def.freeForm]: String(raw) } : {})];
  });
}

// The first value given for each argument in `samples`, by path (`rules[].port` for fields of list items).
function firstValues(samples: unknown[], prefix = '', out = new Map<string, unknown>()): Map<string, unknown> {
  for (const sample of samples) {
    if (sample === null || typeof sample !== 'object' || Array.isArray(sample)) continue;
    for (const [key, value] of Object.entries(sample)) {
      const path = `${prefix}${key}`;
      if (!out.has(path)) out.set(path, value);
      const items = Array.isArray(value) ? value : [value];
      firstValues(items, Array.isArray(value) ? `${path}[].` : `${path}.`, out);
    }
  }
  return out;
}

// The object schema behind a property (itself, a list's items, or an option of a union), if it has properties.
function objectBehind(js: Json): Json | undefined {
  if (js.type === 'object' && js.properties) return js;
  if (js.type === 'array' && js.items) return objectBehind(js.items);
  for (const option of js.anyOf ?? []) {
    const found = objectBehind(option);
    if (found) return found;
  }
  return undefined;
}

function argumentTable(object: Json, prefix: string, examples: Map<string, unknown>, nested: { title: string; object: Json; prefix: string }[]): string[] {
  const required = new Set<string>(object.required ?? []);
  const rows = ['| Argument | Type | Required | Default | Example | Description |', '| --- | --- | --- | --- | --- | --- |'];
  for (const [name, js] of Object.entries(object.properties as Record<string, Json>)) {
    const path = `${prefix}${name}`;
    const example = examples.has(path) ? code(shortFlow(examples.get(path))) : '';
    const def = js.default !== undefined ? code(flowValue(js.default)) : '';
    rows.push(`| \`${name}\` | ${cell(describeType(js))} | ${required.has(name) ? 'yes' : ''} | ${cell(def)} | ${cell(example)} | ${cell(js.description ?? '')} |`);
    const inner = objectBehind(js);
    if (inner) nested.push({ title: js.type === 'array' || js.anyOf?.some((o: Json) => o.type === 'array') ? `Each item of \`${name}\`` : `\`${name}\``, object: inner, prefix: js.type === 'array' ? `${path}[].` : `${path}.` });
  }
  return rows;
}

/** One module's section of the reference. */
export function moduleSection(def: ModuleDef): string {
  const js = argsJsonSchema(def);
  const yamlText = moduleExamples(def);
  const examples = firstValues(yamlText ? exampleArgs(def, yamlText) : []);
  const out = [`## ${def.name}`, '', def.summary, ''];
  if (def.freeForm) out.push(`Free form: \`${def.name}: TEXT\` is \`${def.name}: { ${def.freeForm}: TEXT }\`.`, '');
  if (js.properties) {
    const nested: { title: string; object: Json; prefix: string }[] = [];
    out.push(...argumentTable(js, '', examples, nested), '');
    for (let i = 0; i < nested.length; i++) {
      out.push(`${nested[i].title}:`, '', ...argumentTable(nested[i].object, nested[i].prefix, examples, nested), '');
    }
  } else {
    const values = js.additionalProperties && Object.keys(js.additionalProperties).length > 0 ? describeType(js.additionalProperties) : 'any value';
    out.push(`Arguments: any \`name: value\` pairs (values: ${values}).${js.description ? ` ${js.description}.` : ''}`, '');
  }
  out.push(yamlText ? ['```yaml', yamlText.trimEnd(), '```'].join('\n') : `_No example yet (add src/modules/examples/${def.name}.yml, or give the module \`examples\`)._`, '');
  return out.join('\n');
}

/** docs/modules.md for the given modules (default: every registered one). */
export function moduleReference(modules: readonly ModuleDef[] = registeredModules()): string {
  const sorted = [...modules].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return [
    '# Module reference',
    '',
    '<!-- Generated from the modules\' zod schemas by `provision schema --docs` (src/schema/docs.ts); do not edit. -->',
    '',
    'A task names exactly one module and gives it arguments:',
    '',
    '- as a mapping (`service: { name: nginx, state: started }`), as `key=value` pairs (`service: name=nginx state=started`),',
    '  or, for a module with a free form, as one string (`command: systemctl is-active nginx`);',
    '- any argument may be a template (`"{{ var }}"`): it is checked after rendering, when the task runs;',
    '- a boolean argument also takes yes/no/on/off, a number argument a numeric string (`"22"`), as in Ansible;',
    '- a fully qualified name (`ansible.builtin.copy`) means the module of that last name.',
    '',
    'Some rules tie arguments together ("give exactly one of cmd or argv"); the descriptions say so, and',
    '`provision validate` checks them. Editors check the rest as you type with `schemas/playbook.json`.',
    '',
    '| Module | What it does |',
    '| --- | --- |',
    ...sorted.map((def) => `| [${def.name}](#${def.name}) | ${cell(def.summary)} |`),
    '',
    ...sorted.map(moduleSection),
  ]
    .join('\n')
    .replace(/\n+$/, '\n');
}
