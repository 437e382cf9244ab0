// Paths built from values (a host's name in `.../{{ inventory_hostname }}.password`) must stay in the folder they
// name. Leading `..` steps are the writer's own (`../secrets/x`); a `..` after a folder name only ever comes from a
// value that climbs back out of it, so such a path is refused instead of followed.

/** The folder a path climbs out of with `..` after naming it, and the step that does it; undefined when none. */
export function climbOut(path: string): { folder: string; step: string } | undefined {
  const segments = path.split('/');
  let named = -1;
  for (const [i, seg] of segments.entries()) {
    if (seg === '..' && named >= 0) return { folder: segments.slice(0, i).join('/'), step: `${segments[i - 1]}/..` };
    if (seg !== '' && seg !== '.' && seg !== '..') named = i;
  }
  return undefined;
}
