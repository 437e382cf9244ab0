import { describe, expect, it } from '@jest/globals';
import { visible } from '../../../src/report/visible.js';

describe('text from hosts, made safe for a terminal', () => {
  it('writes control characters out as escapes, keeping newlines and tabs', () => {
    expect(visible('a\x1b[31mb\x07\tc\nd\u009be')).toBe('a\\x1b[31mb\\x07\tc\nd\\u009be');
  });

  it('shows a carriage return that could overwrite a line, but takes \\r\\n (output through a tty) as a line end', () => {
    expect(visible('line 1\r\nline 2\r\r\nfake\rok: [h1]\r')).toBe('line 1\nline 2\nfake\\rok: [h1]\\r');
  });
});
