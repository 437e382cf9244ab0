// A lab extension: what a collection adds to `lab up` without the lab knowing its domain — service hosts with a role
// (run by the lab, left out of the inventory), a setup step once every host is up, inventory variables, what `lab up`
// and `lab status` show, and its own `lab` options and commands. This file is the whole surface an extension needs:
// the hook's types and the lab helpers it may use, so an extension imports from here only.
import type { Command } from 'commander';
import type { HostState, LabMode, LabState } from './state.js';

export { ProvisionError } from '../errors.js';
export { NET_PREFIX, NODES_GROUP } from './config.js';
export { execInHost, requireInit } from './exec.js';
export { findHost } from './find.js';
export { mergedDir as hostRootDir } from './hosts.js';
export { checkAborted, must, SYSTEM_PATH } from './run.js';
export type { HostState, LabMode, LabState } from './state.js';

/** What a running lab gives its user; each extension in use adds its `info` under its name, after these fields. */
export type LabInfo = LabCoreInfo & { [extension: string]: unknown };

/** The fields of LabInfo every lab has. */
export interface LabCoreInfo {
  name: string;
  mode: LabMode;
  inventoryFile: string;
  knownHostsFile: string;
  keyFile: string;
  hosts: { name: string; address: string }[];
  /** The lab's state dir (keys, known_hosts, logs, the hosts' writable layers). */
  stateDir: string;
  /** The apt source line's URL that the hosts use. */
  repoUrl: string;
}

/** The service hosts an extension asks for: they take the addresses after the hosts under test, in this order. */
export interface LabServiceHosts {
  /** Recorded on each host (HostState.role, `lab status --json`). */
  role: string;
  names: string[];
  /** How errors and progress name one of them ("relay"). */
  noun: string;
  /** How the first progress line names one of them ("test relay"). */
  label: string;
}

/** What an extension will add to a lab, decided before anything is created. */
export interface LabExtensionPlan {
  serviceHosts?: LabServiceHosts;
  /** Debian packages the lab repository must hold for the extension (whatever else was asked for). */
  packages?: string[];
  /** JSON-able data the lab keeps for the extension in its state (LabState.extensions[name]). */
  state?: unknown;
}

/** What the setup step gets: the lab (every host answers SSH) and the extension's own hosts. */
export interface LabSetupContext {
  lab: LabState;
  /** The hosts under test (in the inventory). */
  hosts: HostState[];
  /** This extension's service hosts. */
  serviceHosts: HostState[];
  log: (line: string) => void;
  signal?: AbortSignal;
}

/** What an extension adds to the inventory the lab writes. */
export interface LabInventoryPart {
  /** Variables of one host under test (its number in the lab is `index`). */
  hostVars?: (host: { name: string; address: string; index: number }) => Record<string, unknown>;
  /** Variables of the group of hosts under test. */
  groupVars?: Record<string, unknown>;
  /** A comment line for the inventory's header (without the leading `# `). */
  comment?: string;
}

/** Helpers the CLI lends an extension's options and commands. */
export interface LabCliHelpers {
  /** A commander argument parser for a whole number from 1 to max, with a usage error naming the flag. */
  positiveInt(flag: string, max: number): (value: string) => number;
}

/** What an extension adds to `provision lab`. */
export interface LabExtensionCli {
  /** Adds its options to `lab up` (after the lab's own, before --json). */
  upOptions(up: Command, helpers: LabCliHelpers): void;
  /** Its labUp options from `lab up`'s parsed options; undefined when it was not asked for. Throws for a misuse. */
  fromUpOptions(opts: Record<string, unknown>): unknown;
  /** Lines `lab up` prints after the hosts (each ending in a newline). */
  upLines?(info: LabInfo): string[];
  /** Adds its commands to `lab` (after `ssh`, before `exec`). */
  commands?(lab: Command, helpers: LabCliHelpers): void;
}

/** A lab extension: see the top of this file. `O` is what labUp's `extensions[name]` takes. */
export interface LabExtension<O = unknown> {
  /** Its key in labUp's `extensions`, in the lab state and in LabInfo (letters and digits). */
  name: string;
  /**
   * Debian packages the collection's playbooks install: every lab's local repository holds them (hosts have no
   * other), whether or not a lab uses the extension.
   */
  repoPackages?: string[];
  /** How `lab status` tags its service hosts, by role ({ relay: 'test relay' }). */
  roles?: Record<string, string>;
  /** Checks its labUp options (throwing a ProvisionError before anything is created) and says what it will add. */
  plan(options: O, lab: { name: string; hosts: number }): LabExtensionPlan;
  /** Runs once every host is up, before the inventory is written; throws a ProvisionError naming what failed. */
  setup?(context: LabSetupContext): Promise<void>;
  /** Its part of the inventory of a lab that uses it. */
  inventory?(lab: LabState): LabInventoryPart;
  /** What LabInfo (`lab up --json`, `lab status --json`) shows under its name for a lab that uses it. */
  info?(lab: LabState): unknown;
  cli?: LabExtensionCli;
}

/** A lab extension definition, typed. */
export function defineLabExtension<O>(extension: LabExtension<O>): LabExtension<O> {
  return extension;
}
