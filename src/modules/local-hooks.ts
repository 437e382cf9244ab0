// Node module hooks for project modules (a playbook's modules/ folder), registered once, before the first one loads:
// - `import ... from 'provision'` means the provision that is running: the project needs no node_modules of its own
//   (a global install, npx from elsewhere), and a module always gets the API of the runner that runs it.
// - `.ts` files are transpiled with the `typescript` package found from the module's own folder: Node 20 cannot
//   strip types. (Node's own type stripping, where it has one, serves when no `typescript` is found.)
// The hooks run on Node's loader thread, so they are a self-contained module given as text.
import { existsSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { fileURLToPath } from 'node:url';

const HOOKS = `
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
let library;
export function initialize(data) { library = data.library; }
export async function resolve(specifier, context, next) {
  if (specifier === 'provision') return { url: library, shortCircuit: true };
  try {
    return await next(specifier, context);
  } catch (e) {
    // TypeScript's convention: from a .ts file, './util.js' names ./util.ts.
    const fromTs = /\\.m?ts$/.test(context.parentURL ?? '') && /^\\.{1,2}\\/.*\\.m?js$/.test(specifier);
    if (e?.code === 'ERR_MODULE_NOT_FOUND' && fromTs) return next(specifier.replace(/js$/, 'ts'), context);
    throw e;
  }
}
export async function load(url, context, next) {
  if (!url.startsWith('file:') || !/\\.m?ts$/.test(url) || /\\.d\\.m?ts$/.test(url)) return next(url, context);
  const file = fileURLToPath(url);
  let ts;
  try {
    ts = createRequire(file)('typescript');
  } catch {
    return next(url, context);
  }
  const { outputText } = ts.transpileModule(await readFile(file, 'utf8'), {
    fileName: file,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, inlineSourceMap: true, inlineSources: true },
  });
  return { format: 'module', source: outputText, shortCircuit: true };
}
`;

/** The library entry of the running provision (dist/index.js, from dist/modules/ or from the bundle in dist/cli/). */
export const LIBRARY_URL = new URL('../index.js', import.meta.url).href;

// Process-wide, so that two copies of provision in one process (a program's and a tool's) register the hooks once.
const LIBRARY = Symbol.for('provision.library');
const REGISTERED = Symbol.for('provision.module-hooks');
const shared = globalThis as { [LIBRARY]?: Record<string, unknown>; [REGISTERED]?: boolean };

/**
 * Makes `library` (the namespace of src/index.ts, already loaded) what a project module gets from `provision`: the
 * CLI's bundle publishes its own copy, at no cost. Otherwise `provision` is dist/index.js: for a program that uses
 * the library, the copy it already loaded; for the bundle, a second copy loaded module by module (~0.7 s slower).
 */
export function publishLibrary(library: Record<string, unknown>): void {
  shared[LIBRARY] ??= library;
}

// A module with the published library's exports, by name: what `import { z } from 'provision'` reads.
function publishedLibraryUrl(): string | undefined {
  const names = shared[LIBRARY] && Object.keys(shared[LIBRARY]).filter((n) => /^[A-Za-z_$][\w$]*$/.test(n));
  if (!names) return undefined;
  const text = `const l = globalThis[Symbol.for('provision.library')];\nexport const { ${names.join(', ')} } = l;\n`;
  return `data:text/javascript,${encodeURIComponent(text)}`;
}

/** Registers the hooks once; false where they cannot be (Node < 20.6, no library to map `provision` to, a sandbox). */
export function registerProjectModuleHooks(): boolean {
  if (shared[REGISTERED]) return true;
  const library = publishedLibraryUrl() ?? (existsSync(fileURLToPath(LIBRARY_URL)) ? LIBRARY_URL : undefined);
  if (typeof register !== 'function' || !library) return false;
  try {
    register(`data:text/javascript,${encodeURIComponent(HOOKS)}`, { data: { library } });
  } catch {
    // A sandbox that owns module loading (Jest refuses hooks): its own resolution applies.
    return false;
  }
  shared[REGISTERED] = true;
  return true;
}

/** True when Node can load `file` (a .ts module) as it is: its own type stripping, or `typescript` found from its folder. */
export function canLoadTypeScript(file: string): boolean {
  if ((process.features as { typescript?: unknown }).typescript) return true;
  try {
    createRequire(file).resolve('typescript');
    return true;
  } catch {
    return false;
  }
}
