// Host patterns, as in Ansible: `web`, `web1`, `web*`, `~web\d+`, `all`/`*`, `web:db` or `web,db` (union),
// `web:&prod` (intersection), `web:!web3` (exclusion), `web[0]`, `web[1:3]` (slices, end included).
import { ProvisionError } from '../errors.js';
import { closest } from '../source/suggest.js';
import type { SourcePos } from '../source/position.js';
import type { Inventory } from './types.js';
import { globToRegExp, hasWildcard, type GlobOptions } from '../text/glob.js';

// Host patterns are fnmatch globs, as in Ansible: `*`, `?`, `[abc]`, `[!abc]`; host names compare case-sensitively.
const FNMATCH: GlobOptions = { classes: true };

/**
 * The hosts a pattern selects, in inventory order, further narrowed by `limit` (itself a pattern). As in Ansible,
 * unions apply first, then `&` intersections, then `!` exclusions, whatever the order written. A term that
 * matches no host and no group is an error (a typo in `!prod` must not run the play on prod).
 */
export function selectHosts(inv: Inventory, pattern: string, limit?: string): string[] {
  let chosen = evaluate(inv, pattern, 'host pattern');
  if (limit !== undefined && limit.trim() !== '') {
    if (limit.trim().startsWith('@')) {
      throw new ProvisionError({ what: '--limit @file is not supported', where: { path: '--limit' }, fix: 'list the hosts: --limit web1,web2', code: 'host-pattern' });
    }
    const limited = evaluate(inv, limit, '--limit');
    chosen = new Set([...chosen].filter((h) => limited.has(h)));
  }
  return [...inv.hosts.keys()].filter((h) => chosen.has(h));
}

/** What host selection needs of a play: its pattern and where it is written. */
export interface PlayHosts {
  hosts: string;
  hostsPos?: SourcePos;
  pos: SourcePos;
  path: string;
}

/** selectHosts for a play: a pattern that matches nothing is reported at the play's `hosts:` (file:line:col). */
export function selectPlayHosts(inv: Inventory, play: PlayHosts, limit?: string): string[] {
  try {
    return selectHosts(inv, play.hosts, limit);
  } catch (e) {
    if (!(e instanceof ProvisionError) || e.problem.where?.path !== 'hosts') throw e;
    const { file, line, col } = play.hostsPos ?? play.pos;
    throw new ProvisionError({ ...e.problem, where: { file, line, col, path: `${play.path}.hosts` } });
  }
}

function evaluate(inv: Inventory, pattern: string, label: string): Set<string> {
  const terms = splitPattern(inv, pattern);
  if (terms.length === 0) throw new ProvisionError({ what: `empty ${label}`, expected: 'a host or group name, or all', code: 'host-pattern' });
  const plain = terms.filter((t) => !t.startsWith('!') && !t.startsWith('&'));
  const and = terms.filter((t) => t.startsWith('&')).map((t) => t.slice(1));
  const not = terms.filter((t) => t.startsWith('!')).map((t) => t.slice(1));
  let set = new Set<string>();
  if (plain.length === 0) set = new Set(inv.hosts.keys());
  for (const t of plain) for (const h of match(inv, t, pattern, label)) set.add(h);
  for (const t of and) {
    const other = new Set(match(inv, t, pattern, label));
    set = new Set([...set].filter((h) => other.has(h)));
  }
  for (const t of not) for (const h of match(inv, t, pattern, label)) set.delete(h);
  return set;
}

// Commas always separate; colons separate unless the whole pattern is a host name (IPv6 addresses) or the colon
// is inside a [slice].
function splitPattern(inv: Inventory, pattern: string): string[] {
  const text = pattern.trim();
  if (inv.hosts.has(text)) return [text];
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const c of text) {
    if (c === '[') depth++;
    if (c === ']') depth--;
    if (c === ',' || (c === ':' && depth === 0 && !text.includes(','))) {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  parts.push(cur);
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

function match(inv: Inventory, term: string, pattern: string, label: string): string[] {
  const slice = /^(.+)\[(-?\d+)(?::(-?\d*))?\]$/.exec(term);
  if (slice && !inv.hosts.has(term)) {
    const base = match(inv, slice[1], pattern, label);
    const at = (n: number) => (n < 0 ? base.length + n : n);
    const from = at(Number(slice[2]));
    const to = slice[3] === undefined ? from : slice[3] === '' ? base.length - 1 : at(Number(slice[3]));
    const picked = base.slice(from, to + 1);
    if (picked.length === 0) throw nothing(inv, term, pattern, label, `"${slice[1]}" has ${base.length} host(s)`);
    return picked;
  }
  const hosts = [...inv.hosts.values()];
  if (term === 'all' || term === '*') return hosts.map((h) => h.name);
  let test: ((name: string) => boolean) | undefined;
  if (term.startsWith('~')) {
    let re: RegExp;
    try {
      re = new RegExp(term.slice(1));
    } catch (e) {
      throw new ProvisionError({ what: `bad regular expression in ${label} "${pattern}": ${(e as Error).message}`, code: 'host-pattern' });
    }
    test = (name) => re.test(name);
  } else if (hasWildcard(term, FNMATCH)) {
    const re = globToRegExp(term, FNMATCH);
    test = (name) => re.test(name);
  }
  const groupMatch = (g: string) => (test ? test(g) : g === term);
  const hostMatch = (h: string) => (test ? test(h) : h === term);
  const matchedGroups = [...inv.groups.keys()].filter(groupMatch);
  const out = hosts.filter((h) => hostMatch(h.name) || h.groups.some((g) => matchedGroups.includes(g))).map((h) => h.name);
  // A known group with no hosts is not a typo; an unknown name is.
  if (out.length === 0 && matchedGroups.length === 0) throw nothing(inv, term, pattern, label);
  return out;
}

function nothing(inv: Inventory, term: string, pattern: string, label: string, detail?: string): ProvisionError {
  const names = [...inv.groups.keys(), ...inv.hosts.keys()];
  const near = closest(term.replace(/^[~]/, ''), names);
  return new ProvisionError({
    what: `${label} "${pattern}" matches nothing: no host or group "${term}"${detail ? ` (${detail})` : ''}`,
    where: { path: label === '--limit' ? '--limit' : 'hosts' },
    expected: `a group (${[...inv.groups.keys()].join(', ')}) or a host (${[...inv.hosts.keys()].slice(0, 10).join(', ')}${inv.hosts.size > 10 ? ', ...' : ''})`,
    ...(near ? { fix: `did you mean "${near}"?` } : {}),
    code: 'host-pattern',
  });
}
