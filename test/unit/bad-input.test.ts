// The bad-input corpus (test/fixtures/bad/): every malformed playbook, inventory and vars file, loaded the way the
// CLI loads it, with the exact text an operator reads. Files that only fail when run (run-*) are run against a
// local-connection host and the human report's failure is pinned. A 50 MB file is made in a temp dir here; and
// the real CLI, pointed at a TCP server, must exit 5 without ever connecting when validation fails.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { formatProblem, ProvisionError, ProvisionErrors, type ProblemInfo } from '../../src/errors.js';
import { loadInventory, loadInventoryFromString } from '../../src/inventory/load.js';
import { loadPlaybook, loadPlaybookFromString } from '../../src/playbook/load.js';
import { parseExtraVars } from '../../src/playbook/vars.js';
import { humanReporter } from '../../src/report/human.js';
import { runPlaybook } from '../../src/runner/run.js';
import '../../src/modules/index.js';
import { localInventory } from '../helpers/build.js';

const DIR = 'test/fixtures/bad';
// Only a template that is not found names absolute paths: the places it looked.
const CWD = process.cwd();

/** What an operator reads for one fixture, and the problems behind it (none for a failed task: it is one line). */
interface Outcome {
  text: string;
  problems: ProblemInfo[];
}

// As src/cli/errors.ts prints a user error; anything else (a crash) is rethrown and fails the test.
function userErrorOutcome(e: unknown): Outcome {
  if (e instanceof ProvisionErrors) return { text: `error: ${e.message}`, problems: e.problems };
  if (e instanceof ProvisionError) return { text: `error: ${e.message}`, problems: [e.problem] };
  throw e;
}

async function loadOutcome(load: () => Promise<unknown>): Promise<Outcome> {
  try {
    await load();
  } catch (e) {
    return userErrorOutcome(e);
  }
  return { text: '(accepted)', problems: [] };
}

// A run-time error is a failed task: the lines the human report prints for it, from "failed:" on.
async function runOutcome(file: string): Promise<Outcome> {
  const playbook = await loadPlaybook(file);
  let printed = '';
  const report = humanReporter({ write: (t) => (printed += t), tty: false, color: false, verbose: 0, diff: false });
  try {
    await runPlaybook({ playbook, inventory: localInventory(1), onEvent: report, forks: 1 });
  } catch (e) {
    return userErrorOutcome(e);
  }
  const failure = /^(failed|unreachable): .*(\n {4}.*)*/m.exec(printed);
  return { text: failure ? failure[0] : `(ran)\n${printed}`, problems: [] };
}

/** Loads a fixture the way the CLI would, by the kind its name says. */
async function outcomeOf(name: string): Promise<Outcome> {
  const file = `${DIR}/${name}`;
  if (name.startsWith('playbook-')) return loadOutcome(() => loadPlaybook(file));
  // A folder holds an inventory with group_vars/ or host_vars/ beside it.
  if (name.startsWith('inventory-')) return loadOutcome(() => loadInventory(name.endsWith('.yml') ? file : `${file}/inventory.yml`));
  if (name.startsWith('extra-vars-')) return loadOutcome(() => parseExtraVars([`@${file}`], CWD));
  if (name.startsWith('run-')) return runOutcome(file);
  throw new Error(`${name}: name a fixture playbook-*, inventory-*, extra-vars-* or run-*`);
}

/** Every fixture and the exact text the CLI prints for it. */
const EXPECTED: Record<string, string> = {
  'extra-vars-duplicate.yml': `error: test/fixtures/bad/extra-vars-duplicate.yml:3:1: duplicate key "bitcoin_install" (first at line 1)
  fix: remove or rename one of the two "bitcoin_install" keys`,
  'extra-vars-list.yml': `error: test/fixtures/bad/extra-vars-list.yml:1:1: extra vars must be a mapping
  expected: name: value pairs
  got: a list
  fix: remove the "- " in front of the names: a vars file is one mapping, name: value on each line`,
  'extra-vars-unclosed-quote.yml': `error: test/fixtures/bad/extra-vars-unclosed-quote.yml:1:18: unclosed " quote
  fix: end the string with " (inside "...", write \\" for a ")`,
  'inventory-address-undefined.yml': `error: test/fixtures/bad/inventory-address-undefined.yml:4:16: host node1: address: undefined variable "node_number"
  fix: define "node_number" (in the inventory, the play's vars, vars_files, or with -e node_number=...) or give it a default: {{default node_number "..."}}`,
  'inventory-alias-bomb.yml': `error: test/fixtures/bad/inventory-alias-bomb.yml:4:12: too many YAML alias expansions (more than 100)
  fix: write the data out instead of nesting aliases`,
  'inventory-binary.yml': `error: test/fixtures/bad/inventory-binary.yml:1:144: binary data, not YAML text (a NUL byte)
  fix: check that test/fixtures/bad/inventory-binary.yml is the inventory you meant`,
  'inventory-connection-type.yml': `error: test/fixtures/bad/inventory-connection-type.yml:4:27: host node1: ansible_connection: invalid value
  expected: one of "ssh", "local"
  got: "paramiko"`,
  'inventory-cycle.yml': `error: test/fixtures/bad/inventory-cycle.yml:7:13: group cycle: nodes → seeds → nodes
  fix: remove "nodes" from the children of "seeds"`,
  'inventory-duplicate-host.yml': `error: test/fixtures/bad/inventory-duplicate-host.yml:5:5: duplicate key "node1" (first at line 3)
  fix: remove or rename one of the two "node1" keys`,
  'inventory-empty.yml': `error: test/fixtures/bad/inventory-empty.yml:1:1: the inventory is empty
  expected: all: { hosts: { web1: ... }, children: { ... } }
  got: nothing (null)`,
  'inventory-group-vars-broken': `error: test/fixtures/bad/inventory-group-vars-broken/group_vars/all.yml:3:1: duplicate key "ufw_strict_egress" (first at line 1)
  fix: remove or rename one of the two "ufw_strict_egress" keys`,
  'inventory-host-vars-list': `error: test/fixtures/bad/inventory-host-vars-list/host_vars/node2.yml:1:1: a vars file must be a mapping of variables
  expected: name: value pairs
  got: a list
  fix: remove the "- " in front of the names: a vars file is one mapping, name: value on each line`,
  'inventory-hosts-string.yml': `error: test/fixtures/bad/inventory-hosts-string.yml:2:10: all.hosts: wrong type
  expected: a mapping or a list
  got: a string ("node1")`,
  'inventory-list.yml': `error: test/fixtures/bad/inventory-list.yml:1:1: an inventory must be a mapping of groups
  expected: all: { hosts: { web1: ... }, children: { ... } }
  got: a list
  fix: put the hosts under all: hosts: (a mapping of host names)`,
  'inventory-port-fraction.yml': `error: test/fixtures/bad/inventory-port-fraction.yml:4:13: host node1: port: not an integer
  expected: an integer from 1 to 65535
  got: a number (22.5)`,
  'inventory-port-huge.yml': `error: test/fixtures/bad/inventory-port-huge.yml:4:13: host node1: port: too big
  expected: an integer from 1 to 65535
  got: a number (1e+23)`,
  'inventory-port-range.yml': `error: test/fixtures/bad/inventory-port-range.yml:4:13: host node1: port: wrong type
  expected: an integer from 1 to 65535
  got: a string ("31000:9000")`,
  'inventory-port-too-big.yml': `error: test/fixtures/bad/inventory-port-too-big.yml:5:21: host node1: ansible_port: too big
  expected: an integer from 1 to 65535
  got: a number (70000)`,
  'inventory-port-word.yml': `error: test/fixtures/bad/inventory-port-word.yml:4:13: host node1: port: wrong type
  expected: an integer from 1 to 65535
  got: a string ("ssh")`,
  'inventory-port-zero.yml': `error: test/fixtures/bad/inventory-port-zero.yml:3:11: host node1: port: too small
  expected: an integer from 1 to 65535
  got: a number (0)`,
  'inventory-range-huge.yml': `error: test/fixtures/bad/inventory-range-huge.yml:3:5: all.hosts.node[1:100000000]: host range "node[1:100000000]" stands for more than 10000 hosts
  fix: check the numbers for a typo, or split it into ranges of at most 10000 hosts`,
  'inventory-range-reversed.yml': `error: test/fixtures/bad/inventory-range-reversed.yml:3:5: all.hosts.node[9:1]: bad host range "[9:1]": 9 is after 1
  fix: write it from low to high: [1:9]`,
  'inventory-self-child.yml': `error: test/fixtures/bad/inventory-self-child.yml:5:9: group cycle: nodes → nodes
  fix: remove "nodes" from the children of "nodes"`,
  'inventory-tab-indent.yml': `error: test/fixtures/bad/inventory-tab-indent.yml:3:1: tabs are not allowed as indentation
  fix: indent with spaces`,
  'inventory-timeout-negative.yml': `error: test/fixtures/bad/inventory-timeout-negative.yml:4:24: host node1: connect_timeout: too small
  expected: seconds, more than 0 and at most 604800 (7 days)
  got: a number (-5)`,
  'inventory-timeout-infinite.yml': `error: test/fixtures/bad/inventory-timeout-infinite.yml:4:24: host node1: connect_timeout: too big
  expected: seconds, more than 0 and at most 604800 (7 days)
  got: a number too large to represent (read as Infinity)`,
  'inventory-timeout-too-long.yml': `error: test/fixtures/bad/inventory-timeout-too-long.yml:4:24: host node1: connect_timeout: too big
  expected: seconds, more than 0 and at most 604800 (7 days)
  got: a number (3000000)`,
  'inventory-unknown-key.yml': `error: test/fixtures/bad/inventory-unknown-key.yml:2:3: all.hots: unknown key "hots"
  expected: one of hosts, children, vars
  fix: did you mean "hosts"?`,
  'inventory-vars-list.yml': `error: test/fixtures/bad/inventory-vars-list.yml:4:9: all.vars: wrong type
  expected: a mapping
  got: a list`,
  'playbook-alias-bomb.yml': `error: test/fixtures/bad/playbook-alias-bomb.yml:4:12: too many YAML alias expansions (more than 100)
  fix: write the data out instead of nesting aliases`,
  'playbook-alias-cycle.yml': `error: test/fixtures/bad/playbook-alias-cycle.yml:3:27: alias "*me" is inside the node it refers to (a cycle)
  fix: write the data out instead`,
  'playbook-alias-undefined.yml': `error: test/fixtures/bad/playbook-alias-undefined.yml:3:12: undefined alias "*default_ports"
  fix: define the anchor "&default_ports" before this alias`,
  'playbook-bad-escape.yml': `error: test/fixtures/bad/playbook-bad-escape.yml:3:33: invalid escape \\q inside double quotes
  fix: write \\\\ for a backslash, or use single quotes (no escapes there)`,
  'playbook-bad-indent.yml': `error: test/fixtures/bad/playbook-bad-indent.yml:4:6: wrong indentation: YAML expected a "- " list item here
  fix: indent this line like the keys of the item above it (spaces only), or start it with "- "`,
  'playbook-become-maybe.yml': `error: test/fixtures/bad/playbook-become-maybe.yml:2:11: plays[0].become: wrong type
  expected: true or false
  got: a string ("maybe")`,
  'playbook-binary.yml': `error: test/fixtures/bad/playbook-binary.yml:1:5: binary data, not YAML text (a NUL byte)
  fix: check that test/fixtures/bad/playbook-binary.yml is the playbook you meant`,
  'playbook-colon-in-value.yml': `error: test/fixtures/bad/playbook-colon-in-value.yml:4:14: a second ": " on one line
  fix: quote the value if it contains ": " (key: "a: b"), or put the inner key on its own, further-indented line`,
  'playbook-command-pipe.yml': `error: test/fixtures/bad/playbook-command-pipe.yml:3:16: plays[0].tasks[0].command.cmd: the command runs without a shell, so "|" would be passed as a literal argument
  got: cat /etc/passwd | wc -l
  fix: use the shell module for pipes, redirections and command lists, or quote "|" if you mean it literally`,
  'playbook-command-unclosed-quote.yml': `error: test/fixtures/bad/playbook-command-unclosed-quote.yml:4:16: plays[0].tasks[0].command.cmd: unclosed single quote in the command
  got: echo 'it works
  fix: close the single quote`,
  'playbook-comment-without-space.yml': `error: test/fixtures/bad/playbook-comment-without-space.yml:3:20: a "#" right after text: YAML starts a comment only after a space
  fix: put a space before the "#" of a comment, or quote the whole value if "#" belongs to it`,
  'playbook-complex-key.yml': `error: test/fixtures/bad/playbook-complex-key.yml:3:7: a key must be a plain name, not a list or mapping
  fix: quote the key, or use a plain name`,
  'playbook-control-character.yml': `error: test/fixtures/bad/playbook-control-character.yml:3:16: a control character (U+0007) is not allowed in YAML text
  fix: remove it, or write it as an escape inside double quotes ("\\u0007")`,
  'playbook-delay-too-long.yml': `error: test/fixtures/bad/playbook-delay-too-long.yml:5:14: plays[0].tasks[0].delay: too big
  expected: seconds, from 0 to 604800 (7 days)
  got: a number (3000000)`,
  'playbook-deep-nesting.yml': `error: test/fixtures/bad/playbook-deep-nesting.yml:3:829: nested too deeply to read
  fix: flatten the data`,
  'playbook-duplicate-empty-key.yml': `error: test/fixtures/bad/playbook-duplicate-empty-key.yml:3:3: duplicate key "tasks" (first at line 2)
  fix: remove or rename one of the two "tasks" keys`,
  'playbook-duplicate-key.yml': `error: test/fixtures/bad/playbook-duplicate-key.yml:5:7: duplicate key "name" (first at line 3)
  fix: remove or rename one of the two "name" keys`,
  'playbook-empty.yml': `error: test/fixtures/bad/playbook-empty.yml:1:1: plays: the playbook is empty
  expected: a list of plays (- hosts: ...)
  got: nothing (null)`,
  'playbook-hosts-missing.yml': `error: test/fixtures/bad/playbook-hosts-missing.yml:1:3: plays[0].hosts: missing required key "hosts"
  expected: a string or a list
  fix: add hosts: with the group or host the play is for (or all)`,
  'playbook-hosts-number.yml': `error: test/fixtures/bad/playbook-hosts-number.yml:1:10: plays[0].hosts: wrong type
  expected: a string or a list
  got: a number (42)`,
  'playbook-import-cycle.yml': `error: test/fixtures/bad/support/imports-back.yml:1:20: plays[0].import_playbook: import_playbook cycle: test/fixtures/bad/playbook-import-cycle.yml → test/fixtures/bad/support/imports-back.yml → test/fixtures/bad/playbook-import-cycle.yml
  fix: remove this import_playbook (a playbook cannot import itself, directly or through others)`,
  'playbook-import-missing.yml': `error: test/fixtures/bad/playbook-import-missing.yml:1:20: plays[0].import_playbook: playbook not found: test/fixtures/bad/support/nowhere.yml`,
  'playbook-invalid-state.yml': `error: test/fixtures/bad/playbook-invalid-state.yml:3:37: plays[0].tasks[0].service.state: invalid value
  expected: one of "started", "stopped", "restarted", "reloaded"
  got: "restart"
  fix: did you mean "restarted"?`,
  'playbook-key-too-long.yml': `error: test/fixtures/bad/playbook-key-too-long.yml:2:3: key too long: YAML allows at most 1024 characters before the ":" of a key
  fix: shorten the key (a long text belongs in a value: name: "...")`,
  'playbook-latin1.yml': `error: test/fixtures/bad/playbook-latin1.yml:3:22: not UTF-8 text: byte 0xe0 cannot start or continue a UTF-8 character here
  fix: save the file as UTF-8 (iconv -f latin1 -t utf-8 FILE)`,
  'playbook-loop-not-list.yml': `error: test/fixtures/bad/playbook-loop-not-list.yml:4:13: plays[0].tasks[0].loop: "loop" must be a list or a template giving one
  expected: a list, or "{{ some_list }}"
  got: a string ("curl")`,
  'playbook-max-fail-percentage.yml': `error: test/fixtures/bad/playbook-max-fail-percentage.yml:2:24: plays[0].max_fail_percentage: too big
  expected: a number from 0 to 100
  got: a number (150)`,
  'playbook-merge-not-mapping.yml': `error: test/fixtures/bad/playbook-merge-not-mapping.yml:5:11: a merge (<<) needs a mapping, an alias of one, or a list of those
  got: a list`,
  'playbook-missing-argument.yml': `error: test/fixtures/bad/playbook-missing-argument.yml:5:9: plays[0].tasks[0].copy.dest: missing required key "dest"
  expected: a string`,
  'playbook-missing-checksum.yml': `error: test/fixtures/bad/playbook-missing-checksum.yml:4:9: plays[0].tasks[0].get_url.checksum: missing required key "checksum"
  expected: a string
  fix: checksum is required: "sha256:" and the 64 hex digits the file must have`,
  'playbook-missing-colon.yml': `error: test/fixtures/bad/playbook-missing-colon.yml:4:7: a key must fit on one line: this line has no ":" and runs into the next
  fix: add the missing ":" (key: value), or start the line with "- " if it is a list item`,
  'playbook-mode-five-digits.yml': `error: test/fixtures/bad/playbook-mode-five-digits.yml:3:38: plays[0].tasks[0].file.mode: invalid mode 10644: expected an octal mode like "0644" (3 or 4 digits 0-7)
  got: a number (10644)`,
  'playbook-mode-not-octal.yml': `error: test/fixtures/bad/playbook-mode-not-octal.yml:3:59: plays[0].tasks[0].file.mode: invalid mode "0789": expected an octal mode like "0644" (3 or 4 digits 0-7)
  got: a string ("0789")`,
  'playbook-mode-symbolic.yml': `error: test/fixtures/bad/playbook-mode-symbolic.yml:3:51: plays[0].tasks[0].copy.mode: symbolic mode "u=rw,go=r" is not supported: write an octal mode like "0644"
  got: a string ("u=rw,go=r")`,
  'playbook-no-module.yml': `error: test/fixtures/bad/playbook-no-module.yml:3:7: plays[0].tasks[0]: task has no module
  expected: one module key (apt, assert, bitcoin_rpcauth, command, copy, debug, fail, file, get_url, group, service, set_fact, shell, template, ufw, unarchive, user, wait_for)`,
  'playbook-notify-unknown.yml': `error: test/fixtures/bad/playbook-notify-unknown.yml:4:15: plays[0].tasks[0].notify: notify names no handler: "restart ip2d"
  expected: one of "restart i2pd"
  fix: did you mean "restart i2pd"?`,
  'playbook-only-comments.yml': `error: test/fixtures/bad/playbook-only-comments.yml:1:1: plays: the playbook is empty
  expected: a list of plays (- hosts: ...)
  got: nothing (null)`,
  'playbook-over-indent.yml': `error: test/fixtures/bad/playbook-over-indent.yml:4:9: wrong indentation: this line is indented deeper than the key above it
  fix: line it up with the keys above it (spaces only)`,
  'playbook-owner-with-colon.yml': `error: test/fixtures/bad/playbook-owner-with-colon.yml:3:39: plays[0].tasks[0].file.owner: invalid format
  expected: a user name without spaces or ":"
  got: a string ("root:root")`,
  'playbook-play-not-mapping.yml': `error: test/fixtures/bad/playbook-play-not-mapping.yml:3:3: plays[1]: a play must be a mapping
  expected: hosts: ..., tasks: [...]
  got: a string ("just a string")`,
  'playbook-proto-key.yml': `error: test/fixtures/bad/playbook-proto-key.yml:3:5: "__proto__" cannot be used as a name
  fix: rename it`,
  'playbook-register-bad-name.yml': `error: test/fixtures/bad/playbook-register-bad-name.yml:4:17: plays[0].tasks[0].register: invalid format
  expected: a name of letters, digits and _, not starting with a digit
  got: a string ("uname-out")`,
  'playbook-relative-dest.yml': `error: test/fixtures/bad/playbook-relative-dest.yml:4:21: plays[0].tasks[0].copy.dest: invalid format
  expected: an absolute file path (not ending in "/"; ~ is not expanded)
  got: a string ("etc/motd")
test/fixtures/bad/playbook-relative-dest.yml:6:40: plays[0].tasks[1].template.dest: invalid format
  expected: an absolute file path (not ending in "/"; ~ is not expanded)
  got: a string ("~/motd")
test/fixtures/bad/playbook-relative-dest.yml:8:21: plays[0].tasks[2].copy.dest: invalid format
  expected: an absolute file path (not ending in "/"; ~ is not expanded)
  got: a string ("/etc/motd.d/")`,
  'playbook-reserved-character.yml': `error: test/fixtures/bad/playbook-reserved-character.yml:4:14: a value cannot start with "@" unless it is quoted
  fix: put the whole value in quotes: "@..."`,
  'playbook-retries-huge.yml': `error: test/fixtures/bad/playbook-retries-huge.yml:4:16: plays[0].tasks[0].retries: too big
  expected: an integer from 0 to 10000
  got: a number (1e+23)`,
  'playbook-retries-negative.yml': `error: test/fixtures/bad/playbook-retries-negative.yml:4:16: plays[0].tasks[0].retries: too small
  expected: an integer from 0 to 10000
  got: a number (-1)`,
  'playbook-roles.yml': `error: test/fixtures/bad/playbook-roles.yml:2:3: plays[0].roles: "roles" is not supported
  fix: put the tasks in the play (and their variables in vars_files)`,
  'playbook-scalar.yml': `error: test/fixtures/bad/playbook-scalar.yml:1:1: plays: a playbook must be a list of plays
  expected: a list of plays (- hosts: ...)
  got: a string ("site.yml")`,
  'playbook-sequence-misaligned.yml': `error: test/fixtures/bad/playbook-sequence-misaligned.yml:5:4: wrong indentation: this "- " list item is not lined up with the items above it
  fix: start it in the same column as the "- " of the items above (spaces only)`,
  'playbook-serial-zero.yml': `error: test/fixtures/bad/playbook-serial-zero.yml:2:11: plays[0].serial: too small
  expected: a number >= 1
  got: a number (0)`,
  'playbook-single-play.yml': `error: test/fixtures/bad/playbook-single-play.yml:1:1: plays: a playbook must be a list of plays
  expected: a list of plays (- hosts: ...)
  got: a mapping
  fix: start the play with "- " (a playbook is a list of plays)`,
  'playbook-stray-bracket.yml': `error: test/fixtures/bad/playbook-stray-bracket.yml:3:3: unexpected "]" here
  fix: look at this line and the one above it: a missing ":" or "- ", a bracket or quote without its pair, or a wrong indentation`,
  'playbook-tab-indent.yml': `error: test/fixtures/bad/playbook-tab-indent.yml:3:1: tabs are not allowed as indentation
  fix: indent with spaces`,
  'playbook-task-at-play-level.yml': `error: test/fixtures/bad/playbook-task-at-play-level.yml:2:3: plays[0].apt: unknown key "apt"
  expected: one of name, hosts, defaults, vars, vars_files, become, become_user, gather_facts, serial, max_fail_percentage, any_errors_fatal, tasks, handlers
  fix: "apt" belongs to a task: put the task under tasks:`,
  'playbook-task-not-mapping.yml': `error: test/fixtures/bad/playbook-task-not-mapping.yml:3:7: plays[0].tasks[0]: a task must be a mapping
  expected: name: ... and one module, e.g. command: ...
  got: a string ("apt curl")`,
  'playbook-tasks-mapping.yml': `error: test/fixtures/bad/playbook-tasks-mapping.yml:3:5: plays[0].tasks: wrong type
  expected: a list
  got: a mapping
  fix: start each task with "- " (a list of tasks)`,
  'playbook-template-jinja-filter.yml': `error: test/fixtures/bad/playbook-template-jinja-filter.yml:4:14: plays[0].tasks[0].debug.msg: template syntax error
  got: {{ motd | default('hi') }}
  fix: Jinja filters (|) do not exist here: use helpers, e.g. {{default x "y"}}, {{join list ","}}`,
  'playbook-template-partial.yml': `error: test/fixtures/bad/playbook-template-partial.yml:4:14: plays[0].tasks[0].debug.msg: template partials ({{> name}}) are not supported
  fix: write the text into the template itself`,
  'playbook-template-unclosed.yml': `error: test/fixtures/bad/playbook-template-unclosed.yml:5:18: plays[0].tasks[0].copy.content: template syntax error
  expected: the rest of the template: a closing }} or {{/block}}
  got: ... inventory_hostname
  fix: close every {{ with }} and every {{#block}} with {{/block}}`,
  'playbook-template-unknown-helper.yml': `error: test/fixtures/bad/playbook-template-unknown-helper.yml:4:14: plays[0].tasks[0].debug.msg: unknown template helper "upper"
  expected: one of: stable_port, eq, ne, not, and, or, default, join, json, list, bool, if, unless, each, with`,
  'playbook-two-documents.yml': `error: test/fixtures/bad/playbook-two-documents.yml:3:1: a second YAML document ("---") in one file
  fix: keep one document: remove this "---" and merge what follows into the first one`,
  'playbook-two-modules.yml': `error: test/fixtures/bad/playbook-two-modules.yml:5:7: plays[0].tasks[0].shell: task has 2 modules: "command", "shell"
  expected: exactly one module per task
  fix: split it into one task per module`,
  'playbook-ufw-port-range-reversed.yml': `error: test/fixtures/bad/playbook-ufw-port-range-reversed.yml:5:50: plays[0].tasks[0].ufw.rules[0].port: ports are 1-65535, and a range goes from low to high
  got: a string ("31000:9000")`,
  'playbook-ufw-port-too-big.yml': `error: test/fixtures/bad/playbook-ufw-port-too-big.yml:5:34: plays[0].tasks[0].ufw.rules[0].port: too big
  expected: an integer from 1 to 65535
  got: a number (70000)`,
  'playbook-ufw-range-end-too-big.yml': `error: test/fixtures/bad/playbook-ufw-range-end-too-big.yml:5:50: plays[0].tasks[0].ufw.rules[0].port: ports are 1-65535, and a range goes from low to high
  got: a string ("9000:70000")`,
  'playbook-ufw-range-without-proto.yml': `error: test/fixtures/bad/playbook-ufw-range-without-proto.yml:5:13: plays[0].tasks[0].ufw.rules[0].proto: port "9000:31000" is a range or list: ufw needs proto tcp or udp for it (write one rule for each)`,
  'playbook-unclosed-bracket.yml': `error: test/fixtures/bad/playbook-unclosed-bracket.yml:3:12: "[" is not closed by "]" (or the line after it is not indented enough)
  fix: close it with "]"; a list or mapping in brackets that goes on over several lines is indented further than its key`,
  'playbook-unclosed-double-quote.yml': `error: test/fixtures/bad/playbook-unclosed-double-quote.yml:5:14: unclosed " quote
  fix: end the string with " (inside "...", write \\" for a ")`,
  'playbook-unclosed-single-quote.yml': `error: test/fixtures/bad/playbook-unclosed-single-quote.yml:3:11: unclosed ' quote
  fix: end the string with ' (inside '...', write '' for a ')`,
  'playbook-unknown-argument.yml': `error: test/fixtures/bad/playbook-unknown-argument.yml:4:14: plays[0].tasks[0].apt.nme: unknown key "nme"
  expected: one of name, state, purge, update_cache, cache_valid_time, install_recommends, lock_timeout
  fix: did you mean "name"?`,
  'playbook-unknown-module.yml': `error: test/fixtures/bad/playbook-unknown-module.yml:4:7: plays[0].tasks[0].aptt: unknown module "aptt"
  expected: a module (apt, assert, bitcoin_rpcauth, command, copy, debug, fail, file, get_url, group, service, set_fact, shell, template, ufw, unarchive, user, wait_for)
  fix: did you mean "apt"?`,
  'playbook-unknown-play-key.yml': `error: test/fixtures/bad/playbook-unknown-play-key.yml:2:3: plays[0].taks: unknown key "taks"
  expected: one of name, hosts, defaults, vars, vars_files, become, become_user, gather_facts, serial, max_fail_percentage, any_errors_fatal, tasks, handlers
  fix: did you mean "tasks"?`,
  'playbook-validate-without-placeholder.yml': `error: test/fixtures/bad/playbook-validate-without-placeholder.yml:6:19: plays[0].tasks[0].copy.validate: validate must contain %s, which stands for the file to check
  got: visudo -c
  fix: write it like: visudo -cf %s`,
  'playbook-vars-files-broken.yml': `error: test/fixtures/bad/support/broken-vars.yml:2:3: wrong indentation: this line is indented deeper than the key above it
  fix: line it up with the keys above it (spaces only)`,
  'playbook-vars-files-list.yml': `error: test/fixtures/bad/support/list-vars.yml:1:1: a vars file must be a mapping of variables
  expected: name: value pairs
  got: a list
  fix: remove the "- " in front of the names: a vars file is one mapping, name: value on each line`,
  'playbook-vars-files-missing.yml': `error: test/fixtures/bad/playbook-vars-files-missing.yml:4:7: plays[0].vars_files[1]: vars file not found: test/fixtures/bad/support/missing.yml`,
  'playbook-vault-tag.yml': `error: test/fixtures/bad/playbook-vault-tag.yml:3:18: unresolved tag: !vault
  fix: remove the tag (provision supports no custom tags, and no Ansible Vault)`,
  'playbook-wait-for-port-huge.yml': `error: test/fixtures/bad/playbook-wait-for-port-huge.yml:3:25: plays[0].tasks[0].wait_for.port: too big
  expected: an integer from 1 to 65535
  got: a number (1e+23)`,
  'playbook-wait-for-port-too-big.yml': `error: test/fixtures/bad/playbook-wait-for-port-too-big.yml:3:25: plays[0].tasks[0].wait_for.port: too big
  expected: an integer from 1 to 65535
  got: a number (70000)`,
  'playbook-wait-for-too-long.yml': `error: test/fixtures/bad/playbook-wait-for-too-long.yml:5:18: plays[0].tasks[0].wait_for.timeout: too big
  expected: seconds, from 0 to 604800 (7 days)
  got: a number (2200000)`,
  'playbook-when-syntax.yml': `error: test/fixtures/bad/playbook-when-syntax.yml:4:13: plays[0].tasks[0].when: syntax error in condition "result.rc = 0": "=" assigns; compare with "==" (column 11)`,
  'playbook-wrong-argument-type.yml': `error: test/fixtures/bad/playbook-wrong-argument-type.yml:5:23: plays[0].tasks[0].apt.update_cache: wrong type
  expected: true or false
  got: a string ("sometimes")`,
  'run-argument-invalid-after-templating.yml': `failed: [h1] test/fixtures/bad/run-argument-invalid-after-templating.yml:6:7: plays[0].tasks[0].wait_for.port: too big (after templating)
      expected: an integer from 1 to 65535
      got: a number (70000)
      fix: check the variables used in this argument (run with -e to override one)`,
  'run-hosts-match-nothing.yml': `error: test/fixtures/bad/run-hosts-match-nothing.yml:5:10: plays[1].hosts: host pattern "nodez" matches nothing: no host or group "nodez"
  expected: a group (all) or a host (h1)`,
  'run-loop-not-a-list.yml': `failed: [h1] test/fixtures/bad/run-loop-not-a-list.yml:6:7: plays[0].tasks[0].loop: loop must be a list
      got: a string ("curl")
      fix: give loop a list, or a variable that holds one`,
  'run-nul-in-argument.yml': `failed: [h1] test/fixtures/bad/run-nul-in-argument.yml:4:7: a value contains a NUL byte (character 2), which no shell command can carry
      got: a string ("a\\u0000b")
      fix: remove the NUL byte from the value`,
  'run-template-missing.yml': `failed: [h1] test/fixtures/bad/run-template-missing.yml:4:7: template "nope.conf.hbs" not found
      expected: a file at test/fixtures/bad/templates/nope.conf.hbs or templates/nope.conf.hbs
      fix: check the name, or put the template in the templates/ folder next to the playbook`,
  'run-template-undefined-variable.yml': `failed: [h1] test/fixtures/bad/run-template-undefined-variable.yml:4:7: test/fixtures/bad/templates/undefined.conf.hbs:2:13: undefined variable "listen_port"
      fix: define "listen_port" (in the inventory, the play's vars, vars_files, or with -e listen_port=...) or give it a default: {{default listen_port "..."}}`,
  'run-undefined-variable.yml': `failed: [h1] test/fixtures/bad/run-undefined-variable.yml:4:7: plays[0].tasks[0].debug.msg: undefined variable "nobody"
      fix: define "nobody" (in the inventory, the play's vars, vars_files, or with -e nobody=...) or give it a default: {{default nobody "..."}}`,
  'run-when-undefined.yml': `failed: [h1] test/fixtures/bad/run-when-undefined.yml:4:7: undefined variable "nobody" in condition "nobody == 1"
      fix: test it first (nobody is defined and ...) or give a default (nobody | default(...))`,
};

const fixtures = readdirSync(DIR).filter((n) => /^(playbook|inventory|extra-vars|run)-/.test(n));

/** What must never be printed: a stack frame, or a value that leaked ("undefined variable" is a fine phrase). */
function leaks(text: string): string[] {
  const words = text.replace(/undefined (variable|alias)|[\w./-]*undefined[\w.-]*\.(yml|hbs)/g, '');
  return ['    at ', 'undefined', '[object Object]', 'NaN'].filter((w) => words.includes(w));
}

describe('every malformed file in test/fixtures/bad is refused with one clear message', () => {
  it('has a pinned message for every fixture, and a fixture for every pinned message', () => {
    expect(fixtures.sort()).toEqual(Object.keys(EXPECTED).sort());
    expect(fixtures.length).toBeGreaterThanOrEqual(40);
  });

  it.each(fixtures)('%s', async (name) => {
    const { text, problems } = await outcomeOf(name);
    expect(text).toBe(EXPECTED[name]);
    expect(leaks(text)).toEqual([]);
    if (name.startsWith('run-') && !text.startsWith('error: ')) {
      // One failed task, at the task's file:line:col.
      expect(text).toMatch(new RegExp(`^failed: \\[h1\\] ${DIR}/${name}:\\d+:\\d+: `));
      return;
    }
    // Exactly the problems pinned, each at a file:line:col, and nothing printed but them.
    expect(problems.length).toBeGreaterThan(0);
    expect(text).toBe(`error: ${problems.map(formatProblem).join('\n')}`);
    for (const p of problems) expect(p.where).toEqual(expect.objectContaining({ file: expect.any(String), line: expect.any(Number), col: expect.any(Number) }));
  });
});

describe('a 50 MB file', () => {
  let dir: string;
  let big: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'provision-bad-'));
    // Valid YAML, only too much of it: the size alone is refused, before any parsing.
    big = '- hosts: all\n  tasks: []\n'.repeat(Math.ceil((50 * 1024 * 1024) / 25));
    writeFileSync(join(dir, 'playbook-50mb.yml'), big);
    writeFileSync(join(dir, 'inventory-50mb.yml'), `all:\n  hosts:\n${'    node: {}\n'.repeat(Math.ceil((50 * 1024 * 1024) / 13))}`);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const tooLarge = (file: string) =>
    `error: ${file}:1:1: file too large: 50.0 MB (provision reads YAML files up to 4.0 MB)\n` +
    '  fix: split it (vars_files, group_vars/ and host_vars/ files), or keep bulk data in a file a task copies';

  it('is refused as a playbook without being read, in well under a second', async () => {
    const t0 = Date.now();
    expect((await loadOutcome(() => loadPlaybook(join(dir, 'playbook-50mb.yml')))).text).toBe(tooLarge(join(dir, 'playbook-50mb.yml')));
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it('is refused as an inventory', async () => {
    expect((await loadOutcome(() => loadInventory(join(dir, 'inventory-50mb.yml')))).text).toBe(tooLarge(join(dir, 'inventory-50mb.yml')));
  });

  it('is refused as an extra vars file', async () => {
    expect((await loadOutcome(() => parseExtraVars([`@${join(dir, 'playbook-50mb.yml')}`], CWD))).text).toBe(tooLarge(join(dir, 'playbook-50mb.yml')));
  });

  it('is refused when the text is already in memory, before parsing', async () => {
    const t0 = Date.now();
    expect((await loadOutcome(() => loadPlaybookFromString(big, 'big.yml'))).text).toBe(tooLarge('big.yml'));
    expect((await loadOutcome(() => loadInventoryFromString(big, 'big.yml'))).text).toBe(tooLarge('big.yml'));
    expect(Date.now() - t0).toBeLessThan(2000);
  });
});

// The built CLI (CI builds dist/ with `npm ci`; locally: npm run -s build), pointed at a TCP server on loopback that
// counts connections. The control run proves the inventory does lead to a connection when validation passes.
describe('nothing connects to any host before validation passes', () => {
  const CLI = resolve('dist/cli/main.js');
  let server: Server;
  let connections = 0;
  let dir: string;
  let inventory: string;

  beforeAll(async () => {
    server = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const port = (server.address() as { port: number }).port;
    dir = mkdtempSync(join(tmpdir(), 'provision-bad-cli-'));
    // A key file, so that the SSH client gets as far as opening the TCP connection.
    await new Promise<void>((ok, fail) => execFile('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'key')], (e) => (e ? fail(e) : ok())));
    inventory = join(dir, 'inventory.yml');
    writeFileSync(inventory, `all:\n  hosts:\n    node1:\n      address: 127.0.0.1\n      port: ${port}\n      private_key_file: ${join(dir, 'key')}\n`);
    writeFileSync(join(dir, 'good.yml'), '- hosts: all\n  tasks:\n    - command: "true"\n');
  });
  afterAll(async () => {
    await new Promise((ok) => server.close(ok));
    rmSync(dir, { recursive: true, force: true });
  });

  function cli(...args: string[]): Promise<{ code: number; stderr: string }> {
    return new Promise((ok) => execFile('node', [CLI, ...args], { timeout: 30_000 }, (e, _stdout, stderr) => ok({ code: e ? ((e as { code?: number }).code ?? -1) : 0, stderr })));
  }

  it('the CLI is built', () => {
    expect(existsSync(CLI)).toBe(true);
  });

  it.each([
    // Refused by the loader.
    ['playbook-unknown-module.yml', 'test/fixtures/bad/playbook-unknown-module.yml:4:7: plays[0].tasks[0].aptt: unknown module "aptt"'],
    // Loads, but its second play's pattern matches nothing: every play's pattern is checked before the first play
    // gathers facts from all hosts.
    ['run-hosts-match-nothing.yml', 'test/fixtures/bad/run-hosts-match-nothing.yml:5:10: plays[1].hosts: host pattern "nodez" matches nothing'],
  ])('provision run %s: exit 5, the error, and no connection', async (name, head) => {
    connections = 0;
    const { code, stderr } = await cli('run', `${DIR}/${name}`, '-i', inventory, '-T', '2');
    expect({ code, connections }).toEqual({ code: 5, connections: 0 });
    expect(stderr.startsWith(`error: ${head}`)).toBe(true);
    expect(stderr).not.toContain('    at ');
  }, 30_000);

  it('a valid playbook with the same inventory does connect (so the zero above means something)', async () => {
    connections = 0;
    const { code } = await cli('run', join(dir, 'good.yml'), '-i', inventory, '-T', '2');
    expect(code).toBe(4); // unreachable: the server is no sshd
    expect(connections).toBeGreaterThan(0);
  }, 30_000);
});
