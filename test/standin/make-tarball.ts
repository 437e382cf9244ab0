// Builds the TEST STAND-IN release tarball: bitcoin-VERSION-x86_64-linux-gnu.tar.gz laid out like Bitcoin Core's
// (bitcoin-VERSION/bin/bitcoind, bin/bitcoin-cli), both being test/standin/bitcoin-standin.py. Tests serve it to the
// playbook from a local HTTP server with its sha256. It is never part of the product (package.json "files" has no
// test/). The archive is reproducible: same script and version, same bytes, same sha256.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';

/** The stand-in script itself. */
export const STANDIN_SCRIPT = fileURLToPath(new URL('./bitcoin-standin.py', import.meta.url));

/** What makeStandinTarball built. */
export interface StandinTarball {
  /** Absolute path of the .tar.gz. */
  file: string;
  /** Its file name, e.g. bitcoin-29.1-x86_64-linux-gnu.tar.gz. */
  name: string;
  /** Its SHA-256 in hex. */
  sha256: string;
  /** Absolute path of the SHA256SUMS file written next to it ("HASH  NAME", like Bitcoin Core's releases). */
  sha256sums: string;
}

const README = `TEST STAND-IN - NOT BITCOIN CORE
bin/bitcoind and bin/bitcoin-cli are test/standin/bitcoin-standin.py of the provision project: a Python stand-in
that reads bitcoin.conf, opens a SAM session with i2pd and answers a few JSON-RPC calls, for tests where Bitcoin
Core cannot be downloaded. Never install it on a real node.
`;

/** Builds bitcoin-VERSION-x86_64-linux-gnu.tar.gz (and SHA256SUMS) in `outDir`. */
export function makeStandinTarball(outDir: string, version = '29.1'): StandinTarball {
  const top = `bitcoin-${version}`;
  const stage = mkdtempSync(join(tmpdir(), 'standin-tarball-'));
  try {
    mkdirSync(join(stage, top, 'bin'), { recursive: true });
    for (const program of ['bitcoind', 'bitcoin-cli']) {
      const target = join(stage, top, 'bin', program);
      copyFileSync(STANDIN_SCRIPT, target);
      chmodSync(target, 0o755);
    }
    writeFileSync(join(stage, top, 'README.STANDIN'), README);
    chmodSync(join(stage, top, 'README.STANDIN'), 0o644);
    // GNU tar with fixed owner, order and times, and gzip without a time stamp: the same input gives the same bytes.
    const tar = execFileSync('tar', ['--sort=name', '--owner=0', '--group=0', '--numeric-owner', '--mtime=@0', '--mode=go-w', '-C', stage, '-cf', '-', top], { maxBuffer: 64 << 20 });
    const gz = gzipSync(tar, { level: 9 });
    const name = `bitcoin-${version}-x86_64-linux-gnu.tar.gz`;
    mkdirSync(outDir, { recursive: true });
    const file = join(outDir, name);
    writeFileSync(file, gz);
    const sha256 = createHash('sha256').update(gz).digest('hex');
    const sha256sums = join(outDir, 'SHA256SUMS');
    writeFileSync(sha256sums, `${sha256}  ${name}\n`);
    return { file, name, sha256, sha256sums };
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

// Run directly (through a TypeScript runner, e.g. `npx tsx test/standin/make-tarball.ts OUTDIR [VERSION]`): builds
// the tarball and prints its sha256 and path.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [outDir = '.', version] = process.argv.slice(2);
  const built = makeStandinTarball(outDir, version);
  process.stdout.write(`${built.sha256}  ${built.file}\n`);
}
