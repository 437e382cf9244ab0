// Combinations and values of bitcoin.conf that Bitcoin Core v29 refuses at start (src/init.cpp
// AppInitParameterInteraction / AppInitMain, node/blockmanager_args.cpp, httprpc.cpp), or that silently do nothing.
import { closest, type ProblemInfo } from 'provision';
import { DEBUG_CATEGORIES, NETWORKS, type Chain } from './options.js';
import { effective, effectiveBool, type ParsedConf } from './parse.js';

/** A problem found in bitcoin.conf, at a line. */
export type Problem = Omit<ProblemInfo, 'where'> & { line: number };

const B32 = /^[a-z2-7]{52}\.b32\.i2p$/;

/** Problems of combinations and values, judged on the settings bitcoind would use for `chain`. */
export function combinationProblems(conf: ParsedConf, chain: Chain): Problem[] {
  const problems: Problem[] = [];
  const get = (name: string) => effective(conf, chain, name);
  const i2psam = get('i2psam')[0];
  const hasI2pSam = i2psam !== undefined && i2psam.value !== '' && i2psam.value !== '0';

  for (const e of conf.entries.filter((x) => x.name === 'rpcpassword')) {
    problems.push({ line: e.line, what: 'plaintext RPC password (rpcpassword): it is never written to a host', fix: 'use rpcauth=USER:SALT$HMAC (makeRpcAuth, the algorithm of share/rpcauth/rpcauth.py) and keep the password on the control machine', code: 'bitcoin-conf-rpcpassword' });
  }
  for (const e of conf.entries.filter((x) => x.name === 'rpcauth' && !x.negated)) {
    if (!/^[^:$]+:[^:$]*\$[0-9a-fA-F]{64}$/.test(e.value)) {
      problems.push({ line: e.line, what: 'rpcauth is not USER:SALT$HMAC; bitcoind refuses to start its RPC server', expected: 'USER:SALT$HMAC with the HMAC-SHA256 in 64 hex digits (makeRpcAuth)', code: 'bitcoin-conf-rpcauth' });
    }
  }

  const onlynet = get('onlynet');
  for (const o of onlynet) {
    if ((NETWORKS as readonly string[]).includes(o.value)) continue;
    const guess = closest(o.value, NETWORKS);
    problems.push({ line: o.line, what: `unknown network "${o.value}" in onlynet; bitcoind refuses to start`, expected: `one of ${NETWORKS.join(', ')}`, ...(guess ? { fix: `did you mean "${guess}"?` } : {}), code: 'bitcoin-conf-onlynet' });
  }
  const onlyI2p = onlynet.find((o) => o.value === 'i2p');
  if (onlyI2p && !hasI2pSam) {
    problems.push({ line: onlyI2p.line, what: 'onlynet=i2p without i2psam: bitcoind refuses to start ("Outbound connections restricted to i2p (-onlynet=i2p) but -i2psam is not provided")', fix: 'add i2psam=127.0.0.1:7656 (the SAM bridge of i2pd)', code: 'bitcoin-conf-i2p' });
  }
  const onlyCjdns = onlynet.find((o) => o.value === 'cjdns');
  if (onlyCjdns && get('cjdnsreachable').length === 0) {
    problems.push({ line: onlyCjdns.line, what: 'onlynet=cjdns without cjdnsreachable: bitcoind refuses to start', fix: 'add cjdnsreachable=1, or remove onlynet=cjdns', code: 'bitcoin-conf-onlynet' });
  }
  // Our choice: an error, not a warning. bitcoind ignores i2pacceptincoming without i2psam, so a node meant to be an
  // I2P service would quietly not be one.
  const accept = get('i2pacceptincoming')[0];
  if (accept && effectiveBool(conf, chain, 'i2pacceptincoming') && !hasI2pSam) {
    problems.push({ line: accept.line, what: 'i2pacceptincoming=1 without i2psam does nothing: bitcoind ignores it, so the node accepts no I2P connections', fix: 'add i2psam=127.0.0.1:7656, or remove i2pacceptincoming', code: 'bitcoin-conf-i2p' });
  }
  if (hasI2pSam && !isHostPort(i2psam.value)) {
    problems.push({ line: i2psam.line, what: `i2psam "${i2psam.value}" is not HOST:PORT; bitcoind refuses to start`, expected: 'HOST:PORT, e.g. 127.0.0.1:7656', code: 'bitcoin-conf-i2p' });
  }

  const prune = get('prune')[0];
  const pruneMiB = prune ? Number(/^\s*[+-]?\d+/.exec(prune.value)?.[0] ?? 0) : 0;
  if (prune && pruneMiB !== 0 && effectiveBool(conf, chain, 'txindex')) {
    problems.push({ line: prune.line, what: 'prune and txindex=1 together: bitcoind refuses to start ("Prune mode is incompatible with -txindex.")', fix: 'remove txindex=1, or set prune=0', code: 'bitcoin-conf-prune' });
  }
  if (prune && (pruneMiB < 0 || (pruneMiB > 1 && pruneMiB < 550))) {
    problems.push({ line: prune.line, what: `prune=${prune.value} is below the minimum of 550 MiB; bitcoind refuses to start`, fix: 'use prune=550 or more (1 = prune only by RPC, 0 = keep every block)', code: 'bitcoin-conf-prune' });
  }

  for (const e of conf.entries.filter((x) => ['addnode', 'connect', 'seednode'].includes(x.name) && !x.negated)) {
    const p = i2pPeerProblem(e.name, e.value);
    if (p) problems.push({ line: e.line, ...p, code: 'bitcoin-conf-i2p-peer' });
  }
  for (const e of conf.entries.filter((x) => (x.name === 'debug' || x.name === 'debugexclude') && !x.negated && x.value !== '')) {
    if (DEBUG_CATEGORIES.has(e.value)) continue;
    const guess = closest(e.value, [...DEBUG_CATEGORIES].filter((c) => c.length > 1));
    problems.push({ line: e.line, what: `unknown debug category "${e.value}" in ${e.name}; bitcoind refuses to start`, ...(guess ? { fix: `did you mean "${guess}"?` } : { fix: 'see the categories in bitcoind -help (debug=)' }), code: 'bitcoin-conf-debug' });
  }
  const rpcbind = get('rpcbind')[0];
  if (rpcbind && get('rpcallowip').length === 0) {
    problems.push({ line: rpcbind.line, what: 'rpcbind without rpcallowip is ignored: bitcoind listens on localhost only', fix: 'add rpcallowip=... for the addresses that may connect, or remove rpcbind', code: 'bitcoin-conf-rpc' });
  }
  return problems;
}

/** HOST, HOST:PORT or [IPv6]:PORT with a port of 1-65535 (what SplitHostPort accepts). */
function isHostPort(value: string): boolean {
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:\s[\]]+)(?::(\d{1,5}))?$/.exec(value);
  return m !== null && (m[2] === undefined || (Number(m[2]) >= 1 && Number(m[2]) <= 65535));
}

/** Why an addnode/connect/seednode value cannot reach an I2P peer (doc/i2p.md: I2P peers are HASH.b32.i2p:0). */
function i2pPeerProblem(name: string, value: string): { what: string; fix: string } | undefined {
  const m = /^(.*?)(?::(\d+))?$/.exec(value);
  const host = (m?.[1] ?? value).toLowerCase();
  if (!host.endsWith('.i2p')) return undefined;
  const port = m?.[2];
  const fixed = B32.test(host) ? `${host}:0` : 'HASH.b32.i2p:0 with the peer\'s 52-character hash';
  if (!B32.test(host)) {
    return { what: `${name} "${value}" is not a .b32.i2p address: bitcoind reaches I2P peers only by their 52-character HASH.b32.i2p address`, fix: `write ${name}=${fixed}` };
  }
  if (port === undefined) {
    return { what: `${name} "${value}" has no port: bitcoind would use its default port, and it never connects to an I2P address with a port other than 0`, fix: `write ${name}=${fixed} (I2P peers use port 0, see doc/i2p.md)` };
  }
  if (port !== '0') {
    return { what: `${name} "${value}" uses port ${port}: bitcoind never connects to an I2P address with a port other than 0`, fix: `write ${name}=${fixed} (I2P peers use port 0, see doc/i2p.md)` };
  }
  return undefined;
}
