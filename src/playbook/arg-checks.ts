// Checks of a task that need no host and no variables, so they run at load time: the syntax of every template
// string, a command line that would not split into words, a `validate` command without %s.
import { ProvisionError, type ProblemInfo, type Where } from '../errors.js';
import { splitWords } from '../modules/files/words.js';
import { validateScript } from '../modules/files/write.js';
import { isTemplated, templateSyntaxError } from '../template/render.js';
import type { PathSeg } from '../source/yaml-source.js';

/** One string of a task and where it is written (path into the task's YAML mapping). */
export interface TaskString {
  yamlPath: PathSeg[];
  /** Path shown to the user, e.g. `copy.validate`. */
  display: PathSeg[];
  text: string;
}

/** Every string inside `value`, with its path below `yamlPath`/`display`. */
export function stringsIn(value: unknown, yamlPath: PathSeg[], display: PathSeg[], out: TaskString[] = [], depth = 0): TaskString[] {
  if (depth > 50) return out;
  if (typeof value === 'string') out.push({ yamlPath, display, text: value });
  else if (Array.isArray(value)) value.forEach((v, i) => stringsIn(v, [...yamlPath, i], [...display, i], out, depth + 1));
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) stringsIn(v, [...yamlPath, k], [...display, k], out, depth + 1);
  }
  return out;
}

// Module arguments checked like the module will check them, when they hold no template.
const ARG_CHECKS: Record<string, Record<string, (text: string) => void>> = {
  command: { cmd: (t) => splitWords(t, 'command') },
  copy: { validate: (t) => validateScript(t) },
  template: { validate: (t) => validateScript(t) },
};

/** Problems of the strings of a task: template syntax everywhere, and the module's own checks of literal arguments. */
export function stringProblems(module: string, strings: TaskString[], at: (s: TaskString) => Where): ProblemInfo[] {
  const problems: ProblemInfo[] = [];
  for (const s of strings) {
    if (isTemplated(s.text)) {
      const error = templateSyntaxError(s.text, at(s));
      if (error) problems.push(error.problem);
      continue;
    }
    const checks = Object.hasOwn(ARG_CHECKS, module) ? ARG_CHECKS[module] : {};
    const key = String(s.display[1]);
    const check = s.display.length === 2 && s.display[0] === module && Object.hasOwn(checks, key) ? checks[key] : undefined;
    if (!check) continue;
    try {
      check(s.text);
    } catch (e) {
      if (!(e instanceof ProvisionError)) throw e;
      problems.push({ ...e.problem, where: at(s) });
    }
  }
  return problems;
}
