// Which values of a run are secrets, and the one place events are masked before any reporter sees them. A value is
// a secret when a variable whose name says so holds it (at any depth, whatever its type), when it is a Secret, or
// when a no_log task gave or produced it; the set grows as the run derives values (rendered, set_fact'ed,
// registered), because the variables are checked again every time a task's variables are built.
import type { RunOptions } from './options.js';
import type { HostResultEvent, RunEvent } from './events.js';
import type { Inventory } from '../inventory/types.js';
import { SECRET_NAME, Secret, type Masker } from '../shell/secret.js';

/** Remembers every value held by a secret-named variable of `vars`, at any depth (a mapping under such a name is secret whole). */
export function addSecretVars(vars: Record<string, unknown>, masker: Masker): void {
  const visit = (name: string, value: unknown): void => {
    if (value instanceof Secret || SECRET_NAME.test(name)) masker.add(value);
    else if (Array.isArray(value)) value.forEach((v) => visit(name, v));
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) visit(k, v);
  };
  for (const [k, v] of Object.entries(vars)) visit(k, v);
}

/** The secrets an inventory holds (for commands that run without a playbook: exec, facts). */
export function addInventorySecrets(inventory: Inventory, masker: Masker): void {
  for (const host of inventory.hosts.values()) addSecretVars(host.vars, masker);
  for (const group of inventory.groups.values()) addSecretVars(group.vars, masker);
}

/** Registers every secret the run can know of before it starts (inventory, play defaults and vars, extra vars). */
export function collectSecrets(options: RunOptions, masker: Masker): void {
  addInventorySecrets(options.inventory, masker);
  for (const play of options.playbook.plays) {
    for (const layer of [play.defaults, play.vars, play.varsFromFiles]) addSecretVars(layer, masker);
    for (const t of [...play.tasks, ...play.handlers]) addSecretVars(t.vars, masker);
  }
  addSecretVars(options.extraVars ?? {}, masker);
}

/** The event with every value that came from variables or hosts masked: what every reporter receives. */
export function maskEvent(e: RunEvent, masker: Masker): RunEvent {
  if (e.type === 'warning') return { ...e, message: masker.mask(e.message) };
  if (e.type !== 'host.result') return e;
  const out: HostResultEvent = { ...e };
  for (const k of ['msg', 'diffs', 'commands', 'output', 'stdout', 'stderr'] as const) if (e[k] !== undefined) out[k] = masker.maskValue(e[k]) as never;
  if (e.items) out.items = e.items.map((i) => ({ ...i, item: masker.maskValue(i.item), ...(i.msg !== undefined ? { msg: masker.mask(i.msg) } : {}) }));
  return out;
}
