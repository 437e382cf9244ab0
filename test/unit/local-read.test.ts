import { describe, expect, it } from '@jest/globals';
import { statSync } from 'node:fs';
import { readLocalFile } from '../../src/local-read.js';

const refusal = (promise: Promise<unknown>) => promise.then(() => 'no error', (e: Error) => e.message);

describe('readLocalFile', () => {
  it('bounds a file by the bytes it reads, not by the size stat reports (0 for /proc files)', async () => {
    expect(statSync('/proc/self/status').size).toBe(0);
    expect(await refusal(readLocalFile('/proc/self/status', { what: 'vars file', maxBytes: 100 }))).toBe(
      'vars file /proc/self/status is too large: more than 100 bytes (provision reads a vars file up to 100 bytes)',
    );
  });

  it('returns every byte of a file within the bound', async () => {
    const whole = await readLocalFile('/proc/self/status', { what: 'vars file', maxBytes: 1 << 20 });
    expect(whole.toString('utf8')).toMatch(/^Name:[^]*\nPid:\s+\d+\n[^]*\n$/);
  });

  it('reads /dev/null as an empty file, the usual way to name one (UserKnownHostsFile=/dev/null)', async () => {
    expect(await readLocalFile('/dev/null', { what: 'known_hosts file', maxBytes: 100 })).toEqual(Buffer.alloc(0));
  });

  it('names a missing file as not found', async () => {
    expect(await refusal(readLocalFile('/nonexistent/x.yml', { what: 'vars file', maxBytes: 100 }))).toBe('vars file not found: /nonexistent/x.yml');
  });
});
