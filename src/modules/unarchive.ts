// unarchive: a tar archive that is already on the host (e.g. fetched by get_url) unpacked into a folder.
// Idempotent in one of two ways: `creates` (skip while that path exists — cheapest, and notices a hand-deleted
// binary), else a marker file in dest recording the sha256 of the archive last unpacked there (notices a new
// archive, e.g. a version bump, at the cost of hashing the archive once per run; comparing every member like
// Ansible does would cost a full read of the archive and of dest).
import { posix } from 'node:path';
import { z } from 'zod';
import { join, sh, ShellText } from '../shell/quote.js';
import { defineModule, type ModuleContext, type Plan } from './define.js';
import { chownSpec, groupArg, ownerArg } from './files/attrs.js';
import { keyValues } from '../text/probe-output.js';

const FORMATS: Array<[RegExp, string[]]> = [
  [/\.(tar\.gz|tgz)$/, ['-z']],
  [/\.(tar\.xz|txz)$/, ['-J']],
  [/\.(tar\.bz2|tbz2)$/, ['-j']],
  [/\.tar$/, []],
];

const args = z.strictObject({
  src: z
    .string()
    .regex(/^\//, 'an absolute path on the host')
    .refine((s) => FORMATS.some(([re]) => re.test(s)), 'an archive named *.tar.gz, *.tgz, *.tar.xz, *.txz, *.tar.bz2, *.tbz2 or *.tar')
    .describe('Absolute path of the archive on the host (not on the control machine)'),
  dest: z.string().regex(/^\/./, 'an absolute folder path').describe('Folder to unpack into; created when missing'),
  creates: z.string().min(1).optional().describe('Skip while this path exists (relative paths are inside dest); without it, a marker file in dest records the sha256 of the archive last unpacked'),
  strip_components: z.number().int().nonnegative().default(0).describe('Leading path components removed from every member (tar --strip-components), e.g. 1 for "bitcoin-27.0/bin/bitcoind" → "bin/bitcoind"'),
  owner: ownerArg.optional().describe('Owner of everything unpacked (default: the user running the task)'),
  group: groupArg.optional().describe('Group of everything unpacked'),
});

/** unarchive's arguments after parsing. */
export type UnarchiveArgs = z.output<typeof args>;

/** What the probe found. */
export interface UnarchiveState {
  creates?: boolean;
  src: boolean;
  sha256?: string;
  dest: 'dir' | 'missing' | 'other';
  marker?: string;
}

/** The marker recording which archive was unpacked into dest (one per archive name). */
export function markerPath(a: Pick<UnarchiveArgs, 'src' | 'dest'>): string {
  return posix.join(a.dest, `.provision-unarchive-${posix.basename(a.src)}.sha256`);
}

const createsPath = (a: UnarchiveArgs) => (a.creates === undefined ? undefined : posix.isAbsolute(a.creates) ? a.creates : posix.join(a.dest, a.creates));

/** The read-only probe: creates (when it exists, nothing else is read), the archive's sha256, dest, the marker. */
export function unarchiveProbeScript(a: UnarchiveArgs): ShellText {
  const creates = createsPath(a);
  const rest = sh`if [ -f ${a.src} ]; then echo src=yes; echo "sha256=$(sha256sum < ${a.src} | cut -d' ' -f1)"; else echo src=no; fi
if [ -d ${a.dest} ]; then echo dest=dir; elif [ -e ${a.dest} ]; then echo dest=other; else echo dest=missing; fi
if [ -f ${markerPath(a)} ]; then echo "marker=$(head -c 64 ${markerPath(a)})"; fi`;
  return creates === undefined ? rest : sh`if [ -e ${creates} ]; then echo creates=yes; exit 0; fi
echo creates=no
${rest}`;
}

/** Parses the probe's `key=value` lines. */
export function parseUnarchiveProbe(stdout: string): UnarchiveState {
  const values = keyValues(stdout);
  const get = (k: string) => values.get(k);
  const creates = get('creates');
  return {
    ...(creates !== undefined ? { creates: creates === 'yes' } : {}),
    src: get('src') === 'yes',
    ...(get('sha256') ? { sha256: get('sha256') } : {}),
    dest: (get('dest') ?? 'missing') as UnarchiveState['dest'],
    ...(get('marker') ? { marker: get('marker') } : {}),
  };
}

/**
 * The step: unpack into a temp folder inside dest (a broken archive leaves dest untouched), give the members their
 * owner, copy them over dest (merging folders), and record the archive's sha256 in the marker.
 */
export function extractScript(a: UnarchiveArgs): ShellText {
  const flags = FORMATS.find(([re]) => re.test(a.src))![1];
  const spec = chownSpec({ owner: a.owner, group: a.group });
  const chown = spec === undefined ? [] : [sh`find "$tmp" -mindepth 1 -exec chown -h ${spec} -- {} +`];
  return join([
    sh`mkdir -p -- ${a.dest} || exit 1`,
    sh`sum=$(sha256sum < ${a.src} | cut -d' ' -f1) || exit 1`,
    sh`tmp=$(mktemp -d ${posix.join(a.dest, '.provision-unarchive-XXXXXX')}) || exit 1`,
    new ShellText(`trap 'rm -rf -- "$tmp"' EXIT`),
    sh`tar -x ${flags} -f ${a.src} -C "$tmp" --no-same-owner --strip-components=${a.strip_components} || exit 1`,
    ...chown,
    // `cp -a TMP/. DEST/` gives dest the temp folder's own mode and owner: make them dest's first.
    sh`chmod --reference=${a.dest} -- "$tmp" && chown --reference=${a.dest} -- "$tmp" && touch -r ${a.dest} -- "$tmp" || exit 1`,
    sh`cp -a -- "$tmp"/. ${a.dest}/ || exit 1`,
    sh`printf '%s\\n' "$sum" > ${markerPath(a)}`,
  ]);
}

/** Pure: skip when `creates` exists or the marker matches the archive, else one unpack step. */
export function planUnarchive(a: UnarchiveArgs, s: UnarchiveState, ctx: Pick<ModuleContext, 'check'>): Plan {
  const result = { src: a.src, dest: a.dest };
  if (s.creates) return { steps: [], note: `skipped, since ${createsPath(a)} exists`, result };
  if (!s.src && !ctx.check) return { steps: [], fail: `the archive ${a.src} does not exist on the host (unarchive reads it on the host: fetch it there first, e.g. with get_url)` };
  if (s.dest === 'other') return { steps: [], fail: `${a.dest} exists and is not a folder` };
  if (a.creates === undefined && s.sha256 !== undefined && s.marker === s.sha256) {
    return { steps: [], note: `${a.src} (sha256:${s.sha256.slice(0, 12)}…) is already unpacked in ${a.dest}`, result };
  }
  const why = a.creates !== undefined ? `${createsPath(a)} is missing` : s.marker ? `${a.dest} holds another version (sha256:${s.marker.slice(0, 12)}…)` : `not unpacked there before`;
  const describe = `unpack ${a.src} into ${a.dest} (${why})`;
  return { steps: [{ describe, script: extractScript(a) }], note: describe, result };
}

/** The unarchive module. */
export const unarchive = defineModule<UnarchiveArgs, UnarchiveArgs, UnarchiveState>({
  name: 'unarchive',
  summary: 'Unpack a tar archive that is on the host into a folder, once (creates, or a sha256 marker in dest).',
  args,
  probe: (a) => ({ script: unarchiveProbeScript(a), parse: ({ stdout }) => parseUnarchiveProbe(stdout) }),
  plan: planUnarchive,
});
