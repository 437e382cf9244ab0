// `-i`: an inventory file (YAML, Ansible's INI, or an executable dynamic inventory), a comma list of hosts, or nothing
// (then only localhost, over the local connection).
import { execFile } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { ProvisionError } from '../errors.js';
import { cmd } from '../shell/quote.js';
import { iniToInventory, looksLikeIni } from './convert.js';
import { dynamicGroups, parseDynamicList } from './dynamic.js';
import { inventoryFromGroups, inventoryFromList, loadInventoryFromString } from './load.js';
import { readSourceFile } from '../source/yaml-checks.js';
import type { Inventory } from './types.js';

const run = promisify(execFile);

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
  let stdout: string;
  try {
    ({ stdout } = await run(resolve(script), ['--list'], { timeout: 60_000, maxBuffer: 64 << 20 }));
  } catch (e) {
    const err = e as { code?: number | string; stderr?: string; killed?: boolean };
    throw new ProvisionError({
      what: `dynamic inventory ${script} failed${err.killed ? ' (killed after 60 s)' : ` (exit ${err.code})`}`,
      got: (err.stderr ?? '').trim().split('\n').slice(-3).join(' | ') || undefined,
      fix: `run it by hand: ${cmd(resolve(script), '--list').text}`,
      code: 'inventory',
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(stdout);
  } catch (e) {
    throw new ProvisionError({ what: `dynamic inventory ${script} printed no valid JSON for --list`, got: (e as Error).message, code: 'inventory' });
  }
  const { data, locate } = dynamicGroups(parseDynamicList(json, script), script);
  return inventoryFromGroups(data, script, locate);
}
