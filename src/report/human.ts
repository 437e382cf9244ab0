// The terminal reporter: Ansible's familiar shape (PLAY / TASK / status: [host] / PLAY RECAP), a calm live status
// line on a TTY, plain lines otherwise, colour only on a TTY and never with NO_COLOR.
import type { HostResultEvent, Recap, RunEvent } from '../runner/events.js';
import { unifiedDiff } from './diff.js';
import { visible } from './visible.js';

/** Where and how the reporter writes. */
export interface HumanOptions {
  write: (text: string) => void;
  tty: boolean;
  color: boolean;
  verbose: number;
  diff: boolean;
}

const codes = { green: 32, yellow: 33, red: 31, cyan: 36, gray: 90, bold: 1 } as const;

/** A listener that prints a run for people. */
export function humanReporter(o: HumanOptions): (e: RunEvent) => void {
  const paint = (c: keyof typeof codes, s: string) => (o.color ? `\x1b[${codes[c]}m${s}\x1b[0m` : s);
  const statusColor = { ok: 'green', changed: 'yellow', skipped: 'cyan', failed: 'red', unreachable: 'red' } as const;
  let live: { task: string; pending: Set<string>; total: number; since: number } | undefined;
  let liveShown = false;
  let timer: NodeJS.Timeout | undefined;

  const clearLive = () => {
    if (liveShown) o.write('\r\x1b[K');
    liveShown = false;
  };
  const drawLive = () => {
    if (!live || !o.tty || live.pending.size === 0) return;
    const waiting = [...live.pending].slice(0, 5).join(' ') + (live.pending.size > 5 ? ` +${live.pending.size - 5}` : '');
    const secs = ((Date.now() - live.since) / 1000).toFixed(1);
    o.write(`\r\x1b[K${paint('gray', `  ${live.total - live.pending.size}/${live.total} done, waiting on ${waiting} (${secs}s)`)}`);
    liveShown = true;
  };
  const line = (s: string) => {
    clearLive();
    o.write(s + '\n');
  };

  const hostLine = (e: HostResultEvent) => {
    const label = e.ignored ? 'failed (ignored)' : e.status;
    const color = e.ignored ? 'yellow' : statusColor[e.status];
    const showMsg = e.status === 'failed' || e.status === 'unreachable' || e.status === 'changed' || o.verbose > 0;
    let text = `${paint(color, `${label}: [${e.host}]`)}`;
    // Everything below that came from a host or a variable passes through visible(): control characters never act.
    if (e.output !== undefined) text += ` => ${visible(typeof e.output === 'string' ? e.output : JSON.stringify(e.output))}`;
    else if (showMsg && e.msg && e.status !== 'skipped') text += ` ${paint(e.status === 'ok' ? 'gray' : color, indentRest(visible(e.msg)))}`;
    line(text);
    for (const item of e.items ?? []) {
      if (item.status === 'ok' && o.verbose === 0) continue;
      line(`  ${paint(statusColor[item.status], `${item.status}: (item=${visible(JSON.stringify(item.item) ?? '')})`)}${item.msg && item.status !== 'ok' ? ` ${indentRest(visible(item.msg))}` : ''}`);
    }
    if (o.verbose > 0) for (const c of e.commands ?? []) line(paint('gray', `    $ ${visible(c)}`));
    if (o.verbose > 1) {
      for (const [name, text] of [['stdout', e.stdout], ['stderr', e.stderr]] as const) {
        if (text !== undefined) line(paint('gray', `    ${name}: ${indentRest(visible(text.replace(/\n$/, '')), 6)}`));
      }
    }
    if (o.diff) for (const d of e.diffs ?? []) line(colorDiff(visible(unifiedDiff(d.path, d.before, d.after))));
  };

  const colorDiff = (text: string) =>
    text
      .split('\n')
      .map((l) => (l.startsWith('+') && !l.startsWith('+++') ? paint('green', l) : l.startsWith('-') && !l.startsWith('---') ? paint('red', l) : l))
      .join('\n');

  return (e) => {
    switch (e.type) {
      case 'run.start':
        if (e.check) line(paint('cyan', 'CHECK MODE: nothing on the hosts will change'));
        break;
      case 'play.start':
        line(`\n${paint('bold', `PLAY [${e.play}]`)} ${paint('gray', `${e.hosts.length} host${e.hosts.length === 1 ? '' : 's'}`)}`);
        if (e.hosts.length === 0) line(paint('yellow', '  no hosts matched, skipping this play'));
        break;
      case 'batch.start':
        line(paint('gray', `BATCH ${e.batch}/${e.batches}: ${e.hosts.join(', ')}`));
        break;
      case 'task.start':
        line(`\n${paint('bold', `${e.handler ? 'RUNNING HANDLER' : 'TASK'} [${e.task}]`)}${o.verbose > 0 ? ` ${paint('gray', e.at)}` : ''}`);
        live = { task: e.task, pending: new Set(e.hosts), total: e.hosts.length, since: Date.now() };
        if (o.tty && !timer) timer = setInterval(drawLive, 250).unref();
        break;
      case 'host.result':
        live?.pending.delete(e.host);
        hostLine(e);
        drawLive();
        break;
      case 'task.end':
        clearLive();
        live = undefined;
        break;
      case 'play.end':
        if (e.aborted) line(paint('red', `PLAY ABORTED: ${e.aborted}`));
        break;
      case 'warning':
        line(paint('yellow', `warning${e.host ? ` [${e.host}]` : ''}: ${visible(e.message)}`));
        break;
      case 'run.end':
        if (timer) clearInterval(timer);
        clearLive();
        line(recapText(e.recap, e.roundTrips, o.verbose, paint));
        line(summary(e.recap, e.durationMs, e.interrupted));
        break;
    }
  };
}

function indentRest(msg: string, width = 4): string {
  return msg.replace(/\n/g, `\n${' '.repeat(width)}`);
}

function recapText(recap: Record<string, Recap>, trips: Record<string, number>, verbose: number, paint: (c: keyof typeof codes, s: string) => string): string {
  const names = Object.keys(recap);
  const width = Math.max(4, ...names.map((n) => n.length));
  const rows = names.map((n) => {
    const r = recap[n];
    const color = r.failed || r.unreachable ? 'red' : r.changed ? 'yellow' : 'green';
    const cells = `ok=${r.ok}  changed=${r.changed}  unreachable=${r.unreachable}  failed=${r.failed}  skipped=${r.skipped}  rescued=${r.rescued}  ignored=${r.ignored}`;
    return `${paint(color, n.padEnd(width))} : ${cells}${verbose > 0 ? `  round_trips=${trips[n] ?? 0}` : ''}`;
  });
  return `\n${paint('bold', 'PLAY RECAP')}\n${rows.join('\n')}`;
}

/** The last line: says plainly whether anything changed. */
export function summary(recap: Record<string, Recap>, ms: number, interrupted: boolean): string {
  const all = Object.values(recap);
  const n = all.length;
  const hosts = (k: number) => `${k} host${k === 1 ? '' : 's'}`;
  const changed = all.filter((r) => r.changed > 0).length;
  const failed = all.filter((r) => r.failed > 0).length;
  const unreachable = all.filter((r) => r.unreachable > 0).length;
  const secs = `(${(ms / 1000).toFixed(1)} s)`;
  if (interrupted) return `\nINTERRUPTED: stopped before the end; run again to converge. ${secs}`;
  const parts: string[] = [];
  if (failed) parts.push(`${hosts(failed)} failed`);
  if (unreachable) parts.push(`${hosts(unreachable)} unreachable`);
  if (parts.length) return `\n${parts.join(', ')}; ${changed ? `${hosts(changed)} changed` : 'no host changed'}. ${secs}`;
  if (n === 0) return `\nNo hosts matched. ${secs}`;
  if (changed === 0) return `\nNo changes: ${hosts(n)} already in the desired state. ${secs}`;
  return `\n${hosts(changed)} of ${n} changed. ${secs}`;
}
