// Collections: the bundled Bitcoin/I2P one and a user's are loaded through the same public API, and a copy or
// template task runs a collection's content checker only when it asks for it by name.
import { describe, expect, it } from '@jest/globals';
import { checkerNames, defineChecker, defineCollection, defineModule, getChecker, getModule, loadDefaultCollections, ProvisionError, registerCollection, z } from 'provision';
import bundled from 'provision/collections/bitcoin_i2p';
import { collectionOf } from '../../../src/collections/load.js';
import { loadPlaybookFromString } from '../../../src/playbook/load.js';
import { formatProblem, ProvisionErrors } from '../../../src/errors.js';
import { runModule } from '../../helpers/module-harness.js';
import { copy } from '../../../src/modules/copy.js';

/** Every problem a rejected promise carries, formatted as the CLI prints it. */
async function problems(p: Promise<unknown>): Promise<string[]> {
  const e = await p.then(() => undefined, (x: unknown) => x);
  if (e instanceof ProvisionErrors) return e.problems.map((x) => formatProblem(x));
  if (e instanceof ProvisionError) return [formatProblem(e.problem)];
  throw new Error(`expected a user error, got ${String(e)}`);
}

const motd = defineChecker({
  name: 'motd',
  summary: 'a message of the day: at most 3 lines',
  check: (text, where) => (text.split('\n').filter(Boolean).length > 3 ? [new ProvisionError({ what: 'more than 3 lines', where, code: 'motd' })] : []),
});
const hello = defineModule({ name: 'hello', summary: 'says hello (a user collection\'s module)', args: z.strictObject({ who: z.string() }), plan: () => ({ steps: [], note: 'hello' }) });

describe('the bundled collection', () => {
  it('registers its module and checkers exactly as they are exported, through the public API', async () => {
    await loadDefaultCollections();
    expect(bundled.name).toBe('bitcoin_i2p');
    for (const m of bundled.modules ?? []) expect(getModule(m.name)).toBe(m);
    for (const c of bundled.checkers ?? []) expect(getChecker(c.name)).toBe(c);
    expect(checkerNames()).toEqual(expect.arrayContaining(['bitcoin.conf', 'i2pd.conf']));
    expect(getModule('bitcoin_rpcauth')?.name).toBe('bitcoin_rpcauth');
  });
});

describe("a user's collection", () => {
  it('brings a module a playbook can use and a checker copy runs by name', async () => {
    registerCollection(defineCollection({ name: 'site_local', summary: 'this site', modules: [hello], checkers: [motd] }));
    const pb = await loadPlaybookFromString(
      '- hosts: all\n  tasks:\n    - hello: { who: world }\n    - copy: { dest: /etc/motd, content: "a\\nb\\nc\\nd\\n", lint: motd }\n',
      '/tmp/site.yml',
    );
    expect(pb.plays[0].tasks.map((t) => t.module)).toEqual(['hello', 'copy']);
    const run = runModule(copy, { dest: '/etc/motd', content: 'a\nb\nc\nd\n', lint: 'motd' }, { host: 'web1' });
    expect(await problems(run)).toEqual(['/etc/motd: host web1: more than 3 lines']);
  });

  it('a lint naming no registered checker is refused when the playbook loads, with the known names', async () => {
    expect(await problems(loadPlaybookFromString('- hosts: all\n  tasks:\n    - copy: { dest: /etc/motd, content: hi, lint: motdd }\n', '/tmp/site.yml'))).toEqual([
      expect.stringMatching(/^\/tmp\/site\.yml:3:\d+: plays\[0\]\.tasks\[0\]\.copy\.lint: no content checker "motdd" \(did you mean "motd"\?\); known: bitcoin\.conf, i2pd\.conf, motd \(collections add them\)/),
    ]);
  });

  it('an entry file that exports no collection is refused with what it should export', () => {
    expect(() => collectionOf({ other: 1 }, 'my-collection/index.js')).toThrow(
      expect.objectContaining({ message: expect.stringContaining('no collection exported') }),
    );
  });

  it('a name that cannot be part of NAMESPACE.NAME.module is refused', () => {
    expect(() => registerCollection(defineCollection({ name: 'my-site', summary: 'x', modules: [] }))).toThrow('collection name "my-site"');
  });
});

describe('a misspelt lint', () => {
  it('names the nearest checker', async () => {
    expect(await problems(loadPlaybookFromString('- hosts: all\n  tasks:\n    - copy: { dest: /etc/x.conf, content: hi, lint: bitcoin.cnf }\n', '/tmp/site.yml'))).toEqual([
      expect.stringContaining('plays[0].tasks[0].copy.lint: no content checker "bitcoin.cnf" (did you mean "bitcoin.conf"?); known: bitcoin.conf, i2pd.conf'),
    ]);
  });
});
