// How the CLI prints a user error: text it quotes from the user's input or a host (a host pattern, a file, a
// script's stderr) shows its control characters escaped, so it cannot retitle or clear the operator's terminal.
import { describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CLI } from '../../helpers/cli.js';

const run = promisify(execFile);

describe('a user error on the terminal', () => {
  it('shows the control characters of what it quotes escaped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'provision-error-output-'));
    try {
      writeFileSync(join(dir, 'pb.yml'), '- hosts: all\n  gather_facts: false\n  tasks:\n    - debug: { msg: hi }\n');
      const r = await run('node', [CLI, 'run', join(dir, 'pb.yml'), '-i', 'x,', '--limit', 'zz\x1b]0;title\x07']).catch((e: { code: number; stderr: string }) => e);
      expect(r.stderr).toContain('--limit "zz\\x1b]0;title\\x07" matches nothing');
      // eslint-disable-next-line no-control-regex
      expect(r.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f]/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
