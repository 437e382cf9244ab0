// The shipped CLI: one bundled file (dist/cli/provision.cjs) run by the launcher (dist/cli/main.js) from V8's code
// cache, and the library (dist/index.js) that project-local modules import: a second copy of provision's classes.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { brand } from '../../../src/brand.js';
import { ProvisionError } from '../../../src/errors.js';
import { ShellText } from '../../../src/shell/quote.js';
import { Secret } from '../../../src/shell/secret.js';

const run = promisify(execFile);
const ROOT = resolve('.');

describe('instanceof across copies of provision', () => {
  it('accepts an instance branded by another copy of the class, and nothing else', () => {
    const other = { text: 'echo hi', [Symbol.for('provision.ShellText')]: true };
    expect(other instanceof ShellText).toBe(true);
    expect({ text: 'echo hi' } instanceof ShellText).toBe(false);
    expect(new ShellText('x') instanceof ShellText).toBe(true);
    expect(new Secret('s') instanceof ShellText).toBe(false);
    expect(new ProvisionError({ what: 'x', code: 'x' }) instanceof Error).toBe(true);
  });

  it('keeps the ordinary check for subclasses', () => {
    class Base {}
    brand(Base, 'TestBase');
    class Sub extends Base {}
    expect(new Sub() instanceof Base).toBe(true);
    expect(new Base() instanceof Sub).toBe(false);
    expect({ [Symbol.for('provision.TestBase')]: true } instanceof Sub).toBe(false);
  });

  it('runs a project-local module (which imports the library) through the bundled CLI', async () => {
    const root = mkdtempSync(join(tmpdir(), 'provision-bundle-'));
    try {
      const args = [join(ROOT, 'dist/cli/main.js'), 'run', 'examples/custom-module/site.yml', '-e', `root=${root}`];
      expect((await run('node', args)).stdout).toMatch(/1 host of 1 changed/);
      expect(readFileSync(join(root, 'app.env'), 'utf8')).toBe('PORT=8333\nMODE=i2p\n');
      expect((await run('node', args)).stdout).toMatch(/No changes/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('the launcher and its code cache', () => {
  let home: string;
  let cli: string;
  const caches = () => readdirSync(join(home, 'dist/cli')).filter((f) => f.endsWith('.cache')).sort();
  const validate = () => run('node', [cli, 'validate', join(ROOT, 'playbooks/i2p-node.yml'), '-i', join(ROOT, 'inventories/example.yml')]);

  beforeAll(() => {
    // A copy of the built CLI at the same depth (dist/cli), so it finds templates/ as an install does.
    home = mkdtempSync(join(tmpdir(), 'provision-launcher-'));
    chmodSync(home, 0o755);
    mkdirSync(join(home, 'dist/cli'), { recursive: true });
    for (const f of ['main.js', 'provision.cjs']) copyFileSync(join(ROOT, 'dist/cli', f), join(home, 'dist/cli', f));
    for (const d of ['templates', 'node_modules', 'package.json']) symlinkSync(join(ROOT, d), join(home, d));
    cli = join(home, 'dist/cli/main.js');
  });
  afterAll(() => {
    chmodSync(join(home, 'dist/cli'), 0o755);
    rmSync(home, { recursive: true, force: true });
  });

  it('leaves one cache per command on first use and reuses it', async () => {
    expect(caches()).toEqual([]);
    expect((await validate()).stdout).toMatch(/ok \(2 plays/);
    const [first] = caches();
    expect(first).toMatch(/^provision\.cjs\.validate\.[0-9a-f]{16}\.cache$/);
    const written = statSync(join(home, 'dist/cli', first)).mtimeMs;
    expect((await validate()).stdout).toMatch(/ok \(2 plays/);
    expect(statSync(join(home, 'dist/cli', first)).mtimeMs).toBe(written);
    expect((await run('node', [cli, '--version'])).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(caches()).toEqual([expect.stringMatching(/^provision\.cjs\.other\./), first]);
  });

  it('keeps a cache for each command of the CLI (others share one)', async () => {
    const help = (await run('node', [cli, '--help'])).stdout;
    const commands = [...help.slice(help.indexOf('Commands:')).matchAll(/^  ([a-z][a-z-]*)/gm)].map((m) => m[1]).filter((c) => c !== 'help');
    const listed = /const COMMANDS = (\[[^\]]*\])/.exec(readFileSync(join(ROOT, 'scripts/launcher.mjs'), 'utf8'))![1];
    expect(JSON.parse(listed.replaceAll("'", '"')).sort()).toEqual(commands.sort());
  });

  it('runs from a corrupt cache as if there were none, and replaces it', async () => {
    const [file] = caches().filter((f) => f.includes('.validate.'));
    writeFileSync(join(home, 'dist/cli', file), 'not a V8 code cache');
    expect((await validate()).stdout).toMatch(/ok \(2 plays/);
    expect(readFileSync(join(home, 'dist/cli', file)).length).toBeGreaterThan(100_000);
  });

  it('names the cache by the bundle: a changed bundle does not use an old cache', async () => {
    const before = caches().filter((f) => f.includes('.validate.'));
    writeFileSync(join(home, 'dist/cli/provision.cjs'), readFileSync(join(home, 'dist/cli/provision.cjs'), 'utf8') + '\n// rebuilt\n');
    expect((await validate()).stdout).toMatch(/ok \(2 plays/);
    const after = caches().filter((f) => f.includes('.validate.'));
    expect(after).toHaveLength(1);
    expect(after).not.toEqual(before);
  });

  it('keeps the code a first use ran in its cache, however long that use ran', async () => {
    // V8 drops the bytecode of functions that did not run for a few major GCs; the cache is written at exit, so a
    // long first run (a converge from scratch) wrote one without start-up's code. --stress-flush-code makes every
    // major GC drop it; the preload runs major GCs just before the launcher writes the cache.
    const validateCache = () => caches().filter((f) => f.includes('.validate.'));
    const size = () => statSync(join(home, 'dist/cli', validateCache()[0])).size;
    for (const f of validateCache()) rmSync(join(home, 'dist/cli', f));
    await validate();
    const whole = size();
    const gcs = join(home, 'gcs.mjs');
    writeFileSync(gcs, "process.on('exit', () => { for (let i = 0; i < 8; i++) globalThis.gc(); });\n");
    for (const f of validateCache()) rmSync(join(home, 'dist/cli', f));
    await run('node', ['--expose-gc', '--stress-flush-code', '--import', gcs, cli, 'validate', join(ROOT, 'playbooks/i2p-node.yml'), '-i', join(ROOT, 'inventories/example.yml')]);
    expect(size()).toBeGreaterThan(whole * 0.95);
    for (const f of validateCache()) rmSync(join(home, 'dist/cli', f));
  });

  it('works in a read-only install, without a cache', async () => {
    for (const f of caches()) rmSync(join(home, 'dist/cli', f));
    chmodSync(join(home, 'dist/cli'), 0o555);
    const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    // root ignores directory modes: run as nobody, who cannot write there (and reads the playbook copies we made).
    const { stdout } = await run('node', [cli, '--version'], asNobody);
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(caches()).toEqual([]);
  });
});
