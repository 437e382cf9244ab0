// `-i`: an inventory file (YAML, Ansible's INI, or an executable dynamic inventory), a comma list of hosts, or nothing
// (then only localhost, over the local connection).
import { accessSync, constants, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { stringify } from 'yaml';
import { ProvisionError } from '../errors.js';
import { runProcess } from '../process/run.js';
import { cmd } from '../shell/quote.js';
import { iniToInventory, looksLikeIni } from './convert.js';
import { dynamicGroups, parseDynamicList } from './dynamic.js';
import { inventoryFromGroups, inventoryFromList, loadInventoryFromString } from './load.js';
import { readSourceFile } from '../source/yaml-checks.js';
import type { Inventory } from './types.js';

/** Loads what `-i` names. */
export async function loadInventoryArg(arg: string | undefined): Promise<Inventory> {
  if (arg === undefined) return inventoryFromList('localhost,');
  if (arg.includes(',')) return inventoryFromList(arg);
  if (isExecutableScript(arg)) return loadDynamic(arg);
  const text = await readSourceFile(arg, 'inventory');
  if (looksLikeIni(text)) return loadInventoryFromString(`# converted from Ansible INI\n${stringify(iniToInventory(text, arg))}`, arg);
  return loadInventoryFromString(text, arg);
}

function isExecutableScript(file: string): boolean {
  if (/\.(ya?ml|ini|json|cfg)$/i.test(file)) return false;
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Runs a dynamic inventory script with `--list` (bounded in time and output) and loads what it prints. */
async function loadDynamic(script: string): Promise<Inventory> {
  const r = await runProcess([resolve(script), '--list'], { timeoutMs: 60_000, maxOutputBytes: 64 << 20 });
  if (r.code !== 0) {
    const how = r.timedOut ? 'killed after 60 s' : r.outputLimited ? 'killed: it printed more than 64 MB' : r.code === null ? `killed by ${r.signal ?? 'a signal'}` : `exit ${r.code}`;
    throw new ProvisionError({
      what: `dynamic inventory ${script} failed (${how})`,
      got: r.stderr.trim().split('\n').slice(-3).join(' | ') || undefined,
      fix: `run it by hand: ${cmd(resolve(script), '--list').text}`,
      code: 'inventory',
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(r.stdout);
  } catch (e) {
    throw new ProvisionError({ what: `dynamic inventory ${script} printed no valid JSON for --list`, got: (e as Error).message, code: 'inventory' });
  }
  const { data, locate } = dynamicGroups(parseDynamicList(json, script), script);
  return inventoryFromGroups(data, script, locate);
}
