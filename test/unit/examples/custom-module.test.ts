// examples/custom-module: a project-local module and a playbook driven from TypeScript, run for real on localhost.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { converge, site } from '../../../examples/custom-module/site.js';
import { loadPlaybook } from '../../../src/playbook/load.js';
import { getModule } from '../../../src/modules/registry.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'provision-example-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('the custom-module example', () => {
  it('site.ts builds the playbook of site.yml', async () => {
    const fromYaml = await loadPlaybook('examples/custom-module/site.yml');
    const built = await site.build({ file: 'site.ts', dir: 'examples/custom-module' });
    const shape = (pb: typeof built) => pb.plays.map((p) => ({ ...p, pos: undefined, hostsPos: undefined, tasks: p.tasks.map((t) => ({ ...t, pos: undefined })) }));
    expect(shape(built)).toEqual(shape(fromYaml));
    expect(built.plays[0].tasks.map((t) => t.module)).toEqual(['file', 'kv_line', 'kv_line']);
  });

  it('loads modules/kv_line.ts next to the playbook and converges, then changes nothing', async () => {
    const first = await converge(root);
    expect(getModule('kv_line')?.summary).toMatch(/^Ensure KEY=VALUE/);
    expect(first.summary.exitCode).toBe(0);
    expect(first.summary.recap.localhost.changed).toBe(3);
    expect(await readFile(join(root, 'app.env'), 'utf8')).toBe('PORT=8333\nMODE=i2p\n');
    const second = await converge(root);
    expect(second.summary.recap.localhost).toMatchObject({ changed: 0, failed: 0 });
  });
});
