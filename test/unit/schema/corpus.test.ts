// The loader's fixtures, good and bad, judged by the JSON Schemas (with ajv) and by the loader: every problem the
// loader finds that a schema can express, the schema finds at the same line and column, and the schema never
// refuses what the loader accepts. The playbook schema is made for the modules the loader tests register (they use
// a `ping` module), exactly as `provision schema` makes it for the built-in ones.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { isUserError, ProvisionError, ProvisionErrors, type ProblemInfo } from '../../../src/errors.js';
import { loadInventory } from '../../../src/inventory/load.js';
import { loadPlaybook } from '../../../src/playbook/load.js';
import { parseYaml } from '../../../src/source/yaml-source.js';
import { playbookJsonSchema } from '../../../src/schema/playbook.js';
import { builtinModules, registerBuiltinModules } from '../../../src/modules/index.js';
import { registerTestModules } from '../playbook/test-modules.js';
import { compile, errorLines, errorPositions } from './validator.js';
import type { ValidateFunction } from 'ajv';

await registerTestModules();

/** The loader's problem codes whose badness is beyond a JSON Schema, and why. */
const BEYOND_A_SCHEMA: Record<string, string> = {
  yaml: 'YAML itself (syntax, duplicate keys, alias expansions): the YAML parser reports it before there is data to check',
  'condition-syntax': 'the expression language of when/until/changed_when/failed_when: to a schema a condition is a string',
  'unknown-handler': 'notify must name a handler of the same play: a reference from one part of the file to another',
  'vars-files': 'vars_files: the contents of other files, and templated paths, which the loader refuses in code',
  read: 'a file that is missing or unreadable',
  'import-cycle': 'a cycle of import_playbook: a property of several files',
  'inventory-cycle': 'a group that contains itself through its children: a property of the graph, not of one mapping',
  inventory: 'host ranges (web[3:1] counts down) and the vars files beside an inventory',
  // The bad-input corpus (test/fixtures/bad) adds these.
  binary: 'a NUL byte: the file is refused as not text before it is parsed',
  encoding: 'bytes that are not UTF-8: refused before there is text to parse',
  'control-character': 'a control character in the text: refused before it is parsed',
  'too-large': 'the size of a file',
  'template-syntax': 'the syntax of a {{ }} template inside a string: to a schema it is a string',
  'template-helper': 'the helpers a {{ }} template calls: to a schema it is a string',
  'shell-operator': 'a command line that would need a shell (|, >, &&): to a schema it is a string',
  'unclosed-quote': 'the quoting inside a command line: to a schema it is a string',
  'undefined-variable': 'a {{ variable }} that nothing defines: a reference across files and variable layers',
};

/**
 * Bad-input files the loader refuses (problem code `schema` or a module's own check) but the generated playbook
 * schema lets through: checks written as zod refinements, which have no JSON Schema form. When the schema learns
 * one, its test fails here: remove the entry.
 */
const SCHEMA_GAPS: Record<string, string> = {
  'playbook-loop-not-list.yml': 'loop as a string must hold a {{ }} template (a pattern could say it)',
  'playbook-mode-five-digits.yml': 'a mode is 3 or 4 octal digits (a refinement; a pattern could say it for strings)',
  'playbook-mode-not-octal.yml': 'a mode is 3 or 4 octal digits (a refinement; a pattern could say it)',
  'playbook-mode-symbolic.yml': 'symbolic modes are refused (a refinement; a pattern could say it)',
  'playbook-ufw-port-range-reversed.yml': 'a port range goes from low to high: JSON Schema cannot compare two numbers inside a string',
  'playbook-ufw-range-end-too-big.yml': 'each port of a range is at most 65535 (a refinement; only a very long pattern could say it)',
  'playbook-ufw-range-without-proto.yml': 'a port range needs proto tcp or udp (a refinement across two keys; if/then could say it)',
  'playbook-validate-without-placeholder.yml': 'validate must contain %s (a module check; a pattern could say it)',
};

/** How each fixture is judged; the ones the loader alone rejects are explained in BEYOND_A_SCHEMA. */
const PLAYBOOK_VERDICTS: Record<string, string> = {
  'site.yml': 'valid for both',
  'many-problems.yml': 'rejected by both (also: condition-syntax, unknown-handler)',
  'single-play.yml': 'rejected by both',
  'unsupported.yml': 'rejected by both',
  // Files the extra-vars tests use: not playbooks, and both say so.
  'extra-vars.yml': 'rejected by both',
  'extra-vars-list.yml': 'rejected by both',
  'broken.yml': 'not YAML (yaml)',
  'duplicate-key.yml': 'not YAML (yaml)',
  'alias-bomb.yml': 'not YAML (yaml)',
  // Its problems are in the vars files it names (missing, not a mapping) and in a templated path.
  'bad-vars-files.yml': 'rejected by the loader only (another file, read, vars-files)',
};

const INVENTORY_VERDICTS: Record<string, string> = {
  'basic/inventory.yml': 'valid for both',
  'bad/bad-port.yml': 'rejected by both',
  'bad/unknown-key.yml': 'rejected by both',
  'bad/broken.yml': 'not YAML (yaml)',
  'bad/bad-range.yml': 'rejected by the loader only (inventory)',
  'bad/cycle.yml': 'rejected by the loader only (inventory-cycle)',
  // Its problems are in group_vars/all.yml (ansible_port: 99999) and host_vars/h1.yml (broken YAML): vars files,
  // which carry no schema (a schema for them would say "any mapping" and little else).
  'bad-group-vars/inventory.yml': 'rejected by the loader only (another file)',
  // bad/ini.ini is in Ansible's INI format: the schema describes the YAML format only.
};

interface Judgement {
  verdict: string;
  /** Problems the loader found and a schema could express, which the schema did not find at their position. */
  missed: string[];
  schemaErrors: string[];
}

async function loaderProblems(load: Promise<unknown>): Promise<ProblemInfo[]> {
  try {
    await load;
    return [];
  } catch (e) {
    if (e instanceof ProvisionErrors) return e.problems;
    if (e instanceof ProvisionError) return [e.problem];
    if (isUserError(e)) return [{ what: e.message }];
    throw e;
  }
}

async function judge(file: string, validate: ValidateFunction, load: Promise<unknown>): Promise<Judgement> {
  const problems = await loaderProblems(load);
  const beyond = (p: ProblemInfo) => ((p.where?.file ?? file) !== file ? 'another file' : p.code && BEYOND_A_SCHEMA[p.code] ? p.code : undefined);
  const expressible = problems.filter((p) => beyond(p) === undefined);
  const reasons = [...new Set(problems.map(beyond).filter((r): r is string => r !== undefined))].sort();
  const parsed = parseYaml(readFileSync(file, 'utf8'), file);
  if (parsed.problems.length > 0) return { verdict: `not YAML (${reasons.join(', ')})`, missed: expressible.map((p) => p.what), schemaErrors: [] };
  const valid = validate(parsed.value);
  const found = errorPositions(parsed.source, parsed.value, validate.errors);
  const missed = expressible.filter((p) => !found.has(`${p.where?.line}:${p.where?.col}`)).map((p) => `${p.where?.line}:${p.where?.col}: ${p.what}`);
  const also = reasons.length > 0 ? ` (${reasons.join(', ')})` : '';
  const verdict =
    problems.length === 0 ? (valid ? 'valid for both' : 'rejected by the schema only') : valid ? `rejected by the loader only${also}` : `rejected by both${also ? ` (also: ${reasons.join(', ')})` : ''}`;
  return { verdict, missed, schemaErrors: errorLines(validate.errors) };
}

const ymlFiles = (dir: string, sub = ''): string[] =>
  readdirSync(`${dir}/${sub}`, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? (['vars', 'group_vars', 'host_vars'].includes(e.name) ? [] : ymlFiles(dir, `${sub}${e.name}/`)) : e.name.endsWith('.yml') ? [`${sub}${e.name}`] : [],
  );

describe('the playbook fixtures, judged by the playbook schema and by the loader', () => {
  const dir = 'test/fixtures/playbooks';
  const validate = compile(playbookJsonSchema());
  const files = ymlFiles(dir);

  it('has the fixtures this test explains', () => {
    expect(files).toEqual(expect.arrayContaining(Object.keys(PLAYBOOK_VERDICTS)));
  });

  it.each(Object.entries(PLAYBOOK_VERDICTS))('%s: %s', async (name, verdict) => {
    const j = await judge(`${dir}/${name}`, validate, loadPlaybook(`${dir}/${name}`));
    expect(j.verdict).toBe(verdict);
  });

  // Every fixture, including ones added later: the schema finds what it can, and refuses nothing the loader takes.
  it.each(files)('%s: every problem a schema can express is found by the schema at the same line and column', async (name) => {
    const j = await judge(`${dir}/${name}`, validate, loadPlaybook(`${dir}/${name}`));
    expect({ missed: j.missed, schemaOnly: j.verdict === 'rejected by the schema only' ? j.schemaErrors : [] }).toEqual({ missed: [], schemaOnly: [] });
  });
});

describe('the inventory fixtures, judged by schemas/inventory.json and by the loader', () => {
  const dir = 'test/fixtures/inventories';
  const validate = compile(JSON.parse(readFileSync('schemas/inventory.json', 'utf8')));
  const files = ymlFiles(dir);

  it('has the fixtures this test explains', () => {
    expect(files).toEqual(expect.arrayContaining(Object.keys(INVENTORY_VERDICTS)));
  });

  it.each(Object.entries(INVENTORY_VERDICTS))('%s: %s', async (name, verdict) => {
    const j = await judge(`${dir}/${name}`, validate, loadInventory(`${dir}/${name}`));
    expect(j.verdict).toBe(verdict);
  });

  it.each(files)('%s: every problem a schema can express is found by the schema at the same line and column', async (name) => {
    const j = await judge(`${dir}/${name}`, validate, loadInventory(`${dir}/${name}`));
    expect({ missed: j.missed, schemaOnly: j.verdict === 'rejected by the schema only' ? j.schemaErrors : [] }).toEqual({ missed: [], schemaOnly: [] });
  });
});

// The bad-input corpus (test/unit/bad-input.test.ts pins its messages): each file is refused by the loader, and by
// the schema too unless every problem the loader finds is beyond a schema (BEYOND_A_SCHEMA, or in another file).
describe('the bad-input corpus, judged by the schemas and by the loader', () => {
  const dir = 'test/fixtures/bad';
  const playbooks = readdirSync(dir).filter((n) => n.startsWith('playbook-'));
  // A folder holds an inventory with its group_vars/ or host_vars/.
  const inventories = readdirSync(dir)
    .filter((n) => n.startsWith('inventory-'))
    .map((n) => (n.endsWith('.yml') ? n : `${n}/inventory.yml`));
  // Judged with the real modules, as `provision run` loads them and as `provision schema` describes them.
  const validatePlaybook = compile(playbookJsonSchema(builtinModules));
  const validateInventory = compile(JSON.parse(readFileSync('schemas/inventory.json', 'utf8')));
  beforeAll(registerBuiltinModules);
  afterAll(registerTestModules);

  async function verdict(file: string, validate: ValidateFunction, load: Promise<unknown>): Promise<string> {
    const problems = await loaderProblems(load);
    if (problems.length === 0) return 'accepted by the loader';
    const beyond = problems.filter((p) => (p.where?.file ?? file) !== file || (p.code !== undefined && Object.hasOwn(BEYOND_A_SCHEMA, p.code)));
    if (beyond.length === problems.length) return 'rejected';
    const parsed = parseYaml(readFileSync(file, 'utf8'), file);
    if (parsed.problems.length > 0) return `rejected, but not YAML to the schema though the loader's problems are not about YAML: ${problems.map((p) => p.code).join(', ')}`;
    if (validate(parsed.value)) return `rejected by the loader only: ${problems.map((p) => `${p.code}: ${p.what}`).join('; ')}`;
    return 'rejected';
  }

  it('has playbooks and inventories to judge', () => {
    expect([playbooks.length, inventories.length]).toEqual([expect.any(Number), expect.any(Number)]);
    expect(playbooks.length + inventories.length).toBeGreaterThanOrEqual(40);
  });

  it('names only fixtures that exist as schema gaps', () => {
    expect(playbooks).toEqual(expect.arrayContaining(Object.keys(SCHEMA_GAPS)));
  });

  it.each(playbooks.filter((n) => !Object.hasOwn(SCHEMA_GAPS, n)))('%s: refused by the loader, and by the playbook schema where one can say it', async (name) => {
    expect(await verdict(`${dir}/${name}`, validatePlaybook, loadPlaybook(`${dir}/${name}`))).toBe('rejected');
  });

  it.each(Object.entries(SCHEMA_GAPS))('%s: refused by the loader only, a known gap of the schema: %s', async (name) => {
    expect(await verdict(`${dir}/${name}`, validatePlaybook, loadPlaybook(`${dir}/${name}`))).toMatch(/^rejected by the loader only: /);
  });

  it.each(inventories)('%s: refused by the loader, and by schemas/inventory.json where one can say it', async (name) => {
    expect(await verdict(`${dir}/${name}`, validateInventory, loadInventory(`${dir}/${name}`))).toBe('rejected');
  });
});
