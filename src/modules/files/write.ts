// The atomic file write: a temp file in the same directory, owner and mode set on it, `validate` run on it, an
// optional backup, then one rename over the old file. Any failure removes the temp file and leaves the old one.
import { posix } from 'node:path';
import { ProvisionError } from '../../errors.js';
import { join, quote, sh, ShellText } from '../../shell/quote.js';
import type { Step } from '../define.js';
import { chownSpec, type WantedAttrs } from './attrs.js';
import { splitWords } from './words.js';
import { keyValues } from '../../text/probe-output.js';

/** What to write where. Attributes not given are kept from the old file (or follow the umask for a new one). */
export interface WriteSpec extends WantedAttrs {
  dest: string;
  content: Buffer;
  /** Copy the old file to `DEST.YYYY-MM-DD@HH:MM:SS~` first (its path is printed as `backup_file=...`). */
  backup?: boolean;
  /** A command run on the temp file before it replaces `dest`; `%s` stands for the temp file's path. */
  validate?: string;
}

/** Exit code of the write step when `validate` refused the new content. */
export const VALIDATE_FAILED = 3;

/** The validate command as shell text, every `%s` replaced by the temp file (`"$tmp"`); no shell features. */
export function validateScript(validate: string): ShellText {
  if (!validate.includes('%s')) {
    throw new ProvisionError({
      what: 'validate must contain %s, which stands for the file to check',
      got: validate,
      fix: 'write it like: visudo -cf %s',
      code: 'validate-without-%s',
    });
  }
  const words = splitWords(validate, 'validate command');
  // Each word becomes its quoted pieces with "$tmp" between them, so `-f%s` stays one word.
  return new ShellText(words.map((w) => w.split('%s').map(quote).join('"$tmp"')).join(' '));
}

/** The temp file name mktemp fills in for a write to `dest`: hidden, in dest's folder (the rename stays atomic). */
export function tempTemplate(dest: string): string {
  return posix.join(posix.dirname(dest), `.${posix.basename(dest)}.provision-XXXXXX`);
}

/** How long a temp file of a write may exist before a later write to the same file takes it for a leftover. */
export const STALE_TEMP_MINUTES = 60;

/**
 * Removes temp files that earlier writes to `dest` left behind when killed before their EXIT trap could run
 * (SIGKILL, the OOM killer, a host crash): over STALE_TEMP_MINUTES old, so a write still running is never touched.
 */
export function sweepStaleTemps(dest: string): ShellText {
  // find -name is a glob: the file's own name is matched literally.
  const name = `.${posix.basename(dest).replace(/[[\]*?\\]/g, '\\$&')}.provision-??????`;
  return sh`find -H ${posix.dirname(dest)} -maxdepth 1 -type f -name ${name} -mmin +${STALE_TEMP_MINUTES} -delete 2>/dev/null || :`;
}

/** The one step that writes `spec.content` to `spec.dest` atomically; the content travels on stdin. */
export function atomicWriteStep(spec: WriteSpec): Step {
  const template = tempTemplate(spec.dest);
  // A dropped connection ends stdin early and `cat` succeeds on what it got: only the full size may replace dest.
  // Writing to the dead session's stderr raises SIGPIPE, trapped so that the EXIT trap still removes the temp file.
  const parts: ShellText[] = [
    sh`set -e
dest=${spec.dest}
tmp=$(mktemp ${template})
trap 'rm -f -- "$tmp"' EXIT
trap 'exit 1' HUP INT TERM PIPE
${sweepStaleTemps(spec.dest)}
cat > "$tmp"
got=$(wc -c < "$tmp")
if [ "$got" -ne ${spec.content.length} ]; then
  printf 'received %s of %s bytes (the connection dropped?); %s is unchanged\\n' "$got" ${spec.content.length} "$dest" >&2
  exit 1
fi
if [ -f "$dest" ] && [ ! -L "$dest" ]; then
  chown --reference="$dest" -- "$tmp" 2>/dev/null || :
  chmod --reference="$dest" -- "$tmp"
else
  chmod "$(printf %o $((0666 & ~0$(umask))))" -- "$tmp"
fi`,
  ];
  // Wanted owner first, then mode: chown clears setuid/setgid bits.
  const owner = chownSpec(spec);
  if (owner !== undefined) parts.push(sh`chown ${owner} -- "$tmp"`);
  if (spec.mode !== undefined) parts.push(sh`chmod ${spec.mode} -- "$tmp"`);
  if (spec.validate !== undefined) {
    parts.push(sh`if ! out=$(${validateScript(spec.validate)} 2>&1 </dev/null); then
  [ -z "$out" ] || printf '%s\\n' "$out" >&2
  printf 'validate refused the new content; %s is unchanged\\n' "$dest" >&2
  exit ${VALIDATE_FAILED}
fi`);
  }
  if (spec.backup) {
    // -P: a symbolic link at dest is what the write replaces, so the backup keeps the link (a link to a folder too).
    parts.push(sh`if [ -e "$dest" ]; then
  b="$dest.$(date +%Y-%m-%d@%H:%M:%S)~"
  cp -P -p -- "$dest" "$b"
  printf 'backup_file=%s\\n' "$b"
fi`);
  }
  // -T renames over dest itself: plain mv would move the file into the folder a symbolic link at dest points to.
  parts.push(sh`mv -f -T -- "$tmp" "$dest"`);
  return {
    describe: `write ${spec.dest} (${spec.content.length} bytes, atomically${spec.validate ? ', validated' : ''}${spec.backup ? ', with backup' : ''})`,
    script: join(parts),
    stdin: spec.content,
  };
}

/** The `backup_file=...` a write step printed, if any. */
export function backupFileFrom(stdout: string): string | undefined {
  return keyValues(stdout).get('backup_file');
}
