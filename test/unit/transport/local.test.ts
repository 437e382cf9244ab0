import { describe, expect, it } from '@jest/globals';
import { ShellText } from '../../../src/shell/quote.js';
import { LocalTransport } from '../../../src/transport/local.js';

const local = new LocalTransport();

describe('the local transport', () => {
  it('runs shell text with its stdin and gives the exit code and output, counting one round trip each', async () => {
    const before = local.roundTrips;
    const r = await local.exec(new ShellText('cat; echo err >&2; exit 2'), { stdin: 'in' });
    expect(r).toEqual({ stdout: 'in', stderr: 'err\n', code: 2 });
    expect(local.roundTrips).toBe(before + 1);
  });

  it('resolves a command that outlives its timeout as timed out and killed', async () => {
    const r = await local.exec(new ShellText('sleep 30'), { timeoutMs: 100 });
    expect(r).toEqual({ stdout: '', stderr: '', code: null, signal: 'SIGKILL', timedOut: true });
  });

  it('kills a command at once when the run was interrupted before it started', async () => {
    const started = Date.now();
    const r = await local.exec(new ShellText('sleep 30'), { signal: AbortSignal.abort() });
    expect(r.code).toBeNull();
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
