// The playbook as the runner sees it: validated, normalized, every node carrying its source position.

import type { SourcePos } from '../source/position.js';

export type { SourcePos };

/** One task (or handler) after validation: exactly one module, common keys normalized. */
export interface Task {
  /** The task's name, or `module: first argument` when it has none. */
  name: string;
  module: string;
  /** Module arguments as written (not yet templated); a free-form string is already under the module's freeForm key. */
  args: Record<string, unknown>;
  /** Conditions, all of which must hold (a string `when` becomes a one-element list). */
  when: string[];
  /** Handler names (or `listen` topics) to notify when the task changes something. */
  notify: string[];
  register?: string;
  changedWhen?: string[];
  failedWhen?: string[];
  ignoreErrors: boolean;
  tags: string[];
  retries?: number;
  delay?: number;
  until?: string[];
  /** Items to loop over: a list, or a template string that renders to a list. */
  loop?: unknown[] | string;
  /** Name of the loop variable (loop_control.loop_var), default `item`. */
  loopVar: string;
  /** loop_control.label: what to show for each item instead of the whole item (a template). */
  loopLabel?: string;
  become?: boolean;
  becomeUser?: string;
  /** true: always check mode; false: never check mode; undefined: as the run says. */
  checkMode?: boolean;
  noLog: boolean;
  /** Handlers only: extra topics this handler listens to. */
  listen: string[];
  /** Task-level vars. */
  vars: Record<string, unknown>;
  pos: SourcePos;
  /** Path into the document, e.g. `plays[0].tasks[3]`. */
  path: string;
}

/** One play after validation. */
export interface Play {
  name: string;
  /** Host pattern. */
  hosts: string;
  /** Where the host pattern is written (for "matches nothing" errors); the play's position when absent. */
  hostsPos?: SourcePos;
  /** Defaults: the lowest precedence of all, below the inventory (like an Ansible role's defaults/). */
  defaults: Record<string, unknown>;
  vars: Record<string, unknown>;
  /** vars_files, already loaded and merged in order (paths resolved relative to the playbook). */
  varsFromFiles: Record<string, unknown>;
  become: boolean;
  becomeUser?: string;
  gatherFacts: boolean;
  /** Rolling batch sizes: numbers or percentages like "30%"; the last one repeats. Empty = all hosts at once. */
  serial: (number | string)[];
  maxFailPercentage?: number;
  anyErrorsFatal: boolean;
  tasks: Task[];
  handlers: Task[];
  pos: SourcePos;
  path: string;
}

/** A whole playbook file. */
export interface Playbook {
  /** Path of the playbook file as given. */
  file: string;
  /** Folder of the playbook file (relative paths resolve here). */
  dir: string;
  plays: Play[];
}
