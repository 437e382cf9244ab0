// wait_for: polls on the host until a TCP port opens or closes, or a path appears or goes away.
// A port is tried with `nc -z` when the host has nc, else with bash's /dev/tcp under `timeout 1` (dash, the
// usual /bin/sh, has no /dev/tcp); a host with neither fails with a message saying so.
import { z } from 'zod';
import { integerIn, waitSeconds } from '../source/numbers.js';
import { sh, type ShellText } from '../shell/quote.js';
import { defineModule, type StepResult } from './define.js';
import { keyValues } from '../text/probe-output.js';

const args = z
  .strictObject({
    port: integerIn(1, 65535).optional().describe('TCP port to wait for (give this or path)'),
    host: z
      .string()
      .min(1)
      // nc would read a leading "-" as an option; no host name or address starts with one.
      .refine((h) => !h.startsWith('-'), 'a host name or address cannot start with "-"')
      .default('127.0.0.1').describe('Address the port is tried on, from the host itself'),
    path: z.string().min(1).optional().describe('Path to wait for (give this or port)'),
    state: z
      .enum(['started', 'stopped', 'present', 'absent'])
      .default('started')
      .describe('started/present: wait until the port accepts connections or the path exists; stopped/absent: until it no longer does'),
    timeout: waitSeconds().default(300).describe('Seconds to wait before failing'),
    delay: waitSeconds().default(0).describe('Seconds to wait before the first check'),
    sleep: waitSeconds({ positive: true }).default(1).describe('Seconds between checks'),
    msg: z.string().optional().describe('Failure message on timeout, instead of the default'),
  })
  .superRefine((a, ctx) => {
    if ((a.port === undefined) === (a.path === undefined)) ctx.addIssue({ code: 'custom', message: 'give exactly one of port or path', path: [] });
  });

/** wait_for's arguments after parsing. */
export type WaitForArgs = z.output<typeof args>;

/** The message a wait_for step prints (and the task shows) when it times out. */
export function timeoutMessage(a: WaitForArgs): string {
  if (a.msg !== undefined) return a.msg;
  const up = a.state === 'started' || a.state === 'present';
  const what = a.port !== undefined ? `port ${a.host}:${a.port} to ${up ? 'accept connections' : 'close'}` : `${a.path} to ${up ? 'exist' : 'be removed'}`;
  return `timed out after ${a.timeout} s waiting for ${what}`;
}

// One check, as a shell function `ready` that succeeds when the thing is there.
function check(a: WaitForArgs): ShellText {
  if (a.path !== undefined) return sh`ready() { [ -e ${a.path} ]; }`;
  return sh`if command -v nc >/dev/null 2>&1; then
  ready() { nc -z -w 1 ${a.host} ${a.port!} >/dev/null 2>&1; }
elif command -v bash >/dev/null 2>&1 && command -v timeout >/dev/null 2>&1; then
  ready() { timeout 1 bash -c 'exec 3<>"/dev/tcp/$1/$2"' wait_for ${a.host} ${a.port!} >/dev/null 2>&1; }
else
  echo 'wait_for needs nc, or bash and timeout, on the host to try a port' >&2; exit 2
fi`;
}

/** The polling script: exits 0 with `elapsed=N` once the state is reached, 1 with the message on timeout. */
export function waitScript(a: WaitForArgs): ShellText {
  const up = a.state === 'started' || a.state === 'present';
  return sh`${check(a)}
sleep ${a.delay}
start=$(date +%s)
while :; do
  if ${up ? sh`ready` : sh`! ready`}; then echo "elapsed=$(( $(date +%s) - start ))"; exit 0; fi
  if [ $(( $(date +%s) - start )) -ge ${Math.ceil(a.timeout)} ]; then printf '%s\\n' ${timeoutMessage(a)} >&2; exit 1; fi
  sleep ${a.sleep}
done`;
}

/** The wait_for module. */
export const wait_for = defineModule<WaitForArgs>({
  name: 'wait_for',
  summary: 'Wait on the host until a TCP port opens or closes, or a path appears or disappears (runs in check mode too).',
  args,
  plan: (a) => ({
    steps: [
      {
        describe: `wait up to ${a.timeout} s for ${a.port !== undefined ? `${a.host}:${a.port}` : a.path} (${a.state})`,
        script: waitScript(a),
        readOnly: true,
        // The script stops itself; this only guards against a hung check.
        timeoutMs: Math.ceil((a.delay + a.timeout + a.sleep + 30) * 1000),
      },
    ],
    changed: false,
  }),
  result: (a, applied: StepResult[]) => {
    const elapsed = keyValues(applied.at(-1)?.result.stdout ?? '').get('elapsed');
    return { state: a.state, ...(a.port !== undefined ? { port: a.port, host: a.host } : { path: a.path }), ...(elapsed !== undefined && /^\d+$/.test(elapsed) ? { elapsed: Number(elapsed) } : {}) };
  },
});
