// The pre-pass in front of filtrex: reads an Ansible/Jinja-style condition and writes the equivalent filtrex
// expression. filtrex evaluates it; this file only knows syntax.
//
// What changes on the way (filtrex spelling on the right; the functions they call are defined in expr.ts):
//   'text' / "text"            → "text"              (filtrex reads single quotes as variable names)
//   name, a.b, a[0], a['k']    → __v('a' …)          (strict: an undefined variable is an error when used)
//   x is defined / undefined   → __t_defined(…)      (and the other tests: none, changed, failed, succeeded, skipped)
//   x | bool, x | default(1)   → __f_bool(…), __f_default(…)
//   a in b, a not in b         → __in(a, b)          (substring, list member or mapping key, as in Jinja)
//   [1, 2], (1, 2)             → __list(1, 2)
//   true/True/false/False/none/None → constants;  %  → mod
// and/or/not need booleans in filtrex, so each operand of and/or/not goes through __truthy (Python truthiness,
// plus Ansible's boolean words: "no", "off", "false" are false).
// Known gap: `in` binds to the single operands beside it, so `a + b in c` means `a + (b in c)`; write parentheses.
import { didYouMean } from '../source/suggest.js';

/** A syntax error in a condition, with the 1-based column where it was found. */
export class ExprSyntaxError extends Error {
  constructor(
    message: string,
    readonly col: number,
  ) {
    super(message);
  }
}

/** Filters a condition may use (`x | bool`). */
export const FILTERS = ['bool', 'int', 'float', 'string', 'lower', 'upper', 'trim', 'length', 'count', 'first', 'last', 'join', 'default', 'd'];
/** Tests a condition may use (`x is defined`). */
export const TESTS = ['defined', 'undefined', 'none', 'changed', 'failed', 'succeeded', 'success', 'skipped'];

type Token = { t: 'str' | 'num' | 'name' | 'op' | 'punct' | 'end'; v: string; pos: number };
// `display` is how the user wrote a variable path (`result.rc`), for error messages.
type Operand = { kind: 'operand'; raw: string; path: boolean; display?: string };
type Item = { kind: 'op'; v: string; pos: number } | Operand;

const WORD_OPS = new Set(['and', 'or', 'not', 'in']);
const BINARY = new Set(['==', '!=', '<', '<=', '>', '>=', '+', '-', '*', '/', '%']);
const CONSTANTS: Record<string, string> = { true: 'true', True: 'true', false: 'false', False: 'false', none: 'null', None: 'null' };
/** How deep brackets may nest: far beyond any real condition, well within what the parsers' stacks hold. */
export const MAX_NESTING = 100;

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "'" || c === '"') {
      const { text, end } = readString(src, i);
      out.push({ t: 'str', v: text, pos: i });
      i = end;
      continue;
    }
    const num = /^\d+(\.\d+)?/.exec(src.slice(i));
    if (num) {
      out.push({ t: 'num', v: num[0], pos: i });
      i += num[0].length;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (name) {
      out.push({ t: 'name', v: name[0], pos: i });
      i += name[0].length;
      continue;
    }
    const op = /^(==|!=|<=|>=|<|>|\+|-|\*|\/|%)/.exec(src.slice(i));
    if (op) {
      out.push({ t: 'op', v: op[0], pos: i });
      i += op[0].length;
      continue;
    }
    if ('()[],.|'.includes(c)) {
      out.push({ t: 'punct', v: c, pos: i });
      i++;
      continue;
    }
    if (c === '{' || c === '}') throw new ExprSyntaxError(src.startsWith('{{', i) || src.startsWith('}}', i) ? 'a condition is already an expression: write it without {{ }} inside' : 'mappings ({...}) are not supported in conditions', i + 1);
    if (c === '=') throw new ExprSyntaxError('"=" assigns; compare with "=="', i + 1);
    throw new ExprSyntaxError(`unexpected character ${JSON.stringify(c)}`, i + 1);
  }
  out.push({ t: 'end', v: '', pos: src.length });
  return out;
}

// The quoted string starting at `start`, unescaped, and the index just past its closing quote.
function readString(src: string, start: number): { text: string; end: number } {
  const quote = src[start];
  let j = start + 1;
  let text = '';
  while (j < src.length && src[j] !== quote) {
    if (src[j] === '\\' && j + 1 < src.length) {
      const n = src[j + 1];
      text += n === 'n' ? '\n' : n === 't' ? '\t' : n;
      j += 2;
    } else text += src[j++];
  }
  if (j >= src.length) throw new ExprSyntaxError(`unterminated string starting with ${quote}`, start + 1);
  // Ansible would render it; here it would silently compare with the literal text.
  if (text.includes('{{')) throw new ExprSyntaxError(`a condition is already an expression: write the variable without quotes and {{ }}`, start + 1);
  return { text, end: j + 1 };
}

/** Translates an Ansible condition into filtrex syntax; throws ExprSyntaxError. */
export function translate(expr: string): string {
  const parser = new Translator(tokenize(expr), expr.length);
  const out = parser.emit(parser.parseSeq());
  parser.expectEnd();
  return out;
}

const show = (t: Token) => (t.t === 'end' ? 'the end of the expression' : t.t === 'str' ? JSON.stringify(t.v) : `"${t.v}"`);
const value = (o: Operand) => (o.path ? `__v(${o.raw})` : o.raw);
const isPunct = (t: Token | undefined, v: string) => t?.t === 'punct' && t.v === v;
const isOp = (it: Item | undefined, v: string) => it?.kind === 'op' && it.v === v;

function fail(t: Token, message: string): never {
  throw new ExprSyntaxError(message, t.pos + 1);
}

// A recursive-descent reader over the tokens: parseSeq reads a flat run of operands and operators, emit gives it
// precedence (in, then and, then or) and writes the filtrex text.
class Translator {
  private k = 0;
  private nesting = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly length: number,
  ) {}

  private peek(): Token {
    return this.tokens[this.k];
  }

  private next(): Token {
    return this.tokens[this.k++];
  }

  private expect(v: string): void {
    const t = this.next();
    if (t.v !== v || (t.t !== 'punct' && t.t !== 'op')) fail(t, `expected "${v}", got ${show(t)}`);
  }

  /** Fails on anything left after the whole condition was read. */
  expectEnd(): void {
    const rest = this.peek();
    if (rest.t !== 'end') fail(rest, `unexpected ${show(rest)}`);
  }

  // Parses what is inside a bracket, one level deeper.
  private nested<T>(open: Token, inside: () => T): T {
    if (++this.nesting > MAX_NESTING) fail(open, `nested more than ${MAX_NESTING} brackets deep`);
    try {
      return inside();
    } finally {
      this.nesting--;
    }
  }

  // A comma-separated list of expressions up to `close` (for lists, tuples and filter arguments).
  private parseList(close: string): string[] {
    const items: string[] = [];
    while (!isPunct(this.peek(), close)) {
      items.push(this.emit(this.parseSeq()));
      if (isPunct(this.peek(), ',')) this.next();
      else break;
    }
    this.expect(close);
    return items;
  }

  private parsePrimary(): Operand {
    const t = this.next();
    if (t.t === 'str') return { kind: 'operand', raw: fstr(t.v), path: false };
    if (t.t === 'num') return { kind: 'operand', raw: t.v, path: false };
    if (t.t === 'op' && (t.v === '-' || t.v === '+')) return { kind: 'operand', raw: `(${t.v} ${value(this.parseOperand())})`, path: false };
    if (t.t === 'name') {
      if (Object.hasOwn(CONSTANTS, t.v)) return { kind: 'operand', raw: CONSTANTS[t.v], path: false };
      if (WORD_OPS.has(t.v) || t.v === 'is') fail(t, `expected a value, got ${show(t)}`);
      return { kind: 'operand', raw: `'${t.v}'`, path: true, display: t.v };
    }
    if (isPunct(t, '[')) return { kind: 'operand', raw: `__list(${this.nested(t, () => this.parseList(']')).join(', ')})`, path: false };
    if (isPunct(t, '(')) {
      const items = this.nested(t, () => this.parseList(')'));
      // `(a)` groups, `(a, b)` and `()` are tuples, which conditions use as lists: `x in ('a', 'b')`.
      const tuple = items.length !== 1 || this.tokens[this.k - 2].v === ',';
      return { kind: 'operand', raw: tuple ? `__list(${items.join(', ')})` : `(${items[0]})`, path: false };
    }
    return fail(t, `expected a value, got ${show(t)}`);
  }

  // A value and what follows it: `.key`, `[index]`, `| filter(...)`, `is [not] test`.
  private parseOperand(): Operand {
    let o = this.parsePrimary();
    for (;;) {
      const t = this.peek();
      if (isPunct(t, '.')) o = this.parseAttribute(o);
      else if (isPunct(t, '[')) o = this.parseIndex(o);
      else if (isPunct(t, '|')) o = this.parseFilter(o);
      else if (t.t === 'name' && t.v === 'is') o = this.parseTest(o);
      else return o;
    }
  }

  private parseAttribute(o: Operand): Operand {
    this.next();
    const key = this.next();
    if (key.t !== 'name' && key.t !== 'num') fail(key, `expected a name after ".", got ${show(key)}`);
    const display = `${o.display ?? '(value)'}.${key.v}`;
    return { kind: 'operand', raw: `__attr(${o.raw}, ${key.t === 'num' ? key.v : fstr(key.v)}, ${fstr(display)})`, path: true, display };
  }

  private parseIndex(o: Operand): Operand {
    const open = this.next();
    const first = this.peek();
    const index = this.nested(open, () => this.emit(this.parseSeq()));
    this.expect(']');
    const shown = first.t === 'str' ? `'${first.v}'` : first.t === 'num' ? first.v : '...';
    const display = `${o.display ?? '(value)'}[${shown}]`;
    return { kind: 'operand', raw: `__attr(${o.raw}, ${index}, ${fstr(display)})`, path: true, display };
  }

  private parseFilter(o: Operand): Operand {
    this.next();
    const f = this.next();
    if (f.t !== 'name') fail(f, `expected a filter name after "|", got ${show(f)}`);
    if (!FILTERS.includes(f.v)) fail(f, `unknown filter "${f.v}" (known: ${FILTERS.join(', ')})${hint(f.v, FILTERS)}`);
    let args: string[] = [];
    if (isPunct(this.peek(), '(')) {
      const open = this.next();
      args = this.nested(open, () => this.parseList(')'));
    }
    const name = f.v === 'd' ? 'default' : f.v;
    // default() must see an undefined variable without failing on it; every other filter gets the value.
    const subject = name === 'default' ? o.raw : value(o);
    return { kind: 'operand', raw: `__f_${name}(${[subject, ...args].join(', ')})`, path: false };
  }

  private parseTest(o: Operand): Operand {
    this.next();
    let negate = false;
    if (this.peek().t === 'name' && this.peek().v === 'not') {
      this.next();
      negate = true;
    }
    const test = this.next();
    if (test.t !== 'name') fail(test, `expected a test name after "is", got ${show(test)}`);
    if (!TESTS.includes(test.v)) fail(test, `unknown test "${test.v}" (known: ${TESTS.join(', ')})${hint(test.v, TESTS)}`);
    const name = test.v === 'success' ? 'succeeded' : test.v;
    const subject = name === 'defined' || name === 'undefined' ? o.raw : value(o);
    const call = `__t_${name}(${subject})`;
    return { kind: 'operand', raw: negate ? `(not ${call})` : call, path: false };
  }

  /** Operands and operators up to a closing bracket, a comma or the end. */
  parseSeq(): Item[] {
    const items: Item[] = [];
    let wantOperand = true;
    for (;;) {
      const t = this.peek();
      if (t.t === 'end' || isPunct(t, ')') || isPunct(t, ']') || isPunct(t, ',')) break;
      const isWordOp = t.t === 'name' && WORD_OPS.has(t.v);
      if (wantOperand && !(isWordOp && t.v === 'not')) {
        if (isWordOp) fail(t, `expected a value, got ${show(t)}`);
        items.push(this.parseOperand());
        wantOperand = false;
      } else if (isWordOp || (t.t === 'op' && BINARY.has(t.v))) {
        this.next();
        items.push({ kind: 'op', v: t.v, pos: t.pos });
        // `not in` keeps waiting for the `in`; `not` before a value waits for the value.
        wantOperand = !(t.v === 'not' && !wantOperand);
      } else {
        fail(t, `expected an operator (and, or, ==, in, ...), got ${show(t)}`);
      }
    }
    if (wantOperand) {
      const t = this.peek();
      fail(t, items.length === 0 ? `expected a value, got ${show(t)}` : `expected a value after "${(items[items.length - 1] as { v: string }).v}", got ${show(t)}`);
    }
    return items;
  }

  /** The filtrex text of a run of operands and operators: `in` first, then and-terms, then or-groups. */
  emit(items: Item[]): string {
    const merged = mergeIn(items);
    const logical = merged.some((it) => isOp(it, 'and') || isOp(it, 'or') || isOp(it, 'not'));
    // `a or b and c`: the or-groups of and-terms, as and binds tighter.
    const groups: string[][] = [[]];
    let term: Item[] = [];
    for (const it of merged) {
      if (isOp(it, 'and') || isOp(it, 'or')) {
        groups[groups.length - 1].push(termText(term, (it as { pos: number }).pos, logical));
        term = [];
        if (isOp(it, 'or')) groups.push([]);
      } else term.push(it);
    }
    groups[groups.length - 1].push(termText(term, this.length, logical));
    return balanced(groups.map((g) => balanced(g, 'and')), 'or');
  }
}

// `a in b` / `a not in b` → one operand.
function mergeIn(items: Item[]): Item[] {
  const merged: Item[] = [];
  for (let i = 0; i < items.length; i++) {
    const it = items[i];
    const notIn = isOp(it, 'not') && isOp(items[i + 1], 'in');
    if (it.kind === 'op' && (it.v === 'in' || notIn)) {
      const left = merged.pop();
      const right = items[i + (notIn ? 2 : 1)];
      if (left?.kind !== 'operand') throw new ExprSyntaxError(`expected a value before "in"`, it.pos + 1);
      if (right?.kind !== 'operand') throw new ExprSyntaxError(`expected a value after "in"`, it.pos + 1);
      const call = `__in(${value(left)}, ${value(right)})`;
      merged.push({ kind: 'operand', raw: notIn ? `(not ${call})` : call, path: false });
      i += notIn ? 2 : 1;
    } else merged.push(it);
  }
  return merged;
}

// One and-term (`not x == 1`): leading nots, then operands and operators taking turns. `at` is where the term
// ended, for the error when it is empty or ends in an operator; `logical` wraps it in __truthy for and/or/not.
function termText(term: Item[], at: number, logical: boolean): string {
  let nots = 0;
  while (isOp(term[nots], 'not')) nots++;
  const body = term.slice(nots);
  if (body.length === 0) throw new ExprSyntaxError('expected a value', at + 1);
  for (let i = 0; i < body.length; i++) {
    const it = body[i];
    if ((i % 2 === 0) !== (it.kind === 'operand')) throw new ExprSyntaxError(it.kind === 'op' ? `unexpected "${it.v}"` : 'expected an operator', it.kind === 'op' ? it.pos + 1 : at + 1);
  }
  const text = body.map((it) => (it.kind === 'operand' ? value(it) : it.v === '%' ? 'mod' : it.v)).join(' ');
  // `not not x` is `x` made a boolean, which __truthy already is: no chain of nots nests deeper than one.
  return 'not '.repeat(nots % 2) + (logical ? `__truthy(${text})` : text);
}

// `a or b or c or d` as `((a) or (b)) or ((c) or (d))`: the same value, evaluated left to right and stopping at the
// first term that decides, but nested log2(n) deep instead of n deep (filtrex nests a chain, and the JavaScript it
// writes overflows the parser's stack at about a thousand).
function balanced(terms: string[], op: 'and' | 'or'): string {
  if (terms.length === 1) return terms[0];
  const half = Math.ceil(terms.length / 2);
  return `(${balanced(terms.slice(0, half), op)}) ${op} (${balanced(terms.slice(half), op)})`;
}

// A filtrex string literal: only \\ and \" are escapes there (JSON's \n would be rejected).
function fstr(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function hint(word: string, known: string[]): string {
  const h = didYouMean(word, known);
  return h ? `; ${h}` : '';
}
