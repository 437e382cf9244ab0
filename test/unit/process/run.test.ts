import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { runProcess } from '../../../src/process/run.js';

// Running: it exists and is not a zombie waiting to be reaped (the machine's PID 1 may reap late).
const running = (pid: number) => {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('running a program on the control machine', () => {
  it('gives its exit code, stdout and stderr, and passes arguments as they are (no shell)', async () => {
    const r = await runProcess(['sh', '-c', 'echo "$1"; echo err >&2; exit 3', 'sh', 'a b;$x']);
    expect(r).toEqual({ code: 3, stdout: 'a b;$x\n', stderr: 'err\n' });
  });

  it('feeds stdin and closes it; a Buffer arrives byte for byte', async () => {
    expect((await runProcess(['cat'], { stdin: 'hello' })).stdout).toBe('hello');
    const bytes = Buffer.from([0, 255, 128, 10]);
    const r = await runProcess(['od', '-An', '-tx1'], { stdin: bytes });
    expect(r.stdout.trim()).toBe('00 ff 80 0a');
  });

  it('gives a program that cannot be started code 127 and the reason on stderr, without throwing', async () => {
    const r = await runProcess(['/nonexistent/program']);
    expect(r.code).toBe(127);
    expect(r.stderr).toContain('ENOENT');
  });

  it('runs in the given folder with the given environment', async () => {
    const r = await runProcess(['sh', '-c', 'pwd; echo "$X"'], { cwd: '/', env: { X: 'set', PATH: '/usr/bin:/bin' } });
    expect(r.stdout).toBe('/\nset\n');
  });
});

describe('stopping a program', () => {
  it('kills it after timeoutMs and says it timed out', async () => {
    const r = await runProcess(['sleep', '30'], { timeoutMs: 100 });
    expect(r).toMatchObject({ code: null, signal: 'SIGKILL', timedOut: true });
  });

  it('kills it when the signal is aborted', async () => {
    const abort = new AbortController();
    const done = runProcess(['sleep', '30'], { signal: abort.signal });
    setTimeout(() => abort.abort(), 100);
    const r = await done;
    expect(r).toMatchObject({ code: null, signal: 'SIGKILL' });
    expect(r.timedOut).toBeUndefined();
  });

  it('kills it at once when the signal was aborted before it started', async () => {
    const started = Date.now();
    const r = await runProcess(['sleep', '30'], { signal: AbortSignal.abort() });
    expect(r.signal).toBe('SIGKILL');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('with group, kills everything the program started, not only the program', async () => {
    const abort = new AbortController();
    const done = runProcess(['sh', '-c', 'sleep 30 >/dev/null 2>&1 & echo $!; wait'], { signal: abort.signal, group: true });
    await sleep(300);
    abort.abort();
    const child = Number((await done).stdout.trim());
    expect(child).toBeGreaterThan(1);
    await sleep(100);
    expect(running(child)).toBe(false);
  });

  it('kills a program whose output passes maxOutputBytes and keeps the output up to the limit', async () => {
    const r = await runProcess(['sh', '-c', 'while :; do echo 0123456789; done'], { maxOutputBytes: 1000 });
    expect(r).toMatchObject({ code: null, signal: 'SIGKILL', outputLimited: true });
    expect(r.stdout.length).toBe(1000);
  });

  it('counts stderr towards maxOutputBytes too', async () => {
    const r = await runProcess(['sh', '-c', 'while :; do echo 0123456789 >&2; done'], { maxOutputBytes: 100 });
    expect(r.outputLimited).toBe(true);
    expect(r.stderr.length).toBe(100);
  });

  it('leaves output within maxOutputBytes alone', async () => {
    const r = await runProcess(['printf', '12345'], { maxOutputBytes: 5 });
    expect(r).toEqual({ code: 0, stdout: '12345', stderr: '' });
  });
});
