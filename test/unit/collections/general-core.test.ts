// src/ is a general core: the only place it names the Bitcoin/I2P domain is the list of bundled collections.
import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Every file under `dir`, recursively. */
function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));
}

describe('src/', () => {
  it('names Bitcoin or I2P only in the bundled collections list', () => {
    const naming = files('src').filter((f) => /bitcoin|i2p/i.test(readFileSync(f, 'utf8')));
    expect(naming).toEqual(['src/collections/defaults.ts']);
  });
});
