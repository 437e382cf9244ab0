// One round trip that tells what is at a path: type, mode, owner, size, sha256, link target, and (for --diff, when
// small, text and different) the content itself. A pure parser turns the output into a FileState.
import { ProvisionError } from '../../errors.js';
import { sh, type ShellText } from '../../shell/quote.js';
import type { ExecResult } from '../../transport/types.js';
import type { CurrentAttrs } from './attrs.js';
import { fieldsAfter, keyValues, outputLines } from '../../text/probe-output.js';

/** What kind of thing is at a path (`link` is never followed here). */
export type FileType = 'file' | 'directory' | 'link' | 'other';

/** Attributes of a path as stat reports them. */
export interface FileAttrs extends CurrentAttrs {
  size: number;
}

/** What the probe found at a path. */
export type FileState =
  | { exists: false; parentExists: boolean }
  | {
      exists: true;
      type: FileType;
      attrs: FileAttrs;
      /** Regular files only (empty when unreadable). */
      sha256?: string;
      /** Only when asked for, small, free of NUL bytes and different from the wanted sha256. */
      content?: Buffer;
      /** Links only: the target as written. */
      linkTarget?: string;
      /** Links only: what the link points to, or null when it dangles. */
      followed?: { type: FileType; attrs: FileAttrs } | null;
    };

/** Options for the probe script. */
export interface FileStateOptions {
  /** Send the content back when the file is at most this many bytes (0: never). */
  contentLimit?: number;
  /** Skip sending the content when the file already has this sha256 (no diff needed). */
  wantSha256?: string;
}

/** Default limit for shipping a file's content back for --diff. */
export const DIFF_CONTENT_LIMIT = 256 * 1024;

/** The probe script for `path` (POSIX sh + GNU coreutils, read-only). */
export function fileStateScript(path: string, options: FileStateOptions = {}): ShellText {
  const limit = options.contentLimit ?? 0;
  const want = options.wantSha256 ?? '-';
  // Only a text file (no NUL byte) no bigger than the limit and different from the wanted one is sent back.
  const content =
    limit > 0
      ? sh`  size=$(stat -c %s -- "$p")
  if [ -n "$s" ] && [ "$s" != ${want} ] && [ "$size" -le ${limit} ] && [ "$(tr -d '\\000' < "$p" | wc -c)" -eq "$size" ]; then
    printf 'content='; base64 -w0 < "$p"; echo
  fi`
      : sh`  :`;
  // `stat -c` on one line per path: owner and group names never contain spaces.
  return sh`p=${path}
if [ -L "$p" ]; then t=link; elif [ -d "$p" ]; then t=directory; elif [ -f "$p" ]; then t=file; elif [ -e "$p" ]; then t=other
else
  echo exists=no
  if [ -d "$(dirname -- "$p")" ]; then echo parent=yes; else echo parent=no; fi
  exit 0
fi
echo exists=yes
echo "type=$t"
stat -c 'attrs %a %u %g %U %G %s' -- "$p" || exit 1
if [ "$t" = link ]; then
  printf 'target='; readlink -- "$p" | base64 -w0; echo
  if [ -d "$p" ]; then f=directory; elif [ -f "$p" ]; then f=file; elif [ -e "$p" ]; then f=other; else f=missing; fi
  echo "followed=$f"
  if [ "$f" != missing ]; then stat -L -c 'fattrs %a %u %g %U %G %s' -- "$p" || exit 1; fi
fi
if [ "$t" = file ]; then
  s=$(sha256sum < "$p" 2>/dev/null | cut -c1-64)
  echo "sha256=$s"
${content}
fi`;
}

function parseAttrs(fields: string[]): FileAttrs {
  const [mode, uid, gid, owner, group, size] = fields;
  return { mode: mode.padStart(4, '0'), uid: Number(uid), gid: Number(gid), owner, group, size: Number(size) };
}

/** Parses the probe's output; a failed probe (permission denied, sudo refused) is a ProvisionError. */
export function parseFileState(path: string, result: ExecResult): FileState {
  const lines = outputLines(result.stdout);
  const values = keyValues(lines);
  const value = (key: string) => values.get(key);
  const fields = (key: string) => fieldsAfter(lines, key);
  if (result.code !== 0 || value('exists') === undefined) {
    throw new ProvisionError({
      what: `could not read the state of ${path}`,
      got: (result.stderr.trim() || result.stdout.trim() || `exit code ${result.code}`).split('\n').slice(-3).join('\n'),
      fix: 'check that the path is readable by the connecting user, or use become',
      code: 'probe-failed',
    });
  }
  if (value('exists') === 'no') return { exists: false, parentExists: value('parent') === 'yes' };
  const state: FileState = { exists: true, type: value('type') as FileType, attrs: parseAttrs(fields('attrs') ?? []) };
  const sha = value('sha256');
  if (sha !== undefined) state.sha256 = sha;
  const content = value('content');
  if (content !== undefined) state.content = Buffer.from(content, 'base64');
  const target = value('target');
  if (target !== undefined) state.linkTarget = Buffer.from(target, 'base64').toString('utf8').replace(/\n$/, '');
  const followed = value('followed');
  if (followed !== undefined) state.followed = followed === 'missing' ? null : { type: followed as FileType, attrs: parseAttrs(fields('fattrs') ?? []) };
  return state;
}
