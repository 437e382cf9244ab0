// docs/library.md shows the example project's files as they are, and names every export of the package.
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';

const DOC = readFileSync('docs/library.md', 'utf8');

describe('docs/library.md', () => {
  const blocks = [...DOC.matchAll(/^```\w+ ((?:examples|collections)\/\S+)\n([\s\S]*?)^```$/gm)].map((m) => ({ file: m[1], body: m[2] }));

  it('shows the three files of examples/custom-module and the bundled collection\'s entry and checkers', () => {
    expect(blocks.map((b) => b.file)).toEqual(['examples/custom-module/site.ts', 'examples/custom-module/modules/kv_line.ts', 'examples/custom-module/site.yml', 'collections/bitcoin_i2p/index.ts', 'collections/bitcoin_i2p/checkers.ts']);
  });

  it.each(blocks.map((b) => [b.file, b] as const))('shows %s exactly as it is', (_file, b) => {
    expect(b.body).toBe(readFileSync(b.file, 'utf8').replace(/\n*$/, '\n'));
  });

  it('names every export of src/index.ts', () => {
    const exported = [...readFileSync('src/index.ts', 'utf8').matchAll(/export (?:type )?\{([^}]*)\}/g)]
      .flatMap((m) => m[1].split(','))
      .map((s) => s.trim().replace(/^type /, '').split(/\s+as\s+/).pop()!)
      .filter(Boolean);
    expect(exported.length).toBeGreaterThan(30);
    expect(exported.filter((name) => !DOC.includes(`\`${name}`) && !DOC.includes(` ${name}`))).toEqual([]);
  });
});
