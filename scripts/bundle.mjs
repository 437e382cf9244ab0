// The CLI as shipped (run by `npm run build` after tsc): src/cli/cli.ts and everything it uses, zod, yaml,
// Handlebars, ssh2 and node-ssh included, bundled by esbuild into ONE CommonJS file, dist/cli/provision.cjs, which
// scripts/launcher.mjs (installed as dist/cli/main.js, the `provision` command) runs from V8's code cache.
// Why: start-up is a target of the benchmark (bench/). Node 20 loads each of the hundreds of modules the CLI is made
// of separately, before parsing a playbook; one file compiled from a cache takes a fraction of that time. dist/
// keeps the library (dist/index.js) as tsc wrote it.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { chmodSync, renameSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const outdir = join(root, 'dist/cli');
const ADDON = 'ssh2/lib/protocol/crypto/build/Release/sshcrypto.node';

/**
 * ssh2 loads its native crypto addon (faster AES-GCM and ChaCha20) by a path relative to its own file, which the
 * bundle moves: load it from node_modules instead, where npm built it (ssh2 falls back to JavaScript without it).
 */
const ssh2Addon = {
  name: 'ssh2-addon',
  setup(b) {
    b.onLoad({ filter: /[\\/]ssh2[\\/]lib[\\/]protocol[\\/]crypto\.js$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      const from = "require('./crypto/build/Release/sshcrypto.node')";
      if (!text.includes(from)) throw new Error(`ssh2 no longer loads its addon with ${from}: update scripts/bundle.mjs`);
      return { contents: text.replace(from, `require('${ADDON}')`), loader: 'js' };
    });
  },
};

/**
 * `provision`, `provision/lab` and `provision/collections/NAME` resolve to the sources: the bundled collections (src/collections/
 * defaults.ts) become part of the bundle and share its module registry, as they share the library's in dist/.
 */
const selfReference = {
  name: 'self-reference',
  setup(b) {
    b.onResolve({ filter: /^provision(\/collections\/\w+|\/lab)?$/ }, (args) => {
      const name = /^provision\/collections\/(\w+)$/.exec(args.path)?.[1];
      if (args.path === 'provision/lab') return { path: join(root, 'src/lab/extension.ts') };
      return { path: join(root, name ? `collections/${name}/index.ts` : 'src/index.ts') };
    });
  },
};

// Written whole and renamed into place, so a CLI started meanwhile (tests run in parallel) never reads half a file.
const put = (file, contents, mode = 0o644) => {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, contents);
  chmodSync(tmp, mode);
  renameSync(tmp, file);
};
const { outputFiles } = await build({
  entryPoints: [join(root, 'src/cli/cli.ts')],
  outfile: join(outdir, 'provision.cjs'),
  write: false,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // Native addons stay in node_modules (cpu-features is ssh2's optional one).
  external: ['cpu-features', ADDON],
  plugins: [ssh2Addon, selfReference],
  // Every import.meta in src/ finds a folder that ships as it is (templates/, src/modules/examples/) from
  // dist/<dir>/<file>: the bundle sits at that depth.
  define: { 'import.meta.url': '__provisionUrl' },
  banner: { js: "const __provisionUrl = require('node:url').pathToFileURL(__filename).href;" },
  // Less text to read and compile; names stay, so a stack trace (-vvv) still says where.
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  logLevel: 'warning',
});
for (const f of outputFiles) put(f.path, f.contents);
put(join(outdir, 'main.js'), await readFile(join(import.meta.dirname, 'launcher.mjs')), 0o755);
// The first code cache, made by validating the bundled playbook (the launcher writes one per command on first use).
execFileSync(process.execPath, [join(outdir, 'main.js'), 'validate', join(root, 'playbooks/i2p-node.yml'), '-i', join(root, 'inventories/example.yml')], { stdio: 'ignore' });
