// One error family for everything a user can get wrong: where, what, expected vs got, and the fix.
import { brand } from './brand.js';

/** Where a problem is: a source position, a path into the document, a host, a task. */
export interface Where {
  file?: string;
  line?: number;
  col?: number;
  /** Path into the document, e.g. `plays[0].tasks[3].apt.state`. */
  path?: string;
  host?: string;
  task?: string;
}

/** The parts of a user-facing error. */
export interface ProblemInfo {
  what: string;
  where?: Where;
  expected?: string;
  got?: string;
  fix?: string;
  /** A short stable identifier for programs (e.g. `yaml`, `schema`, `unknown-module`). */
  code?: string;
}

/** Formats a Where as `file:line:col` (with whatever parts are known). */
export function formatWhere(where: Where | undefined): string {
  if (!where) return '';
  const parts: string[] = [];
  if (where.file) {
    let loc = where.file;
    if (where.line !== undefined) loc += `:${where.line}`;
    if (where.line !== undefined && where.col !== undefined) loc += `:${where.col}`;
    parts.push(loc);
  }
  if (where.host) parts.push(`host ${where.host}`);
  if (where.task) parts.push(`task "${where.task}"`);
  if (where.path) parts.push(where.path);
  return parts.join(': ');
}

/** Renders a problem as the lines a user reads. */
export function formatProblem(p: ProblemInfo): string {
  const head = formatWhere(p.where);
  const lines = [head ? `${head}: ${p.what}` : p.what];
  if (p.expected !== undefined) lines.push(`  expected: ${p.expected}`);
  if (p.got !== undefined) lines.push(`  got: ${shorten(p.got)}`);
  if (p.fix !== undefined) lines.push(`  fix: ${p.fix}`);
  return lines.join('\n');
}

// A string quoted whole by describeValue may be long; only its start helps, and it is cut only here, at display
// time, after a run has masked any secret in it (a cut secret would no longer match itself).
function shorten(got: string): string {
  const quoted = /^a string \((".*")\)$/s.exec(got);
  return quoted && quoted[1].length > 62 ? `a string (${quoted[1].slice(0, 58)}...")` : got;
}

/** An error caused by user input or the state of a host; printed without a stack trace. */
export class ProvisionError extends Error {
  readonly problem: ProblemInfo;
  constructor(problem: ProblemInfo) {
    super(formatProblem(problem));
    this.name = 'ProvisionError';
    this.problem = problem;
  }
}

/** Several problems found at once (e.g. every schema error of a playbook). */
export class ProvisionErrors extends Error {
  readonly problems: ProblemInfo[];
  constructor(problems: ProblemInfo[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'ProvisionErrors';
    this.problems = problems;
  }
}
brand(ProvisionError, 'ProvisionError');
brand(ProvisionErrors, 'ProvisionErrors');

/** True for errors that are the user's to fix (print the message only, no stack). */
export function isUserError(e: unknown): e is ProvisionError | ProvisionErrors {
  return e instanceof ProvisionError || e instanceof ProvisionErrors;
}
