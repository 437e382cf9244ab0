// The committed generated files (schemas/*.json, docs/modules.md) are exactly what the zod schemas give today, and
// every bundled playbook and inventory names its schema for editors and passes it under a standard validator (ajv).
import { describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, writeFile, cp } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import '../../../src/modules/index.js';
import { loadDefaultCollections } from '../../../src/collections/load.js';
import { DEFAULT_DOCS_FILE, generatedFiles, staleFiles, staleMessage } from '../../../src/schema/index.js';
import { parseYaml } from '../../../src/source/yaml-source.js';
import { compile, errorLines } from './validator.js';

// The generated files cover the bundled collection's modules and checkers too, as `provision schema` does.
await loadDefaultCollections();

describe('generated files', () => {
  it('schemas/*.json and docs/modules.md are current (regenerate: npm run build && npx provision schema --docs)', async () => {
    const stale = await staleFiles(generatedFiles({ docsFile: DEFAULT_DOCS_FILE }));
    expect(stale.length === 0 ? 'current' : staleMessage(stale)).toBe('current');
  });

  it('a stale file is named, with the command that fixes it', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'provision-schema-'));
    await cp('schemas', `${dir}/schemas`, { recursive: true });
    const file = `${dir}/schemas/inventory.json`;
    await writeFile(file, (await readFile(file, 'utf8')).replace('"hosts"', '"hostz"'));
    const stale = await staleFiles(generatedFiles({ schemaDir: `${dir}/schemas` }));
    expect(stale).toEqual([file]);
    expect(staleMessage(stale)).toBe(`out of date with the zod schemas: ${file}\n  fix: npm run build && npx provision schema --docs, and commit the result`);
  });
});

const BUNDLED = {
  // examples/custom-module/site.yml is left out: it uses a project-local module, which the built-in schema cannot know.
  playbook: ['playbooks/i2p-node.yml', 'playbooks/verify.yml'],
  inventory: ['inventories/example.yml'],
} as const;

describe('bundled playbooks and inventories under ajv', () => {
  for (const kind of ['playbook', 'inventory'] as const) {
    const validate = compile(JSON.parse(readFileSync(`schemas/${kind}.json`, 'utf8')));
    it.each(BUNDLED[kind])(`%s is a valid ${kind}`, (file) => {
      const parsed = parseYaml(readFileSync(file, 'utf8'), file);
      expect(parsed.problems).toEqual([]);
      validate(parsed.value);
      expect(errorLines(validate.errors)).toEqual([]);
    });
  }

  it.each([...BUNDLED.playbook.slice(0, 2), ...BUNDLED.inventory])('%s names its schema for editors on line 1', (file) => {
    const kind = file.startsWith('inventories/') ? 'inventory' : 'playbook';
    const schema = path.relative(path.dirname(file), `schemas/${kind}.json`);
    expect(readFileSync(file, 'utf8').split('\n')[0]).toBe(`# yaml-language-server: $schema=${schema}`);
  });

  it('the schema refuses an unknown module, an unknown argument and a bad enum, and takes the real thing', () => {
    const validate = compile(JSON.parse(readFileSync('schemas/playbook.json', 'utf8')));
    const ufw = (rule: Record<string, unknown>) => [{ hosts: 'all', tasks: [{ ufw: { rules: [rule] } }] }];
    expect(validate([{ hosts: 'all', tasks: [{ aptt: { name: 'i2pd' } }] }])).toBe(false);
    expect(validate(ufw({ direction: 'out', port: '9000:31000', prot: 'tcp' }))).toBe(false);
    expect(validate(ufw({ direction: 'outbound', port: '9000:31000', proto: 'tcp' }))).toBe(false);
    expect(validate(ufw({ direction: 'out', port: '9000:31000', proto: 'tcp' }))).toBe(true);
  });
});
