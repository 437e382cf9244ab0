// What the YAML parser lets through or words for its own authors: files too big or not text, syntax errors said
// in a playbook author's words (one per file: the first one confuses the parser about everything after it),
// aliases that are undefined or contain themselves, keys that cannot be object keys, merges of non-mappings.
import { isAlias, isCollection, isMap, isScalar, isSeq, visit, type Document, type YAMLError } from 'yaml';
import { ProvisionError, type ProblemInfo, type Where } from '../errors.js';
import { sizeText, readLocalFile } from '../local-read.js';

/** The largest YAML file provision reads: parsing costs time and many times the file's size in memory, and no real playbook comes near it. */
export const MAX_YAML_BYTES = 4 * 1024 * 1024;

function tooLarge(file: string, size: string): ProblemInfo {
  return {
    what: `file too large: ${size} (provision reads YAML files up to ${sizeText(MAX_YAML_BYTES)})`,
    where: { file, line: 1, col: 1 },
    fix: 'split it (vars_files, group_vars/ and host_vars/ files), or keep bulk data in a file a task copies',
    code: 'too-large',
  };
}

/** 1-based line and column of a character offset in `text`. */
function textPos(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, col: offset - start + 1 };
}

/** Offset of the first byte that is not valid UTF-8, or -1. */
function invalidUtf8At(buf: Buffer): number {
  for (let i = 0; i < buf.length; ) {
    const b = buf[i];
    const n = b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (n < 0 || i + n >= buf.length) return i;
    for (let k = 1; k <= n; k++) if ((buf[i + k] & 0xc0) !== 0x80) return i;
    // Overlong three-byte forms, UTF-16 surrogates, and code points above U+10FFFF.
    if ((b === 0xe0 && buf[i + 1] < 0xa0) || (b === 0xed && buf[i + 1] > 0x9f) || (b === 0xf0 && buf[i + 1] < 0x90) || (b === 0xf4 && buf[i + 1] > 0x8f)) return i;
    i += n + 1;
  }
  return -1;
}

/**
 * Reads a YAML file as text. Refused with a ProvisionError at file:line:col: a missing or unreadable file, anything
 * but a regular file, one larger than MAX_YAML_BYTES, binary data (a NUL byte), and bytes that are not UTF-8.
 */
export async function readSourceFile(file: string, what: string, from?: Where): Promise<string> {
  const buf = await readLocalFile(file, { what, maxBytes: MAX_YAML_BYTES, from, tooLarge: (size) => new ProvisionError(tooLarge(file, size)) });
  // git's test for binary files: a NUL byte near the start.
  const nul = buf.subarray(0, 8000).indexOf(0);
  if (nul >= 0) {
    throw new ProvisionError({
      what: `binary data, not YAML text (a NUL byte)`,
      where: { file, ...textPos(buf.subarray(0, nul).toString('utf8'), nul) },
      fix: `check that ${file} is the ${what} you meant`,
      code: 'binary',
    });
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    const bad = Math.max(0, invalidUtf8At(buf));
    const prefix = buf.subarray(0, bad).toString('utf8');
    throw new ProvisionError({
      what: `not UTF-8 text: byte 0x${buf[bad].toString(16).padStart(2, '0')} cannot start or continue a UTF-8 character here`,
      where: { file, ...textPos(prefix, prefix.length) },
      fix: 'save the file as UTF-8 (iconv -f latin1 -t utf-8 FILE)',
      code: 'encoding',
    });
  }
}

// YAML 1.2's printable set, negated (TAB, LF, CR, NEL and BOM are fine); lone UTF-16 surrogates too.
// eslint-disable-next-line no-control-regex
const NOT_PRINTABLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u0084\u0086-\u009f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** A problem with the text itself (too large, a NUL or another control character), or undefined. */
export function textProblem(text: string, file: string): ProblemInfo | undefined {
  if (text.length > MAX_YAML_BYTES || Buffer.byteLength(text) > MAX_YAML_BYTES) return tooLarge(file, sizeText(Buffer.byteLength(text)));
  const m = NOT_PRINTABLE.exec(text);
  if (!m) return undefined;
  const code = m[0].codePointAt(0)!;
  const name = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  return {
    what: code === 0 ? 'binary data, not YAML text (a NUL byte)' : `a control character (${name}) is not allowed in YAML text`,
    where: { file, ...textPos(text, m.index) },
    ...(code === 0 ? {} : { fix: `remove it, or write it as an escape inside double quotes ("\\u${code.toString(16).padStart(4, '0')}")` }),
    code: code === 0 ? 'binary' : 'control-character',
  };
}

// The start of the first non-blank character of `line` (1-based) in `text`.
function lineStart(text: string, line: number): { line: number; col: number } {
  let at = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', at);
    if (nl < 0) break;
    at = nl + 1;
  }
  const m = /^[ \t]*/.exec(text.slice(at, at + 10_000))!;
  return { line, col: m[0].length + 1 };
}

type Pos = (offset: number) => { line: number; col: number };

/**
 * The YAML errors worth showing: every duplicate key before the first syntax error, and that syntax error (the
 * parser's later complaints follow from it), in words about the file rather than about the parser.
 */
export function syntaxProblems(errors: readonly YAMLError[], text: string, file: string, doc: Document, pos: Pos): ProblemInfo[] {
  const sorted = [...errors].sort((a, b) => a.pos[0] - b.pos[0]);
  const first = sorted.find((e) => e.code !== 'DUPLICATE_KEY');
  const shown = sorted.filter((e) => e.code === 'DUPLICATE_KEY' && (!first || e.pos[0] < first.pos[0]));
  const out: ProblemInfo[] = shown.map((e) => {
    const dup = duplicateOf(doc, e.pos[0]);
    const name = dup ? JSON.stringify(dup.name) : undefined;
    return {
      what: dup ? `duplicate key ${name} (first at line ${pos(dup.first).line})` : 'duplicate key',
      where: { file, ...pos(dup?.at ?? e.pos[0]) },
      fix: `remove or rename one of the two ${dup ? `${name} ` : ''}keys`,
      code: 'yaml',
    };
  });
  if (!first) return out;
  const at = { file, ...pos(first.pos[0]) };
  const problem: ProblemInfo = { what: plainMessage(first.message), where: at, code: 'yaml' };
  const quote = /^Missing closing (["'])quote/.exec(first.message);
  let flow: RegExpExecArray | null;
  const multiline = sorted.some((e) => e.code === 'MULTILINE_IMPLICIT_KEY' && e.pos[0] === first.pos[0]);
  if (first.code === 'TAB_AS_INDENT') problem.fix = 'indent with spaces';
  else if (first.code === 'KEY_OVER_1024_CHARS') {
    problem.what = 'key too long: YAML allows at most 1024 characters before the ":" of a key';
    problem.fix = 'shorten the key (a long text belongs in a value: name: "...")';
  }
  else if (first.code === 'TAG_RESOLVE_FAILED') problem.fix = 'remove the tag (provision supports no custom tags, and no Ansible Vault)';
  else if (quote) {
    problem.what = `unclosed ${quote[1]} quote`;
    problem.where = { file, ...pos(openingQuote(doc, first.pos[0], quote[1]) ?? first.pos[0]) };
    problem.fix = `end the string with ${quote[1]} (inside ${quote[1]}...${quote[1]}, write ${quote[1] === '"' ? '\\"' : "''"} for a ${quote[1]})`;
  } else if (/^Sequence item without - indicator/.test(first.message)) {
    problem.what = 'wrong indentation: YAML expected a "- " list item here';
    problem.where = { file, ...lineStart(text, at.line) };
    problem.fix = 'indent this line like the keys of the item above it (spaces only), or start it with "- "';
  } else if (/^A block sequence may not be used as an implicit map key/.test(first.message)) {
    problem.what = 'wrong indentation: this "- " list item is not lined up with the items above it';
    problem.where = { file, ...lineStart(text, at.line) };
    problem.fix = 'start it in the same column as the "- " of the items above (spaces only)';
  } else if (first.code === 'BLOCK_AS_IMPLICIT_KEY' && multiline) {
    problem.what = 'wrong indentation: this line is indented deeper than the key above it';
    problem.where = { file, ...lineStart(text, at.line + 1) };
    problem.fix = 'line it up with the keys above it (spaces only)';
  } else if (/^All (mapping|sequence) items must start at the same column/.test(first.message)) problem.fix = 'line it up with the items above it (spaces only)';
  else if (first.code === 'MULTIPLE_DOCS') {
    problem.what = 'a second YAML document ("---") in one file';
    problem.fix = 'keep one document: remove this "---" and merge what follows into the first one';
  } else if ((flow = /^Flow (sequence|mapping) in block collection must be sufficiently indented/.exec(first.message))) {
    const [open, close] = flow[1] === 'sequence' ? ['[', ']'] : ['{', '}'];
    problem.what = `"${open}" is not closed by "${close}" (or the line after it is not indented enough)`;
    problem.fix = `close it with "${close}"; a list or mapping in brackets that goes on over several lines is indented further than its key`;
    const start = unclosedFlow(doc, text, first.pos[0], close);
    if (start !== undefined) problem.where = { file, ...pos(start) };
  } else if (first.code === 'RESOURCE_EXHAUSTION') {
    problem.what = 'nested too deeply to read';
    problem.fix = 'flatten the data';
  } else Object.assign(problem, plainWords(first.message));
  return [...out, problem];
}

// The "[" or "{" still open at `end`: the latest flow collection starting before it whose text does not end with `close`.
function unclosedFlow(doc: Document, text: string, end: number, close: string): number | undefined {
  let found: number | undefined;
  visit(doc, {
    Node(_k, node) {
      const r = (node as { range?: [number, number]; flow?: boolean }).range;
      if (!isCollection(node) || !node.flow || !r || r[0] >= end || (found !== undefined && found > r[0])) return;
      if (!text.slice(r[0], r[1]).trimEnd().endsWith(close)) found = r[0];
    },
  });
  return found;
}

// Parser errors an author meets by a slip of the keyboard, in the author's words, with the usual fix.
const TOKEN_WORDS: Record<string, string> = {
  scalar: 'text',
  'double-quoted-scalar': 'a quoted string',
  'single-quoted-scalar': 'a quoted string',
  'block-scalar-header': '"|" or ">"',
  'seq-item-ind': '"- "',
  'block-seq-ind': '"- "',
  'map-value-ind': '":"',
  'explicit-key-ind': '"?"',
  'flow-seq-start': '"["',
  'flow-seq-end': '"]"',
  'flow-map-start': '"{"',
  'flow-map-end': '"}"',
  comma: '","',
  tag: 'a tag (!...)',
  anchor: 'an anchor (&...)',
  alias: 'an alias (*...)',
};

function plainWords(full: string): Pick<ProblemInfo, 'what' | 'fix'> {
  const message = full.split(/ at line \d+, column \d+/)[0].trim();
  let m: RegExpExecArray | null;
  if ((m = /^Plain value cannot start with (?:reserved|flow indicator) character (.)/.exec(message))) {
    return { what: `a value cannot start with ${JSON.stringify(m[1])} unless it is quoted`, fix: `put the whole value in quotes: "${m[1]}..."` };
  }
  if (/^Comments must be separated from other tokens by white space/.test(message)) {
    return { what: 'a "#" right after text: YAML starts a comment only after a space', fix: 'put a space before the "#" of a comment, or quote the whole value if "#" belongs to it' };
  }
  if (/^Implicit map keys need to be followed by map values/.test(message)) {
    return { what: 'a line without ":" among the keys of a mapping', fix: 'write it as key: value, or start it with "- " if it is a list item' };
  }
  if (/^Implicit keys need to be on a single line/.test(message)) {
    return { what: 'a key must fit on one line: this line has no ":" and runs into the next', fix: 'add the missing ":" (key: value), or start the line with "- " if it is a list item' };
  }
  if (/^Nested mappings are not allowed in compact mappings/.test(message)) {
    return { what: 'a second ": " on one line', fix: 'quote the value if it contains ": " (key: "a: b"), or put the inner key on its own, further-indented line' };
  }
  if ((m = /^Invalid escape sequence (.*)/.exec(message))) {
    return { what: `invalid escape ${m[1].trim()} inside double quotes`, fix: 'write \\\\ for a backslash, or use single quotes (no escapes there)' };
  }
  if (/^Block collections are not allowed within flow collections/.test(message)) {
    return { what: 'a "- " item or an indented key inside [ ] or { }', fix: 'inside brackets, separate the items with commas ([a, b] or {k: v, k2: v2}), or drop the brackets' };
  }
  if ((m = /^Unexpected (\S+)(?: token| at node end| on same line)/.exec(message))) {
    return {
      what: `unexpected ${Object.hasOwn(TOKEN_WORDS, m[1]) ? TOKEN_WORDS[m[1]] : m[1]} here`,
      fix: 'look at this line and the one above it: a missing ":" or "- ", a bracket or quote without its pair, or a wrong indentation',
    };
  }
  return { what: plainMessage(message) };
}

// The duplicated key a DUPLICATE_KEY error is about, and where it and its first appearance start. The parser points
// at the key, or (after a key with an empty value) at the end of the pair before it: the nearest duplicate at or
// after its offset is the one.
function duplicateOf(doc: Document, offset: number): { name: string; at: number; first: number } | undefined {
  let found: { name: string; at: number; first: number } | undefined;
  visit(doc, {
    Map(_k, map) {
      map.items.forEach((pair, i) => {
        const key = pair.key;
        const at = isScalar(key) ? key.range?.[0] : undefined;
        if (!isScalar(key) || at === undefined || at < offset || (found && found.at <= at)) return;
        const earlier = map.items.slice(0, i).find((p) => isScalar(p.key) && p.key.value === key.value);
        const first = (earlier?.key as { range?: [number] } | undefined)?.range?.[0];
        if (first !== undefined) found = { name: String(key.value), at, first };
      });
    },
  });
  return found;
}

// yaml's pretty messages end with " at line 2, column 1:" and a code frame; the position is reported separately.
function plainMessage(message: string): string {
  const head = message.split(/ at line \d+, column \d+/)[0].trim();
  return head.charAt(0).toLowerCase() + head.slice(1);
}

// The opening quote of the quoted scalar the parser was still inside at `end`.
function openingQuote(doc: Document, end: number, q: string): number | undefined {
  let found: number | undefined;
  visit(doc, {
    Scalar(_k, node) {
      const r = node.range;
      if (r && r[0] <= end && (node.type === (q === '"' ? 'QUOTE_DOUBLE' : 'QUOTE_SINGLE'))) found = r[0];
    },
  });
  return found;
}

/**
 * Problems the parser does not report but that would break or silently change the data: an alias with no anchor
 * before it, an alias inside the node it refers to (a cycle), a list or mapping as a key, `__proto__` as a key,
 * and a merge (`<<`) of something that is not a mapping.
 */
export function structureProblems(doc: Document, file: string, pos: Pos): ProblemInfo[] {
  const problems: ProblemInfo[] = [];
  const anchors = new Map<string, unknown>();
  const at = (node: unknown) => ({ file, ...pos((node as { range?: [number] }).range?.[0] ?? 0) });
  visit(doc, {
    Node(_key, node, path) {
      if (isAlias(node)) {
        const target = anchors.get(node.source);
        if (target === undefined) {
          problems.push({ what: `undefined alias "*${node.source}"`, where: at(node), fix: `define the anchor "&${node.source}" before this alias`, code: 'yaml' });
        } else if (path.includes(target as never)) {
          problems.push({ what: `alias "*${node.source}" is inside the node it refers to (a cycle)`, where: at(node), fix: 'write the data out instead', code: 'yaml' });
        }
        return;
      }
      if (node.anchor) anchors.set(node.anchor, node);
    },
    // With merge keys on, a plain `<<` key's value is a Symbol.
    Pair(_key, pair) {
      if (isCollection(pair.key)) {
        problems.push({ what: 'a key must be a plain name, not a list or mapping', where: at(pair.key), fix: 'quote the key, or use a plain name', code: 'yaml' });
      } else if (isScalar(pair.key) && pair.key.value === '__proto__') {
        problems.push({ what: '"__proto__" cannot be used as a name', where: at(pair.key), fix: 'rename it', code: 'yaml' });
      } else if (isScalar(pair.key) && typeof pair.key.value === 'symbol' && !mergeable(doc, pair.value)) {
        const v = isAlias(pair.value) ? pair.value.resolve(doc) : pair.value;
        problems.push({
          what: 'a merge (<<) needs a mapping, an alias of one, or a list of those',
          where: at(pair.value ?? pair.key),
          got: isSeq(pair.value) ? 'a list holding something other than mappings' : isSeq(v) ? 'a list' : isScalar(v) ? 'a single value' : 'nothing',
          code: 'yaml',
        });
      }
    },
  });
  return problems;
}

function mergeable(doc: Document, value: unknown): boolean {
  const one = (v: unknown) => isMap(v) || (isAlias(v) && isMap(v.resolve(doc)));
  return one(value) || (isSeq(value) && value.items.every(one));
}
