// bitcoin_rpcauth on the control machine: the password file is created by a real run only; --check writes nothing;
// a path made from variables (usually the host's name) stays inside the folder it names.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkRpcAuth, loadOrCreateRpcPassword } from '../../../../collections/bitcoin_i2p/bitcoin/rpcauth.js';
import { bitcoin_rpcauth } from '../../../../collections/bitcoin_i2p/modules/bitcoin_rpcauth.js';
import { runModule, testContext } from '../../../helpers/module-harness.js';

const RPCAUTH = /^rpcauth=provision:[0-9a-f]{32}\$[0-9a-f]{64}$/;

describe('bitcoin_rpcauth', () => {
  const dir = mkdtempSync(join(tmpdir(), 'provision-rpcauth-module-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('in check mode creates neither the password file nor its folders, and reports that a real run would', async () => {
    const file = join(dir, 'check', 'rpc', 'node1.password');
    const run = await runModule(bitcoin_rpcauth, { password_file: file }, { check: true });
    expect(existsSync(join(dir, 'check'))).toBe(false);
    expect(run.failed).toBe(false);
    expect(run.changed).toBe(true);
    expect(run.message).toBe(`would create the RPC password file ${file} (mode 0600) with a new random password; the rpcauth line for user provision is a stand-in until then`);
    // Later tasks (the bitcoin.conf template) still get a line of the right shape to render.
    expect(run.plan.facts?.bitcoin_rpcauth).toMatch(RPCAUTH);
    expect(run.execs).toEqual([]);
  });

  it('in a real run creates the file (changed), then reads it (unchanged) and gives the same line', async () => {
    const file = join(dir, 'real', 'node1.password');
    const first = await runModule(bitcoin_rpcauth, { password_file: file });
    expect(first.changed).toBe(true);
    expect(first.message).toBe(`created the RPC password file ${file} (mode 0600); rpcauth for user provision (password kept on the control machine)`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const second = await runModule(bitcoin_rpcauth, { password_file: file });
    expect(second.changed).toBe(false);
    expect(second.message).toBe('rpcauth for user provision (password kept on the control machine)');
    expect(second.plan.facts?.bitcoin_rpcauth).toBe(first.plan.facts?.bitcoin_rpcauth);
    expect(checkRpcAuth(String(first.plan.facts?.bitcoin_rpcauth), 'provision', await loadOrCreateRpcPassword(file))).toBe(true);
  });

  it('in check mode with an existing file uses its password: the same line as a real run, unchanged', async () => {
    const file = join(dir, 'existing.password');
    const password = await loadOrCreateRpcPassword(file);
    const run = await runModule(bitcoin_rpcauth, { password_file: file }, { check: true });
    expect(run.changed).toBe(false);
    expect(checkRpcAuth(String(run.plan.facts?.bitcoin_rpcauth), 'provision', password)).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['existing.password', 'real']);
  });
});

describe('bitcoin_rpcauth password_file', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'provision-rpcauth-'));
    mkdirSync(join(dir, 'playbook'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const prepare = (passwordFile: string) =>
    Promise.resolve(bitcoin_rpcauth.prepare!(bitcoin_rpcauth.args.parse({ password_file: passwordFile }), testContext({ playbookDir: join(dir, 'playbook') })));

  it('that a name made climb out of its folder is refused, and nothing is created outside it', async () => {
    // What `{{ inventory_hostname }}` in the documented path gives for a host named ../../escaped/evil.
    const file = `${dir}/rpc/../../escaped/evil.password`;
    const message = await prepare(file).then(() => 'created', (e: Error) => e.message);
    expect(message).toBe(
      `password_file ${file} climbs out of the folder it names ("rpc/..")\n  expected: a file inside ${dir}/rpc\n  fix: check the variables the path is made from (a host name cannot hold "/" or ".."); a folder above may be named with leading ../ only`,
    );
    expect(existsSync(join(dir, '..', 'escaped'))).toBe(false);
    expect(existsSync(join(dir, 'rpc'))).toBe(false);
  });

  it('may start with ../ to name a folder above the playbook', async () => {
    await prepare('../secrets/h1.password');
    expect(statSync(join(dir, 'secrets', 'h1.password')).mode & 0o777).toBe(0o600);
  });
});
