import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderFileDiff, unifiedDiff } from '../../../../src/modules/files/diff.js';
import { tempDir } from '../../../helpers/module-harness.js';

const labels = { from: 'a', to: 'b' };

describe('unified diff', () => {
  it('is empty for equal texts', () => {
    expect(unifiedDiff('x\n', 'x\n', labels)).toBe('');
  });

  it('shows one changed line with three lines of context, like diff -u', () => {
    const before = 'a\nb\nc\nd\ne\nf\ng\nh\n';
    const after = 'a\nb\nc\nd\nE\nf\ng\nh\n';
    expect(unifiedDiff(before, after, labels)).toBe('--- a\n+++ b\n@@ -2,7 +2,7 @@\n b\n c\n d\n-e\n+E\n f\n g\n h\n');
  });

  it('creates a file from nothing and marks a missing final newline', () => {
    expect(unifiedDiff('', 'one\ntwo', labels)).toBe('--- a\n+++ b\n@@ -0,0 +1,2 @@\n+one\n+two\n\\ No newline at end of file\n');
  });

  it('treats adding a final newline as a change of the last line', () => {
    expect(unifiedDiff('x', 'x\n', labels)).toBe('--- a\n+++ b\n@@ -1 +1 @@\n-x\n\\ No newline at end of file\n+x\n');
  });

  it('labels a plan diff with before:/after: and the path', () => {
    expect(renderFileDiff({ path: '/etc/x', before: 'a\n', after: 'b\n' })).toBe('--- before: /etc/x\n+++ after: /etc/x\n@@ -1 +1 @@\n-a\n+b\n');
  });

  it('shows the differing middle of very large texts as replaced instead of building a huge table', () => {
    const before = Array.from({ length: 3000 }, (_, i) => `old ${i}`).join('\n') + '\n';
    const after = Array.from({ length: 3000 }, (_, i) => `new ${i}`).join('\n') + '\n';
    const lines = unifiedDiff(`head\n${before}tail\n`, `head\n${after}tail\n`, labels).split('\n');
    expect(lines.slice(0, 4)).toEqual(['--- a', '+++ b', '@@ -1,3002 +1,3002 @@', ' head']);
    expect(lines.filter((l) => l.startsWith('-old')).length).toBe(3000);
    expect(lines[3004]).toBe('+new 0');
  });
});

describe('unified diff applied by patch(1) gives back the new text', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => ({ dir, cleanup } = await tempDir()));
  afterAll(() => cleanup());

  // A seeded generator, so a failure reproduces; few distinct lines, so texts share many lines.
  let seed = 42; // MINSTD: exact in doubles
  const randomInt = (lo: number, hi: number) => lo + ((seed = (seed * 48271) % 2147483647) % (hi - lo));
  const randomText = () => {
    const lines = Array.from({ length: randomInt(0, 12) }, () => ['a', 'b', 'c', ''][randomInt(0, 4)]);
    return lines.join('\n') + (randomInt(0, 3) ? '\n' : '');
  };

  it('for a line that lost its newline at the end', () => {
    writeFileSync(join(dir, 'f'), 'b\na');
    writeFileSync(join(dir, 'p'), unifiedDiff('b\na', 'b', labels));
    execFileSync('patch', ['-s', '-f', join(dir, 'f'), join(dir, 'p')]);
    expect(readFileSync(join(dir, 'f'), 'utf8')).toBe('b');
  });

  it('for 150 pseudo-random pairs of texts', () => {
    for (let n = 0; n < 150; n++) {
      const before = randomText();
      const after = randomText();
      const diff = unifiedDiff(before, after, labels);
      if (before === after) continue;
      writeFileSync(join(dir, 'f'), before);
      writeFileSync(join(dir, 'p'), diff);
      execFileSync('patch', ['-s', '-f', join(dir, 'f'), join(dir, 'p')]);
      expect({ before, after, got: readFileSync(join(dir, 'f'), 'utf8') }).toEqual({ before, after, got: after });
    }
  });
});
