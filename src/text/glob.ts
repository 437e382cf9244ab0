// The one glob-to-RegExp translation: host patterns (fnmatch, with [classes]) and known_hosts patterns (OpenSSH's
// match_pattern: only * and ?, case-insensitive) are the same wildcards with two switches.

/** How a glob is read. */
export interface GlobOptions {
  /** `[abc]`, `[a-z]`, `[!abc]` are character classes (fnmatch); off: `[` is a plain character (OpenSSH). */
  classes?: boolean;
  /** Letters match either case (host names in known_hosts). */
  ignoreCase?: boolean;
}

/** True when the text holds a wildcard, so matching it as a glob differs from comparing it. */
export function hasWildcard(text: string, options: GlobOptions = {}): boolean {
  return (options.classes ? /[*?[]/ : /[*?]/).test(text);
}

/**
 * A glob as an anchored RegExp: `*` any run of characters (`/` and `.` included), `?` one character, and with
 * `classes` a `[...]` class; every other character is literal, a backslash too (there is no escape character). An
 * unclosed `[` is literal.
 */
export function globToRegExp(glob: string, options: GlobOptions = {}): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    const end = c === '[' && options.classes ? glob.indexOf(']', i + 1) : -1;
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (end > 0) {
      re += characterClass(glob.slice(i + 1, end));
      i = end;
    } else re += c.replace(/[.+^${}()|[\]\\*?]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, options.ignoreCase ? 'i' : '');
}

// fnmatch's `[!...]` negates; a backslash inside is literal. Other characters keep their RegExp class meaning
// (`a-z` a range, a leading `^` negates too).
function characterClass(body: string): string {
  const escaped = body.replace(/\\/g, '\\\\');
  return escaped.startsWith('!') ? `[^${escaped.slice(1)}]` : `[${escaped}]`;
}
