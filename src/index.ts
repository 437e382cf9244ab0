// The library: everything the CLI does, a TypeScript program can do by importing from here.
import './modules/index.js';

export { loadPlaybook, loadPlaybookFromString, type PlaybookSource } from './playbook/load.js';
export {
  playbook,
  type PlaybookBuilder,
  type BuildOptions,
  type PlaySpec,
  type TaskSpec,
  type HandlerSpec,
  type ImportTasksSpec,
  type ImportPlaybookSpec,
  type ModuleCall,
  type ArgsOf,
  type BuiltinModules,
  type Loose,
  type Templated,
} from './playbook/builder.js';
export { loadInventory, inventoryFromList } from './inventory/load.js';
export { selectHosts } from './inventory/select.js';
export { buildVars, parseExtraVars } from './playbook/vars.js';
export { renderValue } from './template/value.js';
export { runPlaybook, exitCodeFor, type RunOptions, type RunSummary } from './runner/run.js';
export type { RunEvent, HostResultEvent, Recap, HostStatus, EventListener } from './runner/events.js';
export { defineModule, type ModuleDef, type ModuleContext, type Plan, type Step, type Probe } from './modules/define.js';
export { registerModule, getModule, moduleNames } from './modules/registry.js';
export { readModuleDir, loadLocalModules, type ModuleFromFile } from './modules/local.js';
export { defineChecker, registerChecker, getChecker, checkerNames, type ContentChecker, type CheckedFile } from './modules/checkers.js';
export { defineCollection, type Collection } from './collections/define.js';
export { loadDefaultCollections, registerCollection, collectionNames, loadedCollections } from './collections/load.js';
export { closest } from './source/suggest.js';
export { climbOut } from './confined-path.js';
// zod, for a module's argument schema: a project module imports everything from provision, even with no node_modules.
export { z } from 'zod';
export { playbookJsonSchema, inventoryJsonSchema, moduleReference, generatedFiles, schemaFiles } from './schema/index.js';
export { humanReporter } from './report/human.js';
export { jsonReporter } from './report/json.js';
export { JunitCollector } from './report/junit.js';
export { ProvisionError, ProvisionErrors, type ProblemInfo, type Where } from './errors.js';
export { readLocalFile, type LocalRead } from './local-read.js';
export { quote, cmd, sh, ShellText } from './shell/quote.js';
export { keyValues, keyValuePairs, outputSections } from './text/probe-output.js';
export { Secret } from './shell/secret.js';
export type { Playbook, Play, Task } from './playbook/types.js';
export type { Inventory, Host, Connection } from './inventory/types.js';
export type { Transport, ExecResult } from './transport/types.js';
export { loadInventoryArg as loadInventorySource } from './inventory/arg.js';
