import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { run } from '../../../src/lab/run.js';

// Running: it exists and is not a zombie waiting to be reaped (the machine's PID 1 may reap late).
const running = (pid: number) => {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

describe('control-machine commands of the lab, stopped on abort', () => {
  it('kill the whole process group of a command that forks (as debootstrap does), not only the command', async () => {
    const abort = new AbortController();
    const done = run(['sh', '-c', 'sleep 30 >/dev/null 2>&1 & echo $!; wait'], { signal: abort.signal, group: true });
    // The background sleep's pid is the first line; give the shell a moment to print it.
    await new Promise((r) => setTimeout(r, 300));
    abort.abort();
    const r = await done;
    const child = Number(r.stdout.trim());
    expect(child).toBeGreaterThan(1);
    await new Promise((r) => setTimeout(r, 100));
    expect(running(child)).toBe(false);
  });
});
