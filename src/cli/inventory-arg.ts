// `-i`: an inventory file, a comma list of hosts, or nothing (then only localhost, over the local connection).
import { loadInventory, inventoryFromList } from '../inventory/load.js';
import type { Inventory } from '../inventory/types.js';

/** Loads what `-i` names. */
export async function loadInventoryArg(arg: string | undefined): Promise<Inventory> {
  if (arg === undefined) return inventoryFromList('localhost,');
  if (arg.includes(',')) return inventoryFromList(arg);
  return loadInventory(arg);
}
