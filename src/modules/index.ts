// The built-in modules, registered on import (`import './modules/index.js'`), so the CLI and the library see the
// same set. registerBuiltinModules() is there for code that cleared or replaced the registry.
import { registerModule } from './registry.js';
import type { ModuleDef } from './define.js';
import { assert } from './assert.js';
import { command } from './command.js';
import { copy } from './copy.js';
import { debug } from './debug.js';
import { fail } from './fail.js';
import { file } from './file.js';
import { set_fact } from './set_fact.js';
import { shell } from './shell.js';
import { template } from './template.js';
import { wait_for } from './wait_for.js';
import { apt } from './apt.js';
import { get_url } from './get_url.js';
import { group } from './group.js';
import { service } from './service.js';
import { ufw } from './ufw.js';
import { unarchive } from './unarchive.js';
import { user } from './user.js';

/** Every module this package ships, by name. */
export const builtinModules: readonly ModuleDef[] = [apt, assert, command, copy, debug, fail, file, get_url, group, service, set_fact, shell, template, ufw, unarchive, user, wait_for] as ModuleDef[];

/** Registers every built-in module (idempotent). */
export function registerBuiltinModules(): void {
  for (const def of builtinModules) registerModule(def);
}

registerBuiltinModules();

export { apt, assert, command, copy, debug, fail, file, get_url, group, service, set_fact, shell, template, ufw, unarchive, user, wait_for };
