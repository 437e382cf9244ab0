import { describe, expect, it } from '@jest/globals';
import { humanReporter, summary } from '../../../src/report/human.js';
import { emptyRecap, type RunEvent } from '../../../src/runner/events.js';
import { JunitCollector } from '../../../src/report/junit.js';
import { jsonReporter } from '../../../src/report/json.js';

const recap = (over: Partial<ReturnType<typeof emptyRecap>> = {}) => ({ ...emptyRecap(), ...over });

describe('the last line of a run', () => {
  it('says plainly that nothing changed', () => {
    expect(summary({ a: recap({ ok: 5 }), b: recap({ ok: 5 }) }, 2100, false)).toBe('\nNo changes: 2 hosts already in the desired state. (2.1 s)');
  });
  it('counts changed hosts', () => {
    expect(summary({ a: recap({ ok: 5, changed: 2 }), b: recap({ ok: 5 }) }, 1000, false)).toBe('\n1 host of 2 changed. (1.0 s)');
  });
  it('names failures and unreachable hosts first', () => {
    expect(summary({ a: recap({ failed: 1 }), b: recap({ unreachable: 1 }), c: recap({ changed: 1 }) }, 0, false)).toBe(
      '\n1 host failed, 1 host unreachable; 1 host changed. (0.0 s)',
    );
  });
});

describe('the human reporter', () => {
  const events: RunEvent[] = [
    { type: 'play.start', play: 'nodes', hosts: ['lab1', 'lab2'], at: 'p.yml:1:3' },
    { type: 'task.start', play: 'nodes', task: 'write config', at: 'p.yml:4:7', handler: false, hosts: ['lab1', 'lab2'] },
    { type: 'host.result', host: 'lab1', play: 'nodes', task: 'write config', at: 'p.yml:4:7', handler: false, status: 'ok', msg: 'already up to date', durationMs: 3 },
    { type: 'host.result', host: 'lab2', play: 'nodes', task: 'write config', at: 'p.yml:4:7', handler: false, status: 'changed', msg: 'wrote /etc/x.conf', durationMs: 3, diffs: [{ path: '/etc/x.conf', before: 'a=1\n', after: 'a=2\n' }] },
    { type: 'task.end', play: 'nodes', task: 'write config', durationMs: 5 },
    { type: 'play.end', play: 'nodes' },
    { type: 'run.end', recap: { lab1: recap({ ok: 1 }), lab2: recap({ ok: 1, changed: 1 }) }, roundTrips: { lab1: 2, lab2: 3 }, durationMs: 1200, interrupted: false },
  ];

  it('prints plain lines without colour when not on a TTY', () => {
    let out = '';
    const r = humanReporter({ write: (t) => (out += t), tty: false, color: false, verbose: 0, diff: true });
    events.forEach(r);
    expect(out).toBe(
      [
        '',
        'PLAY [nodes] 2 hosts',
        '',
        'TASK [write config]',
        'ok: [lab1]',
        'changed: [lab2] wrote /etc/x.conf',
        '--- /etc/x.conf (before)',
        '+++ /etc/x.conf (after)',
        '@@ -1,1 +1,1 @@',
        '-a=1',
        '+a=2',
        '',
        'PLAY RECAP',
        'lab1 : ok=1  changed=0  unreachable=0  failed=0  skipped=0  rescued=0  ignored=0',
        'lab2 : ok=1  changed=1  unreachable=0  failed=0  skipped=0  rescued=0  ignored=0',
        '',
        '1 host of 2 changed. (1.2 s)',
        '',
      ].join('\n'),
    );
  });

  it('shows round trips per host with -v', () => {
    let out = '';
    const r = humanReporter({ write: (t) => (out += t), tty: false, color: false, verbose: 1, diff: false });
    events.forEach(r);
    expect(out).toContain('lab2 : ok=1  changed=1  unreachable=0  failed=0  skipped=0  rescued=0  ignored=0  round_trips=3');
    expect(out).toContain('ok: [lab1] already up to date');
  });
});

describe('what commands printed, at -vv', () => {
  const event: RunEvent = { type: 'host.result', host: 'n1', play: 'p', task: 'ask', at: 'pb.yml:4:7', handler: false, status: 'changed', msg: 'run uname -a', commands: ['run uname -a'], stdout: 'Linux n1\nsecond line\n', stderr: 'a warning', durationMs: 3 };
  const show = (verbose: number) => {
    let out = '';
    humanReporter({ write: (t) => (out += t), tty: false, color: false, verbose, diff: false })(event);
    return out;
  };

  it('is shown, indented, with -vv', () => {
    expect(show(2)).toBe('changed: [n1] run uname -a\n    $ run uname -a\n    stdout: Linux n1\n      second line\n    stderr: a warning\n');
  });

  it('is not shown with -v', () => {
    expect(show(1)).toBe('changed: [n1] run uname -a\n    $ run uname -a\n');
  });
});

describe('the JUnit report', () => {
  it('has one testcase per task and host, failures and errors counted, text escaped', () => {
    const j = new JunitCollector();
    j.listener({ type: 'host.result', host: 'a', play: 'p<1>', task: 't', at: 'x:1:1', handler: false, status: 'failed', msg: 'bad "thing" & more', durationMs: 1500 });
    j.listener({ type: 'host.result', host: 'b', play: 'p<1>', task: 't', at: 'x:1:1', handler: false, status: 'unreachable', msg: 'refused', durationMs: 0 });
    j.listener({ type: 'host.result', host: 'c', play: 'p<1>', task: 't', at: 'x:1:1', handler: false, status: 'ok', durationMs: 0 });
    const xml = j.toXml();
    expect(xml).toContain('<testsuite name="p&lt;1&gt;" tests="3" failures="1" errors="1" skipped="0" time="1.500">');
    expect(xml).toContain('<testcase name="t [a]" classname="a" time="1.500"><failure message="bad &quot;thing&quot; &amp; more">bad &quot;thing&quot; &amp; more</failure></testcase>');
    expect(xml).toContain('<testcase name="t [c]" classname="c" time="0.000"/>');
  });
});

describe('what a host prints, on the operator\'s terminal', () => {
  // An OSC title, a colour and a carriage return that would draw a fake "ok:" line over a failure.
  const hostile = '\x1b]0;pwned\x07boom\r\x1b[32mok: [h9]\x1b[0m\u009b';
  const result: RunEvent = {
    type: 'host.result', host: 'h1', play: 'p', task: 't', at: 'p.yml:1:1', handler: false, status: 'failed',
    msg: `failed: ${hostile}`, stdout: hostile, stderr: hostile, commands: [`echo ${hostile}`], output: hostile, items: [{ item: 'x', status: 'failed', msg: hostile }],
    diffs: [{ path: '/etc/x', before: 'a\n', after: `${hostile}\n` }], durationMs: 1,
  };
  const shown = '\\x1b]0;pwned\\x07boom\\r\\x1b[32mok: [h9]\\x1b[0m\\u009b';

  it('shows control characters visibly escaped, in every field, never raw', () => {
    let out = '';
    const r = humanReporter({ write: (t) => (out += t), tty: false, color: false, verbose: 3, diff: true });
    r(result);
    r({ type: 'warning', message: hostile, host: 'h1' });
    r({ ...result, output: undefined });
    // eslint-disable-next-line no-control-regex
    expect(out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    // output, item msg, command, stdout, stderr, diff; the warning; then msg in place of output, and the same five.
    expect(out.split(shown).length - 1).toBe(13);
  });

  it('is kept byte for byte in --json', () => {
    let out = '';
    jsonReporter((l) => (out += l))(result);
    expect((JSON.parse(out) as { stdout: string }).stdout).toBe(hostile);
  });
});
