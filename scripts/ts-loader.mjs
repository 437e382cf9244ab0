// Runs TypeScript (bench/*.ts, the tests' global set-up, and the src/ they import) straight from source: a Node
// module hook that strips types with the TypeScript compiler already in devDependencies (tsx is not installed).
//   node --import ./scripts/ts-loader.mjs bench/run.ts
import { register } from 'node:module';
import { isMainThread } from 'node:worker_threads';
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

if (isMainThread) register(import.meta.url);

let ts;

/** `./x.js` imported from a .ts file means `./x.ts` when only that exists (NodeNext style imports). */
export async function resolve(specifier, context, next) {
  // The package's own name, from its sources (as jest.config.js and tsconfig.json map it).
  const self = /^provision(?:\/collections\/(\w+)|\/(lab))?$/.exec(specifier);
  if (self && context.parentURL?.endsWith('.ts')) {
    const file = self[1] ? `../collections/${self[1]}/index.ts` : self[2] ? '../src/lab/extension.ts' : '../src/index.ts';
    return next(new URL(file, import.meta.url).href, context);
  }
  if (context.parentURL?.endsWith('.ts') && /^(\.{1,2}\/|\/).*\.js$/.test(specifier)) {
    const url = new URL(specifier, context.parentURL);
    if (!existsSync(fileURLToPath(url))) return next(specifier.replace(/\.js$/, '.ts'), context);
  }
  return next(specifier, context);
}

/** .ts files: types stripped (transpileModule: no type-check; `npx tsc --noEmit` checks bench/ with the rest). */
export async function load(url, context, next) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return next(url, context);
  ts ??= (await import('typescript')).default;
  const source = await readFile(fileURLToPath(url), 'utf8');
  const out = ts.transpileModule(source, {
    fileName: fileURLToPath(url),
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, sourceMap: false, inlineSourceMap: true },
  });
  return { format: 'module', source: out.outputText, shortCircuit: true };
}
