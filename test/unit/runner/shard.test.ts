import { describe, expect, it } from '@jest/globals';
import { inShard, parseShard } from '../../../src/runner/shard.js';

const fleet = Array.from({ length: 200 }, (_, i) => `node${i + 1}.example`);

describe('--shard I/N', () => {
  it('splits a fleet into disjoint shards whose union is exactly the fleet', () => {
    const shards = [1, 2, 3, 4].map((index) => fleet.filter((h) => inShard(h, { index, count: 4 })));
    expect(shards.flat().sort()).toEqual([...fleet].sort());
    expect(new Set(shards.flat()).size).toBe(fleet.length);
    // Roughly even: no shard is empty or takes more than half the fleet.
    for (const s of shards) expect(s.length).toBeGreaterThan(20);
  });

  it('keeps a host in its shard when other hosts come and go', () => {
    const before = fleet.filter((h) => inShard(h, { index: 2, count: 3 }));
    const after = [...fleet, 'new1', 'new2'].filter((h) => inShard(h, { index: 2, count: 3 }));
    expect(after.filter((h) => fleet.includes(h))).toEqual(before);
  });

  it('refuses an index outside 1..N with the expected form', () => {
    expect(() => parseShard('0/3')).toThrow('invalid --shard\n  expected: I/N with 1 ≤ I ≤ N, e.g. --shard 2/4 for the second of four jobs\n  got: "0/3"');
    expect(parseShard('3/3')).toEqual({ index: 3, count: 3 });
  });
});
