// Probe batching: the probes of upcoming tasks go to the host in one script, and every task ends exactly as it
// does when each probe is sent alone. Hosts are local (LocalTransport counts its round trips); files are real.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '../../../src/modules/index.js';
import { executeModule } from '../../../src/runner/execute.js';
import { getModule } from '../../../src/modules/registry.js';
import { batchScript, parseBatch, ProbeBatcher } from '../../../src/runner/probes.js';
import { runPlaybook } from '../../../src/runner/run.js';
import type { HostResultEvent, RunEvent } from '../../../src/runner/events.js';
import { newHostState } from '../../../src/runner/state.js';
import type { TaskEnv } from '../../../src/runner/task.js';
import { Masker } from '../../../src/shell/secret.js';
import { sh, wrap, type ShellText } from '../../../src/shell/quote.js';
import { LocalTransport } from '../../../src/transport/local.js';
import type { ExecOptions, ExecResult, Transport } from '../../../src/transport/types.js';
import type { Task } from '../../../src/playbook/types.js';
import { localInventory, play, playbook, task } from '../../helpers/build.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'provision-probes-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the tasks on `hosts` local hosts, with or without batching; returns what a user would see. */
async function run(tasks: Task[], options: { batch: boolean; hosts?: number; check?: boolean }) {
  const events: RunEvent[] = [];
  const summary = await runPlaybook({
    playbook: playbook(play(tasks)),
    inventory: localInventory(options.hosts ?? 1, { root: dir }),
    onEvent: (e) => events.push(e),
    batchProbes: options.batch,
    check: options.check,
  });
  // What the host saw and what the user is told, without timings.
  const results = events
    .filter((e): e is HostResultEvent => e.type === 'host.result')
    .map(({ durationMs: _d, ...r }) => r)
    .sort((a, b) => a.host.localeCompare(b.host));
  return { summary, results, roundTrips: summary.roundTrips };
}

/** Runs the same playbook unbatched and batched on fresh copies of `setup`, and returns both. */
async function both(setup: () => void, tasks: Task[], options: { hosts?: number; check?: boolean } = {}) {
  setup();
  const single = await run(tasks, { ...options, batch: false });
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  setup();
  const batched = await run(tasks, { ...options, batch: true });
  return { single, batched };
}

const directory = (name: string, path: string, extra: Partial<Task> = {}) => task(name, 'file', { path, state: 'directory' }, extra);
const content = (name: string, dest: string, text: string) => task(name, 'copy', { dest, content: text });

describe('a batch script', () => {
  it('gives each probe exactly the stdout, stderr and exit code it gets when run alone', async () => {
    const probes: ShellText[] = [
      sh`printf 'two\nlines\n'`,
      sh`printf 'no newline at the end'; echo oops >&2; exit 3`,
      sh`printf 'café ₿ tab\there'`,
      sh`true`,
      sh`cat; echo "stdin was empty: $?"`,
      sh`printf '%s\n' '__provision_probe_x 0 0 AAAA AAAA'`,
    ].map((p) => wrap(p, false));
    const local = new LocalTransport();
    const alone = await Promise.all(probes.map((p) => local.exec(p)));
    const batch = await local.exec(wrap(batchScript(probes), false));
    expect(batch.code).toBe(0);
    expect(parseBatch(batch.stdout, probes.length)).toEqual(alone.map(({ stdout, stderr, code }) => ({ stdout, stderr, code })));
  });

  it('leaves a probe whose line is missing undefined, so it is sent again alone', () => {
    expect(parseBatch('garbage\n', 2)).toEqual([undefined, undefined]);
  });
});

describe('a no-op run', () => {
  const setup = () => {
    mkdirSync(join(dir, 'a/b'), { recursive: true });
    writeFileSync(join(dir, 'a/f'), 'one\n');
  };
  const tasks = () => [
    directory('a', '{{ root }}/a'),
    directory('b', '{{ root }}/a/b'),
    content('f', '{{ root }}/a/f', 'one\n'),
    task('done once', 'command', { cmd: 'false', creates: '{{ root }}/a/f' }),
    directory('a again', '{{ root }}/a'),
  ];

  it('sends every probe of the play in one round trip per host, with the same results as one by one', async () => {
    const { single, batched } = await both(setup, tasks(), { hosts: 3 });
    expect(single.roundTrips).toEqual({ h1: 5, h2: 5, h3: 5 });
    expect(batched.roundTrips).toEqual({ h1: 1, h2: 1, h3: 1 });
    expect(batched.results).toEqual(single.results);
    expect(batched.results.map((r) => r.status)).toEqual(Array(15).fill('ok'));
  });

  it('predicts through set_fact: a path set a task earlier is probed in the same batch', async () => {
    const list = [task('where', 'set_fact', { target: '{{ root }}/a/b' }), directory('target', '{{ target }}'), directory('a', '{{ root }}/a')];
    const { single, batched } = await both(setup, list);
    expect(batched.roundTrips).toEqual({ h1: 1 });
    expect(single.roundTrips).toEqual({ h1: 2 });
    expect(batched.results).toEqual(single.results);
  });

  it('batches the items of a loop with the tasks after it', async () => {
    const list = [directory('each', '{{ root }}/a/{{ item }}', { loop: ['b', 'c'] }), directory('a', '{{ root }}/a')];
    const { single, batched } = await both(() => (setup(), mkdirSync(join(dir, 'a/c'))), list);
    expect(single.roundTrips).toEqual({ h1: 3 });
    expect(batched.roundTrips).toEqual({ h1: 1 });
    expect(batched.results).toEqual(single.results);
  });
});

describe('a run that changes the host', () => {
  it('never uses an answer read before a change: the copy written by one task is seen unchanged by the next', async () => {
    const setup = () => mkdirSync(join(dir, 'a'));
    const list = [
      directory('a', '{{ root }}/a'),
      content('write g', '{{ root }}/a/g', 'x\n'),
      content('g again', '{{ root }}/a/g', 'x\n'),
      directory('a again', '{{ root }}/a'),
    ];
    const { single, batched } = await both(setup, list);
    expect(batched.results.map((r) => `${r.task}: ${r.status}`)).toEqual(['a: ok', 'write g: changed', 'g again: ok', 'a again: ok']);
    expect(batched.results).toEqual(single.results);
    expect(readFileSync(join(dir, 'a/g'), 'utf8')).toBe('x\n');
    // Batched: one batch (all 4 probes), the write, "g again" alone right after the change, "a again" alone (nothing
    // left to predict). One by one: 4 probes and the write.
    expect(single.roundTrips.h1 - batched.roundTrips.h1).toBe(1);
  });

  it('probes a task that reads a registered result with the real value, when its turn comes', async () => {
    const setup = () => mkdirSync(join(dir, 'a/b'), { recursive: true });
    const list = [
      directory('a', '{{ root }}/a'),
      task('which', 'command', { cmd: 'echo {{ root }}/a/b' }, { register: 'which', changedWhen: ['false'] }),
      directory('from the register', '{{ which.stdout }}'),
      directory('new one', '{{ which.stdout }}/c'),
      directory('a again', '{{ root }}/a'),
    ];
    const { single, batched } = await both(setup, list);
    expect(batched.results).toEqual(single.results);
    expect(batched.results.map((r) => r.status)).toEqual(['ok', 'ok', 'ok', 'changed', 'ok']);
    expect(existsSync(join(dir, 'a/b/c'))).toBe(true);
  });

  it('in check mode keeps the batch (nothing is applied), and reports the same as one by one', async () => {
    const setup = () => mkdirSync(join(dir, 'a'));
    const list = [directory('new', '{{ root }}/a/new'), directory('inside new', '{{ root }}/a/new/deeper'), directory('a', '{{ root }}/a')];
    const { single, batched } = await both(setup, list, { check: true });
    expect(batched.results.map((r) => r.status)).toEqual(['changed', 'changed', 'ok']);
    expect(batched.results).toEqual(single.results);
    expect(batched.roundTrips).toEqual({ h1: 1 });
    expect(existsSync(join(dir, 'a/new'))).toBe(false);
  });
});

/** A transport that records every script it is sent (the round trips). */
class Recording implements Transport {
  readonly sent: string[] = [];
  readonly name = 'h1';
  #local = new LocalTransport();
  get roundTrips() {
    return this.sent.length;
  }
  exec(command: ShellText, options?: ExecOptions): Promise<ExecResult> {
    this.sent.push(command.text);
    return this.#local.exec(command, options);
  }
  async close() {}
}

describe('the batcher on one host', () => {
  const tasks = () => [directory('a', `${dir}/a`), directory('never', `${dir}/never`, { when: ['false'] }), directory('b', `${dir}/b`)];
  const setup = () => {
    const t = new Recording();
    const list = tasks();
    const state = newHostState(localInventory(1).hosts.get('h1')!);
    const env: TaskEnv = {
      play: play(list), playbookDir: dir, templateDirs: [], check: false, diff: false, extraVars: {}, masker: new Masker(), verbose: 0,
      transport: async () => t,
    };
    const batcher = new ProbeBatcher(env, (x) => list.slice(list.indexOf(x) + 1));
    return { t, list, state, batcher };
  };
  const probeOf = (path: string) => wrap(sh`stat -c %F ${path} 2>&1; true`, false);

  it('answers a predicted probe once: asked again, it goes to the host', async () => {
    const { t, list, state, batcher } = setup();
    const first = await batcher.hooks(list[0], state).probe(probeOf(`${dir}/nothing`));
    expect(first.stdout).toContain('No such file');
    expect(t.sent).toHaveLength(1); // the batch: this probe and the probes of a and b (never's when is false)
    expect(batcher.stats).toEqual({ batches: 1, batched: 3, single: 0, hits: 0 });
    const again = await batcher.hooks(list[0], state).probe(probeOf(`${dir}/nothing`));
    expect(again).toEqual(first);
    expect(batcher.stats.single + batcher.stats.batches).toBe(2);
  });

  it('after a task that changed nothing (a daemon-reload), batches again, and a probe later tasks repeat goes once', async () => {
    const t = new Recording();
    const list = [directory('s1', `${dir}/s`), directory('s2', `${dir}/s`), directory('s3', `${dir}/s`)];
    const state = newHostState(localInventory(1).hosts.get('h1')!);
    const env: TaskEnv = {
      play: play(list), playbookDir: dir, templateDirs: [], check: false, diff: false, extraVars: {}, masker: new Masker(), verbose: 0,
      transport: async () => t,
    };
    const batcher = new ProbeBatcher(env, (x) => list.slice(list.indexOf(x) + 1));
    // The task before ran a step (answers dropped) but changed nothing.
    const before = batcher.hooks(list[0], state);
    before.changing();
    before.done?.(false);
    mkdirSync(join(dir, 's'));
    const def = getModule('file')!;
    const ctx = { host: 'h1', vars: {}, check: true, diff: false, become: false as const, playbookDir: dir, templateDirs: [], masker: new Masker() };
    for (const x of list) {
      const out = await executeModule(def, def.args.parse({ path: `${dir}/s`, state: 'directory' }), ctx, t, undefined, batcher.hooks(x, state));
      expect(out.changed).toBe(false);
    }
    // s1, s2 and s3 send the same probe: one round trip answers all three.
    expect(t.sent).toHaveLength(1);
    expect(batcher.stats).toEqual({ batches: 0, batched: 0, single: 1, hits: 2 });
  });

  it('drops every held answer when a step may change the host, and sends the next probe alone', async () => {
    const { t, list, state, batcher } = setup();
    const hooks = batcher.hooks(list[0], state);
    await hooks.probe(probeOf(`${dir}/x`));
    hooks.changing();
    mkdirSync(join(dir, 'b'));
    // b's file probe was in the batch (b missing then); after the change it is asked again, alone, and sees b.
    const sentBefore = t.sent.length;
    const def = getModule('file')!;
    const ctx = { host: 'h1', vars: {}, check: true, diff: false, become: false as const, playbookDir: dir, templateDirs: [], masker: new Masker() };
    const out = await executeModule(def, def.args.parse({ path: `${dir}/b`, state: 'directory' }), ctx, t, undefined, batcher.hooks(list[2], state));
    expect(out.changed).toBe(false);
    expect(t.sent.length - sentBefore).toBe(1);
    expect(batcher.stats).toMatchObject({ batches: 1, single: 1, hits: 0 });
  });
});
