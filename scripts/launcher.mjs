#!/usr/bin/env node
// The `provision` command (installed as dist/cli/main.js by scripts/bundle.mjs): runs the CLI bundled in
// provision.cjs, compiled from V8's code cache when there is one. Node 22 does this itself (module.enableCompileCache);
// on Node 20 it takes vm.Script's cachedData. A command with no usable cache yet (first use, another Node, a new
// build) runs normally and leaves one, next to the bundle, for the next time; a read-only install simply runs
// without. The cache is named by the bundle file's size, mtime and inode and the Node version, because V8 itself
// only checks the source's length.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';

// V8 drops the bytecode of functions that have not run for a few major GCs, and the cache is written when the
// process exits: after a long first run (a converge from scratch of many hosts) it lacked start-up's code, which
// every later run then compiled again. Keeping the bytecode keeps the cache whole (and costs a little memory).
// Set before anything is compiled; every run sets it, so the cache's flag hash always matches.
v8.setFlagsFromString('--no-flush-bytecode');

const dir = import.meta.dirname;
const file = join(dir, 'provision.cjs');
let source;
try {
  source = readFileSync(file, 'utf8').replace(/^#!.*/, '');
} catch (e) {
  process.stderr.write(`error: cannot read ${file} (${e.code ?? e.message})\n  fix: build it: npm run build (tsc, then scripts/bundle.mjs)\n`);
  process.exit(70);
}
// The file's identity rather than a hash of the whole bundle (hashing it would cost every start): a rebuilt or edited
// bundle has a new mtime.
const { size, mtimeMs, ino } = statSync(file);
const key = createHash('sha1').update(`${size} ${mtimeMs} ${ino} ${process.version} ${process.arch}`).digest('hex').slice(0, 16);
// One cache per command: each leaves the code it ran compiled, and a run uses more than --version does.
const COMMANDS = ['run', 'validate', 'list-hosts', 'list-tasks', 'exec', 'facts', 'schema', 'lab'];
const command = COMMANDS.includes(process.argv[2]) ? process.argv[2] : 'other';
const cacheFile = join(dir, `provision.cjs.${command}.${key}.cache`);
let cachedData;
try {
  cachedData = readFileSync(cacheFile);
} catch {
  // none yet
}
// The same wrapper as Node's for CommonJS, on the first line, so line numbers in stack traces stay right.
const wrapper = `(function (exports, require, module, __filename, __dirname, __provisionImport) {${source}\n})`;
const script = new vm.Script(wrapper, { filename: file, cachedData });
if (!cachedData || script.cachedDataRejected) {
  process.once('exit', () => {
    try {
      const data = script.createCachedData();
      for (const f of readdirSync(dir)) if (f.startsWith(`provision.cjs.${command}.`) && f.endsWith('.cache')) rmSync(join(dir, f), { force: true });
      const tmp = `${cacheFile}.${process.pid}.tmp`;
      writeFileSync(tmp, data, { mode: 0o644 });
      renameSync(tmp, cacheFile);
    } catch {
      // A read-only install: no cache, same behaviour.
    }
  });
}
const module = { exports: {} };
// import() from code compiled out of a cache fails on Node 20 ("dynamic import callback was not specified"): the
// bundle imports project-local modules through this function instead (src/modules/local.ts).
script.runInThisContext()(module.exports, createRequire(file), module, file, dir, (url) => import(url));
