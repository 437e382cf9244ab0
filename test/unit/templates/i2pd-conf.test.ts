import { describe, expect, it } from '@jest/globals';
import { checkI2pdConf, parseI2pdConf } from '../../../collections/bitcoin_i2p/i2pd/check.js';
import { I2PD_OPTIONS } from '../../../collections/bitcoin_i2p/i2pd/options.js';

const errors = (text: string) => checkI2pdConf(text, { file: 'i2pd.conf' }).map((e) => e.message);

describe('the i2pd 2.45.1 option list', () => {
  it('holds the 153 options of i2pd --help, without the keys later releases added', () => {
    expect(I2PD_OPTIONS.size).toBe(153);
    for (const newer of ['http.showTotalTCSR', 'sam.portudp', 'limits.zombies', 'httpproxy.senduseragent']) expect(I2PD_OPTIONS.has(newer)).toBe(false);
    expect(I2PD_OPTIONS.get('limits.transittunnels')).toBe('number');
    expect(I2PD_OPTIONS.get('ssu2.published')).toBe('bool');
  });
});

describe('parseI2pdConf', () => {
  it('reads keys under a [section] as section.key, drops comments and keeps empty values', () => {
    expect(parseI2pdConf('port = 1 # mine\n[reseed]\n# verify = true\nurls =\n[httpproxy]\ninbound.length = 3\n').entries).toEqual([
      { key: 'port', value: '1', line: 1 },
      { key: 'reseed.urls', value: '', line: 4 },
      { key: 'httpproxy.inbound.length', value: '3', line: 6 },
    ]);
  });
});

describe('checkI2pdConf refuses what makes i2pd exit, with the exact message', () => {
  it.each([
    ['an unknown key, with a suggestion', '[sam]\nenable = true\n', [
      'i2pd.conf:2: unknown i2pd option "sam.enable": i2pd 2.45.1 exits at start on an unknown key\n  fix: did you mean "sam.enabled"?']],
    ['a key of a newer i2pd', '[sam]\nportudp = 7655\n', [
      'i2pd.conf:2: unknown i2pd option "sam.portudp": i2pd 2.45.1 exits at start on an unknown key\n  fix: did you mean "sam.port"?']],
    ['a key with nothing close', '[http]\nshowTotalTCSR = true\n', [
      'i2pd.conf:2: unknown i2pd option "http.showTotalTCSR": i2pd 2.45.1 exits at start on an unknown key\n  fix: remove it (collections/bitcoin_i2p/i2pd/options.ts lists what i2pd 2.45.1 accepts)']],
    ['a repeated key', 'port = 1\nipv4 = true\nport = 2\n', [
      'i2pd.conf:3: "port" is set twice (lines 1 and 3): i2pd exits at start on a repeated key\n  fix: keep only one of the two lines']],
    ['a bad bool', 'ipv6 = maybe\n', [
      'i2pd.conf:1: "ipv6" takes true or false: i2pd exits at start on anything else\n  got: maybe\n  fix: write ipv6 = true or ipv6 = false']],
    ['a bad number', 'port = auto\n', [
      'i2pd.conf:1: "port" takes a whole number: i2pd exits at start on anything else\n  got: auto\n  fix: write a number, e.g. port = 0']],
    ['a bandwidth i2pd would silently turn into L', 'bandwidth = fast\n', [
      'i2pd.conf:1: "bandwidth" takes a class letter (L, O, P, X) or KB/s: i2pd silently falls back to L (32 KB/s) otherwise\n  got: fast\n  fix: write bandwidth = L, O, P, X or a number of KB/s']],
    ['a line without "="', 'floodfill\n', [
      'i2pd.conf:1: line "floodfill" is neither "key = value" nor a [section]: i2pd exits at start on it\n  fix: write it as "key = value", or start it with # to make it a comment']],
  ])('%s', (_l, text, expected) => {
    expect(errors(text)).toEqual(expected);
  });

  it('accepts yes/no/on/off/1/0 for bools and a number for bandwidth', () => {
    expect(errors('ipv4 = yes\nipv6 = OFF\nnat = 0\nbandwidth = 4096\n[sam]\nenabled = 1\n')).toEqual([]);
  });
});
