import { beforeAll, describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { defineModule } from '../../../src/modules/define.js';
import { registerModule } from '../../../src/modules/registry.js';
import { readLocalFile } from '../../../src/local-read.js';
import { runPlaybook } from '../../../src/runner/run.js';
import { ProvisionError } from '../../../src/errors.js';
import '../../../src/modules/index.js';
import type { HostResultEvent, RunEvent } from '../../../src/runner/events.js';
import { localInventory, play, playbook, task } from '../../helpers/build.js';

// A control-side module that records where it ran and reports what its arguments say.
const trace: string[] = [];
const probeModule = defineModule({
  name: 'trace',
  summary: 'test module: records host and label, reports changed/failed as told',
  args: z.strictObject({ label: z.string(), changed: z.boolean().default(false), fail_on: z.array(z.string()).default([]) }),
  plan(args, _current, ctx) {
    trace.push(`${args.label}@${ctx.host}`);
    if (args.fail_on.includes(ctx.host)) return { steps: [], fail: `told to fail on ${ctx.host}` };
    return { steps: [], changed: args.changed, note: args.changed ? 'changed as told' : 'nothing to do' };
  },
});

beforeAll(() => registerModule(probeModule));

async function run(pb: Parameters<typeof runPlaybook>[0]['playbook'], hostsCount: number, extra: Partial<Parameters<typeof runPlaybook>[0]> = {}) {
  trace.length = 0;
  const events: RunEvent[] = [];
  const summary = await runPlaybook({ playbook: pb, inventory: localInventory(hostsCount), onEvent: (e) => events.push(e), forks: 5, ...extra });
  const results = events.filter((e): e is HostResultEvent => e.type === 'host.result');
  return { summary, events, results, trace: [...trace] };
}

describe('the linear strategy', () => {
  it('runs a task on every host before the next task starts', async () => {
    const { trace: t } = await run(playbook(play([task('one', 'trace', { label: 'a' }), task('two', 'trace', { label: 'b' })])), 3);
    expect(t.slice(0, 3).sort()).toEqual(['a@h1', 'a@h2', 'a@h3']);
    expect(t.slice(3).sort()).toEqual(['b@h1', 'b@h2', 'b@h3']);
  });

  it('drops a failed host while the others go on, and exits 2', async () => {
    const { summary, trace: t } = await run(
      playbook(play([task('one', 'trace', { label: 'a', fail_on: ['h2'] }), task('two', 'trace', { label: 'b' })])),
      3,
    );
    expect(t.filter((x) => x.startsWith('b@')).sort()).toEqual(['b@h1', 'b@h3']);
    expect(summary.recap.h2).toMatchObject({ ok: 0, failed: 1 });
    expect(summary.recap.h1).toMatchObject({ ok: 2, failed: 0 });
    expect(summary.exitCode).toBe(2);
  });

  it('keeps a host going when its failure is ignored, counting it as ignored', async () => {
    const { summary, trace: t } = await run(
      playbook(play([task('one', 'trace', { label: 'a', fail_on: ['h1'] }, { ignoreErrors: true }), task('two', 'trace', { label: 'b' })])),
      1,
    );
    expect(t).toEqual(['a@h1', 'b@h1']);
    expect(summary.recap.h1).toMatchObject({ ok: 1, failed: 0, ignored: 1 });
    expect(summary.exitCode).toBe(0);
  });
});

describe('handlers', () => {
  const handler = task('restart', 'trace', { label: 'handler' });
  it('run once at the end of the play, only on hosts where a notifying task changed', async () => {
    const tasks = [
      task('maybe change', 'trace', { label: 'a', changed: true }, { notify: ['restart'], when: ['inventory_hostname != "h2"'] }),
      task('change again', 'trace', { label: 'b', changed: true }, { notify: ['restart'] }),
      task('no change', 'trace', { label: 'c' }, { notify: ['restart'] }),
    ];
    const { trace: t } = await run(playbook(play(tasks.slice(0, 1).concat(tasks[2]), { handlers: [handler] })), 3);
    expect(t.filter((x) => x.startsWith('handler@')).sort()).toEqual(['handler@h1', 'handler@h3']);
    expect(t.indexOf('handler@h1')).toBeGreaterThan(t.indexOf('c@h1'));
  });

  it('run once even when notified by several tasks', async () => {
    const tasks = [task('x', 'trace', { label: 'a', changed: true }, { notify: ['restart'] }), task('y', 'trace', { label: 'b', changed: true }, { notify: ['restart'] })];
    const { trace: t } = await run(playbook(play(tasks, { handlers: [handler] })), 1);
    expect(t).toEqual(['a@h1', 'b@h1', 'handler@h1']);
  });

  it('answer to a listen topic', async () => {
    const h = task('restart i2pd', 'trace', { label: 'handler' }, { listen: ['i2pd config changed'] });
    const tasks = [task('x', 'trace', { label: 'a', changed: true }, { notify: ['i2pd config changed'] })];
    const { trace: t } = await run(playbook(play(tasks, { handlers: [h] })), 1);
    expect(t).toEqual(['a@h1', 'handler@h1']);
  });

  it('skip a host that failed later in the play, unless handlers are forced', async () => {
    const tasks = [task('x', 'trace', { label: 'a', changed: true }, { notify: ['restart'] }), task('y', 'trace', { label: 'b', fail_on: ['h1'] })];
    const normal = await run(playbook(play(tasks, { handlers: [handler] })), 2);
    expect(normal.trace.filter((x) => x.startsWith('handler@'))).toEqual(['handler@h2']);
    const forced = await run(playbook(play(tasks, { handlers: [handler] })), 2, { forceHandlers: true });
    expect(forced.trace.filter((x) => x.startsWith('handler@')).sort()).toEqual(['handler@h1', 'handler@h2']);
  });
});

describe('serial and failure thresholds', () => {
  it('finishes each batch (with its handlers) before the next batch starts', async () => {
    const h = task('restart', 'trace', { label: 'handler' });
    const tasks = [task('x', 'trace', { label: 'a', changed: true }, { notify: ['restart'] }), task('y', 'trace', { label: 'b' })];
    const { trace: t } = await run(playbook(play(tasks, { serial: [2], handlers: [h] })), 3);
    expect(t.slice(0, 6).sort()).toEqual(['a@h1', 'a@h2', 'b@h1', 'b@h2', 'handler@h1', 'handler@h2']);
    expect(t.slice(6)).toEqual(['a@h3', 'b@h3', 'handler@h3']);
  });

  it('stops the play when max_fail_percentage is exceeded, starting no further batch', async () => {
    const tasks = [task('x', 'trace', { label: 'a', fail_on: ['h1', 'h2'] }), task('y', 'trace', { label: 'b' })];
    const { trace: t, events } = await run(playbook(play(tasks, { serial: [3], maxFailPercentage: 50 })), 6);
    expect(t.filter((x) => x.startsWith('b@'))).toEqual([]);
    expect(t.some((x) => x.endsWith('@h4'))).toBe(false);
    expect(events).toContainEqual({ type: 'play.end', play: 'test play', aborted: 'max_fail_percentage 50% exceeded: 2 of 3 hosts failed' });
  });

  it('stops every host on the first failure with any_errors_fatal', async () => {
    const tasks = [task('x', 'trace', { label: 'a', fail_on: ['h3'] }), task('y', 'trace', { label: 'b' })];
    const { trace: t } = await run(playbook(play(tasks, { anyErrorsFatal: true })), 3);
    expect(t.filter((x) => x.startsWith('b@'))).toEqual([]);
  });
});

describe('task keys', () => {
  it('loops over items, registering every result', async () => {
    const tasks = [
      task('loop', 'trace', { label: '{{ item }}' }, { loop: ['x', 'y'], register: 'out' }),
      task('after', 'trace', { label: 'n={{ out.results.length }}' }),
    ];
    const { trace: t } = await run(playbook(play(tasks)), 1);
    expect(t).toEqual(['x@h1', 'y@h1', 'n=2@h1']);
  });

  it('runs only tasks with the selected tags, and always-tagged ones', async () => {
    const tasks = [
      task('a', 'trace', { label: 'a' }, { tags: ['config'] }),
      task('b', 'trace', { label: 'b' }, { tags: ['install'] }),
      task('c', 'trace', { label: 'c' }, { tags: ['always'] }),
      task('d', 'trace', { label: 'd' }),
    ];
    expect((await run(playbook(play(tasks)), 1, { tags: ['config'] })).trace).toEqual(['a@h1', 'c@h1']);
    expect((await run(playbook(play(tasks)), 1, { skipTags: ['config'] })).trace).toEqual(['b@h1', 'c@h1', 'd@h1']);
  });

  it('starts at the named task', async () => {
    const tasks = [task('a', 'trace', { label: 'a' }), task('b', 'trace', { label: 'b' }), task('c', 'trace', { label: 'c' })];
    expect((await run(playbook(play(tasks)), 1, { startAtTask: 'b' })).trace).toEqual(['b@h1', 'c@h1']);
  });

  it('refuses to start at a task no play has, before any task runs, suggesting the nearest name', async () => {
    const tasks = [task('install packages', 'trace', { label: 'a' }), task('write config', 'trace', { label: 'b' })];
    const refused = run(playbook(play(tasks)), 1, { startAtTask: 'write confg' });
    await expect(refused).rejects.toThrow(ProvisionError);
    await expect(refused).rejects.toThrow(
      '--start-at-task: no task in test.yml is named "write confg"\n  expected: the name of a task (install packages, write config)\n  fix: did you mean "write config"?',
    );
    expect(trace).toEqual([]);
  });

  it('names a few tasks, and how to list them all, when nothing is close to the --start-at-task name', async () => {
    const tasks = Array.from({ length: 12 }, (_, i) => task(`step ${i + 1}`, 'trace', { label: `${i}` }));
    await expect(run(playbook(play(tasks)), 1, { startAtTask: 'nosuch' })).rejects.toThrow(
      '--start-at-task: no task in test.yml is named "nosuch"\n  expected: the name of a task (step 1, step 2, step 3, step 4, step 5, step 6, step 7, step 8, step 9, step 10, ...)\n  fix: provision list-tasks test.yml shows every task\'s name',
    );
  });

  it('refuses a connect or command timeout longer than a week, which no timer can hold, before any task runs', async () => {
    const tasks = [task('a', 'trace', { label: 'a' })];
    await expect(run(playbook(play(tasks)), 1, { connectTimeoutMs: 3e9 })).rejects.toThrow(
      'connectTimeoutMs: too big\n  expected: milliseconds, more than 0 and at most 604800000 (7 days)\n  got: a number (3000000000)',
    );
    await expect(run(playbook(play(tasks)), 1, { commandTimeoutMs: 0 })).rejects.toThrow(
      'commandTimeoutMs: too small\n  expected: milliseconds, more than 0 and at most 604800000 (7 days)\n  got: a number (0)',
    );
    expect(trace).toEqual([]);
  });

  it('overrides the changed status with changed_when', async () => {
    const tasks = [task('a', 'trace', { label: 'a', changed: true }, { changedWhen: ['false'] })];
    const { results } = await run(playbook(play(tasks)), 1);
    expect(results[0].status).toBe('ok');
  });

  it('starts no new task once the run is told to stop, and says it was interrupted', async () => {
    const stop = new AbortController();
    const tasks = [task('a', 'trace', { label: 'a' }), task('b', 'trace', { label: 'b' })];
    const events: RunEvent[] = [];
    const summary = await runPlaybook({
      playbook: playbook(play(tasks)),
      inventory: localInventory(2),
      stopSignal: stop.signal,
      onEvent: (e) => {
        events.push(e);
        if (e.type === 'task.end') stop.abort();
      },
    });
    expect(events.filter((e) => e.type === 'task.start').map((e) => (e as { task: string }).task)).toEqual(['a']);
    expect(summary.interrupted).toBe(true);
    expect(summary.exitCode).toBe(130);
  });
});

describe('what a command printed, in the host result', () => {
  it('is carried masked, and not at all under no_log', async () => {
    const secret = 'hunter2-correct-horse';
    const shellTask = (name: string, extra = {}) => task(name, 'shell', { cmd: `echo "out {{ db_password }}"; echo err >&2` }, extra);
    const { results } = await run(playbook(play([shellTask('shown'), shellTask('hidden', { noLog: true })], { vars: { db_password: secret } })), 1);
    expect(results.map((r) => [r.task, r.stdout, r.stderr])).toEqual([
      ['shown', 'out ***', 'err'],
      ['hidden', undefined, undefined],
    ]);
  });
});

describe('an interrupt during a task', () => {
  it('stops the control-side read the task is doing: the task fails as interrupted, and nothing new starts', async () => {
    const stop = new AbortController();
    // Stands for Ctrl-C arriving while the task reads a file on the control machine.
    registerModule(
      defineModule({
        name: 'read_while_interrupted',
        summary: 'test module: the run is interrupted, then it reads a local file',
        args: z.strictObject({}),
        async prepare(_a, ctx) {
          stop.abort();
          return readLocalFile('/proc/self/status', { what: 'status file', maxBytes: 1 << 20, signal: ctx.signal });
        },
        plan: () => ({ steps: [] }),
      }),
    );
    const { results, trace: t, summary } = await run(playbook(play([task('read', 'read_while_interrupted', {}), task('next', 'trace', { label: 'b' })])), 1, { stopSignal: stop.signal });
    expect(results.map((r) => [r.status, r.msg])).toEqual([['failed', 'test.yml:1:1: reading status file /proc/self/status was interrupted']]);
    expect(t).toEqual([]);
    expect(summary.interrupted).toBe(true);
  });
});
