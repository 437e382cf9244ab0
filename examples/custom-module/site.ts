// The playbook of site.yml built in TypeScript: the same keys as the YAML, typed (kv_line's arguments come from its
// zod schema), and checked by the same loader, so a mistake here is reported as it would be in site.yml.
import { inventoryFromList, playbook, runPlaybook, type RunEvent } from 'provision';
import { kv_line } from './modules/kv_line.js';

const here = new URL('.', import.meta.url).pathname;
const env = '{{ root }}/app.env';

/** site.yml's play, built with the typed builder. */
export const site = playbook({ modules: { kv_line } }).play({
  name: 'A custom module next to the playbook',
  hosts: 'localhost',
  gather_facts: false,
  tasks: [
    { name: 'The settings file exists', file: { path: env, state: 'touch' } },
    { name: 'Listen port', kv_line: { path: env, key: 'PORT', value: '8333' } },
    { name: 'Mode', kv_line: { path: env, key: 'MODE', value: 'i2p' } },
  ],
});

/** Converges `root` on localhost with the built playbook and returns the recap and events. */
export async function converge(root: string) {
  const events: RunEvent[] = [];
  const summary = await runPlaybook({
    playbook: await site.build({ file: 'site.ts', dir: here }),
    inventory: inventoryFromList('localhost,'),
    extraVars: { root },
    onEvent: (e) => events.push(e),
  });
  return { summary, events };
}
