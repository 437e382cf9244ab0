// Fact gathering: one read-only script per host, and a pure parser of its output.
import { ProvisionError } from '../errors.js';
import { sh } from '../shell/quote.js';
import { keyValuePairs, outputSections } from '../text/probe-output.js';
import type { Probe } from '../modules/define.js';
import type { ExecResult } from '../transport/types.js';
import type { Facts } from './types.js';

// Sections start with a `@@ name` line; nothing from the host is interpolated here, so the script is constant.
const SCRIPT = sh`echo '@@ os-release'
cat /etc/os-release 2>/dev/null || cat /usr/lib/os-release 2>/dev/null
echo '@@ uname'
uname -s
uname -m
echo '@@ hostname'
uname -n
echo '@@ user'
id -un 2>/dev/null || whoami
echo '@@ init'
if [ -d /run/systemd/system ]; then echo systemd; elif [ -d /etc/init.d ]; then echo sysvinit; else echo unknown; fi
echo '@@ end'`;

/** KEY=value pairs of an os-release file (quotes and backslash escapes undone, comments skipped; the last one wins). */
export function parseOsRelease(lines: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of keyValuePairs(lines.map((l) => l.trim()))) {
    let v = value;
    if (/^".*"$/.test(v)) v = v.slice(1, -1).replace(/\\([\\"$`])/g, '$1');
    else if (/^'.*'$/.test(v)) v = v.slice(1, -1);
    out[key] = v;
  }
  return out;
}

/** Pure: the gather script's output → Facts. Output without the end marker means the script did not finish. */
export function parseFacts(result: ExecResult): Facts {
  const s = outputSections(result.stdout, /^@@ (\S+)$/);
  if (!s.has('end')) {
    throw new ProvisionError({
      what: 'could not gather facts: the fact script did not finish',
      got: (result.stderr.trim() || `exit code ${result.code}`).split('\n').slice(-3).join('\n'),
      fix: 'the host needs a POSIX /bin/sh with uname and id; or set gather_facts: false',
      code: 'facts',
    });
  }
  const os = parseOsRelease(s.get('os-release') ?? []);
  const [system = '', architecture = ''] = s.get('uname') ?? [];
  const init = (s.get('init') ?? [])[0];
  return {
    system,
    distribution: os.ID ?? '',
    release: os.VERSION_ID ?? '',
    codename: os.VERSION_CODENAME ?? os.UBUNTU_CODENAME ?? '',
    architecture,
    init: init === 'systemd' || init === 'sysvinit' ? init : 'unknown',
    hostname: (s.get('hostname') ?? [])[0] ?? '',
    user: (s.get('user') ?? [])[0] ?? '',
  };
}

/** The fact-gathering probe: one round trip, read-only, run without become (facts describe the connecting user). */
export function gatherFactsProbe(): Probe<Facts> {
  return { script: SCRIPT, parse: parseFacts };
}
