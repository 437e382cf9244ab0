// --shard I/N: a stable split of the selected hosts, so N CI jobs share one fleet without overlap.
import { createHash } from 'node:crypto';
import { ProvisionError } from '../errors.js';

/** A parsed `--shard I/N` (1-based index). */
export interface Shard {
  index: number;
  count: number;
}

/** Parses `I/N`, e.g. `2/4`. */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index < 1 || index > count) {
    throw new ProvisionError({
      what: 'invalid --shard',
      expected: 'I/N with 1 ≤ I ≤ N, e.g. --shard 2/4 for the second of four jobs',
      got: JSON.stringify(text),
      code: 'usage',
    });
  }
  return { index, count };
}

/**
 * Whether a host belongs to a shard. The split depends only on the host's name (a hash), so adding or removing other
 * hosts never moves a host between shards, and every job computes the same split on its own.
 */
export function inShard(host: string, shard: Shard): boolean {
  const h = createHash('sha256').update(host).digest().readUInt32BE(0);
  return (h % shard.count) + 1 === shard.index;
}
