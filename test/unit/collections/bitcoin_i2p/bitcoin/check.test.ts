import { describe, expect, it } from '@jest/globals';
import { checkBitcoinConf } from '../../../../../collections/bitcoin_i2p/bitcoin/check.js';
import { makeRpcAuth } from '../../../../../collections/bitcoin_i2p/bitcoin/rpcauth.js';

const PEER = `${'a'.repeat(51)}q.b32.i2p`;
const RPCAUTH = makeRpcAuth('u', 'p', '00').line;
const errors = (text: string) => checkBitcoinConf(text, { file: 'bitcoin.conf' }).map((e) => e.message);

describe('checkBitcoinConf accepts', () => {
  it.each([
    ['a plain I2P node', `server=1\n${RPCAUTH}\ni2psam=127.0.0.1:7656\ni2pacceptincoming=1\nonlynet=i2p\nonlynet=onion\ndebug=i2p\naddnode=${PEER}:0\n`],
    ['comments, blank lines and spaces around "="', '# a comment\n\n  server = 1   # trailing comment\n'],
    ['a negated option', 'nolisten=1\n'],
    ['network-only options in the chain\'s section', 'chain=test\n[test]\naddnode=1.2.3.4\nport=18444\n'],
    ['network-only options at the top on main', 'addnode=1.2.3.4\nrpcport=8332\n'],
    ['the section.key form', 'chain=regtest\nregtest.rpcport=18443\n'],
    ['debug and onlynet repeated (they are lists)', 'debug=i2p\ndebug=net\ni2psam=127.0.0.1:7656\nonlynet=i2p\nonlynet=ipv4\n'],
    ['prune with txindex=0', 'prune=550\ntxindex=0\n'],
    ['manual pruning (prune=1) and a clearnet addnode', 'prune=1\naddnode=example.org:8333\n'],
    ['an explicit i2pacceptincoming=0 without i2psam', 'i2pacceptincoming=0\n'],
  ])('%s', (_l, text) => {
    expect(errors(text)).toEqual([]);
  });
});

describe('checkBitcoinConf refuses, with the exact message', () => {
  it.each([
    ['an unknown key, with a suggestion', 'rpcalowip=127.0.0.1\n', [
      'bitcoin.conf:1: unknown option "rpcalowip": bitcoind ignores it with only a log warning, so the setting silently does nothing\n  expected: an option of Bitcoin Core v29 (collections/bitcoin_i2p/bitcoin/options.ts)\n  fix: did you mean "rpcallowip"?']],
    ['an unknown negated key, with the suggestion negated', 'nolistn=1\n', [
      'bitcoin.conf:1: unknown option "nolistn": bitcoind ignores it with only a log warning, so the setting silently does nothing\n  expected: an option of Bitcoin Core v29 (collections/bitcoin_i2p/bitcoin/options.ts)\n  fix: did you mean "nolisten"?']],
    ['an unknown key with nothing close', 'frobnicate=1\n', [
      'bitcoin.conf:1: unknown option "frobnicate": bitcoind ignores it with only a log warning, so the setting silently does nothing\n  expected: an option of Bitcoin Core v29 (collections/bitcoin_i2p/bitcoin/options.ts)\n  fix: remove the line or correct the name']],
    ['an i2pd option in bitcoin.conf (mempoolfullrbf is gone in v29 too)', 'mempoolfullrbf=1\n', [
      'bitcoin.conf:1: unknown option "mempoolfullrbf": bitcoind ignores it with only a log warning, so the setting silently does nothing\n  expected: an option of Bitcoin Core v29 (collections/bitcoin_i2p/bitcoin/options.ts)\n  fix: remove the line or correct the name']],
    ['a leading dash', '-txindex=1\n', [
      'bitcoin.conf:1: "-txindex=1": options in bitcoin.conf are written without the leading "-"; bitcoind refuses to start\n  fix: write "txindex=1"']],
    ['a line without "="', 'server=1\nnolisten\n', [
      'bitcoin.conf:2: line "nolisten" is neither "key=value" nor a [section]; bitcoind refuses to start\n  fix: write "nolisten=1" (a negation is written noX=1)']],
    ['rpcpassword, anywhere', 'rpcuser=u\n[test]\nrpcpassword=hunter2\n', [
      'bitcoin.conf:3: the settings in [test] (line 3) are ignored: the chain is main\n  fix: move them above the first section',
      'bitcoin.conf:3: plaintext RPC password (rpcpassword): it is never written to a host\n  fix: use rpcauth=USER:SALT$HMAC (makeRpcAuth, the algorithm of share/rpcauth/rpcauth.py) and keep the password on the control machine']],
    ['a malformed rpcauth', 'rpcauth=alice:hunter2\n', [
      'bitcoin.conf:1: rpcauth is not USER:SALT$HMAC; bitcoind refuses to start its RPC server\n  expected: USER:SALT$HMAC with the HMAC-SHA256 in 64 hex digits (makeRpcAuth)']],
    ['onlynet=i2p without i2psam', 'onlynet=i2p\n', [
      'bitcoin.conf:1: onlynet=i2p without i2psam: bitcoind refuses to start ("Outbound connections restricted to i2p (-onlynet=i2p) but -i2psam is not provided")\n  fix: add i2psam=127.0.0.1:7656 (the SAM bridge of i2pd)']],
    ['onlynet=i2p when i2psam is set only for another chain', 'onlynet=i2p\n[test]\ni2psam=127.0.0.1:7656\n', [
      'bitcoin.conf:1: onlynet=i2p without i2psam: bitcoind refuses to start ("Outbound connections restricted to i2p (-onlynet=i2p) but -i2psam is not provided")\n  fix: add i2psam=127.0.0.1:7656 (the SAM bridge of i2pd)',
      'bitcoin.conf:3: the settings in [test] (line 3) are ignored: the chain is main\n  fix: move them above the first section']],
    ['an unknown network', 'i2psam=127.0.0.1:7656\nonlynet=i2pp\n', [
      'bitcoin.conf:2: unknown network "i2pp" in onlynet; bitcoind refuses to start\n  expected: one of ipv4, ipv6, onion, i2p, cjdns\n  fix: did you mean "i2p"?']],
    ['i2pacceptincoming=1 without i2psam (an error, by our choice)', 'i2pacceptincoming=1\n', [
      'bitcoin.conf:1: i2pacceptincoming=1 without i2psam does nothing: bitcoind ignores it, so the node accepts no I2P connections\n  fix: add i2psam=127.0.0.1:7656, or remove i2pacceptincoming']],
    ['an i2psam that is not HOST:PORT', 'i2psam=127.0.0.1:76560\n', [
      'bitcoin.conf:1: i2psam "127.0.0.1:76560" is not HOST:PORT; bitcoind refuses to start\n  expected: HOST:PORT, e.g. 127.0.0.1:7656']],
    ['prune with txindex=1', 'prune=550\ntxindex=1\n', [
      'bitcoin.conf:1: prune and txindex=1 together: bitcoind refuses to start ("Prune mode is incompatible with -txindex.")\n  fix: remove txindex=1, or set prune=0']],
    ['prune below 550 MiB', 'prune=300\n', [
      'bitcoin.conf:1: prune=300 is below the minimum of 550 MiB; bitcoind refuses to start\n  fix: use prune=550 or more (1 = prune only by RPC, 0 = keep every block)']],
    ['an I2P addnode without a port', `addnode=${PEER}\n`, [
      `bitcoin.conf:1: addnode "${PEER}" has no port: bitcoind would use its default port, and it never connects to an I2P address with a port other than 0\n  fix: write addnode=${PEER}:0 (I2P peers use port 0, see doc/i2p.md)`]],
    ['an I2P addnode with port 8333', `addnode=${PEER}:8333\n`, [
      `bitcoin.conf:1: addnode "${PEER}:8333" uses port 8333: bitcoind never connects to an I2P address with a port other than 0\n  fix: write addnode=${PEER}:0 (I2P peers use port 0, see doc/i2p.md)`]],
    ['an I2P name that is not a .b32.i2p address', 'connect=zzz.i2p:0\n', [
      'bitcoin.conf:1: connect "zzz.i2p:0" is not a .b32.i2p address: bitcoind reaches I2P peers only by their 52-character HASH.b32.i2p address\n  fix: write connect=HASH.b32.i2p:0 with the peer\'s 52-character hash']],
    ['a network-only option outside the section when the chain is not main', 'chain=signet\naddnode=1.2.3.4\n[signet]\nserver=1\n', [
      'bitcoin.conf:2: network-only option "addnode" is outside [signet]: with chain=signet bitcoind ignores it there, and refuses to start unless [signet] sets it\n  fix: move "addnode=1.2.3.4" into the [signet] section']],
    ['two chains', 'chain=test\nregtest=1\n', [
      'bitcoin.conf:2: more than one chain is selected (chain=test on line 1, regtest=1 on line 2); bitcoind refuses to start\n  fix: keep a single chain=... line']],
    ['an unknown chain', 'chain=testnet\n', [
      'bitcoin.conf:1: unknown chain "testnet"; bitcoind refuses to start\n  expected: one of main, test, testnet4, signet, regtest\n  fix: did you mean "testnet4"?']],
    ['chain= inside a section', '[test]\nchain=test\n', [
      'bitcoin.conf:2: "chain" inside [test] is ignored: bitcoind chooses the chain from the lines above the first section\n  fix: move "chain=test" above the first [section]']],
    ['an unknown section', '[testnet]\nserver=1\n', [
      'bitcoin.conf:1: unknown section [testnet]: bitcoind ignores every setting in it\n  expected: one of [main], [test], [testnet4], [signet], [regtest]\n  fix: did you mean [testnet4]?']],
    ['"true" for a yes/no option', 'txindex=true\n', [
      'bitcoin.conf:1: "txindex=true": bitcoind reads "true" as 0 (off), whatever it says\n  fix: write txindex=1 or txindex=0']],
    ['a single-value option set twice', 'dbcache=300\nserver=1\ndbcache=4000\n', [
      'bitcoin.conf:3: "dbcache" is set 2 times (lines 1, 3): bitcoind uses only the first (line 1)\n  fix: keep one "dbcache=" line']],
    ['conf inside the file', 'conf=/etc/other.conf\n', [
      'bitcoin.conf:1: "conf" cannot be set inside bitcoin.conf; bitcoind refuses to start\n  fix: pass -conf on the command line, or use includeconf=FILE']],
    ['a negated datadir', 'nodatadir=1\n', [
      'bitcoin.conf:1: "nodatadir": negating datadir is forbidden; bitcoind refuses to start\n  fix: remove the line or give datadir a value']],
    ['an unknown debug category', 'debug=i2pp\n', [
      'bitcoin.conf:1: unknown debug category "i2pp" in debug; bitcoind refuses to start\n  fix: did you mean "i2p"?']],
    ['rpcbind without rpcallowip', 'rpcbind=0.0.0.0\n', [
      'bitcoin.conf:1: rpcbind without rpcallowip is ignored: bitcoind listens on localhost only\n  fix: add rpcallowip=... for the addresses that may connect, or remove rpcbind']],
  ])('%s', (_l, text, expected) => {
    expect(errors(text)).toEqual(expected);
  });

  it('names the host and orders the problems by line', () => {
    const found = checkBitcoinConf('txindex=1\nprune=550\nrpcpassword=x\n', { file: '/etc/bitcoin/bitcoin.conf', host: 'node1' });
    expect(found.map((e) => [e.problem.where, e.problem.code])).toEqual([
      [{ file: '/etc/bitcoin/bitcoin.conf', line: 2, host: 'node1' }, 'bitcoin-conf-prune'],
      [{ file: '/etc/bitcoin/bitcoin.conf', line: 3, host: 'node1' }, 'bitcoin-conf-rpcpassword'],
    ]);
    expect(found[0].message.startsWith('/etc/bitcoin/bitcoin.conf:2: host node1: prune and txindex=1')).toBe(true);
  });

  it('judges combinations on the chain in use: [test] settings count on chain=test, the top ones for other options too', () => {
    expect(errors('chain=test\ntxindex=1\n[test]\nprune=550\n')).toEqual([
      'bitcoin.conf:4: prune and txindex=1 together: bitcoind refuses to start ("Prune mode is incompatible with -txindex.")\n  fix: remove txindex=1, or set prune=0',
    ]);
  });

  it('never shows the value of an rpcpassword line', () => {
    expect(errors('rpcpassword=correct-horse-battery\n').join('\n')).not.toContain('correct-horse');
  });
});
