import { describe, expect, it } from '@jest/globals';
import { applyPatch } from 'diff';
import { unifiedDiff } from '../../../src/report/diff.js';

describe('unified diffs for --diff', () => {
  it('name the file and show one changed line with its context', () => {
    expect(unifiedDiff('/etc/x', 'a\nb\nc\n', 'a\nB\nc\n')).toBe('--- /etc/x (before)\n+++ /etc/x (after)\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c');
  });

  it('mark a missing final newline', () => {
    expect(unifiedDiff('/f', '', 'one')).toContain('+one\n\\ No newline at end of file');
  });
});

// Applied by an independent reader of the format (jsdiff's strict parser and applier, no fuzz), not by patch(1):
// a unit test must not depend on what the machine has installed.
describe('a unified diff applied to the old text gives back the new text', () => {
  // A seeded generator (MINSTD), so a failure reproduces; few distinct lines, so texts share many lines.
  let seed = 42;
  const randomInt = (lo: number, hi: number) => lo + ((seed = (seed * 48271) % 2147483647) % (hi - lo));
  const randomText = () => {
    const lines = Array.from({ length: randomInt(0, 12) }, () => ['a', 'b', 'c', ''][randomInt(0, 4)]);
    return lines.join('\n') + (randomInt(0, 3) ? '\n' : '');
  };

  it('for 150 pseudo-random pairs of texts', () => {
    for (let n = 0; n < 150; n++) {
      const before = randomText();
      const after = randomText();
      if (before === after) continue;
      const got = applyPatch(before, unifiedDiff('f', before, after) + '\n', { fuzzFactor: 0 });
      expect({ before, after, got }).toEqual({ before, after, got: after });
    }
  });
});
