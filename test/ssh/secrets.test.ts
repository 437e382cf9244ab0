// Planted secrets never come out: the built CLI runs a playbook over a REAL sshd in every output mode (human at
// -vvv, --json, --junit, --diff, --check --diff, and failing tasks), and every byte it prints or writes is searched
// for each secret, as text, base64 (at every alignment) and hex. The same secrets do reach the host where they are
// meant to (the rendered file), so a run that silently skipped them could not pass.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { checkRpcAuth } from '../../collections/bitcoin_i2p/bitcoin/rpcauth.js';
import { createLabKey } from '../../src/lab/inventory.js';
import { loadPlaybook } from '../../src/playbook/load.js';
import '../../src/modules/index.js';
import { sshdSuite, startSshd, type SshdHandle } from '../helpers/sshd.js';

jest.setTimeout(180_000);
const execFileP = promisify(execFile);
const CLI = resolve('dist/cli/main.js');

/** A secret nobody could print by chance. */
const secret = (tag: string) => `${tag}${randomBytes(12).toString('hex')}`;
const SECRETS = {
  /** A play variable with a plain name, used only by a `no_log: true` task. */
  noLog: secret('NoLog'),
  /** An -e extra variable whose name marks it secret (`*_password`). */
  extraVar: secret('Extra'),
  /** The bitcoin_rpcauth password, given through a plainly named variable: the module itself must hide it. */
  rpcPassword: secret('Rpc'),
  /** An inventory variable whose name marks it secret (`*_passphrase`). */
  inventory: secret('Inv'),
  /** The password the host's file held before this run set a new one (a rotation): the run never names it. */
  rotatedAway: secret('Old'),
};

/** Every form a secret could leak in: itself, hex, and the part of its base64 that any alignment must contain. */
function forms(value: string): string[] {
  const bytes = Buffer.from(value);
  const out = [value, bytes.toString('hex'), bytes.toString('hex').toUpperCase()];
  for (let pad = 0; pad < 3; pad++) {
    const b64 = Buffer.concat([Buffer.alloc(pad, 0x61), bytes]).toString('base64');
    // The characters fully determined by the secret's own bytes, whatever precedes or follows it.
    out.push(b64.slice(Math.ceil((pad * 4) / 3) + 1, -4));
  }
  return out;
}

/** Every (output, secret, form) that leaked. */
function leaks(outputs: Record<string, string>, secrets: Record<string, string>): string[] {
  const found: string[] = [];
  for (const [where, text] of Object.entries(outputs)) {
    for (const [name, value] of Object.entries(secrets)) {
      forms(value).forEach((f, i) => {
        if (text.includes(f)) found.push(`${where}: ${name} (form ${i}: ${f})`);
      });
    }
  }
  return found;
}

sshdSuite(describe, 'test/ssh/secrets.test.ts')('secrets in every output of a run over real SSH', () => {
  let sshd: SshdHandle;
  let work: string;
  let inventory: string;
  let playbook: string;
  const conf = () => join(work, 'node', 'app.conf');
  const passwordFile = () => join(work, 'control', 'rpc.password');

  beforeAll(async () => {
    // The CLI under test is the built one, as operators run it (built by npm ci, or npm run build).
    sshd = await startSshd({ addresses: ['127.0.0.8'] });
    work = mkdtempSync(join(tmpdir(), 'provision-secrets-'));
    mkdirSync(join(work, 'node'));
    mkdirSync(join(work, 'templates'));
    writeFileSync(join(work, 'templates', 'app.conf.hbs'), 'rpcpassword={{ api_password }}\n{{ rpcauth_line }}\nwallet={{ wallet_passphrase }}\nversion=2\n');
    inventory = join(work, 'inventory.yml');
    writeFileSync(
      inventory,
      stringify({
        all: {
          hosts: { node1: { address: '127.0.0.8', wallet_passphrase: SECRETS.inventory } },
          vars: { port: sshd.port, user: sshd.user, private_key_file: sshd.clientKeyFile, known_hosts_file: sshd.knownHostsFile },
        },
      }),
    );
    playbook = join(work, 'secrets.yml');
    const tasks = [
      {
        name: 'A no_log task prints and fails with a plainly named value',
        command: { argv: ['/bin/sh', '-c', 'echo "out $1"; echo "err $1" >&2; exit 1', 'sh', '{{ hidden }}'] },
        no_log: true,
        ignore_errors: true,
        register: 'hidden_out',
      },
      { name: 'Show what the no_log task registered', debug: { var: 'hidden_out' } },
      { name: 'rpcauth from a password variable', bitcoin_rpcauth: { password: '{{ btc_rpc }}', password_file: `${work}/control/unused`, fact: 'rpcauth_line' } },
      { name: 'rpcauth from a password file', bitcoin_rpcauth: { password_file: passwordFile(), fact: 'rpcauth_file_line' } },
      { name: 'Show the rpcauth password variable', debug: { var: 'btc_rpc' } },
      { name: 'Render the secrets into a file', template: { src: 'app.conf.hbs', dest: conf(), mode: '0600' } },
      { name: 'A failing command echoes the secret', shell: { cmd: 'echo "token is {{ api_password }}" >&2; exit 3' }, ignore_errors: true },
      { name: 'Show the secret variable', debug: { var: 'api_password' } },
      { name: 'Show a message with the secret', debug: { msg: 'the password is {{ api_password }} and {{ wallet_passphrase }}' } },
      { name: 'Print the secret', command: { argv: ['printf', '%s', '{{ api_password }}'] }, register: 'printed' },
      { name: 'Show what was printed', debug: { var: 'printed' } },
      { name: 'Loop over the secret', debug: { msg: 'item {{ item }}' }, loop: ['{{ api_password }}', 'plain'] },
      { name: 'Derive a fact from the secret', set_fact: { derived: 'prefix-{{ api_password }}-suffix' } },
      { name: 'Show the derived fact', debug: { var: 'derived' } },
      { name: 'An argument that is refused after templating', copy: { content: 'x', dest: `${work}/node/bad`, mode: '{{ api_password }}' }, ignore_errors: true },
      { name: 'Give up, naming the secret', fail: { msg: 'giving up with {{ api_password }}' } },
    ];
    writeFileSync(playbook, stringify([{ name: 'secrets', hosts: 'all', gather_facts: false, vars: { hidden: SECRETS.noLog, btc_rpc: SECRETS.rpcPassword }, tasks }]));
  });
  afterAll(async () => {
    await sshd?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const OLD_CONF = `rpcpassword=${SECRETS.rotatedAway}\nwallet=${SECRETS.inventory}\nversion=1\n`;
  /** Runs the CLI; the host's file is reset first so every run has a diff to show (old content holds the secrets too). */
  async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    writeFileSync(conf(), OLD_CONF);
    const argv = [CLI, 'run', playbook, '-i', inventory, '-e', `api_password=${SECRETS.extraVar}`, ...args];
    try {
      const r = await execFileP('node', argv, { env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 64 << 20 });
      return { code: 0, stdout: r.stdout, stderr: r.stderr };
    } catch (e) {
      const err = e as { code: number; stdout: string; stderr: string };
      return { code: err.code, stdout: err.stdout, stderr: err.stderr };
    }
  }

  /** All secrets of a run, the generated rpc password included once it exists. */
  const allSecrets = (): Record<string, string> => ({
    ...SECRETS,
    ...(existsSync(passwordFile()) ? { rpcPasswordFile: readFileSync(passwordFile(), 'utf8').trim() } : {}),
  });

  it('human output at -vvv: no secret, yet the secrets reached the host file', async () => {
    const r = await cli('-vvv');
    expect(r.code).toBe(2);
    expect(leaks({ stdout: r.stdout, stderr: r.stderr }, allSecrets())).toEqual([]);
    // The run did use them: the host's file has the real values, the rpcauth line matches the password.
    const written = readFileSync(conf(), 'utf8').split('\n');
    expect(written[0]).toBe(`rpcpassword=${SECRETS.extraVar}`);
    expect(checkRpcAuth(written[1], 'provision', SECRETS.rpcPassword)).toBe(true);
    expect(written[2]).toBe(`wallet=${SECRETS.inventory}`);
    expect(statSync(conf()).mode & 0o777).toBe(0o600);
    // The control-side password file the module created: the owner's alone.
    expect(statSync(passwordFile()).mode & 0o777).toBe(0o600);
    expect(statSync(join(passwordFile(), '..')).mode & 0o777).toBe(0o700);
    // And the output shows them masked where they would have been.
    expect(r.stdout).toContain('token is ***');
    expect(r.stdout).toContain('output hidden by no_log: true');
    expect(r.stdout).toContain('ok: [node1] => the password is *** and ***\n');
    expect(r.stdout).toContain('giving up with ***');
  });

  it('--json events: no secret in any event', async () => {
    const r = await cli('--json', '-vvv');
    expect(r.code).toBe(2);
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string });
    expect(events.at(-1)?.type).toBe('run.end');
    expect(leaks({ stdout: r.stdout, stderr: r.stderr }, allSecrets())).toEqual([]);
  });

  it('--junit FILE: no secret in the report', async () => {
    const junit = join(work, 'report.xml');
    const r = await cli('--junit', junit);
    expect(r.code).toBe(2);
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toContain('<failure message="');
    expect(leaks({ stdout: r.stdout, stderr: r.stderr, junit: xml }, allSecrets())).toEqual([]);
  });

  it('--diff: the file diff shows *** on both sides, the replaced (rotated) password too', async () => {
    const r = await cli('--diff');
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('\n-rpcpassword=*** (old value)\n+rpcpassword=***\n');
    // An unchanged secret is an unchanged line.
    expect(r.stdout).toContain('\n wallet=***\n');
    expect(leaks({ stdout: r.stdout, stderr: r.stderr }, allSecrets())).toEqual([]);
  });

  it('--check --diff: no secret, and the host file is left as it was', async () => {
    const r = await cli('--check', '--diff', '-vvv');
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('\n-rpcpassword=*** (old value)\n+rpcpassword=***\n');
    expect(readFileSync(conf(), 'utf8')).toBe(OLD_CONF);
    expect(leaks({ stdout: r.stdout, stderr: r.stderr }, allSecrets())).toEqual([]);
  });

  it('--json --diff: no secret in the diffs carried by events', async () => {
    const r = await cli('--json', '--diff');
    const diffs = r.stdout.split('\n').filter((l) => l.includes('"diffs"')).map((l) => (JSON.parse(l) as { diffs: { before: string; after: string }[] }).diffs);
    expect(diffs.flat()).toEqual([
      { path: conf(), before: `rpcpassword=*** (old value)\nwallet=***\nversion=1\n`, after: expect.stringMatching(/^rpcpassword=\*\*\*\nrpcauth=provision:\w+\$\w+\nwallet=\*\*\*\nversion=2\n$/) },
    ]);
    expect(leaks({ stdout: r.stdout, stderr: r.stderr }, allSecrets())).toEqual([]);
  });
});

describe('secrets in the CLI\'s own errors', () => {
  it('a malformed -e value does not echo a secret it holds', async () => {
    const value = secret('Cli');
    const dir = mkdtempSync(join(tmpdir(), 'provision-secrets-cli-'));
    try {
      writeFileSync(join(dir, 'pb.yml'), '- hosts: all\n  gather_facts: false\n  tasks:\n    - debug: { msg: hi }\n');
      const r = await execFileP('node', [CLI, 'run', join(dir, 'pb.yml'), '-i', 'localhost,', '-e', `{"db_password": "${value}"`]).catch((e: { code: number; stdout: string; stderr: string }) => e);
      expect(r.stderr).toMatch(/^error: -e /);
      expect(leaks({ stdout: r.stdout, stderr: r.stderr }, { value })).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('files that hold secrets get tight modes', () => {
  it('the lab key is created 0600', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'provision-labkey-'));
    try {
      const { keyFile } = await createLabKey(dir, 'modes');
      expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the i2p-node playbook writes bitcoin.conf (which holds rpcauth) as root:bitcoin 0640', async () => {
    const pb = await loadPlaybook(resolve('playbooks/i2p-node.yml'));
    const task = pb.plays.flatMap((p) => p.tasks).find((t) => t.name === 'Render bitcoin.conf')!;
    expect(task.module).toBe('template');
    expect(task.args).toMatchObject({ owner: 'root', mode: '0640' });
  });
});
