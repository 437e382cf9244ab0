// Modules by name. Adding a module is one file plus one line here.
import type { ModuleDef } from './define.js';

const modules = new Map<string, ModuleDef>();

/** Makes a module available to playbooks (later registrations of the same name replace earlier ones). */
export function registerModule(def: ModuleDef): void {
  modules.set(def.name, def);
}

/** The module called `name`, or undefined. */
export function getModule(name: string): ModuleDef | undefined {
  return modules.get(name);
}

/** Every registered module name, sorted. */
export function moduleNames(): string[] {
  return [...modules.keys()].sort();
}

/** Forgets every module (a program or test that wants only its own set; registerBuiltinModules() brings them back). */
export function clearModules(): void {
  modules.clear();
}
