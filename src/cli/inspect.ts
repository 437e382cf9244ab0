// `provision validate`, `list-hosts`, `list-tasks`: look at playbooks and inventories without connecting anywhere.
import type { Command } from 'commander';
import { loadPlaybook } from '../playbook/load.js';
import { selectHosts } from '../inventory/select.js';
import { loadInventoryArg } from '../inventory/arg.js';
import { commaList } from './options.js';
import '../modules/index.js';

/** Adds validate, list-hosts and list-tasks. */
export function registerInspect(program: Command): void {
  program
    .command('validate')
    .description('check playbooks (syntax, schema, module arguments) and optionally an inventory, without connecting')
    .argument('<playbook...>', 'playbook YAML files')
    .option('-i, --inventory <file>', 'also check this inventory and every play\'s host pattern against it')
    .action(async (files: string[], opts: { inventory?: string }) => {
      const inventory = opts.inventory ? await loadInventoryArg(opts.inventory) : undefined;
      for (const file of files) {
        const pb = await loadPlaybook(file);
        if (inventory) for (const play of pb.plays) selectHosts(inventory, play.hosts);
        const tasks = pb.plays.reduce((n, p) => n + p.tasks.length + p.handlers.length, 0);
        process.stdout.write(`${file}: ok (${pb.plays.length} play${pb.plays.length === 1 ? '' : 's'}, ${tasks} tasks and handlers)\n`);
      }
    });

  program
    .command('list-hosts')
    .description('list the hosts a pattern selects')
    .argument('[pattern]', 'host pattern (names, groups, globs, !exclude, &intersect)', 'all')
    .requiredOption('-i, --inventory <file>', 'inventory file')
    .option('-l, --limit <pattern>', 'further limit the hosts')
    .action(async (pattern: string, opts: { inventory: string; limit?: string }) => {
      const inventory = await loadInventoryArg(opts.inventory);
      for (const name of selectHosts(inventory, pattern, opts.limit)) {
        const c = inventory.hosts.get(name)!.connection;
        process.stdout.write(`${name}\t${c.type === 'local' ? 'local' : `${c.user}@${c.address}:${c.port}`}\n`);
      }
    });

  program
    .command('list-tasks')
    .description('list the tasks of a playbook, play by play, with their tags and source positions')
    .argument('<playbook>', 'playbook YAML file')
    .option('-t, --tags <tags>', 'only tasks with these tags', commaList)
    .action(async (file: string, opts: { tags?: string[] }) => {
      const pb = await loadPlaybook(file);
      for (const play of pb.plays) {
        process.stdout.write(`play [${play.name}] hosts: ${play.hosts}\n`);
        for (const t of play.tasks) {
          if (opts.tags?.length && !opts.tags.some((tag) => t.tags.includes(tag))) continue;
          const tags = t.tags.length ? `  tags: ${t.tags.join(',')}` : '';
          process.stdout.write(`  ${t.name}  (${t.module})  ${t.pos.file}:${t.pos.line}:${t.pos.col}${tags}\n`);
        }
        for (const h of play.handlers) process.stdout.write(`  handler: ${h.name}  (${h.module})\n`);
      }
    });
}
