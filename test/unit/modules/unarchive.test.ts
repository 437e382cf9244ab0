import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdir, readdir, readFile, stat, writeFile, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { markerPath, parseUnarchiveProbe, planUnarchive, unarchive } from '../../../src/modules/unarchive.js';
import { fourSteps, runModule, tempDir } from '../../helpers/module-harness.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(() => cleanup());

// A release-like archive: bitcoin-VERSION/bin/bitcoind and bitcoin-VERSION/README.md.
async function release(version: string, compress: '-z' | '-J' = '-z', name = `bitcoin-${version}.tar.${compress === '-z' ? 'gz' : 'xz'}`): Promise<string> {
  const src = join(dir, 'src', version);
  await mkdir(join(src, `bitcoin-${version}`, 'bin'), { recursive: true });
  await writeFile(join(src, `bitcoin-${version}`, 'bin', 'bitcoind'), `#!/bin/sh\necho ${version}\n`, { mode: 0o755 });
  await writeFile(join(src, `bitcoin-${version}`, 'README.md'), `Bitcoin Core ${version}\n`);
  const archive = join(dir, name);
  execFileSync('tar', ['-c', compress, '-f', archive, '-C', src, `bitcoin-${version}`]);
  return archive;
}

const sha256 = async (p: string) => createHash('sha256').update(await readFile(p)).digest('hex');
const exists = (p: string) => stat(p).then(() => true, () => false);

describe('unarchive on a real filesystem', () => {
  it('unpacks once into a new folder, stripping the top folder: check, run, run again, check again', async () => {
    const src = await release('27.0');
    const dest = join(dir, 'opt', 'bitcoin');
    const r = await fourSteps(unarchive, { src, dest, strip_components: 1 }, {}, () => exists(dest));
    expect(r.checkBefore.changed).toBe(true);
    expect(r.afterCheck).toBe(false);
    expect(r.first).toMatchObject({ changed: true, failed: false, message: `unpack ${src} into ${dest} (not unpacked there before)` });
    expect(await readFile(join(dest, 'bin', 'bitcoind'), 'utf8')).toBe('#!/bin/sh\necho 27.0\n');
    expect((await stat(join(dest, 'bin', 'bitcoind'))).mode & 0o777).toBe(0o755);
    expect(await readFile(markerPath({ src, dest }), 'utf8')).toBe(`${await sha256(src)}\n`);
    expect(r.second).toMatchObject({ changed: false, message: `${src} (sha256:${(await sha256(src)).slice(0, 12)}…) is already unpacked in ${dest}` });
    expect(r.checkAfter.changed).toBe(false);
    expect((await readdir(dest)).sort()).toEqual(['.provision-unarchive-bitcoin-27.0.tar.gz.sha256', 'README.md', 'bin']);
  });

  it('unpacks again when an archive of the same name changed (a new version)', async () => {
    const dest = join(dir, 'bitcoin');
    await runModule(unarchive, { src: await release('27.0', '-z', 'bitcoin.tar.gz'), dest, strip_components: 1 });
    const oldSum = await sha256(join(dir, 'bitcoin.tar.gz'));
    const src = await release('28.0', '-z', 'bitcoin.tar.gz');
    const r = await runModule(unarchive, { src, dest, strip_components: 1 });
    expect(r.message).toBe(`unpack ${src} into ${dest} (${dest} holds another version (sha256:${oldSum.slice(0, 12)}…))`);
    expect(await readFile(join(dest, 'bin', 'bitcoind'), 'utf8')).toBe('#!/bin/sh\necho 28.0\n');
  });

  it('with creates, skips while that path exists and reads nothing else', async () => {
    const src = await release('27.0');
    const dest = join(dir, 'bitcoin');
    const first = await runModule(unarchive, { src, dest, strip_components: 1, creates: 'bin/bitcoind' });
    expect(first.changed).toBe(true);
    const second = await runModule(unarchive, { src, dest, strip_components: 1, creates: 'bin/bitcoind' });
    expect(second).toMatchObject({ changed: false, message: `skipped, since ${join(dest, 'bin/bitcoind')} exists` });
    expect(second.execs[0].result.stdout).toBe('creates=yes\n');
  });

  it('gives the unpacked files their owner and group but leaves dest\'s own attributes alone', async () => {
    const src = await release('27.0', '-J');
    const dest = join(dir, 'bitcoin');
    await mkdir(dest);
    await chmod(dest, 0o751);
    const r = await runModule(unarchive, { src, dest, owner: 'nobody', group: 'nogroup' });
    expect(r.failed).toBe(false);
    const bin = await stat(join(dest, 'bitcoin-27.0', 'bin', 'bitcoind'));
    expect([bin.uid, bin.gid]).toEqual([65534, 65534]);
    const d = await stat(dest);
    expect([d.mode & 0o7777, d.uid]).toEqual([0o751, 0]);
  });

  it('leaves dest untouched when the archive is broken', async () => {
    const src = join(dir, 'broken.tar.gz');
    await writeFile(src, 'not gzip at all');
    const dest = join(dir, 'bitcoin');
    await mkdir(dest);
    const r = await runModule(unarchive, { src, dest });
    expect(r.failed).toBe(true);
    expect(r.message).toMatch(/^unpack .*broken\.tar\.gz into .* \(not unpacked there before\): exit code 1\n/);
    expect(await readdir(dest)).toEqual([]);
  });

  it('keeps quotes, $(), ; and newlines in paths literal', async () => {
    const src = await release('27.0', '-z', "it's $(touch pwned); x\n.tgz");
    const dest = join(dir, "dest 'a' $(id); b\nc");
    const r = await runModule(unarchive, { src, dest, strip_components: 1 });
    expect(r.failed).toBe(false);
    expect(await readFile(join(dest, 'README.md'), 'utf8')).toBe('Bitcoin Core 27.0\n');
    expect(await exists(join(process.cwd(), 'pwned'))).toBe(false);
    expect((await runModule(unarchive, { src, dest, strip_components: 1 })).changed).toBe(false);
  });
});

describe('unarchive plan', () => {
  const a = unarchive.args.parse({ src: '/tmp/bitcoin.tar.gz', dest: '/opt/bitcoin' });
  it('fails when the archive is not on the host, and plans it in check mode', () => {
    const probe = parseUnarchiveProbe('src=no\ndest=missing\n');
    expect(planUnarchive(a, probe, { check: false }).fail).toBe(
      'the archive /tmp/bitcoin.tar.gz does not exist on the host (unarchive reads it on the host: fetch it there first, e.g. with get_url)',
    );
    expect(planUnarchive(a, probe, { check: true }).steps).toHaveLength(1);
  });

  it('fails when dest is a file', () => {
    expect(planUnarchive(a, parseUnarchiveProbe(`src=yes\nsha256=${'a'.repeat(64)}\ndest=other\n`), { check: false }).fail).toBe('/opt/bitcoin exists and is not a folder');
  });

  it.each([
    [{ src: '/tmp/x.zip', dest: '/opt' }, 'an archive named *.tar.gz, *.tgz, *.tar.xz, *.txz, *.tar.bz2, *.tbz2 or *.tar'],
    [{ src: 'x.tar.gz', dest: '/opt' }, 'an absolute path on the host'],
    [{ src: '/tmp/x.tar.gz', dest: 'opt' }, 'an absolute folder path'],
    [{ src: '/tmp/x.tar.gz', dest: '/opt', strip_components: -1 }, 'Too small: expected number to be >=0'],
  ])('refuses %j', (args, message) => {
    expect(unarchive.args.safeParse(args).error!.issues[0].message).toBe(message);
  });
});
