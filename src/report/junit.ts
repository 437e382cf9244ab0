// --junit FILE: one testsuite per play, one testcase per task and host, for CI systems that read JUnit XML.
import type { RunEvent } from '../runner/events.js';

interface Case {
  name: string;
  classname: string;
  time: number;
  status: string;
  msg?: string;
}

const xml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!).replace(
    // XML 1.0 cannot carry most control characters at all.
    // eslint-disable-next-line no-control-regex
    /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g,
    '',
  );

/** Collects events; `toXml()` gives the report once the run has ended. */
export class JunitCollector {
  readonly #suites = new Map<string, Case[]>();
  readonly listener = (e: RunEvent): void => {
    if (e.type !== 'host.result') return;
    const list = this.#suites.get(e.play) ?? [];
    this.#suites.set(e.play, list);
    list.push({ name: `${e.task} [${e.host}]`, classname: e.host, time: e.durationMs / 1000, status: e.ignored ? 'ignored' : e.status, msg: e.msg });
  };

  /** The JUnit XML document. */
  toXml(): string {
    const out = ['<?xml version="1.0" encoding="UTF-8"?>', '<testsuites name="provision">'];
    for (const [play, cases] of this.#suites) {
      const failures = cases.filter((c) => c.status === 'failed').length;
      const errors = cases.filter((c) => c.status === 'unreachable').length;
      const skipped = cases.filter((c) => c.status === 'skipped').length;
      const time = cases.reduce((a, c) => a + c.time, 0);
      out.push(`  <testsuite name="${xml(play)}" tests="${cases.length}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${time.toFixed(3)}">`);
      for (const c of cases) {
        const open = `    <testcase name="${xml(c.name)}" classname="${xml(c.classname)}" time="${c.time.toFixed(3)}"`;
        const body =
          c.status === 'failed'
            ? `<failure message="${xml((c.msg ?? 'failed').split('\n')[0])}">${xml(c.msg ?? '')}</failure>`
            : c.status === 'unreachable'
              ? `<error message="unreachable">${xml(c.msg ?? '')}</error>`
              : c.status === 'skipped'
                ? `<skipped message="${xml(c.msg ?? 'skipped')}"/>`
                : c.status === 'changed' || c.status === 'ignored'
                  ? `<system-out>${xml(c.status)}${c.msg ? `: ${xml(c.msg)}` : ''}</system-out>`
                  : '';
        out.push(body ? `${open}>${body}</testcase>` : `${open}/>`);
      }
      out.push('  </testsuite>');
    }
    out.push('</testsuites>', '');
    return out.join('\n');
  }
}
