// Small modules registered by the loader tests, so that they do not depend on the real modules' schemas.
import { z } from 'zod';
import { defineModule } from '../../../src/modules/define.js';
import { clearModules, registerModule } from '../../../src/modules/registry.js';
import { loadDefaultCollections } from '../../../src/collections/load.js';
import { isUserError, formatProblem, ProvisionErrors } from '../../../src/errors.js';

const noop = () => ({ steps: [] });

/**
 * Makes the registry hold only the apt, command, debug, service, copy and ping test modules. The bundled collections
 * are loaded first (loading them imports the library, which registers the built-ins), so no later load adds any.
 */
export async function registerTestModules(): Promise<void> {
  await loadDefaultCollections();
  clearModules();
  registerModule(
    defineModule({
      name: 'apt',
      summary: 'test apt',
      args: z.strictObject({
        name: z.union([z.string(), z.array(z.string())]),
        state: z.enum(['present', 'absent', 'latest']).default('present'),
        update_cache: z.boolean().optional(),
        cache_valid_time: z.number().int().optional(),
      }),
      plan: noop,
    }),
  );
  registerModule(
    defineModule({
      name: 'command',
      summary: 'test command',
      freeForm: 'cmd',
      args: z.strictObject({ cmd: z.string(), chdir: z.string().optional(), creates: z.string().optional() }),
      plan: noop,
    }),
  );
  registerModule(
    defineModule({ name: 'debug', summary: 'test debug', freeForm: 'msg', args: z.strictObject({ msg: z.string().optional(), var: z.string().optional() }), plan: noop }),
  );
  registerModule(
    defineModule({
      name: 'service',
      summary: 'test service',
      args: z.strictObject({ name: z.string(), state: z.enum(['started', 'stopped', 'restarted', 'reloaded']).optional(), enabled: z.boolean().optional() }),
      plan: noop,
    }),
  );
  registerModule(
    defineModule({
      name: 'copy',
      summary: 'test copy',
      args: z.strictObject({ dest: z.string(), content: z.string().optional(), mode: z.string().optional(), port: z.number().optional() }),
      plan: noop,
    }),
  );
  registerModule(defineModule({ name: 'ping', summary: 'test ping', args: z.strictObject({}), plan: noop }));
}

/** The formatted problems of a failing promise (each as the user reads it), or throws when it did not fail. */
export async function problemsOf(promise: Promise<unknown>): Promise<string[]> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof ProvisionErrors) return e.problems.map(formatProblem);
    if (isUserError(e)) return [e.message];
    throw e;
  }
  throw new Error('expected the promise to fail with user errors');
}
