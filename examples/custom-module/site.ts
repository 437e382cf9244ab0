// The same playbook written in TypeScript with provision's API: types come from the same schemas as the YAML format.
import { defineModule, loadPlaybook, inventoryFromList, runPlaybook, type RunEvent } from 'provision';

/** Converges `root` on localhost with examples/custom-module/site.yml and returns the recap and events. */
export async function converge(root: string) {
  const playbook = await loadPlaybook(new URL('./site.yml', import.meta.url).pathname);
  const events: RunEvent[] = [];
  const summary = await runPlaybook({
    playbook,
    inventory: inventoryFromList('localhost,'),
    extraVars: { root },
    onEvent: (e) => events.push(e),
  });
  return { summary, events };
}

export { defineModule };
