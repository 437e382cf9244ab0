// Every file the control machine reads because a user named it is read only if it is a regular file, and never
// past a bound counted in bytes read: /dev/zero, a FIFO and a huge sparse file are refused at once, by name.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateRpcPassword } from '../../collections/bitcoin_i2p/bitcoin/rpcauth.js';
import { loadInventoryArg } from '../../src/inventory/arg.js';
import { sshConfigFor } from '../../src/inventory/ssh-config.js';
import { loadPlaybook } from '../../src/playbook/load.js';
import { parseExtraVars } from '../../src/playbook/vars.js';
import { copy } from '../../src/modules/copy.js';
import { template } from '../../src/modules/template.js';
import { readKnownHosts } from '../../src/transport/known-hosts.js';
import { testContext } from '../helpers/module-harness.js';

let dir: string;
let fifo: string;
let sparse: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'provision-reads-'));
  fifo = join(dir, 'pipe');
  execFileSync('mkfifo', ['-m', '0600', fifo]);
  // 5 GB that take no disk space: only a bound checked before reading (or one counted while reading) refuses it fast.
  sparse = join(dir, 'huge.bin');
  writeFileSync(sparse, '');
  truncateSync(sparse, 5 * 1024 ** 3);
  mkdirSync(join(dir, 'folder'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The message of the error `promise` rejects with (a test fails by timeout when a read hangs or grows without end).
const refusal = (promise: Promise<unknown>) => promise.then(() => 'no error', (e: Error) => e.message);

describe('a file the control machine reads', () => {
  it('is refused as a playbook when it is a FIFO, without waiting for a writer', async () => {
    expect(await refusal(loadPlaybook(fifo))).toBe(`cannot read playbook ${fifo}: it is a FIFO (named pipe), not a regular file`);
  });

  it('is refused as -e @/dev/zero without reading it', async () => {
    expect(await refusal(parseExtraVars(['@/dev/zero'], dir))).toBe('-e @/dev/zero: cannot read extra vars file /dev/zero: it is a character device, not a regular file');
  });

  it('is refused in vars_files when it is /dev/zero, at the entry that names it', async () => {
    const playbook = join(dir, 'vars-files.yml');
    writeFileSync(playbook, '- hosts: all\n  vars_files: [/dev/zero]\n  tasks: []\n');
    expect(await refusal(loadPlaybook(playbook))).toBe(`${playbook}:2:16: plays[0].vars_files[0]: cannot read vars file /dev/zero: it is a character device, not a regular file`);
  });

  it('is refused as -i when it is a FIFO', async () => {
    expect(await refusal(loadInventoryArg(fifo))).toBe(`cannot read inventory ${fifo}: it is a FIFO (named pipe), not a regular file`);
  });

  it('is refused as copy src when it is /dev/zero', async () => {
    expect(await refusal(Promise.resolve(copy.prepare!(copy.args.parse({ src: '/dev/zero', dest: '/tmp/x' }), testContext())))).toBe(
      'cannot read copy src /dev/zero: it is a character device, not a regular file',
    );
  });

  it('is refused as copy src when it is 5 GB (sparse), before a byte is read', async () => {
    const t0 = Date.now();
    expect(await refusal(Promise.resolve(copy.prepare!(copy.args.parse({ src: sparse, dest: '/tmp/x' }), testContext())))).toBe(
      `copy src ${sparse} is too large: 5120.0 MB (provision reads a copy src up to 64.0 MB)\n  fix: fetch large files on the host (get_url, unarchive), or split them`,
    );
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it('stops being read as copy src when the run is interrupted', async () => {
    const file = join(dir, 'small.txt');
    writeFileSync(file, 'hello\n');
    const stop = new AbortController();
    stop.abort();
    expect(await refusal(Promise.resolve(copy.prepare!(copy.args.parse({ src: file, dest: '/tmp/x' }), testContext({ signal: stop.signal }))))).toBe(
      `reading copy src ${file} was interrupted`,
    );
  });

  it('is refused as a template src when it is a FIFO', async () => {
    expect(await refusal(Promise.resolve(template.prepare!(template.args.parse({ src: fifo, dest: '/tmp/x' }), testContext())))).toBe(
      `cannot read template ${fifo}: it is a FIFO (named pipe), not a regular file`,
    );
  });

  it('is refused as a template src when it is a directory (a located user error, not a crash)', async () => {
    const folder = join(dir, 'folder');
    expect(await refusal(Promise.resolve(template.prepare!(template.args.parse({ src: folder, dest: '/tmp/x' }), testContext())))).toBe(
      `cannot read template ${folder}: it is a directory`,
    );
  });

  it('is refused as a known_hosts file when it is a FIFO', async () => {
    expect(await refusal(readKnownHosts(fifo))).toBe(`cannot read known_hosts file ${fifo}: it is a FIFO (named pipe), not a regular file`);
  });

  it('is refused as an ssh config file when it is a FIFO', () => {
    expect(() => sshConfigFor('web1', fifo, true)).toThrow(`cannot read ssh config file ${fifo}: it is a FIFO (named pipe), not a regular file`);
  });

  it('is refused as an RPC password file when it is a FIFO (mode 0600, so only its type stops it)', async () => {
    expect(await refusal(loadOrCreateRpcPassword(fifo))).toBe(`cannot read RPC password file ${fifo}: it is a FIFO (named pipe), not a regular file`);
  });
});
