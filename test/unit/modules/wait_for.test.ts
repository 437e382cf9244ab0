import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join as joinPath } from 'node:path';
import { timeoutMessage, wait_for, waitScript } from '../../../src/modules/wait_for.js';
import { join, sh } from '../../../src/shell/quote.js';
import { LocalTransport } from '../../../src/transport/local.js';
import { runModule, tempDir, testContext } from '../../helpers/module-harness.js';

// This machine has no nc, so the port checks below go through the bash /dev/tcp fallback; one test fakes nc.
async function listen(): Promise<{ server: Server; port: number }> {
  const server = createServer((s) => s.destroy());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as { port: number }).port };
}
async function freePort(): Promise<number> {
  const { server, port } = await listen();
  await new Promise((r) => server.close(r));
  return port;
}

describe('wait_for', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ dir, cleanup } = await tempDir()));
  afterEach(() => cleanup());

  it('returns once a port accepts connections, changing nothing, in check mode too', async () => {
    const { server, port } = await listen();
    try {
      for (const check of [false, true]) {
        const r = await runModule(wait_for, { port, timeout: 5 }, { check });
        expect([r.failed, r.changed, r.applied.length]).toEqual([false, false, 1]);
        expect(r.result).toMatchObject({ state: 'started', port, host: '127.0.0.1', elapsed: 0 });
      }
    } finally {
      server.close();
    }
  });

  it('waits for a port that opens later', async () => {
    const port = await freePort();
    const server = createServer((s) => s.destroy());
    setTimeout(() => server.listen(port, '127.0.0.1'), 1200);
    try {
      const r = await runModule(wait_for, { port, timeout: 10, sleep: 0.5 });
      expect(r.failed).toBe(false);
      expect(r.result.elapsed).toBeGreaterThanOrEqual(1);
    } finally {
      server.close();
    }
  });

  it('fails with a clear message when the port stays closed', async () => {
    const port = await freePort();
    const r = await runModule(wait_for, { port, timeout: 1, sleep: 0.2 });
    expect(r.failed).toBe(true);
    expect(r.message).toBe(`wait up to 1 s for 127.0.0.1:${port} (started): exit code 1\ntimed out after 1 s waiting for port 127.0.0.1:${port} to accept connections`);
  });

  it('state stopped succeeds on a closed port', async () => {
    const r = await runModule(wait_for, { port: await freePort(), state: 'stopped', timeout: 2 });
    expect(r.failed).toBe(false);
  });

  it('waits for a path to appear, and for it to go away', async () => {
    const path = joinPath(dir, `it's "$(x)"`);
    setTimeout(() => void writeFile(path, ''), 800);
    expect((await runModule(wait_for, { path, timeout: 10, sleep: 0.2 })).failed).toBe(false);
    const gone = await runModule(wait_for, { path, state: 'absent', timeout: 1, sleep: 0.2, msg: 'still there' });
    expect(gone.message).toBe(`wait up to 1 s for ${path} (absent): exit code 1\nstill there`);
  });

  it('uses nc -z when the host has it', async () => {
    const fake = joinPath(dir, 'nc');
    await writeFile(fake, `#!/bin/sh\necho "$@" > '${dir}/args'\n`);
    await chmod(fake, 0o755);
    const a = wait_for.args.parse({ port: 8333, host: 'node.example', timeout: 2 });
    const r = await new LocalTransport().exec(join([sh`PATH=${dir}:"$PATH"`, waitScript(a)]));
    expect(r.code).toBe(0);
    expect(await readFile(joinPath(dir, 'args'), 'utf8')).toBe('-z -w 1 node.example 8333\n');
  });

  it('needs exactly one of port or path, and describes its default messages', () => {
    expect(wait_for.args.safeParse({}).error!.issues[0].message).toBe('give exactly one of port or path');
    expect(timeoutMessage(wait_for.args.parse({ path: '/run/x.pid', state: 'absent', timeout: 3 }))).toBe('timed out after 3 s waiting for /run/x.pid to be removed');
  });

  it('accepts no wait longer than a week, so that its guard fits the longest timer Node can hold', () => {
    for (const key of ['timeout', 'delay', 'sleep']) expect(wait_for.args.safeParse({ port: 8333, [key]: 604801 }).success).toBe(false);
    const longest = wait_for.args.parse({ port: 8333, timeout: 604800, delay: 604800, sleep: 604800 });
    const [guard] = wait_for.plan(longest, undefined, testContext()).steps;
    expect(guard.timeoutMs).toBeLessThanOrEqual(2 ** 31 - 1);
  });
});
