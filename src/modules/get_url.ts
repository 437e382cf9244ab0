// get_url: a file downloaded on the host and accepted only with the sha256 it must have. Skipped when the file is
// already there with that checksum; a download goes to a temp file beside dest and is moved into place only after
// its checksum matched, so dest is never a partial or a wrong file.
import { posix } from 'node:path';
import { z } from 'zod';
import { waitSeconds } from '../source/numbers.js';
import { join, sh, ShellText } from '../shell/quote.js';
import { defineModule, type ModuleContext, type Plan, type Step } from './define.js';
import { attrStep, chownSpec, groupArg, modeArg, ownerArg, type CurrentAttrs } from './files/attrs.js';
import { sweepStaleTemps, tempTemplate } from './files/write.js';
import { keyValues } from '../text/probe-output.js';

const args = z.strictObject({
  url: z.string().regex(/^https?:\/\/[^\s]+$/, 'an http:// or https:// URL without spaces').describe('Where to download from (http or https; redirects are followed)'),
  dest: z.string().regex(/^\/[\s\S]*[^/]$/, 'an absolute file path (not ending in "/")').describe('Absolute path of the file on the host; its folder must exist'),
  checksum: z
    .string({ error: 'checksum is required: "sha256:" and the 64 hex digits the file must have' })
    .regex(/^sha256:[0-9a-fA-F]{64}$/, 'checksum must be "sha256:" followed by 64 hex digits')
    .transform((c) => c.slice('sha256:'.length).toLowerCase())
    .describe('Mandatory: "sha256:<64 hex digits>". A download with any other checksum is deleted and the task fails'),
  mode: modeArg.optional(),
  owner: ownerArg.optional(),
  group: groupArg.optional(),
  timeout: waitSeconds({ positive: true, integer: true }).default(30).describe('Seconds: give up connecting, or when no data arrives for this long'),
});

/** get_url's arguments after parsing (checksum is the bare lower-case hex). */
export type GetUrlArgs = z.output<typeof args>;

/** What the probe found at dest, and which downloader the host has. */
export interface GetUrlState {
  dest: 'missing' | 'file' | 'other';
  sha256?: string;
  attrs?: CurrentAttrs;
  dirExists: boolean;
  downloader: 'curl' | 'wget' | 'none';
}

/** The read-only probe: dest's type, sha256 and attributes, whether its folder exists, curl or wget. */
export function getUrlProbeScript(a: GetUrlArgs): ShellText {
  return sh`if [ -f ${a.dest} ]; then echo dest=file; echo "sha256=$(sha256sum < ${a.dest} | cut -d' ' -f1)"; echo "attrs=$(stat -L -c '%a %u %g %U %G' -- ${a.dest})"
elif [ -e ${a.dest} ]; then echo dest=other; else echo dest=missing; fi
if [ -d ${posix.dirname(a.dest)} ]; then echo dir=yes; else echo dir=no; fi
if command -v curl >/dev/null 2>&1; then echo downloader=curl; elif command -v wget >/dev/null 2>&1; then echo downloader=wget; else echo downloader=none; fi`;
}

/** Parses the probe's `key=value` lines. */
export function parseGetUrlProbe(stdout: string): GetUrlState {
  const values = keyValues(stdout);
  const get = (k: string) => values.get(k) ?? '';
  const [mode, uid, gid, owner, group] = get('attrs').split(' ');
  return {
    dest: (get('dest') || 'missing') as GetUrlState['dest'],
    ...(get('sha256') ? { sha256: get('sha256') } : {}),
    ...(owner !== undefined ? { attrs: { mode, uid: Number(uid), gid: Number(gid), owner, group } } : {}),
    dirExists: get('dir') === 'yes',
    downloader: (get('downloader') || 'none') as GetUrlState['downloader'],
  };
}

/** The step's script: download to a temp file in dest's folder, verify, set attributes, rename over dest. */
export function downloadScript(a: GetUrlArgs, downloader: 'curl' | 'wget'): ShellText {
  const template = tempTemplate(a.dest);
  const fetch =
    downloader === 'curl'
      ? sh`curl -fsSL --proto =http,https --connect-timeout ${a.timeout} --speed-limit 1 --speed-time ${a.timeout} -o "$tmp" ${a.url}`
      : sh`wget -q --timeout=${a.timeout} -O "$tmp" -- ${a.url}`;
  const spec = chownSpec({ owner: a.owner, group: a.group });
  // "$tmp" is the host-side temp file's name, expanded there; chown first, because it clears setuid bits.
  const attrs: ShellText[] = [
    ...(spec !== undefined ? [sh`chown ${spec} -- "$tmp"`] : []),
    a.mode !== undefined ? sh`chmod ${a.mode} -- "$tmp"` : new ShellText(`chmod "$(printf '%o' $((0666 & ~$(umask))))" -- "$tmp"`),
  ];
  return sh`tmp=$(mktemp ${template}) || exit 1
trap 'rm -f -- "$tmp"' EXIT
${sweepStaleTemps(a.dest)}
${fetch} || exit $?
got=$(sha256sum < "$tmp" | cut -d' ' -f1)
if [ "$got" != ${a.checksum} ]; then
  printf 'checksum mismatch for %s: expected sha256:%s, got sha256:%s (the download was deleted; %s is unchanged)\\n' ${a.url} ${a.checksum} "$got" ${a.dest} >&2
  exit 1
fi
${join(attrs, ' && ')} &&
mv -f -T -- "$tmp" ${a.dest}`;
}

/** Pure: skip when dest has the checksum (fixing only attributes), else one download step. */
export function planGetUrl(a: GetUrlArgs, s: GetUrlState, ctx: Pick<ModuleContext, 'check' | 'masker'>): Plan {
  const url = ctx.masker.mask(a.url);
  if (s.dest === 'other') return { steps: [], fail: `${a.dest} exists and is not a regular file` };
  const result = { dest: a.dest, url, checksum: `sha256:${a.checksum}` };
  if (s.dest === 'file' && s.sha256 === a.checksum) {
    const fix = s.attrs ? attrStep(a.dest, { mode: a.mode, owner: a.owner, group: a.group }, s.attrs) : undefined;
    return fix ? { steps: [fix], note: fix.describe, result } : { steps: [], note: `${a.dest} already has sha256:${a.checksum.slice(0, 12)}…`, result };
  }
  if (!s.dirExists && !ctx.check) return { steps: [], fail: `the folder of ${a.dest} does not exist on the host: create it first (file: state: directory)` };
  if (s.downloader === 'none' && !ctx.check) return { steps: [], fail: 'neither curl nor wget is installed on the host: install one first (apt: name: curl)' };
  const why = s.dest === 'file' ? ` (it has sha256:${s.sha256?.slice(0, 12)}…)` : '';
  const step: Step = { describe: `download ${url} to ${a.dest}${why}`, script: downloadScript(a, s.downloader === 'wget' ? 'wget' : 'curl') };
  return { steps: [step], note: step.describe, result };
}

/** The get_url module. */
export const get_url = defineModule<GetUrlArgs, GetUrlArgs, GetUrlState>({
  name: 'get_url',
  summary: 'Download a file on the host with curl or wget, accepted only with its mandatory sha256; skipped when dest already matches.',
  args,
  probe: (a) => ({ script: getUrlProbeScript(a), parse: ({ stdout }) => parseGetUrlProbe(stdout) }),
  plan: planGetUrl,
});
