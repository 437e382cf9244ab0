// A standard JSON-Schema validator (ajv, draft 2020-12) for the generated schemas, and where in a YAML file each of
// its errors points, so that its verdicts can be compared with the loader's, position by position.
import Ajv2020Module from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { isMap, isScalar } from 'yaml';
import { posOf, type PathSeg, type YamlSource } from '../../../src/source/yaml-source.js';

const Ajv2020 = Ajv2020Module.default;

/** Compiles a JSON Schema with ajv in strict mode (an unknown keyword or a malformed schema throws). */
export function compile(schema: object): ValidateFunction {
  // strictRequired would refuse `oneOf: [{ required: [apt] }, ...]`, the standard "exactly one of these keys" idiom
  // (the keys are declared beside the oneOf, not inside it).
  return new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true }).compile(schema);
}

/** ajv's errors as lines (`/0/become: must be boolean`), for failure output. */
export function errorLines(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((e) => `${e.instancePath || '/'}: ${e.message}${e.params.additionalProperty ? ` (${e.params.additionalProperty})` : ''}`);
}

// `/0/tasks/3` → [0, 'tasks', 3], numbers only where the data is a list (a map key may look like a number).
function pathOf(instancePath: string, data: unknown): PathSeg[] {
  const out: PathSeg[] = [];
  let node = data;
  for (const raw of instancePath.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const step: PathSeg = Array.isArray(node) ? Number(seg) : seg;
    out.push(step);
    node = node !== null && typeof node === 'object' ? (node as Record<PathSeg, unknown>)[step] : undefined;
  }
  return out;
}

const key = (p: { line: number; col: number }) => `${p.line}:${p.col}`;

/**
 * `line:col` of every place the schema's errors point at: the value at the error's path; for an unknown key, that
 * key; for a oneOf (a task with two modules), every key of the mapping.
 */
export function errorPositions(source: YamlSource, data: unknown, errors: ErrorObject[] | null | undefined): Set<string> {
  const out = new Set<string>();
  for (const e of errors ?? []) {
    const path = pathOf(e.instancePath, data);
    out.add(key(posOf(source, path)));
    if (e.keyword === 'additionalProperties') out.add(key(posOf(source, [...path, e.params.additionalProperty as string], { key: true })));
    if (e.keyword === 'oneOf') {
      let node: unknown = source.doc.contents;
      for (const seg of path) node = isMap(node) ? node.get(seg, true) : (node as { items?: unknown[] })?.items?.[seg as number];
      if (isMap(node)) for (const pair of node.items) if (isScalar(pair.key)) out.add(key(posOf(source, [...path, String(pair.key.value)], { key: true })));
    }
  }
  return out;
}
