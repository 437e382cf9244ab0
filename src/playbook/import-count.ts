// How many plays and tasks a playbook's imports bring, counted before any of them is expanded: a file imported
// twice, by a file imported twice, doubles at every level (52 short files make 2^52 tasks), as YAML aliases do,
// and is bounded the same way.
import path from 'node:path';
import { ProvisionError, type ProblemInfo } from '../errors.js';
import { isTemplated } from '../template/render.js';
import { joinPath, posOf, readYaml, type PathSeg, type YamlSource } from '../source/yaml-source.js';

/** The most plays and tasks (handlers included) one playbook may hold after its imports. */
export const MAX_IMPORTED_ITEMS = 10_000;

type Kind = 'playbook' | 'tasks';
// Each file is read and counted once, so counting costs as many reads as there are files, not imports.
type Counts = Map<string, number>;

/** The problem of a playbook (its parsed plays) whose imports bring more than MAX_IMPORTED_ITEMS plays and tasks. */
export async function importFanOut(plays: unknown[], source: YamlSource): Promise<ProblemInfo | undefined> {
  const file = path.resolve(source.file);
  const counts: Counts = new Map();
  let total = 0;
  for (const [i, play] of plays.entries()) {
    const imported = importTarget(play, 'import_playbook');
    if (imported !== undefined) {
      const brought = await countFile(path.resolve(path.dirname(file), imported), 'playbook', [file], counts);
      if ((total += brought) > MAX_IMPORTED_ITEMS) return tooMany(brought, source, [i, 'import_playbook'], `plays[${i}]`);
      continue;
    }
    total += 1;
    for (const section of ['tasks', 'handlers'] as const) {
      for (const [j, task] of listIn(play, section).entries()) {
        const target = section === 'tasks' ? importTarget(task, 'import_tasks') : undefined;
        const brought = target === undefined ? 1 : await countFile(path.resolve(path.dirname(file), target), 'tasks', [file], counts);
        if ((total += brought) > MAX_IMPORTED_ITEMS && target !== undefined) return tooMany(brought, source, [i, section, j, 'import_tasks'], `plays[${i}].${section}[${j}]`);
      }
    }
  }
  return undefined;
}

function tooMany(brought: number, source: YamlSource, yamlPath: PathSeg[], display: string): ProblemInfo {
  const key = yamlPath[yamlPath.length - 1];
  return {
    what: `the imports bring this playbook to more than ${MAX_IMPORTED_ITEMS} plays and tasks (this import alone brings ${Number.isSafeInteger(brought) ? brought : `more than ${Number.MAX_SAFE_INTEGER}`})`,
    where: { ...posOf(source, yamlPath), path: joinPath(display, [key]) },
    fix: `import a file once where it is needed: each ${String(key)} brings all of its file again, with what that file imports`,
    code: 'import-fan-out',
  };
}

const listIn = (item: unknown, key: string): unknown[] => {
  const v = isMapping(item) ? item[key] : undefined;
  return Array.isArray(v) ? v : [];
};

function isMapping(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

// The file an import entry names, when it names one the loader will read.
function importTarget(item: unknown, key: 'import_playbook' | 'import_tasks'): string | undefined {
  const target = isMapping(item) ? item[key] : undefined;
  return typeof target === 'string' && target.trim() !== '' && !isTemplated(target) ? target : undefined;
}

// A file that cannot be read, or that is part of a cycle, counts as nothing: loading it reports why.
async function countFile(file: string, kind: Kind, chain: string[], counts: Counts): Promise<number> {
  if (chain.includes(file)) return 0;
  const known = counts.get(`${kind}:${file}`);
  if (known !== undefined) return known;
  let items: unknown[] = [];
  try {
    const parsed = await readYaml(path.relative(process.cwd(), file) || file, kind === 'playbook' ? 'playbook' : 'tasks file');
    if (parsed.problems.length === 0 && Array.isArray(parsed.value)) items = parsed.value;
  } catch (e) {
    if (!(e instanceof ProvisionError)) throw e;
  }
  const within = [...chain, file];
  const countIn = (target: string, as: Kind) => countFile(path.resolve(path.dirname(file), target), as, within, counts);
  let n = 0;
  for (const item of items) {
    if (kind === 'tasks') {
      const target = importTarget(item, 'import_tasks');
      n += target === undefined ? 1 : await countIn(target, 'tasks');
      continue;
    }
    const imported = importTarget(item, 'import_playbook');
    if (imported !== undefined) {
      n += await countIn(imported, 'playbook');
      continue;
    }
    n += 1 + listIn(item, 'handlers').length;
    for (const task of listIn(item, 'tasks')) {
      const target = importTarget(task, 'import_tasks');
      n += target === undefined ? 1 : await countIn(target, 'tasks');
    }
  }
  counts.set(`${kind}:${file}`, n);
  return n;
}
