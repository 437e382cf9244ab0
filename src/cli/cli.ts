#!/usr/bin/env node
// The CLI: argv → options → library calls. Nothing here knows how a run works; it only wires commands to the
// library. Built into dist/cli/provision.cjs by scripts/bundle.mjs; the `provision` command is scripts/launcher.mjs.
import './zod-config.js';
import { Command } from 'commander';
import { registerRun } from './run.js';
import { registerInspect } from './inspect.js';
import { registerLab } from './lab.js';
import { registerSchema } from './schema.js';
import { registerAdhoc } from './adhoc.js';
import { exitWithError } from './errors.js';
import * as library from '../index.js';
import { publishLibrary } from '../modules/local-hooks.js';
import { loadCollectionsWithLab } from './collections.js';

// A project module's `import ... from 'provision'` gets this bundle's copy of the library: nothing more to load, and
// one copy of every class in the process (src/modules/local-hooks.ts).
publishLibrary(library);

const program = new Command()
  .name('provision')
  .description('Ansible-style provisioning over SSH: YAML playbooks, idempotent modules, many hosts at once.')
  .version('0.1.0')
  .enablePositionalOptions()
  .showHelpAfterError()
  .configureOutput({ outputError: (text, write) => write(text) });

/** Loads the bundled collections (their lab extensions add `lab` options and commands), then runs the command. */
async function main(): Promise<void> {
  await loadCollectionsWithLab();
  registerRun(program);
  registerInspect(program);
  registerAdhoc(program);
  registerLab(program);
  registerSchema(program);
  await program.parseAsync(process.argv);
}

// A reader that went away (`provision ... | head`) ends the output, not with a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

main().catch(exitWithError);
