// Host key checks at fleet scale: N hosts checked against one N-line known_hosts (a fleet's shared file), per host,
// the way every connection checks: read the file(s), order host key algorithms, look the offered key up. Compared in
// the same run with reading and parsing the file afresh for every host (what each connection did before the parsed
// file was reused). Run: node --import ./scripts/ts-loader.mjs bench/known-hosts.ts [N]
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { lookupHostKey, parseKnownHosts, preferredHostKeyAlgorithms, readKnownHostsFiles, type KnownHostEntry } from '../src/transport/known-hosts.js';

const N = Number(process.argv[2] ?? 1000);
const key = Buffer.concat([Buffer.from([0, 0, 0, 11]), Buffer.from('ssh-ed25519'), Buffer.from([0, 0, 0, 32]), Buffer.alloc(32, 7)]);
const address = (i: number) => `10.1.${i >> 8}.${i & 255}`;
const dir = mkdtempSync(join(tmpdir(), 'provision-bench-kh-'));
const file = join(dir, 'known_hosts');
writeFileSync(file, Array.from({ length: N }, (_, i) => `node${i}.fleet.example,${address(i)} ssh-ed25519 ${key.toString('base64')}\n`).join(''));

async function perHost(read: () => Promise<KnownHostEntry[]>): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < N; i++) {
    const entries = await read();
    preferredHostKeyAlgorithms(entries, address(i), 22);
    if (lookupHostKey(await read(), address(i), 22, key) !== 'match') throw new Error(`host ${i} did not match`);
  }
  return (performance.now() - t0) / N;
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const fresh: number[] = [];
const reused: number[] = [];
try {
  for (let rep = 0; rep < 5; rep++) {
    fresh.push(await perHost(async () => parseKnownHosts(readFileSync(file, 'utf8'))));
    reused.push(await perHost(() => readKnownHostsFiles([file])));
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const f = median(fresh);
const r = median(reused);
console.log(`${N} hosts, ${N}-line known_hosts, medians of 5, per host: parsed afresh ${f.toFixed(3)} ms, reused ${r.toFixed(3)} ms (${(f / r).toFixed(0)}x)`);
