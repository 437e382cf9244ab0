// Reading zod 4's schema definitions (`node._zod.def`): the loader's error positions (yaml-source.ts) and the JSON
// Schema generator (src/schema/) walk the same trees through the same wrappers.

/** A zod node's definition: its `type` and the fields that type carries (innerType, in, options, shape, ...). */
export type ZodDef = { type: string; [k: string]: unknown };

/** The definition of a zod node (undefined for anything that is not one). */
export function defOf(node: unknown): ZodDef {
  return (node as { _zod?: { def?: ZodDef } })?._zod?.def as ZodDef;
}

/** Definition types that wrap one schema (`innerType`) and check nothing of their own that shapes the data. */
export const ZOD_WRAPPERS: ReadonlySet<string> = new Set(['optional', 'nullable', 'default', 'prefault', 'nonoptional', 'readonly', 'catch']);
