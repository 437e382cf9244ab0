// The layering written in docs/architecture.md, checked by dependency-cruiser (.dependency-cruiser.cjs).
import { describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

const root = resolve(import.meta.dirname, '../..');
const depcruise = resolve(root, 'node_modules/.bin/depcruise');
const config = resolve(root, '.dependency-cruiser.cjs');

/** The rule names dependency-cruiser reports for the given folders, run from `cwd`. */
async function violations(cwd: string, folders: string[]): Promise<string[]> {
  const run = await promisify(execFile)(depcruise, [...folders, '--config', config, '--output-type', 'json'], { cwd, maxBuffer: 64 << 20 }).catch((e) => e);
  const out = JSON.parse(run.stdout) as { summary: { violations: { rule: { name: string }; from: string; to: string }[] } };
  return out.summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`).sort();
}

describe('the layering of src/ and collections/', () => {
  it('holds: no import runs against the layers, no circles, collections use only the public API', async () => {
    expect(await violations(root, ['src', ...(existsSync(resolve(root, 'collections')) ? ['collections'] : [])])).toEqual([]);
  }, 120_000);

  it('is checked: an upward import, a circle and a collection reaching into src/ are each reported', async () => {
    expect(await violations(resolve(root, 'test/fixtures/layering'), ['src', 'collections'])).toEqual([
      'collections-use-the-public-api: collections/demo/index.ts -> src/cli/main.ts',
      'no-circular: src/runner/a.ts -> src/runner/b.ts',
      'no-upward-from-base: src/errors.ts -> src/cli/main.ts',
    ]);
  }, 120_000);
});
