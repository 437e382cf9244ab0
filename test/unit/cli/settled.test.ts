// runCommand's loads: a refusal (a bad --junit) is thrown only once the other loads have finished, so nothing (the
// playbook importing its collections) is still running after runCommand has returned. CI caught jest's "import after
// the environment was torn down" from test/unit/cli/junit-file.test.ts when Promise.all returned early.
import { describe, expect, it } from '@jest/globals';
import { settled } from '../../../src/cli/settled.js';

describe('settled', () => {
  it('throws the first error only after every piece of work has finished', async () => {
    let slowDone = false;
    const slow = new Promise<string>((ok) => setTimeout(() => ((slowDone = true), ok('loaded')), 50));
    const refused = Promise.reject(new Error('--junit refused'));
    await expect(settled([slow, refused] as const)).rejects.toThrow('--junit refused');
    expect(slowDone).toBe(true);
  });

  it('gives every value, in order, when all succeed', async () => {
    expect(await settled([Promise.resolve(1), 'two', Promise.resolve(undefined)] as const)).toEqual([1, 'two', undefined]);
  });
});
