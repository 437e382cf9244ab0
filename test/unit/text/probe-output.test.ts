import { describe, expect, it } from '@jest/globals';
import { fieldsAfter, keyValuePairs, keyValues, outputLines, outputSections } from '../../../src/text/probe-output.js';

describe('probe output as lines', () => {
  it('splits at LF and at CRLF alike, keeping the empty last line a final line end leaves', () => {
    expect(outputLines('a\r\nb\nc\r\n')).toEqual(['a', 'b', 'c', '']);
  });

  it('keeps a CR that does not end a line', () => {
    expect(outputLines('a\rb\n')).toEqual(['a\rb', '']);
  });
});

describe('probe output in sections that start at marker lines', () => {
  const marker = /^#(conf|end)$/;

  it('names each section by the marker, and files the lines before the first marker under ""', () => {
    const s = outputSections('installed=yes\n#conf\nA=1\nB=2\n#end\nloaded=no', marker);
    expect([...s]).toEqual([
      ['', ['installed=yes']],
      ['conf', ['A=1', 'B=2']],
      ['end', ['loaded=no']],
    ]);
  });

  it('continues a section whose marker appears again', () => {
    expect(outputSections('#conf\nA=1\n#end\nx\n#conf\nB=2', marker).get('conf')).toEqual(['A=1', 'B=2']);
  });

  it('leaves a section that was never started absent, and a marker with nothing after it empty', () => {
    const s = outputSections('#conf', marker);
    expect(s.get('conf')).toEqual([]);
    expect(s.has('end')).toBe(false);
  });

  it('reads markers ended by CRLF', () => {
    expect(outputSections('@@ uname\r\nLinux\r\n@@ end\r\n', /^@@ (\S+)$/).get('uname')).toEqual(['Linux']);
  });

  it('treats a line that only resembles a marker as content', () => {
    expect(outputSections('#conf\n#config\n #end', marker).get('conf')).toEqual(['#config', ' #end']);
  });
});

describe('key=value lines of probe output', () => {
  it('splits at the first "=": a value may hold "=" itself', () => {
    expect(keyValues('opts=a=b=c').get('opts')).toBe('a=b=c');
  });

  it('reads an empty value as "", and a key that was not printed as absent', () => {
    const v = keyValues('marker=\n');
    expect(v.get('marker')).toBe('');
    expect(v.has('sha256')).toBe(false);
    expect(v.get('sha256')).toBeUndefined();
  });

  it('trims the value, a CR of a CRLF line end included', () => {
    expect(keyValues('dest=file  \r\nstatus=3\r\n')).toEqual(new Map([['dest', 'file'], ['status', '3']]));
  });

  it('keeps the first value of a key: text read from the host later cannot override what the probe printed', () => {
    expect(keyValues('dest=dir\nmarker=abc\ndest=missing').get('dest')).toBe('dir');
  });

  it('lists every pair in order, so a shell-style file can let the last assignment win', () => {
    expect(keyValuePairs('A=1\nB=2\nA=3')).toEqual([['A', '1'], ['B', '2'], ['A', '3']]);
    expect(new Map(keyValuePairs('A=1\nB=2\nA=3')).get('A')).toBe('3');
  });

  it('skips lines of other shapes: no "=", a key after spaces or holding spaces, a comment', () => {
    expect(keyValuePairs('Linux\n  ID=debian\nA B=1\n# X=1\n=x\nLoadState=loaded')).toEqual([['LoadState', 'loaded']]);
  });

  it('reads keys with digits, "_", "." and "-"', () => {
    expect(keyValuePairs('VERSION_ID=12\nnet.ipv4=1\nlock-frontend=no')).toEqual([['VERSION_ID', '12'], ['net.ipv4', '1'], ['lock-frontend', 'no']]);
  });

  it('reads lines given as a list as well as text', () => {
    expect(keyValues(['a=1', 'b=2']).get('b')).toBe('2');
  });
});

describe('"name field field" lines of probe output', () => {
  it('gives the fields after the first line that starts with the name and a space', () => {
    expect(fieldsAfter('attrs=x\nattrs 644 0 0 root root 12\nattrs 600', 'attrs')).toEqual(['644', '0', '0', 'root', 'root', '12']);
  });

  it('gives undefined when no line starts with the name and a space', () => {
    expect(fieldsAfter('fattrs 644\nattrs', 'attrs')).toBeUndefined();
  });
});
