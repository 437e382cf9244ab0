import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { downloadScript, get_url, parseGetUrlProbe, planGetUrl } from '../../../src/modules/get_url.js';
import { Masker } from '../../../src/shell/secret.js';
import { LocalTransport } from '../../../src/transport/local.js';
import { fourSteps, runModule, tempDir } from '../../helpers/module-harness.js';

const body = 'bitcoin-27.0 stand-in release tarball bytes\n';
const sha = createHash('sha256').update(body).digest('hex');
const wrong = 'f'.repeat(64);

// A tiny HTTP server on loopback: /release.tar.gz serves `body`, everything else is 404.
let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url?.startsWith('/release.tar.gz')) res.end(body);
    else (res.statusCode = 404), res.end('not found');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(() => cleanup());

const exists = (p: string) => stat(p).then(() => true, () => false);

describe('get_url against a real HTTP server on 127.0.0.1', () => {
  it('downloads once with the right checksum: check, run, run again, check again', async () => {
    const dest = join(dir, 'bitcoin.tar.gz');
    const r = await fourSteps(get_url, { url: `${base}/release.tar.gz`, dest, checksum: `sha256:${sha}`, mode: '0640' }, {}, () => exists(dest));
    expect(r.checkBefore.changed).toBe(true);
    expect(r.afterCheck).toBe(false);
    expect(r.first).toMatchObject({ changed: true, failed: false });
    expect(await readFile(dest, 'utf8')).toBe(body);
    expect((await stat(dest)).mode & 0o7777).toBe(0o640);
    expect(r.second).toMatchObject({ changed: false, failed: false, message: `${dest} already has sha256:${sha.slice(0, 12)}…` });
    expect(r.checkAfter.changed).toBe(false);
    expect(r.second.execs).toHaveLength(1); // the probe only
  });

  it('deletes a download with the wrong checksum, fails with expected vs got, and leaves dest alone', async () => {
    const dest = join(dir, 'bitcoin.tar.gz');
    await writeFile(dest, 'the old file\n');
    const r = await runModule(get_url, { url: `${base}/release.tar.gz`, dest, checksum: `sha256:${wrong}` });
    expect(r.failed).toBe(true);
    expect(r.message).toBe(
      `download ${base}/release.tar.gz to ${dest} (it has sha256:${createHash('sha256').update('the old file\n').digest('hex').slice(0, 12)}…): exit code 1\n` +
        `checksum mismatch for ${base}/release.tar.gz: expected sha256:${wrong}, got sha256:${sha} (the download was deleted; ${dest} is unchanged)`,
    );
    expect(await readFile(dest, 'utf8')).toBe('the old file\n');
    expect(await readdir(dir)).toEqual(['bitcoin.tar.gz']);
  });

  it('replaces a file whose checksum differs, and gives a new file the umask mode when no mode is set', async () => {
    const dest = join(dir, 'f');
    await writeFile(dest, 'old');
    const r = await runModule(get_url, { url: `${base}/release.tar.gz`, dest, checksum: `sha256:${sha.toUpperCase()}` });
    expect(r.changed).toBe(true);
    expect(await readFile(dest, 'utf8')).toBe(body);
    const umask = process.umask();
    expect((await stat(dest)).mode & 0o777).toBe(0o666 & ~umask);
  });

  it('fixes only the attributes when the content already matches', async () => {
    const dest = join(dir, 'f');
    await writeFile(dest, body, { mode: 0o600 });
    const r = await runModule(get_url, { url: `${base}/release.tar.gz`, dest, checksum: `sha256:${sha}`, mode: '0644', owner: 'nobody' });
    expect(r.execs.map((e) => e.script)).toHaveLength(2);
    expect(r.message).toBe(`set mode 0600 → 0644, owner root → nobody on ${dest}`);
    expect(((await stat(dest)).mode & 0o777).toString(8)).toBe('644');
    expect((await stat(dest)).uid).toBe(65534);
  });

  it('fails on HTTP 404 with curl\'s reason and leaves no temp file', async () => {
    const dest = join(dir, 'f');
    const r = await runModule(get_url, { url: `${base}/missing`, dest, checksum: `sha256:${sha}` });
    expect(r.failed).toBe(true);
    expect(r.message).toContain('The requested URL returned error: 404');
    expect(await readdir(dir)).toEqual([]);
  });

  it('downloads with wget when the host has no curl', async () => {
    const dest = join(dir, 'f');
    const a = get_url.args.parse({ url: `${base}/release.tar.gz`, dest, checksum: `sha256:${sha}` });
    // Through the async transport: a synchronous exec would block the server living in this process.
    expect((await new LocalTransport().exec(downloadScript(a, 'wget'))).code).toBe(0);
    expect(await readFile(dest, 'utf8')).toBe(body);
  });

  it('keeps quotes, $(), ; and newlines in dest and URL literal', async () => {
    const dest = join(dir, "it's $(touch pwned); x\ny.tar.gz");
    const url = `${base}/release.tar.gz?q='$(touch${'$'}{IFS}pwned)';x`;
    const r = await runModule(get_url, { url, dest, checksum: `sha256:${sha}` }, { playbookDir: dir });
    expect(r.failed).toBe(false);
    expect(await readFile(dest, 'utf8')).toBe(body);
    expect((await readdir(dir)).sort()).toEqual([`it's $(touch pwned); x\ny.tar.gz`]);
    expect(await exists(join(process.cwd(), 'pwned'))).toBe(false); // where an injected `touch pwned` would land
  });
});

describe('get_url plan', () => {
  const a = get_url.args.parse({ url: 'https://bitcoincore.org/bin/bitcoin-core-27.0/bitcoin-27.0-x86_64-linux-gnu.tar.gz', dest: '/opt/bitcoin.tar.gz', checksum: `sha256:${sha}` });
  const ctx = { check: false, masker: new Masker() };
  it.each([
    ['dest=missing\ndir=no\ndownloader=curl\n', 'the folder of /opt/bitcoin.tar.gz does not exist on the host: create it first (file: state: directory)'],
    ['dest=missing\ndir=yes\ndownloader=none\n', 'neither curl nor wget is installed on the host: install one first (apt: name: curl)'],
    ['dest=other\ndir=yes\ndownloader=curl\n', '/opt/bitcoin.tar.gz exists and is not a regular file'],
  ])('fails early for %j', (probe, fail) => {
    expect(planGetUrl(a, parseGetUrlProbe(probe), ctx).fail).toBe(fail);
  });

  it('in check mode plans the download even where the folder is not there yet', () => {
    expect(planGetUrl(a, parseGetUrlProbe('dest=missing\ndir=no\ndownloader=curl\n'), { ...ctx, check: true }).steps).toHaveLength(1);
  });

  it.each([
    [{ url: 'https://x/y', dest: '/tmp/y' }, 'checksum is required: "sha256:" and the 64 hex digits the file must have'],
    [{ url: 'https://x/y', dest: '/tmp/y', checksum: 'md5:abc' }, 'checksum must be "sha256:" followed by 64 hex digits'],
    [{ url: 'ftp://x/y', dest: '/tmp/y', checksum: `sha256:${sha}` }, 'an http:// or https:// URL without spaces'],
    [{ url: 'https://x/y', dest: 'y', checksum: `sha256:${sha}` }, 'an absolute file path (not ending in "/")'],
  ])('refuses %j', (args, message) => {
    expect(get_url.args.safeParse(args).error!.issues[0].message).toBe(message);
  });
});
