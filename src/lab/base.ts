// The base root filesystem every host's overlay sits on: debootstrapped once, cached unpacked and as a tarball.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ProvisionError } from '../errors.js';
import { customizeBase } from './basefiles.js';
import { BASE_FORMAT, BASE_PACKAGES, SUITE, cacheDir, mirror } from './config.js';
import { checkAborted, have, must, run } from './run.js';

// Written last into a complete base: a directory without it is a half-finished build.
const MARK = '.provision-lab-base';

/** Identifies a base build: the same key means the same contents. */
export function baseKey(): string {
  const h = createHash('sha256').update(JSON.stringify({ SUITE, BASE_PACKAGES, BASE_FORMAT }));
  return h.digest('hex').slice(0, 12);
}

/**
 * Returns the unpacked base directory, building it (debootstrap) or unpacking the cached tarball as needed. Aborting
 * stops debootstrap with everything it started and removes the half-built base.
 */
export async function ensureBase(log: (line: string) => void, signal?: AbortSignal): Promise<string> {
  const cache = cacheDir();
  const key = baseKey();
  const dir = join(cache, `base-${key}`);
  if (existsSync(join(dir, MARK))) return dir;
  await mkdir(cache, { recursive: true });
  const zstd = await have('zstd');
  const tarball = join(cache, `base-${key}.tar.${zstd ? 'zst' : 'gz'}`);
  const tmp = `${dir}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await rm(dir, { recursive: true, force: true });
  try {
    if (existsSync(tarball)) {
      log(`unpacking cached base ${tarball}`);
      await mkdir(tmp);
      await must(['tar', '-C', tmp, '--numeric-owner', '-I', zstd ? 'zstd -d -T0' : 'gzip -d', '-xf', tarball], 'unpacking the cached base');
    } else {
      await debootstrap(tmp, join(cache, `debootstrap-${key}.log`), log, signal);
      checkAborted(signal);
      await customizeBase(tmp);
      log(`caching base as ${tarball}`);
      const partial = `${tarball}.tmp-${process.pid}`;
      await must(['tar', '-C', tmp, '--numeric-owner', '-I', zstd ? 'zstd -T0 -3' : 'gzip -1', '-cf', partial, '.'], 'packing the base');
      await rename(partial, tarball);
    }
    await writeFile(join(tmp, MARK), `${key}\n`);
    try {
      await rename(tmp, dir);
    } catch (e) {
      // Another `lab up` finished the same base first: use theirs.
      if (!existsSync(join(dir, MARK))) throw e;
      await rm(tmp, { recursive: true, force: true });
    }
  } catch (e) {
    await removeBuild(tmp);
    throw e;
  }
  return dir;
}

// debootstrap mounts /proc and /sys inside the target while it installs: a build it did not finish may still hold
// them, and removing the folder must never walk into the machine's own /proc or /sys.
async function removeBuild(tmp: string): Promise<void> {
  const mountinfo = await readFile('/proc/self/mountinfo', 'utf8');
  const below = mountinfo.split('\n').map((l) => l.split(' ')[4]).filter((m) => m !== undefined && (m === tmp || m.startsWith(`${tmp}/`)));
  for (const m of below.sort().reverse()) await run(['umount', '-l', m]);
  await rm(tmp, { recursive: true, force: true });
}

async function debootstrap(target: string, logFile: string, log: (line: string) => void, signal?: AbortSignal): Promise<void> {
  const debs = join(cacheDir(), 'debootstrap-debs');
  await mkdir(debs, { recursive: true });
  log(`building the base with debootstrap (about 80 s; log: ${logFile})`);
  const argv = ['debootstrap', '--variant=minbase', `--cache-dir=${debs}`, `--include=${BASE_PACKAGES.join(',')}`, SUITE, target, mirror()];
  // Through sh only to send both streams to the log file; the arguments stay positional.
  const r = await run(['sh', '-c', 'log="$1"; shift; exec "$@" >"$log" 2>&1', 'sh', logFile, ...argv], { signal, group: true });
  checkAborted(signal);
  if (r.code !== 0) {
    throw new ProvisionError({
      what: `lab: debootstrap failed (exit ${r.code}) building the base root filesystem; its log: ${logFile}`,
      fix: `read the end of ${logFile}; check that ${mirror()} is reachable (or set PROVISION_LAB_MIRROR)`,
      code: 'lab-debootstrap',
    });
  }
}
