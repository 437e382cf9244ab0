// Property test over the loaders: the bundled playbook and inventory, mutated at random (lines deleted, duplicated,
// swapped, re-indented; characters YAML cares about inserted), and random YAML documents, always give either a
// loaded result or user errors that each name a file and a line; never another exception, never a long wait.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { ProvisionError, ProvisionErrors, type ProblemInfo } from '../../src/errors.js';
import { loadInventoryFromString } from '../../src/inventory/load.js';
import { loadPlaybookFromString } from '../../src/playbook/load.js';
import { builtinModules } from '../../src/modules/index.js';
import { objectKeysAt } from '../../src/source/yaml-source.js';

const PLAYBOOK = 'playbooks/i2p-node.yml';
const INVENTORY = 'inventories/example.yml';
const playbookText = readFileSync(PLAYBOOK, 'utf8');
const inventoryText = readFileSync(INVENTORY, 'utf8');

/**
 * The longest one load may take: the bundled playbook loads in ~40 ms, but a shared 2-core machine under load
 * has been seen to take 3 s for a first load. A blow-up (an exponential parse, an endless loop) takes far longer.
 */
const MAX_MS = Number(process.env.FUZZ_MAX_MS ?? 8000);
/**
 * Runs per property, so that the whole file runs in well under 15 s on a loaded 2-core machine: a mutated bundled
 * playbook costs ~40-100 ms a load, the rest a few ms. FUZZ_RUNS=2000 for a long hunt (one was run: no crash).
 */
const RUNS = process.env.FUZZ_RUNS ? Number(process.env.FUZZ_RUNS) : undefined;
const runs = (n: number) => ({ numRuns: RUNS ?? n });
const TIMEOUT = Math.max(60_000, (RUNS ?? 0) * 1000);

/** What a load gave: the problems of a user error (none when it loaded), or the exception that is a bug. */
async function outcome(load: () => Promise<unknown>): Promise<{ problems: ProblemInfo[]; ms: number }> {
  const t0 = performance.now();
  let problems: ProblemInfo[] = [];
  try {
    await load();
  } catch (e) {
    if (e instanceof ProvisionErrors) problems = e.problems;
    else if (e instanceof ProvisionError) problems = [e.problem];
    else throw e; // a crash: fast-check shrinks the input and reports it
  }
  return { problems, ms: performance.now() - t0 };
}

/** Problems that do not say where: each must name a file and a line. */
function unplaced(problems: ProblemInfo[]): ProblemInfo[] {
  return problems.filter((p) => p.where?.file === undefined || p.where.line === undefined || p.what.includes('    at '));
}

// Text YAML reacts to: indicators, quotes, tabs, template braces, anchors, tags, a NUL, a BOM, a control character.
const nasty = fc.constantFrom('\t', '"', "'", ':', ': ', '- ', '-', '{', '}', '[', ']', ',', '&a', '*a', '!', '!!str ', '|', '>', '#', '%', '@', '`', '?', '<<: ', '{{', '}}', '{{ x }}', '\n', '\r\n', ' ', '  ', '\0', '\ufeff', '\u0007', 'é', '0644', 'yes', '~', 'null', '---\n', '...\n');
const insertText = fc.oneof(nasty, fc.string({ maxLength: 8 }), fc.array(nasty, { minLength: 1, maxLength: 4 }).map((a) => a.join('')));

type Op =
  | { op: 'delete' | 'duplicate'; at: number }
  | { op: 'swap'; at: number; with: number }
  | { op: 'indent'; at: number; by: number }
  | { op: 'insert'; at: number; col: number; text: string };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constantFrom('delete' as const, 'duplicate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('swap' as const), at: fc.nat(), with: fc.nat() }),
  fc.record({ op: fc.constant('indent' as const), at: fc.nat(), by: fc.integer({ min: -4, max: 4 }) }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), col: fc.nat(), text: insertText }),
);

/** Applies line edits to a text; indexes wrap around, so every op lands somewhere. */
function mutate(text: string, ops: Op[]): string {
  const lines = text.split('\n');
  for (const o of ops) {
    if (lines.length === 0) lines.push('');
    const i = o.at % lines.length;
    if (o.op === 'delete') lines.splice(i, 1);
    else if (o.op === 'duplicate') lines.splice(i, 0, lines[i]);
    else if (o.op === 'swap') {
      const j = o.with % lines.length;
      [lines[i], lines[j]] = [lines[j], lines[i]];
    } else if (o.op === 'indent') lines[i] = o.by >= 0 ? ' '.repeat(o.by) + lines[i] : lines[i].replace(new RegExp(`^ {0,${-o.by}}`), '');
    else if (o.op === 'insert') {
      const c = o.col % (lines[i].length + 1);
      lines[i] = lines[i].slice(0, c) + o.text + lines[i].slice(c);
    }
  }
  return lines.join('\n');
}

const mutations = fc.array(op, { minLength: 1, maxLength: 6 });

// Plain data shaped a little like the files (so that some of it gets past the parser to the schemas), as YAML.
const yamlOf = (v: unknown) => {
  try {
    return stringify(v);
  } catch {
    return String(v);
  }
};
// Keys a task may have, every module's name, and names that are also properties of every JS object.
const taskKey = fc.oneof(
  fc.constantFrom(...builtinModules.map((m) => m.name), 'ansible.builtin.copy', 'name', 'when', 'loop', 'with_items', 'notify', 'register', 'vars', 'args', 'until', 'retries', 'tags', 'loop_control', 'become'),
  fc.constantFrom('constructor', 'toString', 'hasOwnProperty', 'valueOf', 'x'),
  fc.string({ maxLength: 6 }),
);
// Module arguments: each module's own argument names, with any value.
const argKey = fc.oneof(fc.constantFrom(...new Set(builtinModules.flatMap((m) => objectKeysAt(m.args, []) ?? []))), fc.constantFrom('constructor', 'toString'), fc.string({ maxLength: 6 }));
const argValue = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.dictionary(argKey, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }), fc.constantFrom('{{ x }}', '{{#if x}}', '0644', '31000:9000', 'yes', '%s', 'a | b'));
const taskLike = fc.dictionary(taskKey, fc.oneof(fc.dictionary(argKey, argValue, { maxKeys: 5 }), argValue), { minKeys: 1, maxKeys: 4 });
const playLike = fc.record(
  {
    hosts: fc.oneof(fc.constant('all'), fc.jsonValue()),
    tasks: fc.oneof(fc.array(taskLike, { maxLength: 4 }), fc.jsonValue()),
    handlers: fc.array(taskLike, { maxLength: 2 }),
    vars: fc.jsonValue(),
    become: fc.jsonValue(),
    serial: fc.jsonValue(),
  },
  { requiredKeys: [] },
);
const groupLike = fc.letrec<{ group: unknown }>((tie) => ({
  group: fc.record(
    { hosts: fc.oneof(fc.dictionary(fc.string({ maxLength: 12 }), fc.oneof(fc.constant(null), fc.dictionary(fc.constantFrom('address', 'port', 'user', 'ansible_port', 'x'), fc.jsonValue(), { maxKeys: 3 }))), fc.jsonValue()), vars: fc.jsonValue(), children: fc.oneof(fc.dictionary(fc.string({ maxLength: 8 }), tie('group'), { maxKeys: 2, depthIdentifier: 'g' }), fc.jsonValue()) },
    { requiredKeys: [] },
  ),
}));
const randomPlaybookYaml = fc.oneof(fc.jsonValue().map(yamlOf), fc.array(playLike, { maxLength: 3 }).map(yamlOf), fc.string({ unit: 'binary', maxLength: 200 }));
const randomInventoryYaml = fc.oneof(fc.jsonValue().map(yamlOf), fc.record({ all: groupLike.group }).map(yamlOf), fc.string({ unit: 'binary', maxLength: 200 }));

async function propertyHolds(load: () => Promise<unknown>): Promise<void> {
  const { problems, ms } = await outcome(load);
  expect(unplaced(problems)).toEqual([]);
  expect(ms).toBeLessThan(MAX_MS);
}

describe('the playbook loader, fed mutated and random text', () => {
  it('loads the bundled playbook as it is (the mutations start from a valid file)', async () => {
    expect((await outcome(() => loadPlaybookFromString(playbookText, PLAYBOOK))).problems).toEqual([]);
  });

  it('gives a playbook or placed user errors for any mutation of the bundled playbook', async () => {
    await fc.assert(fc.asyncProperty(mutations, async (ops) => propertyHolds(() => loadPlaybookFromString(mutate(playbookText, ops), PLAYBOOK))), runs(40));
  }, TIMEOUT);

  it('gives a playbook or placed user errors for random YAML', async () => {
    await fc.assert(fc.asyncProperty(randomPlaybookYaml, async (text) => propertyHolds(() => loadPlaybookFromString(text, 'random.yml'))), runs(100));
  }, TIMEOUT);
});

describe('the inventory loader, fed mutated and random text', () => {
  it('loads the bundled inventory as it is', async () => {
    expect((await outcome(() => loadInventoryFromString(inventoryText, INVENTORY))).problems).toEqual([]);
  });

  it('gives an inventory or placed user errors for any mutation of the bundled inventory', async () => {
    await fc.assert(fc.asyncProperty(mutations, async (ops) => propertyHolds(() => loadInventoryFromString(mutate(inventoryText, ops), INVENTORY))), runs(150));
  }, TIMEOUT);

  it('gives an inventory or placed user errors for random YAML', async () => {
    await fc.assert(fc.asyncProperty(randomInventoryYaml, async (text) => propertyHolds(() => loadInventoryFromString(text, 'random.yml'))), runs(150));
  }, TIMEOUT);
});
