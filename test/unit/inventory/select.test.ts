import { describe, expect, it } from '@jest/globals';
import { loadInventory } from '../../../src/inventory/load.js';
import { selectHosts } from '../../../src/inventory/select.js';
import type { Inventory } from '../../../src/inventory/types.js';

// Hosts: bastion web01 web02 web03 db1 both localhost; groups: web (web01-03, child web_eu: web02), db, alpha and beta
// (both), local (localhost), ungrouped (bastion).
const inv: Inventory = await loadInventory('test/fixtures/inventories/basic/inventory.yml');
const select = (pattern: string, limit?: string) => selectHosts(inv, pattern, limit);
const errorOf = (pattern: string, limit?: string) => {
  try {
    select(pattern, limit);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error(`"${pattern}" did not fail`);
};

describe('selectHosts', () => {
  it.each([
    ['all', ['bastion', 'web01', 'web02', 'web03', 'db1', 'both', 'localhost']],
    ['*', ['bastion', 'web01', 'web02', 'web03', 'db1', 'both', 'localhost']],
    ['web', ['web01', 'web02', 'web03']],
    ['web_eu', ['web02']],
    ['db1', ['db1']],
    ['ungrouped', ['bastion']],
  ])('selects by name, group (with its children) or all: %s', (pattern, hosts) => expect(select(pattern)).toEqual(hosts));

  it.each([
    ['web0*', ['web01', 'web02', 'web03']],
    ['web0[!2]', ['web01', 'web03']],
    ['web_*', ['web02']],
    ['?b1', ['db1']],
    ['~web0[12]$', ['web01', 'web02']],
  ])('matches globs and ~regexes against host and group names: %s', (pattern, hosts) => expect(select(pattern)).toEqual(hosts));

  it.each([
    ['db:web_eu', ['web02', 'db1']],
    ['db,web_eu', ['web02', 'db1']],
    ['db1, bastion', ['bastion', 'db1']],
  ])('unites with : or , and keeps inventory order: %s', (pattern, hosts) => expect(select(pattern)).toEqual(hosts));

  it.each([
    ['web:!web_eu', ['web01', 'web03']],
    ['web:&web_eu', ['web02']],
    ['!web_eu:web', ['web01', 'web03']],
    ['&web:web_eu:db', ['web02']],
    ['!web:!db:!local', ['bastion', 'both']],
    ['all:!web*', ['bastion', 'db1', 'both', 'localhost']],
  ])('applies unions, then &intersections, then !exclusions, whatever the order: %s', (pattern, hosts) => expect(select(pattern)).toEqual(hosts));

  it.each([
    ['web[0]', ['web01']],
    ['web[-1]', ['web03']],
    ['web[0:1]', ['web01', 'web02']],
    ['web[1:]', ['web02', 'web03']],
  ])('slices a group, end included as in Ansible: %s', (pattern, hosts) => expect(select(pattern)).toEqual(hosts));

  it('narrows with --limit, itself a pattern', () => {
    expect(select('web', 'web01,web03')).toEqual(['web01', 'web03']);
    expect(select('all', '!web')).toEqual(['bastion', 'db1', 'both', 'localhost']);
    expect(select('db', 'web')).toEqual([]);
  });

  it('accepts an empty group without complaint', () => {
    const empty: Inventory = { ...inv, groups: new Map([...inv.groups, ['spare', { name: 'spare', hosts: [], children: [], vars: {} }]]) };
    expect(selectHosts(empty, 'spare')).toEqual([]);
  });

  it('rejects a name that matches nothing, with a suggestion', () => {
    expect(errorOf('wbe')).toBe(
      'hosts: host pattern "wbe" matches nothing: no host or group "wbe"\n  expected: a group (all, web, web_eu, db, beta, alpha, local, ungrouped) or a host (bastion, web01, web02, web03, db1, both, localhost)\n  fix: did you mean "web"?',
    );
  });

  it('rejects a typo in an exclusion instead of ignoring it (it would select too much)', () => {
    expect(errorOf('all:!dbb')).toMatch(/^hosts: host pattern "all:!dbb" matches nothing: no host or group "dbb"\n[^]*fix: did you mean "db"\?$/);
  });

  it('names --limit when the limit is the pattern at fault', () => {
    expect(errorOf('all', 'web9')).toMatch(/^--limit: --limit "web9" matches nothing: no host or group "web9"\n/);
  });

  it('rejects a glob that matches nothing and a slice past the end', () => {
    expect(errorOf('app*')).toMatch(/^hosts: host pattern "app\*" matches nothing: no host or group "app\*"\n/);
    expect(errorOf('web[5]')).toMatch(/^hosts: host pattern "web\[5\]" matches nothing: no host or group "web\[5\]" \("web" has 3 host\(s\)\)\n/);
  });
});
