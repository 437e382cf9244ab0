import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { checkBitcoinConf } from '../../../collections/bitcoin_i2p/bitcoin/check.js';
import { checkRpcAuth } from '../../../collections/bitcoin_i2p/bitcoin/rpcauth.js';
import { checkI2pdConf, parseI2pdConf } from '../../../collections/bitcoin_i2p/i2pd/check.js';
import { I2PD_OPTIONS } from '../../../collections/bitcoin_i2p/i2pd/options.js';
import { render } from '../../../src/template/render.js';
import * as vars from './vars.js';

const template = (name: string) => readFileSync(new URL(`../../../templates/${name}.hbs`, import.meta.url), 'utf8');
const fixture = (name: string) => readFileSync(new URL(`../../fixtures/templates/${name}`, import.meta.url), 'utf8');
const renderTemplate = (name: string, v: Record<string, unknown>) => render(template(name), v, { file: `templates/${name}.hbs` });

describe.each([
  ['i2pd.conf', 'defaults', vars.i2pdDefaults, 'i2pd.default.conf'],
  ['i2pd.conf', 'a private-network floodfill', vars.i2pdVariant, 'i2pd.variant.conf'],
  ['bitcoin.conf', 'defaults', vars.bitcoinDefaults, 'bitcoin.default.conf'],
  ['bitcoin.conf', 'a pruned I2P-only signet node', vars.bitcoinVariant, 'bitcoin.variant.conf'],
  ['bitcoind.service', 'defaults', vars.serviceDefaults, 'bitcoind.default.service'],
  ['bitcoind.service', 'other paths and user', vars.serviceVariant, 'bitcoind.variant.service'],
])('templates/%s.hbs with %s', (name, _label, v, expected) => {
  it(`renders exactly test/fixtures/templates/${expected}`, () => {
    expect(renderTemplate(name, v)).toBe(fixture(expected));
  });
});

describe('the rendered i2pd.conf', () => {
  it.each([['defaults', vars.i2pdDefaults], ['the variant', vars.i2pdVariant]])('with %s uses only keys i2pd 2.45.1 knows, each once, with valid values', (_l, v) => {
    const text = renderTemplate('i2pd.conf', v);
    const keys = parseI2pdConf(text).entries.map((e) => e.key);
    expect(keys.filter((k) => !I2PD_OPTIONS.has(k))).toEqual([]);
    expect(new Set(keys).size).toBe(keys.length);
    expect(checkI2pdConf(text, { file: 'i2pd.conf' })).toEqual([]);
  });

  it('cannot be rendered without a port, and the error says which variable to set', () => {
    expect(() => renderTemplate('i2pd.conf', {})).toThrow('templates/i2pd.conf.hbs:59:10: undefined variable "i2pd_port"');
  });

  it('writes an empty reseed list as "urls =", and leaves i2pd its own list when the variable is unset', () => {
    expect(renderTemplate('i2pd.conf', { ...vars.i2pdDefaults, i2pd_reseed_urls: [] })).toMatch(/^urls =$/m);
    expect(renderTemplate('i2pd.conf', { ...vars.i2pdDefaults, i2pd_reseed_urls: ['https://a.example/', 'https://b.example/'] })).toMatch(/^urls = https:\/\/a\.example\/,https:\/\/b\.example\/$/m);
    expect(renderTemplate('i2pd.conf', vars.i2pdDefaults)).not.toMatch(/urls/);
  });

  it('reads "false" and "no" written as strings as false', () => {
    const text = renderTemplate('i2pd.conf', { ...vars.i2pdDefaults, i2pd_ipv4: 'false', i2pd_sam_enabled: 'no' });
    expect(text).toMatch(/^ipv4 = false$/m);
    expect(text).toMatch(/\[sam\]\n## .*\nenabled = false$/m);
  });
});

describe('the rendered bitcoin.conf', () => {
  it.each([['defaults', vars.bitcoinDefaults], ['the variant', vars.bitcoinVariant]])('with %s passes checkBitcoinConf', (_l, v) => {
    expect(checkBitcoinConf(renderTemplate('bitcoin.conf', v), { file: 'bitcoin.conf' })).toEqual([]);
  });

  it('puts every option of a non-main chain in that chain\'s section, network-only ones included', () => {
    const text = renderTemplate('bitcoin.conf', vars.bitcoinVariant);
    const [top, section] = text.split('[signet]\n');
    expect(top.split('\n').filter((l) => l && !l.startsWith('#'))).toEqual(['chain=signet']);
    expect(section).toMatch(/^addnode=/m);
    expect(section).toMatch(/^rpcport=38400$/m);
  });

  it('holds an rpcauth line that accepts the password kept on the control machine, and never the password', () => {
    const text = renderTemplate('bitcoin.conf', vars.bitcoinVariant);
    const line = text.split('\n').find((l) => l.startsWith('rpcauth='))!;
    expect(checkRpcAuth(line, 'verify', vars.VARIANT_RPC_PASSWORD)).toBe(true);
    expect(text).not.toContain(vars.VARIANT_RPC_PASSWORD);
  });

  it('takes a single value where a list is expected (onlynet: i2p in YAML)', () => {
    expect(renderTemplate('bitcoin.conf', { bitcoin_onlynet: 'i2p', bitcoin_addnode: `${vars.PEER_A}:0` })).toMatch(/^onlynet=i2p\n(.*\n)*addnode=a{51}q\.b32\.i2p:0$/m);
  });

  it('writes no debug line when bitcoin_debug is an empty list', () => {
    expect(renderTemplate('bitcoin.conf', { bitcoin_debug: [] })).not.toMatch(/^debug=/m);
  });

  it('shows a mistyped extra option to the checker instead of writing it silently', () => {
    const text = renderTemplate('bitcoin.conf', { bitcoin_extra_options: { maxconnection: 20 } });
    expect(checkBitcoinConf(text, { file: 'bitcoin.conf' }).map((e) => e.message)).toEqual([
      'bitcoin.conf:12: unknown option "maxconnection": bitcoind ignores it with only a log warning, so the setting silently does nothing\n' +
      '  expected: an option of Bitcoin Core v29 (collections/bitcoin_i2p/bitcoin/options.ts)\n' +
      '  fix: did you mean "maxconnections"?',
    ]);
  });
});

describe('the documentation block at the top of each template', () => {
  // The variable list is the contract with the playbook and the operator's guide: it must name exactly the
  // variables the template reads.
  it.each([['i2pd.conf', 'i2pd_'], ['bitcoin.conf', 'bitcoin_'], ['bitcoind.service', 'bitcoin_']])('of %s documents every variable the template uses, and no other', (name, prefix) => {
    const source = template(name);
    const end = source.indexOf('--}}');
    const documented = new Set([...source.slice(0, end).matchAll(new RegExp(`^\\s+(${prefix}[a-z0-9_]+)\\s`, 'gm'))].map((m) => m[1]));
    const used = new Set([...source.slice(end).matchAll(new RegExp(`\\b(${prefix}[a-z0-9_]+)\\b`, 'g'))].map((m) => m[1]));
    expect([...documented].sort()).toEqual([...used].sort());
  });
});
