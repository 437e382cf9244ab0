import { describe, expect, it } from '@jest/globals';
import { loadPlaybook, loadPlaybookFromString } from '../../../src/playbook/load.js';
import { problemsOf, registerTestModules } from './test-modules.js';

await registerTestModules();
const F = 'test/fixtures/playbooks';

describe('loadPlaybook on a good playbook', () => {
  it('normalizes every play key', async () => {
    const pb = await loadPlaybook(`${F}/site.yml`);
    expect(pb.file).toBe(`${F}/site.yml`);
    expect(pb.dir).toMatch(/test\/fixtures\/playbooks$/);
    const [web, db] = pb.plays;
    expect({ ...web, tasks: undefined, handlers: undefined }).toEqual({
      name: 'Web servers',
      hosts: 'web:&prod',
      hostsPos: { file: `${F}/site.yml`, line: 3, col: 10 },
      defaults: {},
      vars: { packages: ['nginx', 'curl'], greeting: 'hello' },
      varsFromFiles: { listen_port: 80, motd: 'from override' },
      become: true,
      becomeUser: 'root',
      gatherFacts: false,
      serial: [1, '30%'],
      maxFailPercentage: 25,
      anyErrorsFatal: true,
      pos: { file: `${F}/site.yml`, line: 2, col: 3 },
      path: 'plays[0]',
      tasks: undefined,
      handlers: undefined,
    });
    expect(db).toMatchObject({ name: 'db,cache', hosts: 'db,cache', become: false, gatherFacts: true, serial: [], anyErrorsFatal: false, varsFromFiles: {} });
  });

  it('normalizes a task with a mapping of arguments, converting yes to true for a boolean argument', async () => {
    const [task] = (await loadPlaybook(`${F}/site.yml`)).plays[0].tasks;
    expect(task).toEqual({
      name: 'Install packages',
      module: 'apt',
      args: { name: '{{ packages }}', state: 'present', update_cache: true },
      when: [],
      notify: ['restart nginx'],
      ignoreErrors: false,
      tags: ['packages', 'web'],
      loopVar: 'item',
      noLog: false,
      listen: [],
      vars: {},
      pos: { file: `${F}/site.yml`, line: 17, col: 7 },
      path: 'plays[0].tasks[0]',
    });
  });

  it('puts a free-form string under the module key and names the task after it', async () => {
    const task = (await loadPlaybook(`${F}/site.yml`)).plays[0].tasks[1];
    expect(task).toMatchObject({ name: 'command: uname -a', module: 'command', args: { cmd: 'uname -a' }, register: 'uname', changedWhen: ['false'] });
    expect(task.failedWhen).toEqual(["uname.rc != 0 and 'Linux' not in uname.stdout"]);
  });

  it('accepts fully qualified Ansible module names and a list of conditions', async () => {
    const task = (await loadPlaybook(`${F}/site.yml`)).plays[0].tasks[2];
    expect(task).toMatchObject({ module: 'debug', args: { msg: '{{ greeting }}' }, when: ['uname is succeeded', 'greeting is defined'] });
  });

  it('reads key=value arguments, loop_control and with_items (flattened one level)', async () => {
    const tasks = (await loadPlaybook(`${F}/site.yml`)).plays[0].tasks;
    expect(tasks[3]).toMatchObject({ args: { msg: '{{ item }}' }, loop: '{{ packages }}', loopVar: 'pkg', loopLabel: '{{ pkg }}' });
    expect(tasks[4]).toMatchObject({ loop: ['a', 'b', 'c'], loopVar: 'item' });
  });

  it('merges args: into the module arguments and reads retries, until and the other common keys', async () => {
    const task = (await loadPlaybook(`${F}/site.yml`)).plays[0].tasks[5];
    expect(task).toMatchObject({
      args: { cmd: 'cat /tmp/ready', chdir: '/tmp' },
      register: 'ready',
      until: ['ready.rc == 0'],
      retries: 5,
      delay: 2,
      ignoreErrors: true,
      checkMode: false,
      noLog: true,
      vars: { local_var: 1 },
    });
  });

  it('reads handlers with listen topics, and a module with no arguments', async () => {
    const pb = await loadPlaybook(`${F}/site.yml`);
    expect(pb.plays[0].handlers[0]).toMatchObject({ name: 'restart nginx', module: 'service', listen: ['web restarted'], path: 'plays[0].handlers[0]' });
    expect(pb.plays[1].tasks[0]).toMatchObject({ name: 'ping', module: 'ping', args: {} });
  });
});

describe('loadPlaybook reports every problem of a file at once', () => {
  it('lists each problem with file:line:col, path, expected, got and a fix', async () => {
    const file = `${F}/many-problems.yml`;
    expect(await problemsOf(loadPlaybook(file))).toEqual([
      `${file}:3:11: plays[0].become: wrong type\n  expected: true or false\n  got: a string ("maybe")`,
      `${file}:4:11: plays[0].serial: too small\n  expected: a number >= 1\n  got: a number (0)`,
      `${file}:5:3: plays[0].task: unknown key "task"\n  expected: one of name, hosts, defaults, vars, vars_files, become, become_user, gather_facts, serial, max_fail_percentage, any_errors_fatal, tasks, handlers\n  fix: did you mean "tasks"?`,
      `${file}:8:7: plays[0].tasks[0].aptt: unknown module "aptt"\n  expected: a module (apt, command, copy, debug, ping, service)\n  fix: did you mean "apt"?`,
      `${file}:13:7: plays[0].tasks[1].whenn: unknown task key "whenn"\n  expected: one of name, when, notify, register, changed_when, failed_when, ignore_errors, tags, retries, delay, until, loop, with_items, loop_control, become, become_user, check_mode, no_log, vars, args\n  fix: did you mean "when"?`,
      `${file}:16:7: plays[0].tasks[2].ping: task has 2 modules: "command", "ping"\n  expected: exactly one module per task\n  fix: split it into one task per module`,
      `${file}:17:7: plays[0].tasks[3]: task has no module\n  expected: one module key (apt, command, copy, debug, ping, service)`,
      `${file}:22:16: plays[0].tasks[4].apt.state: invalid value\n  expected: one of "present", "absent", "latest"\n  got: "presnt"\n  fix: did you mean "present"?`,
      `${file}:26:9: plays[0].tasks[5].apt.stat: unknown key "stat"\n  expected: one of name, state, update_cache, cache_valid_time\n  fix: did you mean "state"?`,
      `${file}:29:9: plays[0].tasks[6].service.name: missing required key "name"\n  expected: a string`,
      `${file}:32:13: plays[0].tasks[7].when: syntax error in condition "x ==": expected a value after "==", got the end of the expression (column 5)`,
      `${file}:33:15: plays[0].tasks[7].notify: notify names no handler: "restart ngnix"\n  expected: one of "restart nginx"\n  fix: did you mean "restart nginx"?`,
      `${file}:35:16: plays[0].tasks[8].service: wrong type of arguments for module "service"\n  expected: a mapping of arguments (or key=value pairs)\n  got: a string ("nginx")`,
      `${file}:39:27: plays[0].tasks[9].apt.cache_valid_time: wrong type\n  expected: a number\n  got: a string ("soon")`,
      `${file}:45:3: plays[1].hosts: missing required key "hosts"\n  expected: a string or a list\n  fix: add hosts: with the group or host the play is for (or all)`,
    ]);
  });

  it('carries structured problems (where, code) for programs', async () => {
    try {
      await loadPlaybook(`${F}/many-problems.yml`);
      throw new Error('not rejected');
    } catch (e) {
      const problem = (e as { problems: { where: unknown; code: string; what: string }[] }).problems[3];
      expect(problem).toEqual({
        what: 'unknown module "aptt"',
        where: { file: `${F}/many-problems.yml`, line: 8, col: 7, path: 'plays[0].tasks[0].aptt' },
        expected: 'a module (apt, command, copy, debug, ping, service)',
        fix: 'did you mean "apt"?',
        code: 'unknown-module',
      });
    }
  });

  it('reports broken YAML at its line and column', async () => {
    expect(await problemsOf(loadPlaybook(`${F}/broken.yml`))).toEqual([
      `${F}/broken.yml:5:6: wrong indentation: YAML expected a "- " list item here\n  fix: indent this line like the keys of the item above it (spaces only), or start it with "- "`,
    ]);
  });

  it('rejects duplicate keys (PyYAML would silently keep the last)', async () => {
    expect(await problemsOf(loadPlaybook(`${F}/duplicate-key.yml`))).toEqual([`${F}/duplicate-key.yml:5:3: duplicate key "tasks" (first at line 2)\n  fix: remove or rename one of the two "tasks" keys`]);
  });

  it('refuses an alias bomb instead of expanding it', async () => {
    expect(await problemsOf(loadPlaybook(`${F}/alias-bomb.yml`))).toEqual([
      `${F}/alias-bomb.yml:4:12: too many YAML alias expansions (more than 100)\n  fix: write the data out instead of nesting aliases`,
    ]);
  });

  it('explains that a playbook is a list when given a single play', async () => {
    expect(await problemsOf(loadPlaybook(`${F}/single-play.yml`))).toEqual([
      `${F}/single-play.yml:1:1: plays: a playbook must be a list of plays\n  expected: a list of plays (- hosts: ...)\n  got: a mapping\n  fix: start the play with "- " (a playbook is a list of plays)`,
    ]);
  });

  it('reports vars_files that are missing, templated, or not a mapping, each where it is', async () => {
    const file = `${F}/bad-vars-files.yml`;
    expect(await problemsOf(loadPlaybook(file))).toEqual([
      `${file}:4:7: plays[0].vars_files[1]: vars file not found: ${F}/vars/missing.yml`,
      `${file}:6:7: plays[0].vars_files[3]: templated vars_files paths are not supported\n  got: "vars/{{ env }}.yml"\n  fix: name the file directly (or pass the variables with -e @file.yml)`,
      `${F}/vars/not-a-mapping.yml:1:1: a vars file must be a mapping of variables\n  expected: name: value pairs\n  got: a list`,
    ]);
  });

  it('names the Ansible features it does not support and what to do instead', async () => {
    const file = `${F}/unsupported.yml`;
    expect(await problemsOf(loadPlaybook(file))).toEqual([
      `${file}:2:3: plays[0].roles: "roles" is not supported\n  fix: put the tasks in the play (and their variables in vars_files)`,
      `${file}:4:7: plays[0].tasks[0].block: "block" is not supported\n  fix: write the tasks one by one (with when on each)`,
      `${file}:7:7: plays[0].tasks[1].include_tasks: "include_tasks" is not supported\n  fix: write the tasks into the play`,
    ]);
  });

  it('reports a missing playbook file without a stack trace', async () => {
    expect(await problemsOf(loadPlaybook(`${F}/nope.yml`))).toEqual([`playbook not found: ${F}/nope.yml`]);
  });
});

describe('loadPlaybookFromString', () => {
  const load = (text: string) => loadPlaybookFromString(text, 'pb.yml');

  it('rejects an empty playbook', async () => {
    expect(await problemsOf(load(''))).toEqual(['pb.yml:1:1: plays: the playbook is empty\n  expected: a list of plays (- hosts: ...)\n  got: nothing (null)']);
  });

  it('keeps yes/no as strings in vars (YAML 1.2) while become: yes is true', async () => {
    const pb = await load('- hosts: all\n  become: yes\n  vars: { answer: yes, mode: 0644 }\n  tasks: []\n');
    expect(pb.plays[0].become).toBe(true);
    expect(pb.plays[0].vars).toEqual({ answer: 'yes', mode: 644 });
  });

  it('supports merge keys as Ansible does', async () => {
    const pb = await load('- hosts: all\n  vars:\n    base: &base { a: 1, b: 2 }\n    more: { <<: *base, b: 3 }\n');
    expect(pb.plays[0].vars.more).toEqual({ a: 1, b: 3 });
  });

  it('rejects an unknown YAML tag such as !vault', async () => {
    expect(await problemsOf(load('- hosts: all\n  vars:\n    secret: !vault |\n      abc\n'))).toEqual([
      'pb.yml:3:13: unresolved tag: !vault\n  fix: remove the tag (provision supports no custom tags, and no Ansible Vault)',
    ]);
  });

  it('skips type checks of templated arguments (they are checked after rendering)', async () => {
    const pb = await load('- hosts: all\n  tasks:\n    - apt: { name: nginx, cache_valid_time: "{{ ttl }}" }\n');
    expect(pb.plays[0].tasks[0].args).toEqual({ name: 'nginx', cache_valid_time: '{{ ttl }}' });
  });

  it('still reports unknown arguments beside templated ones', async () => {
    expect(await problemsOf(load('- hosts: all\n  tasks:\n    - apt: { name: "{{ p }}", nam: x }\n'))).toEqual([
      'pb.yml:3:31: plays[0].tasks[0].apt.nam: unknown key "nam"\n  expected: one of name, state, update_cache, cache_valid_time\n  fix: did you mean "name"?',
    ]);
  });

  it('converts a numeric string for a number argument and a number for a string argument, as Ansible does', async () => {
    const pb = await load('- hosts: all\n  tasks:\n    - copy: dest=/tmp/x port=22\n    - copy: { dest: 12 }\n');
    expect(pb.plays[0].tasks.map((t) => t.args)).toEqual([{ dest: '/tmp/x', port: 22 }, { dest: '12' }]);
  });

  it('explains the octal trap when a mode is written as a number', async () => {
    expect(await problemsOf(load('- hosts: all\n  tasks:\n    - copy: { dest: /x, mode: 0644 }\n'))).toEqual([
      'pb.yml:3:31: plays[0].tasks[0].copy.mode: wrong type\n  expected: a string\n  got: a number (644)\n  fix: quote the mode: mode: "0644"',
    ]);
  });

  it('rejects a free-form string for a module that has none, unless it is key=value pairs', async () => {
    const pb = await load('- hosts: all\n  tasks:\n    - service: name=nginx state=started enabled=yes\n');
    expect(pb.plays[0].tasks[0].args).toEqual({ name: 'nginx', state: 'started', enabled: true });
  });

  it('keeps a free-form command whose words merely contain =, but reads key=value of known arguments', async () => {
    const pb = await load('- hosts: all\n  tasks:\n    - command: FOO=1 make all\n    - command: echo a=b\n    - debug: msg=hi\n');
    expect(pb.plays[0].tasks.map((t) => t.args)).toEqual([{ cmd: 'FOO=1 make all' }, { cmd: 'echo a=b' }, { msg: 'hi' }]);
  });

  it('says a task key at play level belongs under tasks:', async () => {
    expect(await problemsOf(load('- hosts: all\n  apt: { name: x }\n'))).toEqual([
      'pb.yml:2:3: plays[0].apt: unknown key "apt"\n  expected: one of name, hosts, defaults, vars, vars_files, become, become_user, gather_facts, serial, max_fail_percentage, any_errors_fatal, tasks, handlers\n  fix: "apt" belongs to a task: put the task under tasks:',
    ]);
  });

  it('accepts notify of a handler listen topic, and points into a notify list', async () => {
    const text = '- hosts: all\n  tasks:\n    - ping:\n      notify: [web restarted, nope]\n  handlers:\n    - name: h\n      ping:\n      listen: web restarted\n';
    expect(await problemsOf(load(text))).toEqual(['pb.yml:4:31: plays[0].tasks[0].notify[1]: notify names no handler: "nope"\n  expected: one of "h", "web restarted"']);
  });

  it('tells a task that listen is for handlers', async () => {
    expect(await problemsOf(load('- hosts: all\n  tasks:\n    - ping:\n      listen: x\n'))).toEqual([
      'pb.yml:4:7: plays[0].tasks[0].listen: unknown task key "listen"\n  expected: one of name, when, notify, register, changed_when, failed_when, ignore_errors, tags, retries, delay, until, loop, with_items, loop_control, become, become_user, check_mode, no_log, vars, args\n  fix: only handlers listen; notify the handler by name',
    ]);
  });

  it('rejects a bad register name and a loop that is neither a list nor a template', async () => {
    expect(await problemsOf(load('- hosts: all\n  tasks:\n    - ping:\n      register: my-result\n      loop: packages\n'))).toEqual([
      'pb.yml:4:17: plays[0].tasks[0].register: invalid format\n  expected: a name of letters, digits and _, not starting with a digit\n  got: a string ("my-result")',
      'pb.yml:5:13: plays[0].tasks[0].loop: "loop" must be a list or a template giving one\n  expected: a list, or "{{ some_list }}"\n  got: a string ("packages")',
    ]);
  });

  it('reads serial as a percentage and hosts as a list', async () => {
    const pb = await load('- hosts: [web, db]\n  serial: "25%"\n');
    expect(pb.plays[0]).toMatchObject({ hosts: 'web,db', serial: ['25%'], tasks: [], handlers: [] });
  });
});
