// The example tasks of the module reference (src/modules/examples/<module>.yml, or a module's own `examples`):
// every built-in module has some, and every one is a task the playbook loader accepts as it is.
import { describe, expect, it } from '@jest/globals';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { defineModule } from '../../../src/modules/define.js';
import { builtinModules, registerBuiltinModules } from '../../../src/modules/index.js';
import { loadPlaybookFromString } from '../../../src/playbook/load.js';
import { moduleSection } from '../../../src/schema/docs.js';
import { moduleExamples } from '../../../src/schema/examples.js';

registerBuiltinModules();

// A play around the examples, with a handler for every name they notify.
function playOf(tasks: Record<string, unknown>[]): unknown[] {
  const notified = [...new Set(tasks.flatMap((t) => (t.notify === undefined ? [] : [t.notify].flat())))] as string[];
  return [{ hosts: 'all', tasks, handlers: notified.map((name) => ({ name, debug: { msg: name } })) }];
}

describe('module examples', () => {
  it.each(builtinModules.map((def) => def.name))('%s has example tasks that the playbook loader accepts', async (name) => {
    const def = builtinModules.find((d) => d.name === name)!;
    const text = moduleExamples(def);
    expect(text).toBeDefined();
    const tasks = parse(text!) as Record<string, unknown>[];
    expect(tasks.length).toBeGreaterThan(0);
    expect(tasks.every((t) => name in t)).toBe(true);
    const playbook = await loadPlaybookFromString(JSON.stringify(playOf(tasks)), `${name}-examples.yml`);
    expect(playbook.plays[0].tasks.map((t) => t.module)).toEqual(tasks.map(() => name));
  });

  it("a module's own examples come before the file of the same name, and are what the reference shows", () => {
    const examples = '- copy: { dest: /etc/myapp.conf }\n';
    const own = defineModule({ name: 'copy', summary: 'A copy of copy.', args: z.object({ dest: z.string() }), plan: () => ({ steps: [] }), examples });
    expect(moduleExamples(own)).toBe(examples);
    expect(moduleSection(own)).toContain('```yaml\n- copy: { dest: /etc/myapp.conf }\n```');
  });

  it('a module with neither has none, and the reference says where to add them', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'provision-examples-'));
    await writeFile(path.join(dir, 'other.yml'), '- other: {}\n');
    expect(moduleExamples({ name: 'myapp_config' }, dir)).toBeUndefined();
    expect(moduleExamples({ name: '../other' }, path.join(dir, 'sub'))).toBeUndefined();
    const def = defineModule({ name: 'myapp_config', summary: 'Configures myapp.', args: z.object({}), plan: () => ({ steps: [] }) });
    expect(moduleSection(def)).toContain('_No example yet (add src/modules/examples/myapp_config.yml, or give the module `examples`)._');
  });
});
