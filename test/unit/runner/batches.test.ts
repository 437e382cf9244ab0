import { describe, expect, it } from '@jest/globals';
import { batchSize, shouldAbort, splitBatches } from '../../../src/runner/batches.js';

const hosts = (n: number) => Array.from({ length: n }, (_, i) => `h${i + 1}`);

describe('serial batches', () => {
  it('puts every host in one batch when serial is not set', () => {
    expect(splitBatches(hosts(3), [])).toEqual([['h1', 'h2', 'h3']]);
  });
  it('splits by a fixed size, the last batch taking the rest', () => {
    expect(splitBatches(hosts(5), [2])).toEqual([['h1', 'h2'], ['h3', 'h4'], ['h5']]);
  });
  it('repeats the last size of a list', () => {
    expect(splitBatches(hosts(7), [1, 2])).toEqual([['h1'], ['h2', 'h3'], ['h4', 'h5'], ['h6', 'h7']]);
  });
  it('turns percentages into host counts, rounding down but never to zero', () => {
    expect(batchSize('30%', 10)).toBe(3);
    expect(batchSize('10%', 3)).toBe(1);
    expect(splitBatches(hosts(4), ['50%'])).toEqual([['h1', 'h2'], ['h3', 'h4']]);
  });
  it('refuses a batch size of zero with the expected form', () => {
    expect(() => batchSize(0, 3)).toThrow('invalid serial batch size\n  expected: a whole number of hosts (1 or more) or a percentage like "30%"\n  got: 0');
  });
});

describe('stopping a batch', () => {
  it('goes on when nothing failed', () => {
    expect(shouldAbort({ batchSize: 4, failedInBatch: 0, anyErrorsFatal: true })).toBeUndefined();
  });
  it('stops on the first failure with any_errors_fatal', () => {
    expect(shouldAbort({ batchSize: 4, failedInBatch: 1, anyErrorsFatal: true })).toBe('any_errors_fatal: a host failed');
  });
  it('stops only when the failed share is above max_fail_percentage', () => {
    expect(shouldAbort({ batchSize: 4, failedInBatch: 1, anyErrorsFatal: false, maxFailPercentage: 25 })).toBeUndefined();
    expect(shouldAbort({ batchSize: 4, failedInBatch: 2, anyErrorsFatal: false, maxFailPercentage: 25 })).toBe(
      'max_fail_percentage 25% exceeded: 2 of 4 hosts failed',
    );
  });
  it('lets the other hosts go on after a failure by default', () => {
    expect(shouldAbort({ batchSize: 4, failedInBatch: 3, anyErrorsFatal: false })).toBeUndefined();
  });
});
