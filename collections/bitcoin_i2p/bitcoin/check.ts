// The control-side check of a rendered bitcoin.conf: bitcoind only logs a warning for an unknown key and quietly
// ignores settings in the wrong section, so every typo would silently switch a feature off. Nothing that fails here
// is ever written to a host.
import { closest, ProvisionError, type Where } from 'provision';
import { BITCOIN_OPTIONS, BITCOIN_OPTIONS_VERSION, CHAINS, FLAG_OPTIONS, LIST_OPTIONS, NETWORK_ONLY, NO_NEGATION } from './options.js';
import { chainSelectors, isChain, parseBitcoinConf, selectedChain, type ConfEntry, type ParsedConf } from './parse.js';
import { combinationProblems, type Problem } from './rules.js';

// `h` and `?` are real (hidden) options but never a plausible correction of a typo.
const SUGGESTIONS = [...BITCOIN_OPTIONS].filter((n) => n.length > 2);

/** Every reason to refuse this bitcoin.conf, each pointing at its line (an empty list when it is fine). */
export function checkBitcoinConf(text: string, where: { file: string; host?: string }): ProvisionError[] {
  const conf = parseBitcoinConf(text);
  const chain = selectedChain(conf);
  const problems: Problem[] = [...syntaxProblems(conf), ...keyProblems(conf), ...sectionProblems(conf, chain)];
  // Combinations are judged on what bitcoind would really use, which needs a chain it knows.
  if (isChain(chain)) problems.push(...combinationProblems(conf, chain));
  return problems
    .sort((a, b) => a.line - b.line)
    .map(({ line, ...p }) => new ProvisionError({ ...p, where: at(where, line) }));
}

function at(where: { file: string; host?: string }, line: number): Where {
  return { file: where.file, line, ...(where.host ? { host: where.host } : {}) };
}

function syntaxProblems(conf: ParsedConf): Problem[] {
  return conf.syntax.map((s) => s.kind === 'leading-dash'
    ? { line: s.line, what: `"${s.text}": options in bitcoin.conf are written without the leading "-"; bitcoind refuses to start`, fix: `write "${s.text.replace(/^-+/, '')}"`, code: 'bitcoin-conf-syntax' }
    : { line: s.line, what: `line "${s.text}" is neither "key=value" nor a [section]; bitcoind refuses to start`, fix: `write "${s.text}=1"${s.text.startsWith('no') ? ' (a negation is written noX=1)' : ''}`, code: 'bitcoin-conf-syntax' });
}

function keyProblems(conf: ParsedConf): Problem[] {
  const problems: Problem[] = [];
  const firstLine = new Map<string, ConfEntry[]>();
  for (const e of conf.entries) {
    if (!BITCOIN_OPTIONS.has(e.name)) {
      const match = closest(e.name, SUGGESTIONS);
      const guess = match && (e.negated ? `no${match}` : match);
      problems.push({
        line: e.line,
        what: `unknown option "${e.written}": bitcoind ignores it with only a log warning, so the setting silently does nothing`,
        expected: `an option of Bitcoin Core ${BITCOIN_OPTIONS_VERSION} (collections/bitcoin_i2p/bitcoin/options.ts)`,
        fix: guess ? `did you mean "${guess}"?` : 'remove the line or correct the name',
        code: 'bitcoin-conf-unknown',
      });
      continue;
    }
    if (e.name === 'conf') {
      problems.push({ line: e.line, what: '"conf" cannot be set inside bitcoin.conf; bitcoind refuses to start', fix: 'pass -conf on the command line, or use includeconf=FILE', code: 'bitcoin-conf-key' });
    }
    if (e.negated && NO_NEGATION.has(e.name)) {
      problems.push({ line: e.line, what: `"${e.written}": negating ${e.name} is forbidden; bitcoind refuses to start`, fix: `remove the line or give ${e.name} a value`, code: 'bitcoin-conf-key' });
    }
    if (!e.negated && FLAG_OPTIONS.has(e.name) && /^(true|false|yes|no|on|off)$/i.test(e.value)) {
      problems.push({ line: e.line, what: `"${e.written}=${e.value}": bitcoind reads "${e.value}" as 0 (off), whatever it says`, fix: `write ${e.written}=1 or ${e.written}=0`, code: 'bitcoin-conf-value' });
    }
    if (!LIST_OPTIONS.has(e.name)) {
      const id = `${e.section}\0${e.name}`;
      firstLine.set(id, [...(firstLine.get(id) ?? []), e]);
    }
  }
  for (const same of firstLine.values()) {
    if (same.length < 2) continue;
    const lines = same.map((e) => e.line);
    problems.push({
      line: lines[1],
      what: `"${same[0].name}" is set ${same.length} times (lines ${lines.join(', ')}): bitcoind uses only the first (line ${lines[0]})`,
      fix: `keep one "${same[0].name}=" line`,
      code: 'bitcoin-conf-repeated',
    });
  }
  return problems;
}

function sectionProblems(conf: ParsedConf, chain: string): Problem[] {
  const problems: Problem[] = [];
  const known = CHAINS as readonly string[];
  const reported = new Set<string>();
  for (const s of conf.sections) {
    if (known.includes(s.name) || reported.has(s.name)) continue;
    reported.add(s.name);
    const guess = closest(s.name, known);
    problems.push({
      line: s.line,
      what: `unknown section [${s.name}]: bitcoind ignores every setting in it`,
      expected: `one of ${known.map((c) => `[${c}]`).join(', ')}`,
      fix: guess ? `did you mean [${guess}]?` : 'use the section of a chain, or move the settings above the first section',
      code: 'bitcoin-conf-section',
    });
  }
  const selectors = chainSelectors(conf);
  if (selectors.length > 1) {
    problems.push({
      line: selectors[1].line,
      what: `more than one chain is selected (${selectors.map((e) => `${e.written}=${e.value} on line ${e.line}`).join(', ')}); bitcoind refuses to start`,
      fix: 'keep a single chain=... line',
      code: 'bitcoin-conf-chain',
    });
  }
  if (selectors[0]?.name === 'chain' && !isChain(chain)) {
    const guess = closest(chain, known);
    problems.push({ line: selectors[0].line, what: `unknown chain "${chain}"; bitcoind refuses to start`, expected: `one of ${known.join(', ')}`, ...(guess ? { fix: `did you mean "${guess}"?` } : {}), code: 'bitcoin-conf-chain' });
  }
  for (const e of conf.entries) {
    if (e.section !== '' && ['chain', 'regtest', 'signet', 'testnet', 'testnet4'].includes(e.name)) {
      problems.push({ line: e.line, what: `"${e.written}" inside [${e.section}] is ignored: bitcoind chooses the chain from the lines above the first section`, fix: `move "${e.written}=${e.value}" above the first [section]`, code: 'bitcoin-conf-chain' });
    }
  }
  if (!isChain(chain)) return problems;
  for (const name of known.filter((c) => c !== chain)) {
    const ignored = conf.entries.filter((e) => e.section === name && !['chain', 'regtest', 'signet', 'testnet', 'testnet4'].includes(e.name));
    if (ignored.length === 0) continue;
    problems.push({
      line: ignored[0].line,
      what: `the settings in [${name}] (line${ignored.length > 1 ? 's' : ''} ${ignored.map((e) => e.line).join(', ')}) are ignored: the chain is ${chain}`,
      fix: chain === 'main' ? 'move them above the first section' : `move them into [${chain}]`,
      code: 'bitcoin-conf-section',
    });
  }
  if (chain !== 'main') {
    for (const e of conf.entries.filter((x) => x.section === '' && NETWORK_ONLY.has(x.name))) {
      problems.push({
        line: e.line,
        what: `network-only option "${e.written}" is outside [${chain}]: with chain=${chain} bitcoind ignores it there, and refuses to start unless [${chain}] sets it`,
        fix: `move "${e.written}=${e.value}" into the [${chain}] section`,
        code: 'bitcoin-conf-network-only',
      });
    }
  }
  return problems;
}
