// Builds playbooks and inventories in code, for runner tests that need no YAML.
import type { Host, Inventory } from '../../src/inventory/types.js';
import type { Play, Playbook, Task } from '../../src/playbook/types.js';

/** A task with defaults for every common key. */
export function task(name: string, module: string, args: Record<string, unknown> = {}, extra: Partial<Task> = {}): Task {
  return {
    name, module, args, when: [], notify: [], ignoreErrors: false, tags: [], loopVar: 'item', noLog: false, listen: [], vars: {},
    pos: { file: 'test.yml', line: 1, col: 1 }, path: 'plays[0].tasks[0]', ...extra,
  };
}

/** A play over `hosts` with defaults (no fact gathering, so no connection is needed for control-side modules). */
export function play(tasks: Task[], extra: Partial<Play> = {}): Play {
  return {
    name: 'test play', hosts: 'all', defaults: {}, vars: {}, varsFromFiles: {}, become: false, gatherFacts: false, serial: [], anyErrorsFatal: false,
    tasks, handlers: [], pos: { file: 'test.yml', line: 1, col: 3 }, path: 'plays[0]', ...extra,
  };
}

/** A playbook of plays. */
export function playbook(...plays: Play[]): Playbook {
  return { file: 'test.yml', dir: process.cwd(), plays };
}

/** An inventory of local-connection hosts named h1..hN, all in group `all`. */
export function localInventory(n: number, vars: Record<string, unknown> = {}): Inventory {
  const hosts = new Map<string, Host>();
  for (let i = 1; i <= n; i++) {
    const name = `h${i}`;
    hosts.set(name, { name, vars: { ...vars }, groups: ['all'], connection: { type: 'local', address: '127.0.0.1', port: 22, user: 'root' } });
  }
  return { file: 'inline', hosts, groups: new Map([['all', { name: 'all', hosts: [...hosts.keys()], children: [], vars }]]) };
}
