// The hosts' apt repository: Debian packages resolved against the base's dpkg status, fetched once into the
// cache, indexed with dpkg-scanpackages, and served on the lab's gateway address.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ProvisionError } from '../errors.js';
import { baseKey } from './base.js';
import { SUITE, cacheDir, mirror } from './config.js';
import { checkAborted, must, run } from './run.js';
import { SERVER_SOURCE } from './serve.js';

/** Returns the repository dir for these packages, fetching and indexing them when not cached (aborting stops apt). */
export async function ensureRepo(baseDir: string, packages: string[], log: (line: string) => void, signal?: AbortSignal): Promise<string> {
  const wanted = [...new Set(packages)].sort();
  const key = createHash('sha256').update(JSON.stringify({ base: baseKey(), wanted })).digest('hex').slice(0, 12);
  const dir = join(cacheDir(), `repo-${key}`);
  if (existsSync(join(dir, 'Packages'))) return dir;
  const tmp = `${dir}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(join(tmp, 'partial'), { recursive: true });
  try {
    log(`fetching ${wanted.join(', ')} and their dependencies into the lab repository`);
    await download(baseDir, wanted, tmp, signal);
    checkAborted(signal);
    await rm(join(tmp, 'partial'), { recursive: true, force: true });
    await rm(join(tmp, 'lock'), { force: true });
    const index = await must(['dpkg-scanpackages', '-m', '.'], 'indexing the lab repository', { cwd: tmp });
    await writeFile(join(tmp, 'Packages'), index);
    await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir);
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
  return dir;
}

// apt-get with its own sources, lists and cache under the lab cache: the control machine's apt setup is not used
// and not changed, and the dependencies are resolved against what the base already has installed.
async function download(baseDir: string, packages: string[], into: string, signal?: AbortSignal): Promise<void> {
  const stoppable = { signal, group: true };
  const apt = join(cacheDir(), 'apt');
  await mkdir(join(apt, 'lists', 'partial'), { recursive: true });
  await mkdir(join(apt, 'cache', 'archives', 'partial'), { recursive: true });
  await writeFile(join(apt, 'sources.list'), `deb ${mirror()} ${SUITE} main\n`);
  const opts = [
    `Dir::Etc::SourceList=${join(apt, 'sources.list')}`, 'Dir::Etc::SourceParts=/dev/null', `Dir::State::Lists=${join(apt, 'lists')}`,
    `Dir::State::status=${join(baseDir, 'var/lib/dpkg/status')}`, `Dir::Cache=${join(apt, 'cache')}`, `Dir::Cache::archives=${into}`,
    'Debug::NoLocking=1', 'APT::Get::List-Cleanup=0', 'Acquire::Languages=none',
  ].flatMap((o) => ['-o', o]);
  const haveLists = (await readdir(join(apt, 'lists'))).some((f) => f.endsWith('_Packages'));
  if (!haveLists) await must(['apt-get', ...opts, 'update'], 'apt-get update for the lab repository', stoppable);
  let r = await run(['apt-get', ...opts, 'install', '--download-only', '-y', '-q', ...packages], stoppable);
  if (r.code !== 0 && !signal?.aborted) {
    // Lists go stale (a version vanished from the mirror): refresh once and try again.
    await must(['apt-get', ...opts, 'update'], 'apt-get update for the lab repository', stoppable);
    r = await run(['apt-get', ...opts, 'install', '--download-only', '-y', '-q', ...packages], stoppable);
  }
  checkAborted(signal);
  if (r.code !== 0) {
    const missing = /Unable to locate package (\S+)/.exec(r.stderr)?.[1];
    throw new ProvisionError({
      what: missing ? `lab: package ${missing} does not exist in Debian ${SUITE}` : `lab: fetching packages for the lab repository failed (exit ${r.code})`,
      got: missing ? undefined : r.stderr.trim().split('\n').slice(-2).join(' | '),
      fix: missing ? 'correct the name given to --packages' : `check that ${mirror()} is reachable (or set PROVISION_LAB_MIRROR)`,
      code: 'lab-packages',
    });
  }
}

/** Starts the repository's HTTP server on the gateway address (detached); returns its PID and port. */
export async function serveRepo(repoDir: string, gateway: string, stateDir: string): Promise<{ pid: number; port: number }> {
  const portFile = join(stateDir, 'repo.port');
  await rm(portFile, { force: true });
  const log = openSync(join(stateDir, 'repo.log'), 'a');
  let pid: number | undefined;
  try {
    const child = spawn(process.execPath, ['-e', SERVER_SOURCE, repoDir, gateway, portFile], { detached: true, stdio: ['ignore', log, log], env: { PATH: '/usr/bin:/bin' } });
    child.unref();
    pid = child.pid;
  } finally {
    closeSync(log);
  }
  if (!pid) throw new ProvisionError({ what: 'lab: could not start the repository server', code: 'lab-repo' });
  for (let i = 0; i < 100; i++) {
    if (existsSync(portFile)) return { pid, port: Number(await readFile(portFile, 'utf8')) };
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new ProvisionError({ what: `lab: the repository server did not start on ${gateway}`, fix: `see ${join(stateDir, 'repo.log')}`, code: 'lab-repo' });
}
