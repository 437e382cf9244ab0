// Handlebars for config files and string arguments: strict (a missing variable is an error naming it), no HTML
// escaping, only known helpers, compiled once per source and rendered per host.
import Handlebars from 'handlebars';
import { createHash } from 'node:crypto';
import { ProvisionError, type Where } from '../errors.js';

const hb = Handlebars.create();

/** Helpers available in every template and string argument. */
const helpers: Record<string, Handlebars.HelperDelegate> = {
  // A port in [lo, hi] derived from a name: stable across runs, different between hosts (a service's listening port, say).
  stable_port: (name: unknown, lo: unknown, hi: unknown) => {
    const low = Number(lo);
    const span = Number(hi) - low + 1;
    if (!Number.isInteger(low) || !Number.isInteger(span) || low < 1 || span < 1 || low + span - 1 > 65535) {
      throw new Error(`stable_port needs two port numbers, low then high (1 to 65535), got ${JSON.stringify(lo)} and ${JSON.stringify(hi)}`);
    }
    return low + (createHash('sha256').update(String(name)).digest().readUInt32BE(0) % span);
  },
  eq: (a: unknown, b: unknown) => a === b,
  ne: (a: unknown, b: unknown) => a !== b,
  not: (a: unknown) => !a,
  and: (...args: unknown[]) => args.slice(0, -1).every(Boolean),
  or: (...args: unknown[]) => args.slice(0, -1).some(Boolean),
  default: (value: unknown, fallback: unknown) => (value === undefined || value === null || value === '' ? fallback : value),
  join: (list: unknown, sep: unknown) => (Array.isArray(list) ? list.join(typeof sep === 'string' ? sep : ',') : ''),
  json: (value: unknown) => JSON.stringify(value),
  // A list from a list, a single value or nothing: `#each` over a string silently renders nothing, so a YAML scalar
  // written where a list was meant (servers: ntp.example.org) would vanish without a word.
  list: (value: unknown) => (value === undefined || value === null || value === '' ? [] : Array.isArray(value) ? value : [value]),
  bool: (value: unknown) => (value === true || value === 'true' || value === 1 || value === '1' || value === 'yes' ? 1 : 0),
};
for (const [name, fn] of Object.entries(helpers)) hb.registerHelper(name, fn);
const knownHelpers = Object.fromEntries(Object.keys(helpers).map((k) => [k, true]));
/** Every helper name the compiler knows: ours and Handlebars' own. */
const HELPER_NAMES = new Set([...Object.keys(helpers), 'if', 'unless', 'each', 'with', 'log', 'lookup', 'helperMissing', 'blockHelperMissing']);
// HTML escaping stays on in the compiler only so that every `{{ value }}` goes through the container's
// escapeExpression, which this instance replaces with textOf: no escaping, and no mapping printed as text.
const COMPILE_OPTIONS = { strict: true, knownHelpers, knownHelpersOnly: true } as const;

/** Where a template reads a field from a value that has none (a number, a string, a boolean). */
class FieldOfScalar extends Error {
  constructor(
    readonly field: string,
    readonly kind: string,
    readonly loc: { start: { line: number; column: number }; end: { line: number; column: number } } | undefined,
  ) {
    super(`"${field}" read from a ${kind}`);
  }
}

/** A mapping written where text goes: Handlebars would print "[object Object]". */
class MappingInText extends Error {
  constructor() {
    super('a mapping written into text');
  }
}

/** What `{{ value }}` puts into the text: the value as a string, as is (config files are not HTML). */
function textOf(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof hb.SafeString) return value.toHTML();
  if (typeof value === 'object' && !Array.isArray(value)) throw new MappingInText();
  return String(value);
}

// Handlebars' strict lookup asks `field in value`, a raw TypeError when the value is a number, a string or a
// boolean (`{{ port.x }}` with port 8333). Every template of this instance looks such fields up through this check.
type Container = { strict: (obj: unknown, field: string, loc: FieldOfScalar['loc']) => unknown; escapeExpression: (value: unknown) => string };
type Spec = { main: (this: unknown, container: Container, ...rest: unknown[]) => unknown };
const makeTemplate = hb.template.bind(hb);
hb.template = ((spec: Spec) => {
  const main = spec.main;
  spec.main = function (container, ...rest) {
    const strict = container.strict;
    container.strict = (obj, field, loc) =>
      obj !== null && obj !== undefined && typeof obj !== 'object' && typeof obj !== 'function' ? scalarField(obj, field, loc) : strict(obj, field, loc);
    container.escapeExpression = textOf;
    return main.call(this, container, ...rest);
  };
  return makeTemplate(spec as never);
}) as typeof hb.template;

function scalarField(obj: unknown, field: string, loc: FieldOfScalar['loc']): never {
  throw new FieldOfScalar(field, typeof obj, loc);
}

const cache = new Map<string, Handlebars.TemplateDelegate>();

/** True when a string contains Handlebars syntax and so needs rendering. */
export function isTemplated(text: string): boolean {
  return text.includes('{{');
}

/**
 * Renders `source` with `vars`. Errors become ProvisionErrors that name the variable and where it was used
 * (`where` says which file or argument the source came from).
 */
export function render(source: string, vars: Record<string, unknown>, where: Where = {}): string {
  let fn = cache.get(source);
  try {
    if (!fn) {
      fn = hb.compile(source, COMPILE_OPTIONS);
      cache.set(source, fn);
    }
    return fn(vars, { allowProtoPropertiesByDefault: false, allowProtoMethodsByDefault: false });
  } catch (e) {
    throw templateError(e, source, where, where.line === undefined && where.file !== undefined);
  }
}

/**
 * The syntax problem of a template source (a parse error, an unknown helper, a partial), or undefined when it
 * compiles; checked at load time, so a broken `{{` is reported before anything connects. Missing variables are
 * only known when rendering.
 */
export function templateSyntaxError(source: string, where: Where = {}): ProvisionError | undefined {
  let ast: hbs.AST.Program;
  try {
    ast = hb.parse(source);
  } catch (e) {
    return templateError(e, source, where);
  }
  // Parsing is most of what the compiler checks; the rest (an unknown helper, partials) is found by walking the
  // tree, which costs far less than compiling (start-up: every templated argument is checked before connecting).
  let partial = false;
  let maybeUnknownHelper = false;
  const finder = new Handlebars.Visitor();
  finder.PartialStatement = finder.PartialBlockStatement = () => {
    partial = true;
  };
  // The compiler calls a node a helper call when it has parameters or a hash (or is a subexpression) and refuses
  // one whose name is not known. Block parameters (`as |x|`) can make such a node a plain value, so a suspect is
  // confirmed by compiling: the compiler's own message is the one reported.
  const suspect = (node: { params: unknown[]; hash?: unknown; path: hbs.AST.PathExpression | hbs.AST.Literal }, subexpression: boolean) => {
    if (!(subexpression || node.params.length > 0 || node.hash)) return;
    const name = node.path.type === 'PathExpression' ? (node.path as hbs.AST.PathExpression).parts[0] : undefined;
    if (name === undefined || !HELPER_NAMES.has(name)) maybeUnknownHelper = true;
  };
  const walk = Handlebars.Visitor.prototype;
  finder.MustacheStatement = function (node) {
    suspect(node, false);
    return walk.MustacheStatement.call(this, node);
  };
  finder.BlockStatement = function (node) {
    suspect(node, false);
    return walk.BlockStatement.call(this, node);
  };
  finder.SubExpression = function (node) {
    suspect(node, true);
    return walk.SubExpression.call(this, node);
  };
  finder.accept(ast);
  if (partial) {
    return new ProvisionError({ what: 'template partials ({{> name}}) are not supported', where, fix: 'write the text into the template itself', code: 'template-syntax' });
  }
  if (maybeUnknownHelper) {
    try {
      hb.precompile(source, COMPILE_OPTIONS);
    } catch (e) {
      return templateError(e, source, where);
    }
  }
  return undefined;
}

/**
 * `authored`: the source is text an author wrote (a playbook's string, a template file), so the text around a syntax
 * error may be quoted. At run time a string may be a variable's value rendered again (a loop item, a secret holding
 * "{{"): then only its position is given, never its text.
 */
function templateError(e: unknown, source: string, where: Where, authored = true): ProvisionError {
  // A variable whose own value failed to render (see buildVars) already says what is missing; say where it was used.
  if (e instanceof ProvisionError) return new ProvisionError({ ...e.problem, where: { ...e.problem.where, ...where } });
  const message = e instanceof Error ? e.message : String(e);
  // Handlebars strict mode: `"name" not defined in [object Object] - 3:10`
  if (e instanceof FieldOfScalar) {
    // The path as written (`port.number`), less the field that cannot be read: the value that has no fields.
    const text = e.loc ? (source.split('\n')[e.loc.start.line - 1] ?? '').slice(e.loc.start.column, e.loc.start.line === e.loc.end.line ? e.loc.end.column : undefined) : '';
    const owner = /^(.+)\.(\[[^\]]*\]|[^.]*)$/.exec(text)?.[1] ?? 'this';
    return new ProvisionError({
      what: `"${owner}" is a ${e.kind}, which has no field "${e.field}"`,
      where: e.loc ? located(where, e.loc.start.line, e.loc.start.column + 1) : where,
      code: 'template-field',
    });
  }
  if (e instanceof MappingInText) {
    return new ProvisionError({
      what: 'a mapping is written into text, where it would print "[object Object]"',
      where,
      fix: 'write one of its fields ({{ name.field }}), or the whole mapping as JSON with {{json name}}',
      code: 'template-mapping',
    });
  }
  const missing = /"([^"]+)" not defined in .*? - (\d+):(\d+)/.exec(message);
  if (missing) {
    return new ProvisionError({
      what: `undefined variable "${missing[1]}"`,
      where: located(where, Number(missing[2]), Number(missing[3]) + 1),
      fix: `define "${missing[1]}" (in the inventory, the play's vars, vars_files, or with -e ${missing[1]}=...) or give it a default: {{default ${missing[1]} "..."}}`,
      code: 'undefined-variable',
    });
  }
  const parse = /Parse error on line (\d+):\n([\s\S]*?)\n(Expecting [^\n]*|)/.exec(message);
  if (parse) {
    return new ProvisionError({
      what: 'template syntax error',
      where: { ...where, ...(where.line === undefined && where.file ? { line: Number(parse[1]) } : {}) },
      got: authored ? parse[2].split('\n')[0].trim() : undefined,
      // The parser's list of token names ("'CLOSE_RAW_BLOCK', 'CLOSE', ...") means nothing to a template author.
      expected: /got 'EOF'$/m.test(message) ? 'the rest of the template: a closing }} or {{/block}}' : undefined,
      // Jinja habits (`{{ x | default('y') }}`) are the usual cause; Handlebars spells filters as helpers.
      fix: /\{\{[^}]*\|/.test(source)
        ? 'Jinja filters (|) do not exist here: use helpers, e.g. {{default x "y"}}, {{join list ","}}'
        : 'close every {{ with }} and every {{#block}} with {{/block}}',
      code: 'template-syntax',
    });
  }
  const unknownHelper = /You specified knownHelpersOnly, but used the unknown helper (\S+) - (\d+):(\d+)/.exec(message);
  if (unknownHelper) {
    return new ProvisionError({
      what: `unknown template helper "${unknownHelper[1]}"`,
      where,
      expected: `one of: ${Object.keys(helpers).join(', ')}, if, unless, each, with`,
      code: 'template-helper',
    });
  }
  return new ProvisionError({ what: `template error: ${message.split('\n')[0]}`, where, code: 'template' });
}

// A template's line:col as a position in its file; a string argument keeps its caller's position (the task), moved
// along the string when the template is one line.
function located(where: Where, line: number, col: number): Where {
  const here = where.line !== undefined && line === 1 ? { line: where.line, col: (where.col ?? 1) + col - 1 } : where.file && where.line === undefined ? { line, col } : {};
  return { ...where, ...here };
}
