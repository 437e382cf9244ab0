// Hostile values through every module argument that reaches a remote shell, over a REAL sshd. The sshd's
// authorized_keys forces a wrapper on every session: it logs the command exactly as the runner sent it, runs it
// from a scratch folder, with stub programs first on PATH (useradd, curl, nc, ufw, ...) that record the argv they
// were given and change nothing, then hands it to bash as sshd would. A value that escaped its quoting would create
// a `pwned-*` marker; a value that stayed a value either arrives intact (a file with exactly that name, an argv
// element equal to it) or is refused at the task with a clear message.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { loadInventory } from '../../src/inventory/load.js';
import { loadPlaybook } from '../../src/playbook/load.js';
import { runPlaybook } from '../../src/runner/run.js';
import type { HostResultEvent, RunEvent } from '../../src/runner/events.js';
import { ufw, planUfw } from '../../src/modules/ufw.js';
import { FRESH_UFW } from '../../src/modules/ufw/probe.js';
import { splitWords } from '../../src/modules/files/words.js';
import { wrap } from '../../src/shell/quote.js';
import { connect } from '../../src/transport/connect.js';
import '../../src/modules/index.js';
import { sshdSuite, startSshd, type SshdHandle } from '../helpers/sshd.js';

jest.setTimeout(60_000);

/** The hostile values, by the name of the variable that carries each one into a task. */
const HOSTILE = {
  squote: "it's",
  dquote: 'say "hi"',
  subst: '$(touch pwned-subst)',
  ifs: '$(touch${IFS}pwned-ifs)',
  tick: '`touch pwned-tick`',
  semi: 'x; touch pwned-semi',
  and: 'x && touch pwned-and',
  pipe: 'x | touch pwned-pipe',
  redir: 'x > pwned-redir',
  nl: 'x\ntouch pwned-nl',
  star: '*',
  dash: '-pwned-dash',
  nul: 'a\0b',
} as const;
type Key = keyof typeof HOSTILE;
const KEYS = Object.keys(HOSTILE) as Key[];
/** Values with whitespace (refused by every argument that is a name, a URL or an owner). */
const SPACED: Key[] = KEYS.filter((k) => /\s/.test(HOSTILE[k]));

/** The message quote() gives for an argument holding a NUL byte, as a failed task shows it: where it is, and the value (shortened when long). */
function nulRefused(arg: string): string {
  const quoted = JSON.stringify(arg);
  const shown = quoted.length > 62 ? `${quoted.slice(0, 58)}..."` : quoted;
  return `a value contains a NUL byte (character ${[...arg.slice(0, arg.indexOf('\0'))].length + 1}), which no shell command can carry\n  got: a string (${shown})\n  fix: remove the NUL byte from the value`;
}
const HELLO = 'hello\n';
const HELLO_SHA = createHash('sha256').update(HELLO).digest('hex');

/** One stub call: the program's name, its cwd, $PROVISION_TEST_ENV, its arguments. */
interface Call {
  prog: string;
  cwd: string;
  env: string;
  args: string[];
}

/** What one (argument × value) cell gives the expectation. */
interface Cell {
  key: Key;
  value: string;
  dir: string;
  event: HostResultEvent;
  /** The failure message without its leading `file:line:col: `. */
  msg: string;
  calls: Call[];
}

/** One module argument: the task that feeds it a value, what to prepare, and what counts as the value arriving intact. */
interface Row {
  id: string;
  /** `ref` is `{{ v_KEY }}`: the hostile value comes in through a variable, as it would from an inventory. */
  task(ref: string, key: Key): Record<string, unknown>;
  setup?(value: string, dir: string): void;
  /** The expectation for values that are accepted. */
  intact(c: Cell): void;
  /** Values refused at the task, with the exact message (after the task's file:line:col). */
  refused?: Partial<Record<Key, string>>;
  /** The whole argument the NUL value ends up in (default: the value itself), refused by quote(). */
  nulArg?(dir: string): string;
  /** False where the module reshapes the value before it is quoted (split into words), so it is not sent verbatim. */
  verbatim?: false;
}

const argRefusal = (path: string, what: string, got: string) =>
  `${path}: ${what} (after templating)\n  got: ${got}\n  fix: check the variables used in this argument (run with -e to override one)`;

sshdSuite(describe, 'test/ssh/injection.test.ts')('hostile values in module arguments over real SSH', () => {
  let sshd: SshdHandle;
  let root: string;
  let inventoryFile: string;
  let archive: string;
  let template: string;
  const bin = () => join(root, 'bin');
  const callsDir = () => join(root, 'calls');
  const commandLog = () => join(root, 'commands.log');

  beforeAll(async () => {
    sshd = await startSshd({ addresses: ['127.0.0.7'] });
    root = mkdtempSync(join(tmpdir(), 'provision-inject-'));
    for (const d of ['cwd', 'bin', 'calls', 'rows']) mkdirSync(join(root, d));
    const wrapper = join(root, 'wrap.sh');
    writeFileSync(
      wrapper,
      `#!/bin/sh
printf '%s\\0' "$SSH_ORIGINAL_COMMAND" >> ${commandLog()}
cd ${join(root, 'cwd')} || exit 1
PATH=${bin()}:$PATH; export PATH
exec /bin/bash -c "$SSH_ORIGINAL_COMMAND"
`,
      { mode: 0o755 },
    );
    const recorder = `#!/bin/sh
f=$(mktemp ${callsDir()}/call.XXXXXXXX) || exit 99
{ printf '%s\\0' "\${0##*/}" "$PWD" "\${PROVISION_TEST_ENV-}"; for a in "$@"; do printf '%s\\0' "$a"; done; } > "$f"
if [ "\${0##*/}" = curl ]; then while [ $# -gt 0 ]; do if [ "$1" = -o ]; then printf 'hello\\n' > "$2"; fi; shift; done; fi
exit 0
`;
    // Everything that would change this machine (accounts, packages, firewall, services) or reach the network.
    for (const prog of ['argvlog', 'useradd', 'usermod', 'userdel', 'groupadd', 'groupmod', 'groupdel', 'apt-get', 'ufw', 'systemctl', 'update-rc.d', 'curl', 'wget', 'nc', 'sudo']) {
      writeFileSync(join(bin(), prog), recorder, { mode: 0o755 });
    }
    const pub = readFileSync(`${sshd.clientKeyFile}.pub`, 'utf8');
    writeFileSync(join(sshd.dir, 'authorized_keys'), `command="${wrapper}" ${pub}`);
    inventoryFile = join(root, 'inventory.yml');
    writeFileSync(
      inventoryFile,
      stringify({
        all: {
          hosts: { node1: { address: '127.0.0.7' } },
          vars: { port: sshd.port, user: sshd.user, private_key_file: sshd.clientKeyFile, known_hosts_file: sshd.knownHostsFile },
        },
      }),
    );
    const src = join(root, 'archive-src');
    mkdirSync(src);
    writeFileSync(join(src, 'member.txt'), 'inside\n');
    archive = join(root, 'archive.tar.gz');
    execFileSync('tar', ['-czf', archive, '-C', src, 'member.txt']);
    template = join(root, 'value.hbs');
    writeFileSync(template, 'value={{ shown }}\n');
  });
  afterAll(async () => {
    await sshd?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  /** Every stub call recorded since the calls folder was last emptied. */
  const readCalls = (): Call[] =>
    readdirSync(callsDir()).map((f) => {
      const [prog, cwd, env, ...args] = readFileSync(join(callsDir(), f), 'utf8').split('\0').slice(0, -1);
      return { prog, cwd, env, args };
    });

  /** Every file or folder below `dir` named exactly like a marker an escaped value would create. */
  const markers = (dir: string): string[] => {
    const out: string[] = [];
    const walk = (d: string) => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        if (/^pwned-[a-z]+$/.test(e.name)) out.push(join(d, e.name));
        if (e.isDirectory() && !e.isSymbolicLink()) walk(join(d, e.name));
      }
    };
    walk(dir);
    return out;
  };

  /** Runs one row: a task per hostile value, each refused or run, then every cell checked. */
  async function runRow(row: Row): Promise<void> {
    const dir = join(root, 'rows', row.id.replace(/\W+/g, '-'));
    mkdirSync(dir);
    // No file name can hold a NUL byte, and values refused before they reach the host need no file either.
    for (const key of KEYS) if (key !== 'nul' && !row.refused?.[key]) row.setup?.(HOSTILE[key], dir);
    rmSync(callsDir(), { recursive: true, force: true });
    mkdirSync(callsDir());
    writeFileSync(commandLog(), '');
    const playbookFile = join(dir, '..', `${row.id.replace(/\W+/g, '-')}.yml`);
    const tasks = KEYS.map((key) => ({ name: `${row.id} / ${key}`, ignore_errors: true, ...row.task(`{{ v_${key} }}`, key) }));
    writeFileSync(playbookFile, stringify([{ name: row.id, hosts: 'all', gather_facts: false, tasks }]));
    const events: RunEvent[] = [];
    const extraVars = { dir, ...Object.fromEntries(KEYS.map((k) => [`v_${k}`, HOSTILE[k]])) };
    const summary = await runPlaybook({ playbook: await loadPlaybook(playbookFile), inventory: await loadInventory(inventoryFile), extraVars, onEvent: (e) => events.push(e) });
    expect(summary.recap.node1.unreachable).toBe(0);
    expect(markers(root)).toEqual([]);
    const calls = readCalls();
    const sent = readFileSync(commandLog(), 'utf8').split('\0');
    for (const key of KEYS) {
      const event = events.find((e): e is HostResultEvent => e.type === 'host.result' && e.task === `${row.id} / ${key}`)!;
      const msg = (event.msg ?? '').replace(new RegExp(`^${playbookFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: `), '');
      const cell: Cell = { key, value: HOSTILE[key], dir, event, msg, calls };
      if (process.env.INJECTION_DUMP) writeFileSync(process.env.INJECTION_DUMP, `${row.id} × ${key}: ${event.status} ${JSON.stringify(msg)}\n`, { flag: 'a' });
      const refusal = row.refused?.[key] ?? (key === 'nul' ? nulRefused(row.nulArg?.(dir) ?? HOSTILE.nul) : undefined);
      try {
        if (refusal !== undefined) {
          expect(event.status).toBe('failed');
          expect(msg).toBe(refusal);
        } else {
          row.intact(cell);
          // The value did travel to the host, inside single quotes (where `'` is written '\''), once for the
          // module's command and once more for the `/bin/sh -c` around it (and once more in a batch of probes).
          if (row.verbatim === false) continue;
          const esc = (s: string) => s.replace(/'/g, `'\\''`);
          const forms = [esc(esc(HOSTILE[key])), esc(esc(esc(HOSTILE[key])))];
          expect(sent.some((c) => forms.some((f) => c.includes(f)))).toBe(true);
        }
      } catch (e) {
        throw new Error(`${row.id} × ${key} (${JSON.stringify(HOSTILE[key])}): status ${event.status}, msg ${JSON.stringify(event.msg)}\n${(e as Error).message}`);
      }
    }
  }

  const touch = (value: string, dir: string) => writeFileSync(join(dir, value), 'there\n');
  const ok = (c: Cell) => expect(['ok', 'changed']).toContain(c.event.status);
  const call = (c: Cell, prog: string, pred: (x: Call) => boolean) => {
    const found = c.calls.filter((x) => x.prog === prog && pred(x));
    expect(found).toHaveLength(1);
    return found[0];
  };
  const byKey = (c: Cell) => (x: Call) => x.args[0] === c.key;
  const fileNamed = (c: Cell, name: string, content?: string) => {
    ok(c);
    expect(readdirSync(c.dir)).toContain(name);
    if (content !== undefined) expect(readFileSync(join(c.dir, name), 'utf8')).toBe(content);
  };
  const notFound = (c: Cell) => {
    expect(c.event.status).toBe('failed');
    expect(c.msg).toContain(`exec: ${c.value}: not found`);
  };

  const operator = (what: string, op: string, got: string) =>
    `the ${what} runs without a shell, so "${op}" would be passed as a literal argument\n  got: ${got}\n  fix: use the shell module for pipes, redirections and command lists, or quote "${op}" if you mean it literally`;
  /** The name GNU chown complains about, its C-locale quoting undone (`'it\\'s'` → `it's`). */
  const chownComplaint = (c: Cell, kind: 'user' | 'group') => {
    expect(c.event.status).toBe('failed');
    const m = new RegExp(`\\nchown: invalid ${kind}: '(.*)'$`, 's').exec(c.msg);
    expect(m).not.toBeNull();
    return m![1].replace(/\\(.)/gs, (_, ch: string) => (ch === 'n' ? '\n' : ch));
  };
  /** A value the module's schema refuses once the variable is filled in, as the failed task shows it. */
  const schemaRefused = (k: Key, arg: string, expected: string) =>
    `plays[0].tasks[${KEYS.indexOf(k)}].${arg}: invalid format (after templating)\n  expected: ${expected}\n  got: a string (${JSON.stringify(HOSTILE[k])})\n  fix: check the variables used in this argument (run with -e to override one)`;
  /** The same for a module's own check (a refinement): its message stands in for what. */
  const customRefused = (k: Key, arg: string, message: string) =>
    `plays[0].tasks[${KEYS.indexOf(k)}].${arg}: ${message} (after templating)\n  got: a string (${JSON.stringify(HOSTILE[k])})\n  fix: check the variables used in this argument (run with -e to override one)`;
  const refuse = (keys: Key[], message: (k: Key) => string): Partial<Record<Key, string>> => Object.fromEntries(keys.map((k) => [k, message(k)]));
  const principalRefused = (module: string, arg: string, kind: string): Partial<Record<Key, string>> => ({
    ...refuse(SPACED, (k) => schemaRefused(k, `${module}.${arg}`, `a ${kind} name without spaces or ":"`)),
    dash: customRefused('dash', `${module}.${arg}`, `a ${kind} name cannot start with "-"`),
  });
  const modeRefused = (k: Key, module: string) => customRefused(k, `${module}.mode`, `invalid mode ${JSON.stringify(HOSTILE[k])}: expected an octal mode like "0644" (3 or 4 digits 0-7)`);
  const nameRefused = (k: Key, module: string, arg: string, kind: string) =>
    schemaRefused(k, `${module}.${arg}`, `a ${kind} name: a letter or "_" first, then letters, digits, "_", "." or "-"`);
  const serviceRefused = (k: Key) => schemaRefused(k, 'service.name', 'a service or unit name (letters, digits, "@", ".", "_", ":", "-")');
  const aptRefused = (k: Key) => schemaRefused(k, 'apt.name', 'a Debian package name (lower case letters, digits, "+", "-", "."; optionally ":arch")');
  const urlRefused = (k: Key) => schemaRefused(k, 'get_url.url', 'an http:// or https:// URL without spaces').replace(/a string \(.*\)/, `a string (${JSON.stringify(`http://127.0.0.1:9/${HOSTILE[k]}`)})`);
  const inDir = (prefix = '') => (dir: string) => `${dir}/${prefix}${HOSTILE.nul}`;
  const rows: Row[] = [
    {
      id: 'command argv',
      task: (v, k) => ({ command: { argv: ['argvlog', k, v] } }),
      intact: (c) => expect(call(c, 'argvlog', byKey(c)).args).toEqual([c.key, c.value]),
    },
    {
      id: 'command argv[0]',
      task: (v) => ({ command: { argv: [v, 'arg'] } }),
      intact: notFound,
    },
    {
      id: 'command cmd',
      task: (v, k) => ({ command: { cmd: `argvlog ${k} ${v}` } }),
      // Split into words like a shell would, never run by one: what the program gets is those words.
      intact: (c) => expect(call(c, 'argvlog', byKey(c)).args).toEqual([c.key, ...splitWords(c.value)]),
      refused: {
        squote: "unclosed single quote in the command\n  got: argvlog squote it's\n  fix: close the single quote",
        and: operator('command', '&&', 'argvlog and x && touch pwned-and'),
        pipe: operator('command', '|', 'argvlog pipe x | touch pwned-pipe'),
        redir: operator('command', '>', 'argvlog redir x > pwned-redir'),
      },
      verbatim: false,
    },
    {
      id: 'command creates',
      task: (v, k) => ({ command: { argv: ['argvlog', k], creates: `{{ dir }}/${v}` } }),
      setup: touch,
      intact: (c) => {
        expect(c.event.status).toBe('ok');
        expect(c.msg).toBe(`skipped, since ${c.dir}/${c.value} exists`);
        expect(c.calls.filter(byKey(c))).toEqual([]);
      },
      nulArg: inDir(),
    },
    {
      id: 'command removes',
      task: (v, k) => ({ command: { argv: ['argvlog', k], removes: `{{ dir }}/${v}` } }),
      setup: touch,
      intact: (c) => {
        expect(c.event.status).toBe('changed');
        call(c, 'argvlog', byKey(c));
      },
      nulArg: inDir(),
    },
    {
      id: 'command chdir',
      task: (v, k) => ({ command: { argv: ['argvlog', k], chdir: `{{ dir }}/${v}` } }),
      setup: (value, dir) => mkdirSync(join(dir, value)),
      intact: (c) => expect(call(c, 'argvlog', byKey(c)).cwd).toBe(join(c.dir, c.value)),
      nulArg: inDir(),
    },
    {
      id: 'command env',
      task: (v, k) => ({ command: { argv: ['argvlog', k], env: { PROVISION_TEST_ENV: v } } }),
      intact: (c) => expect(call(c, 'argvlog', byKey(c)).env).toBe(c.value),
      nulArg: () => `PROVISION_TEST_ENV=${HOSTILE.nul}`,
    },
    {
      id: 'shell chdir',
      task: (v, k) => ({ shell: { cmd: `argvlog ${k}`, chdir: `{{ dir }}/${v}` } }),
      setup: (value, dir) => mkdirSync(join(dir, value)),
      intact: (c) => expect(call(c, 'argvlog', byKey(c)).cwd).toBe(join(c.dir, c.value)),
      nulArg: inDir(),
    },
    {
      id: 'shell creates',
      task: (v, k) => ({ shell: { cmd: `argvlog ${k}`, creates: `{{ dir }}/${v}` } }),
      setup: touch,
      intact: (c) => expect(c.msg).toBe(`skipped, since ${c.dir}/${c.value} exists`),
      nulArg: inDir(),
    },
    {
      id: 'shell executable',
      task: (v) => ({ shell: { cmd: 'true', executable: v } }),
      intact: notFound,
    },
    {
      id: 'copy dest',
      task: (v) => ({ copy: { content: 'x\n', dest: `{{ dir }}/${v}` } }),
      intact: (c) => fileNamed(c, c.value, 'x\n'),
      nulArg: inDir(),
    },
    {
      id: 'copy owner',
      task: (v, k) => ({ copy: { content: 'x\n', dest: `{{ dir }}/owner-${k}`, owner: v } }),
      intact: (c) => expect(chownComplaint(c, 'user')).toBe(c.value),
      refused: principalRefused('copy', 'owner', 'user'),
    },
    {
      id: 'copy group',
      task: (v, k) => ({ copy: { content: 'x\n', dest: `{{ dir }}/group-${k}`, group: v } }),
      intact: (c) => expect(chownComplaint(c, 'group')).toBe(`:${c.value}`),
      refused: principalRefused('copy', 'group', 'group'),
      nulArg: () => `:${HOSTILE.nul}`,
    },
    {
      id: 'copy mode',
      task: (v, k) => ({ copy: { content: 'x\n', dest: `{{ dir }}/mode-${k}`, mode: v } }),
      intact: () => {
        throw new Error('a mode is always octal');
      },
      refused: Object.fromEntries(KEYS.map((k) => [k, modeRefused(k, 'copy')])),
    },
    {
      id: 'copy validate',
      task: (v, k) => ({ copy: { content: 'x\n', dest: `{{ dir }}/validate-${k}`, validate: `argvlog ${k} ${v} %s` } }),
      intact: (c) => {
        const args = call(c, 'argvlog', byKey(c)).args;
        expect(args.slice(0, -1)).toEqual([c.key, ...splitWords(c.value)]);
        expect(args.at(-1)).toMatch(new RegExp(`^${c.dir}/\\.validate-${c.key}\\.provision-\\w{6}$`));
        fileNamed(c, `validate-${c.key}`, 'x\n');
      },
      refused: {
        squote: "unclosed single quote in the validate command\n  got: argvlog squote it's %s\n  fix: close the single quote",
        and: operator('validate command', '&&', 'argvlog and x && touch pwned-and %s'),
        pipe: operator('validate command', '|', 'argvlog pipe x | touch pwned-pipe %s'),
        redir: operator('validate command', '>', 'argvlog redir x > pwned-redir %s'),
      },
      verbatim: false,
    },
    {
      id: 'file path',
      task: (v) => ({ file: { path: `{{ dir }}/${v}`, state: 'touch' } }),
      intact: (c) => fileNamed(c, c.value, ''),
      nulArg: inDir(),
    },
    {
      id: 'file directory',
      task: (v) => ({ file: { path: `{{ dir }}/d/${v}`, state: 'directory' } }),
      intact: (c) => {
        ok(c);
        expect(readdirSync(join(c.dir, 'd'))).toContain(c.value);
      },
      nulArg: inDir('d/'),
    },
    {
      id: 'file link src',
      task: (v, k) => ({ file: { path: `{{ dir }}/link-${k}`, src: v, state: 'link' } }),
      intact: (c) => {
        ok(c);
        expect(readlinkSync(join(c.dir, `link-${c.key}`))).toBe(c.value);
      },
    },
    {
      id: 'file owner',
      task: (v, k) => ({ file: { path: `{{ dir }}/owner-${k}`, state: 'touch', owner: v } }),
      intact: (c) => expect(chownComplaint(c, 'user')).toBe(c.value),
      refused: principalRefused('file', 'owner', 'user'),
    },
    {
      id: 'template dest and content',
      task: (v) => ({ template: { src: template, dest: `{{ dir }}/${v}` }, vars: { shown: v } }),
      // The rendered value travels on stdin, never in a command: the file holds it byte for byte.
      intact: (c) => fileNamed(c, c.value, `value=${c.value}\n`),
      nulArg: inDir(),
    },
    {
      id: 'user name',
      task: (v) => ({ user: { name: v } }),
      intact: () => {
        throw new Error('a user name is always checked');
      },
      refused: Object.fromEntries(KEYS.map((k) => [k, nameRefused(k, 'user', 'name', 'user')])),
    },
    {
      id: 'user home',
      task: (v, k) => ({ user: { name: `provinj_${k}`, home: `/nonexistent/${v}`, create_home: false } }),
      intact: (c) => {
        const args = call(c, 'useradd', (x) => x.args.at(-1) === `provinj_${c.key}`).args;
        expect(args).toEqual(['--home-dir', `/nonexistent/${c.value}`, '--no-create-home', '--', `provinj_${c.key}`]);
      },
      nulArg: () => `/nonexistent/${HOSTILE.nul}`,
    },
    {
      id: 'user shell',
      task: (v, k) => ({ user: { name: `provinj_${k}`, shell: `/bin/${v}`, create_home: false } }),
      intact: (c) => {
        const args = call(c, 'useradd', (x) => x.args.at(-1) === `provinj_${c.key}`).args;
        expect(args).toEqual(['--shell', `/bin/${c.value}`, '--no-create-home', '--', `provinj_${c.key}`]);
      },
      nulArg: () => `/bin/${HOSTILE.nul}`,
    },
    {
      id: 'user groups',
      task: (v, k) => ({ user: { name: `provinj_${k}`, groups: [v] } }),
      intact: () => {
        throw new Error('a group name is always checked');
      },
      refused: Object.fromEntries(KEYS.map((k) => [k, nameRefused(k, 'user', 'groups[0]', 'group')])),
    },
    {
      id: 'group name',
      task: (v) => ({ group: { name: v } }),
      intact: () => {
        throw new Error('a group name is always checked');
      },
      refused: Object.fromEntries(KEYS.map((k) => [k, nameRefused(k, 'group', 'name', 'group')])),
    },
    {
      id: 'service name',
      task: (v) => ({ service: { name: v, state: 'started' } }),
      intact: () => {
        throw new Error('a service name is always checked');
      },
      refused: Object.fromEntries(KEYS.map((k) => [k, serviceRefused(k)])),
    },
    {
      id: 'apt name',
      task: (v) => ({ apt: { name: v } }),
      intact: () => {
        throw new Error('a package name is always checked');
      },
      refused: Object.fromEntries(KEYS.map((k) => [k, aptRefused(k)])),
    },
    {
      id: 'get_url url',
      task: (v, k) => ({ get_url: { url: `http://127.0.0.1:9/${v}`, dest: `{{ dir }}/url-${k}`, checksum: `sha256:${HELLO_SHA}` } }),
      intact: (c) => {
        expect(call(c, 'curl', (x) => x.args.at(-1) === `http://127.0.0.1:9/${c.value}`).args.at(-1)).toBe(`http://127.0.0.1:9/${c.value}`);
        fileNamed(c, `url-${c.key}`, HELLO);
      },
      refused: Object.fromEntries(SPACED.map((k) => [k, urlRefused(k)])),
      nulArg: () => `http://127.0.0.1:9/${HOSTILE.nul}`,
    },
    {
      id: 'get_url dest',
      task: (v) => ({ get_url: { url: 'http://127.0.0.1:9/file', dest: `{{ dir }}/${v}`, checksum: `sha256:${HELLO_SHA}` } }),
      intact: (c) => fileNamed(c, c.value, HELLO),
      nulArg: inDir(),
    },
    {
      id: 'unarchive src and dest',
      task: (v) => ({ unarchive: { src: `{{ dir }}/${v}.tar.gz`, dest: `{{ dir }}/out-${v}` } }),
      setup: (value, dir) => copyFileSync(archive, join(dir, `${value}.tar.gz`)),
      intact: (c) => {
        ok(c);
        expect(readFileSync(join(c.dir, `out-${c.value}`, 'member.txt'), 'utf8')).toBe('inside\n');
      },
      nulArg: (dir) => `${dir}/${HOSTILE.nul}.tar.gz`,
    },
    {
      id: 'wait_for path',
      task: (v) => ({ wait_for: { path: `{{ dir }}/${v}`, timeout: 5 } }),
      setup: touch,
      intact: ok,
      nulArg: inDir(),
    },
    {
      id: 'wait_for host',
      task: (v) => ({ wait_for: { host: v, port: 9, timeout: 5 } }),
      refused: { dash: customRefused('dash', 'wait_for.host', 'a host name or address cannot start with "-"') },
      intact: (c) => {
        ok(c);
        expect(call(c, 'nc', (x) => x.args.includes(c.value)).args).toEqual(['-z', '-w', '1', c.value, '9']);
      },
    },
    {
      id: 'wait_for msg',
      task: (v, k) => ({ wait_for: { path: `{{ dir }}/never-${k}`, timeout: 0, msg: v } }),
      intact: (c) => {
        expect(c.event.status).toBe('failed');
        expect(c.msg).toBe(`wait up to 0 s for ${c.dir}/never-${c.key} (started): exit code 1\n${c.value}`);
      },
    },
  ];

  for (const row of rows) it(`${row.id}: every hostile value is refused or arrives intact`, () => runRow(row));

  // ufw is not installed on the test machine, so its probe cannot say "installed": the plan is made for an installed
  // ufw with no rules, and its commands are run over the same SSH, where the ufw stub records them.
  it('ufw comment: every hostile value is refused or reaches ufw as one argument', async () => {
    rmSync(callsDir(), { recursive: true, force: true });
    mkdirSync(callsDir());
    const t = await connect({ name: 'node1', connection: { type: 'ssh', address: '127.0.0.7', port: sshd.port, user: sshd.user, privateKeyFile: sshd.clientKeyFile, knownHostsFile: sshd.knownHostsFile } }, { retries: 0 });
    try {
      for (const key of KEYS) {
        const value = HOSTILE[key];
        const parsed = ufw.args.safeParse({ rules: [{ port: 22, proto: 'tcp', comment: value }] });
        if (key === 'squote') {
          expect(parsed.success).toBe(false);
          expect(parsed.error!.issues[0].message).toBe('ufw refuses a comment containing \' (its parser has no way to store it): use ’ or " instead');
          continue;
        }
        const plan = () => planUfw(parsed.data!, { ...FRESH_UFW, installed: true }, { check: false });
        if (key === 'nul') {
          expect(plan).toThrow(nulRefused(value));
          continue;
        }
        for (const step of plan().steps) expect((await t.exec(wrap(step.script, false))).code).toBe(0);
      }
    } finally {
      await t.close();
    }
    expect(markers(root)).toEqual([]);
    const comments = readCalls()
      .filter((c) => c.prog === 'ufw')
      .map((c) => {
        expect(c.args.slice(0, -2)).toEqual(['allow', 'in', 'proto', 'tcp', 'from', 'any', 'to', 'any', 'port', '22']);
        expect(c.args.at(-2)).toBe('comment');
        return c.args.at(-1);
      });
    expect(comments.sort()).toEqual(KEYS.filter((k) => k !== 'squote' && k !== 'nul').map((k) => HOSTILE[k]).sort());
  });

  it('ufw port: every hostile value is refused by the schema', () => {
    for (const key of KEYS) {
      const parsed = ufw.args.safeParse({ rules: [{ port: HOSTILE[key], proto: 'tcp' }] });
      expect(parsed.success).toBe(false);
      expect(parsed.error!.issues[0].message).toBe('a port, a range like "9000:31000", or a list like "80,443"');
    }
  });

  it('refuses a hostile value written in the playbook itself at load time, before connecting, with file:line:col', async () => {
    const file = join(root, 'literal.yml');
    writeFileSync(file, '- hosts: all\n  gather_facts: false\n  tasks:\n    - apt:\n        name: "x; touch pwned-load"\n    - user:\n        name: "$(touch pwned-load)"\n    - copy:\n        content: x\n        dest: /tmp/x\n        owner: -R\n');
    const e = await loadPlaybook(file).then(() => undefined, (err: Error) => err);
    expect(e?.message).toBe(
      [
        `${file}:5:15: plays[0].tasks[0].apt.name: invalid format`,
        '  expected: a Debian package name (lower case letters, digits, "+", "-", "."; optionally ":arch")',
        '  got: a string ("x; touch pwned-load")',
        `${file}:7:15: plays[0].tasks[1].user.name: invalid format`,
        '  expected: a user name: a letter or "_" first, then letters, digits, "_", "." or "-"',
        '  got: a string ("$(touch pwned-load)")',
        `${file}:11:16: plays[0].tasks[2].copy.owner: a user name cannot start with "-"`,
        '  got: a string ("-R")',
      ].join('\n'),
    );
  });
});
