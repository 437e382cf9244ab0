import { describe, expect, it } from '@jest/globals';
import { closest, didYouMean, editDistance } from '../../../src/source/suggest.js';

describe('did you mean', () => {
  it('counts an adjacent swap as one edit', () => {
    expect([editDistance('apt', 'atp'), editDistance('apt', 'aptt'), editDistance('', 'abc'), editDistance('kitten', 'sitting')]).toEqual([1, 1, 3, 3]);
  });
  it('suggests the closest candidate within about a third of the word', () => {
    expect(closest('aptt', ['apt', 'copy', 'file'])).toBe('apt');
    expect(closest('templte', ['template', 'temple'])).toBe('template');
    expect(closest('Copy', ['copy'])).toBe('copy');
  });
  it('suggests nothing for words that are not near any candidate', () => {
    expect(closest('foo', ['apt', 'copy'])).toBeUndefined();
    expect(didYouMean('xyz', [])).toBeUndefined();
  });
  it('phrases the suggestion', () => {
    expect(didYouMean('whenn', ['when', 'notify'])).toBe('did you mean "when"?');
  });
});
