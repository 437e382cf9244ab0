// The one reader of probe and step output: lines, sections that start at marker lines, `key=value` lines and
// `name field field...` lines. Pure; every module and fact parses what its script printed through these.

/** Output as lines; LF or CRLF line ends (a CR before the LF is dropped). Split like String#split: a final line end leaves an empty last line. */
export function outputLines(text: string | readonly string[]): string[] {
  return typeof text === 'string' ? text.split(/\r?\n/) : [...text];
}

/**
 * Output split at marker lines: `marker` matches a whole marker line and its first group names the section. Lines
 * before the first marker are under ''. A marker seen again continues its section. A missing section is absent.
 */
export function outputSections(text: string | readonly string[], marker: RegExp): Map<string, string[]> {
  const out = new Map<string, string[]>([['', []]]);
  let current = out.get('')!;
  for (const line of outputLines(text)) {
    const head = marker.exec(line);
    if (!head) current.push(line);
    else if (!out.has(head[1])) out.set(head[1], (current = []));
    else current = out.get(head[1])!;
  }
  return out;
}

// A key starts the line; the value is everything after the FIRST '=' (so it may hold '=' itself, or nothing).
const KEY_VALUE = /^([A-Za-z0-9_][A-Za-z0-9_.-]*)=(.*)$/;

/** Every `key=value` line in order, the value without surrounding whitespace; lines of any other shape are skipped. */
export function keyValuePairs(text: string | readonly string[]): [key: string, value: string][] {
  const out: [string, string][] = [];
  for (const line of outputLines(text)) {
    const m = KEY_VALUE.exec(line);
    if (m) out.push([m[1], m[2].trim()]);
  }
  return out;
}

/**
 * The `key=value` lines as a map holding each key's FIRST value: a probe prints its own keys before any text it
 * reads from the host (a marker file's content, say), so such text cannot override them. A missing key is absent.
 * For a shell-style config file, where the last assignment wins, use `new Map(keyValuePairs(lines))`.
 */
export function keyValues(text: string | readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of keyValuePairs(text)) if (!out.has(k)) out.set(k, v);
  return out;
}

/** The space-separated fields after `name` on the first line that starts with `name `; undefined when there is none. */
export function fieldsAfter(text: string | readonly string[], name: string): string[] | undefined {
  return outputLines(text)
    .find((l) => l.startsWith(`${name} `))
    ?.split(' ')
    .slice(1);
}
